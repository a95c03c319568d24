"""What a step is: its formula rows, its prose and the values derived from them.

grader.steps.registry writes the table with these classes; grader.steps.derived computes what a
:class:`Step` derives from its formula (each cached property below asks it on first read).
"""

from __future__ import annotations

from functools import cached_property

from ..records import Record, factory


class Row(Record, frozen=True):
    """One line of a formula, ``left = source``: ``left`` a quantity, ``source`` a Python
    expression over ``net`` names. A row is written as the string ``"left = source"`` (or
    ``"left ≈ source"``) unless it needs ``each`` or ``answers``."""

    left: str
    source: str
    each: dict = factory(dict)      # generic parts narrowed to some values: {"i": (2, 3)}
    relation: str = "="             # "≈" for an approximation
    answers: bool = True            # False: it only defines a symbol the formula uses


class Prose(Record, frozen=True):
    """A step's words in English and Chinese, in the lesson's notation (never ``net.`` names:
    a stub without the formula lists all that ``net`` offers, and naming the few the formula
    reads would give it away). ``{quantity}`` is the formula's left-hand side, ``{k}`` the
    symbol of ``names[k]``, ``{= z3}`` z3's equation in the forward pass (step 0's formula).

    Hints 1 and 2 add to what the stub says (DESIGN.md, "Scaffolding"), never the formula:
    ``reuse`` the idea (the paths from the quantity to L, the earlier result the lesson reuses,
    by its symbol and its step); ``chain`` the chain rule's structure (each path's factors as
    partial derivatives, how paths combine), which grader.steps.hints follows with the
    formula's shape in blanks where the stub does not show it."""

    title: dict
    meaning: dict                   # beside the formula; with ``goal``: the idea, for hint 1
    reuse: dict                     # hint 1: the paths to L and what is reused
    chain: dict                     # hint 2: the chain rule's structure
    names: dict = factory(dict)
    formula_hint: dict | None = None   # hint 3 when not the formula alone: {formula}, {1}, {2}
    # What a stub without the formula says (grader.steps.stubs): the goal, where the meaning
    # also gives the step's idea away (then the idea waits for hint 1); and the chain rule's
    # factors named in words, without the formula, for the steps a faded stub describes so.
    goal: dict | None = None
    factors: dict | None = None


class Step(Record, frozen=True):
    number: int
    rows: tuple                     # the formula, written once: "left = source" or Row
    prose: Prose
    at: dict = factory(dict)        # a family member's own index: {"j": 2}
    points: int = 1
    seed_step: bool = True          # one of the lesson's own numbered steps (1-14)
    # ``net.loss(name=value, ...)`` is offered, L with some parameters replaced, its calls
    # counted: the naive route, which reuses nothing from the backward pass.
    offers_loss: bool = False
    uses_text: dict | None = None   # words for ``uses`` where listing every name is too long

    @property
    def id(self) -> str:
        return f"step{self.number}"

    @property
    def file_name(self) -> str:
        return f"step{self.number:02d}.py"

    @property
    def function_name(self) -> str:
        return f"step{self.number}"

    @cached_property
    def answer(self):
        """A quantity name (a number is returned) or ``{key: quantity}``."""
        from . import derived
        return derived.answer(self)

    @cached_property
    def expression(self):
        """The formula as a Python expression over ``net`` names (``{key: expression}`` for a
        dict); grader.checking.diagnosis mutates it to name mistakes. None for step 18."""
        from . import derived
        return derived.expression(self)

    arrays = None                   # {answer key: shape} where the answers are arrays
    # A sheet of the step alone (bpgrade sheet --step, grader.render.sheets.arrays), where it
    # has one: {key the sheet asks for: shape}, with ``sheet_given``, ``sheet_rows`` and
    # ``shown(seed)`` beside it; None: the step has no such sheet.
    sheet_answers = None
    sheet_task = None               # what the sheet asks, where not the step's meaning
    # An entry of the sheet is judged against its array's largest entry (an update's: the
    # largest change), where its answers sum over a batch, whose terms can cancel.
    sheet_array_scale = False
    # The network is drawn anew for each problem of a check (grader.steps.full_pass): the
    # references, the answer's shapes and its entries are the problem's own.
    per_problem = False
    judges_runs = False             # graded as a training run (grader.checking.training)
    trials = None                   # run on the first ``trials`` problems only (None: all)

    def held(self, reference: dict) -> dict:
        """What ``net`` holds for this step, read from a problem's values."""
        return {name: reference[name] for name in self.context}

    def keys_text(self) -> dict:
        """The answer's keys and shapes as a stub lists them (a step whose answers are arrays)."""
        import textwrap

        from bpgrade_harness.answers import shape_text

        # lines break between keys, never inside one (a no-break space holds each together)
        keys = textwrap.fill(", ".join(f'"{k}" {shape_text(shape)}'.replace(" ", "\xa0")
                                       for k, shape in self.arrays.items()),
                             width=84, initial_indent="    ",
                             subsequent_indent="    ").replace("\xa0", " ")
        return {"en": keys, "zh": keys}

    def blanks(self, lang: str = "en") -> str:
        """The formula's shape with every value a blank, rows joined as ``lang`` writes them."""
        from . import derived
        return derived.blanks(self, lang)

    @property
    def returns_dict(self) -> bool:
        return isinstance(self.answer, dict)

    @property
    def answer_items(self) -> tuple:
        """((key, quantity), ...): key is None for a single-number answer."""
        if self.returns_dict:
            return tuple(self.answer.items())
        return ((None, self.answer),)

    @cached_property
    def context(self) -> tuple:
        """Every name ``net`` holds for this step."""
        from . import derived
        return derived.context(self)

    @cached_property
    def uses(self) -> tuple:
        """The ``net`` names the formula reads."""
        from . import derived
        return derived.uses(self)

    @cached_property
    def reads(self) -> dict:
        """{quantity: the names its formula reads}, per answer: the edges of the steps'
        dependency graph, which ``check --chain`` follows back to the steps an answer depends on."""
        from . import derived
        return derived.reads(self)

    @cached_property
    def formula(self) -> str:
        """The seed's formula, LaTeX."""
        from . import derived
        return derived.formula(self, latex=True)

    @cached_property
    def formula_text(self) -> str:
        """The same in plain Unicode, for terminals and docstrings."""
        from . import derived
        return derived.formula(self, latex=False)

    @cached_property
    def hints(self) -> dict:
        """{1: the idea (the paths to L, what is reused), 2: the chain rule, 3: the formula}."""
        from . import derived
        return derived.hints(self)

    def _words(self, pair: dict) -> dict:
        """A pair of words with the step's ``{fields}`` filled in (a step with a network of
        its own fills in its sizes)."""
        from . import derived
        return derived.words(self, pair)

    @cached_property
    def title(self) -> dict:
        return self._words(self.prose.title)

    @cached_property
    def meaning(self) -> dict:
        """What the quantity is, in words."""
        return self._words(self.prose.meaning)

    @cached_property
    def goal(self) -> dict:
        """What to compute, without the idea (the meaning, unless it gives the idea away)."""
        return self._words(self.prose.goal or self.prose.meaning)

    @cached_property
    def factors(self) -> dict | None:
        """The chain rule's factors in words, without the formula (None if not written)."""
        return self._words(self.prose.factors) if self.prose.factors else None

    @cached_property
    def offers(self) -> dict:
        """Every value ``net`` holds for this step, in words: families as ranges."""
        from . import derived
        return derived.offers(self)


def words(en: str, zh: str) -> dict:
    """A text in English and Chinese."""
    return {"en": en, "zh": zh}


def family(first: int, letter: str, row: str, titles: tuple, reuse: dict, chain: dict,
            names: dict, meaning: dict | None = None, meanings: tuple = (),
            goal: dict | None = None, factors: dict | None = None) -> tuple:
    """Steps ``first``, ``first + 1``, ...: one row and one prose with ``letter`` = 1, 2, ...
    Each member has its own title, and its own meaning where they differ in more than names."""
    return tuple(
        Step(number=first + k, rows=(row,), at={letter: k + 1},
             prose=Prose(title, meanings[k] if meanings else meaning, reuse, chain, names,
                         goal=goal, factors=factors))
        for k, title in enumerate(titles))
