"""What the step table derives from each step's formula: the rules of grader.steps.registry.

A step is written as rows ``left = source`` (generic indices and names allowed) and prose with
``{name}`` placeholders; everything here is computed from those when first read, and the step
keeps it (:class:`grader.steps.registry.Step` reads these functions into cached properties).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .. import notation
from ..i18n import LIST_SEPARATOR, pick
from . import registry
from .expression import equation, ordered_names, parse, rename, render, substitute
from .step import Row

# How the formula text of several rows is joined, per language; LaTeX joins with ",\quad".
ROWS_JOINED = {"en": ";  ", "zh": "；"}


@lru_cache(maxsize=None)
def rows(step) -> tuple:
    """The step's rows as :class:`~grader.steps.registry.Row` s (a string row is ``"left =
    source"`` or ``"left ≈ source"``, a matrix step's a pair ``(key, formula)``)."""
    out = []
    for row in step.rows:
        if isinstance(row, str):
            relation = "≈" if " ≈ " in row else "="
            left, source = row.split(f" {relation} ", 1)
            row = Row(left, source, relation=relation)
        elif isinstance(row, tuple):                 # a matrix step's (key, formula)
            row = Row(*row)
        out.append(row)
    return tuple(out)


def _combinations(row, at: dict) -> list:
    """Every value of the row's generic parts: the network's, narrowed by ``row.each``, or
    the family member's own (``at``)."""
    values = {**notation.generic_values(row.left), **row.each, **{k: (v,) for k, v in at.items()}}
    combos = [{}]
    for letter, options in values.items():
        combos = [{**c, letter: v} for c in combos for v in options]
    return combos


@lru_cache(maxsize=None)
def answers(step) -> tuple:
    """((quantity, expression), ...) of every answer row, in the network's order."""
    out = []
    for row in rows(step):
        if row.answers:
            out += [(notation.substitute(row.left, values), substitute(row.source, values))
                    for values in _combinations(row, step.at)]
    if len(out) > 1:
        order = {name: k for k, name in enumerate(registry.BASE + registry.FORWARD)}
        out.sort(key=lambda item: order[notation.base(item[0])])
    return tuple(out)


def key(quantity: str) -> str:
    """A dict answer's key: the quantity, or for a new value the parameter it updates."""
    return notation.base(quantity) if quantity.startswith(notation.UPDATED) else quantity


def answer(step):
    found = answers(step)
    return found[0][0] if len(found) == 1 else {key(q): q for q, _ in found}


def expression(step):
    if step.offers_loss:                # the formula moves p inside L(...): shown, not evaluated
        return None
    found = answers(step)
    return found[0][1] if len(found) == 1 else {key(q): source for q, source in found}


def _family(name: str):
    parsed = notation.parse(name)
    return name if parsed is None else parsed[:3]


def uses(step) -> tuple:
    """The names ``net`` holds that the formula reads, in reading order; for several answers,
    each family of names together (dL_dh2_1, dL_dh2_2, h2_1, h2_2, ...)."""
    held = set(step.context)
    names = []
    for _, source in answers(step):
        names += [n for n in ordered_names(parse(source)) if n in held and n not in names]
    if len(answers(step)) == 1:
        return tuple(names)
    families = {}
    for name in names:
        families.setdefault(_family(name), []).append(name)
    return tuple(name for family in families.values()
                 for name in sorted(family, key=lambda n: notation.parse(n).indices))


def reads(step) -> dict:
    """{quantity: names its formula reads} for every answer (step 0's h₁⁽²⁾ reads h₁⁽¹⁾ …, step 7's
    answer ∂L/∂h₁⁽²⁾, h₁⁽²⁾, h₁⁽¹⁾): an answer depends on the earlier answers among them."""
    return {quantity: tuple(ordered_names(parse(source))) for quantity, source in answers(step)}


def context(step) -> tuple:
    """Everything computed before the step: inputs and parameters; from step 1 on, the forward
    pass; every earlier step's answer except parameter gradients, which only a step whose
    formula reads them is given (the update). The naive route (``offers_loss``) gets no value
    the backward pass computed."""
    held = list(registry.BASE) + (list(registry.FORWARD) if step.number >= 1 else [])
    if step.offers_loss:
        return tuple(held)
    gradients = set(registry.PARAMETER_GRADIENTS)
    for earlier in registry.STEPS[:step.number]:
        held += [q for _, q in earlier.answer_items if q not in held and q not in gradients]
    for _, source in answers(step):
        held += [n for n in ordered_names(parse(source)) if n in gradients and n not in held]
    return tuple(held)


# The kinds of value net holds, in the order a stub lists them.
_OFFERED = (("INPUTS", {"en": "inputs", "zh": "输入"}),
            ("PARAMETERS", {"en": "parameters", "zh": "参数"}),
            ("FORWARD", {"en": "the forward pass", "zh": "前向传播"}))
_EARLIER = {"en": "from earlier steps", "zh": "前面各步算出的"}
_GRADIENTS = {"en": "parameter gradients", "zh": "参数的梯度"}
_LOSS = {"en": "net.loss(name=value, ...), L with those parameters replaced",
         "zh": "net.loss(name=value, ...)，即把这些参数换掉后的 L"}
_GROUPS_JOINED = {"en": "; ", "zh": "；"}
_BY_NAME = {"en": "net[name] reads any of them by name",
            "zh": "也可用 net[name] 按名字读取"}


def _ranges(names, separator: str) -> str:
    """``net.`` names, each family of more than three as a range: net.w1_11 … net.w1_32."""
    families = {}
    for name in names:
        families.setdefault(_family(name), []).append(name)
    parts = []
    for members in families.values():
        if len(members) > 3:
            parts.append(f"net.{members[0]} … net.{members[-1]}")
        else:
            parts += [f"net.{name}" for name in members]
    return separator.join(parts)


def offers(step) -> dict:
    """Everything ``net`` holds for the step (its context), grouped by kind, in words: what a
    stub that does not show the formula lists, so it never points at the few names it reads."""
    held = list(step.context)
    groups = []
    for list_name, label in _OFFERED:
        names = [n for n in getattr(registry, list_name) if n in held]
        if names:
            groups.append((label, names))
    gradients = [n for n in held if n in registry.PARAMETER_GRADIENTS]
    grouped = {n for _, names in groups for n in names} | set(gradients)
    earlier = [n for n in held if n not in grouped]
    if earlier:
        groups.append((_EARLIER, earlier))
    if gradients:
        groups.append((_GRADIENTS, gradients))

    def written(lang: str) -> str:
        parts = [f"{pick(label, lang)} {_ranges(names, pick(LIST_SEPARATOR, lang))}"
                 for label, names in groups]
        if step.offers_loss:
            parts.append(pick(_LOSS, lang))
        parts.append(pick(_BY_NAME, lang))
        return pick(_GROUPS_JOINED, lang).join(parts)

    return {lang: written(lang) for lang in ROWS_JOINED}


def rows_written(step, latex: bool) -> list:
    """Each row in the seed's notation, generic where the row is, at a family member's index."""
    out = []
    for row in rows(step):
        left = notation.substitute(row.left, step.at)
        also = notation.definition(left)
        source = substitute(row.source, step.at) if step.at else row.source
        out.append(equation((left, also) if also else (left,), source, latex, row.relation))
    return out


BLANK = "▢"


def blanks(step, lang: str = "en") -> str:
    """The formula's shape with every value a blank (∂L/∂w₁₁⁽²⁾ = ▢ · ▢(1−▢) · ▢): the chain
    rule's structure, for the learner to fill in; rows joined as ``lang`` writes them."""
    out = []
    for row in rows(step):
        if not row.answers:
            continue
        left = notation.substitute(row.left, step.at)
        source = substitute(row.source, step.at) if step.at else row.source
        tree = parse(source)
        shape = render(rename(tree, {n: BLANK for n in ordered_names(tree)}), latex=False)
        out.append(f"{notation.symbol(left, latex=False)} {row.relation} {shape}")
    return pick(ROWS_JOINED, lang).join(out)


def formula(step, latex: bool) -> str:
    written = rows_written(step, latex)
    return r",\quad ".join(written) if latex else ROWS_JOINED["en"].join(written)


@lru_cache(maxsize=1)
def _forward_definitions() -> dict:
    """Every value of the forward pass (z, h, y, L) by name, as step 0's formula defines it."""
    trees = {}
    for quantity, source in answers(registry.get("step0")):
        tree = parse(source)
        trees[quantity] = tree
        if tree[0] == "call":                           # h = σ(z): z is σ's argument
            trees[notation.preactivation_of(quantity)] = tree[2][0]
    return trees


def _defined(match) -> str:
    """``{= z3}`` in prose: z3's equation from the forward pass, z⁽³⁾ = v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾."""
    name = match.group(1)
    return f"{notation.symbol(name, latex=False)} = {render(_forward_definitions()[name], False)}"


def _placeholders(step) -> dict:
    """``{quantity}``: the formula's left-hand side; ``{k}``: the symbol of
    ``step.prose.names[k]`` at the step's own index."""
    left = notation.substitute(rows(step)[0].left, step.at)
    values = {"quantity": " = ".join(notation.symbol(n, latex=False)
                                     for n in (left, notation.definition(left)) if n)}
    for placeholder, generic in step.prose.names.items():
        name = notation.substitute(generic, step.at)
        values[placeholder] = notation.symbol(name, latex=False)
    return values


def fill(template: str, values: dict) -> str:
    for placeholder, value in values.items():
        template = template.replace("{" + placeholder + "}", value)
    return re.sub(r"\{= (\w+)\}", _defined, template)


def words(step, pair: dict) -> dict:
    values = _placeholders(step)
    return {lang: fill(text, values) for lang, text in pair.items()}


def hints(step) -> dict:
    """Levels 1 and 2 from the prose; level 3 the formula (``{formula}``, or its rows ``{1}``,
    ``{2}`` inside ``prose.formula_hint``)."""
    written = rows_written(step, latex=False)
    rows = {str(k): row for k, row in enumerate(written, 1)}
    template = step.prose.formula_hint or {lang: "{formula}" for lang in ROWS_JOINED}
    third = {lang: fill(pick(template, lang), {"formula": pick(ROWS_JOINED, lang).join(written),
                                               **rows})
             for lang in ROWS_JOINED}
    return {1: words(step, step.prose.reuse), 2: words(step, step.prose.chain), 3: third}
