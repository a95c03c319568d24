"""What runs inside PrairieLearn for a question: ``generate(data)`` of its server.py.

Each exported server.py calls :func:`generate` with its step. The problem comes from the
variant's seed (``data["variant_seed"]``) through bpgrade's own generator, so a variant shows
exactly the numbers of ``bpgrade problem --seed N`` (and a code question's student can run
``bpgrade check STEP --seed N`` offline). ``data["params"]`` gets the seed, the whole problem
(the JSON of ``bpgrade problem --json``), the network drawing (``network_svg_base64``: the
sheets' SVG, shown as an image so that its style cannot reach the rest of the page) and, under
``values``, every number the step's ``net`` holds beyond the drawing's;
``data["correct_answers"]`` gets the step's reference answers, keyed by the ``answers-name`` of
each ``pl-number-input`` (:func:`answers`).

Nothing here is imported by the grading path. The export writes the question pages from the
same functions (names, symbols, what the table lists), so a page and its answers agree.
"""

from __future__ import annotations

from ... import notation
from ...errors import UsageError
from ...i18n import pick, text

SEED_RANGE = 1 << 63               # bpgrade's seeds are non-negative; a variant seed maps into them
# Computed values are shown with this many significant digits: a hand calculation from them
# stays well inside the relative tolerance of 1e-6 even where it subtracts close numbers.
SHOWN = "{:.12g}"
GIVEN = "{:.2f}"                   # inputs, parameters, target and rate have two decimals

MESSAGES = {
    "no_seed": {"en": "the question data has no usable variant seed: {value!r}",
                "zh": "题目数据中没有可用的变体种子：{value!r}"},
}


def variant_seed(data: dict, lang: str = "en") -> int:
    """bpgrade's seed for a variant: the variant seed itself (PrairieLearn's are non-negative
    integers), reduced into bpgrade's range."""
    value = data.get("variant_seed")
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise UsageError(text(MESSAGES, "no_seed", lang, value=value))
    try:
        return int(value) % SEED_RANGE
    except ValueError:
        raise UsageError(text(MESSAGES, "no_seed", lang, value=value)) from None


def numeric(step) -> bool:
    """Is ``step`` asked as numbers to type in? Every step whose answers are numbers of the
    lesson's network, except the naive gradient (step18), whose point is the code's cost."""
    return not step.arrays and not step.offers_loss


def answers(step) -> list:
    """(answers-name, quantity) for each number the step asks: the dict key, or the quantity's
    own name for a single number (both are names of :mod:`grader.notation`)."""
    return [(key or quantity, quantity) for key, quantity in step.answer_items]


def drawn(step) -> bool:
    """Does the question show the lesson's network (every step on it; not the matrix step)?"""
    return not step.arrays


def _drawn_names() -> set:
    from ...steps import registry

    return set(registry.INPUTS) - {"eta"} | set(registry.PARAMETERS)


def table_names(step) -> list:
    """The names ``net`` holds for ``step`` that the drawing does not show, in ``net``'s order:
    the rate, forward values and the gradients of earlier steps."""
    if not drawn(step):
        return []
    shown = _drawn_names()
    return [name for name in step.context if name not in shown]


def shown_number(name: str, value: float) -> str:
    """A value as the question shows it: a given number with its two decimals, a computed one
    to :data:`SHOWN`'s digits (``+ 0.0``: a zero is never -0)."""
    from ...steps import registry

    form = GIVEN if name in registry.INPUTS or name in registry.PARAMETERS else SHOWN
    return form.format(float(value) + 0.0)


def drawing_description(lang: str) -> str:
    """The drawing's words for a screen reader: the sheets' own."""
    from ...render.sheets.model import MESSAGES as SHEET_MESSAGES

    return text(SHEET_MESSAGES, "network_drawing", lang)


def network_svg(problem, values, lang: str) -> str:
    """The sheets' drawing of the network with this problem's numbers (one drawing for both)."""
    from ...render.sheets import drawing

    return drawing.svg(drawing.network(problem, values, "html"), drawing_description(lang))


def as_image_data(svg: str) -> str:
    """``svg`` base64-encoded for a ``data:image/svg+xml`` image: its ``<style>`` then applies
    to the drawing alone, never to the page's other SVG (MathJax's, PrairieLearn's)."""
    import base64

    return base64.b64encode(svg.encode("utf-8")).decode("ascii")


def generate(data: dict, step_id: str, lang: str = "en", code: bool = False) -> None:
    """server.py's ``generate``: fill ``data["params"]`` and, for a question answered with
    numbers (``code`` False), ``data["correct_answers"]``."""
    from ...engine.generators import generate as draw
    from ...steps import problem_data, quantities, registry

    step = registry.get(step_id, lang)
    seed = variant_seed(data, lang)
    problem = draw(seed, lang=lang)
    reference = quantities.reference(problem)
    params = data.setdefault("params", {})
    params["seed"] = seed
    params["step"] = step.id
    params["problem"] = problem_data.as_dict(problem)
    params["network_svg_base64"] = (as_image_data(network_svg(problem, reference, lang))
                                    if drawn(step) else "")
    params["values"] = {name: shown_number(name, reference[name]) for name in table_names(step)}
    if not code:
        correct = data.setdefault("correct_answers", {})
        for name, quantity in answers(step):
            correct[name] = float(reference[quantity])


def symbol(name: str) -> str:
    """A name's symbol in LaTeX, as the lesson writes it."""
    return notation.symbol(name)


def title(step, lang: str) -> str:
    return f"{step.id}: {pick(step.title, lang)}"
