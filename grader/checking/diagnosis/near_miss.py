"""Answers right to a few digits, not to the check's tolerance: rounding, float32, a one-sided
difference.

An answer that misses :data:`grader.tolerances.RELATIVE` by a little is seldom a wrong formula.
Three causes are told apart by the numbers alone, each only when it gives the learner's numbers
on every problem (the rule of every diagnosis code):

- ``rounded``: each answer is the right value rounded to the same number of decimal places
  (``round(x, 4)``), or each is a float32 number (a double computed in float64 almost never is);
- ``one_sided_difference``: for the naive gradient, each answer is (L(p + ε) − L(p)) / ε or
  (L(p) − L(p − ε)) / ε for one ε, where the lesson's central difference belongs.

Otherwise an answer within :data:`grader.tolerances.NEAR_MISS_RELATIVE` of the right one gets no
code, but a message that names the tolerance and the usual causes.
"""

from __future__ import annotations

import math
import struct
from functools import lru_cache

from ... import notation, tolerances
from ...i18n import text
from ...records import Record, factory
from ...steps import derived, registry
from ...steps.expression import add, evaluate, neg, num, parse, render, walk

# The steps ε a learner tries for a finite difference: the lesson's 1e-5 and its neighbours.
EPSILONS = (1e-5, 1e-4, 1e-6, 1e-3, 1e-7, 1e-8, 1e-2)
DIRECTIONS = ("forward", "backward")
# A one-sided difference matches when the answer is much closer to it than to the right value:
# their distance, about ε·L″/2, is what the learner's own round-off must stay well inside.
ONE_SIDED_SHARE = 0.1
# Rounding reproduces the learner's numbers exactly but for the last bit.
ROUNDED_RELATIVE = 1e-12
MOST_PLACES = 12

MESSAGES = {
    "rounded_places": {
        "en": "the answer is rounded to {places} decimal places, {formula}, which leaves a "
              "relative error of up to {error} where the check allows {tolerance}: return the "
              "value as computed, unrounded",
        "zh": "答案被四舍五入到了 {places} 位小数，即 {formula}，相对误差因此最大达到 {error}，"
              "而检查只允许 {tolerance}：请直接返回计算结果，不要舍入"},
    "rounded_float32": {
        "en": "the answer is computed in float32 (single precision), {formula}, which leaves a "
              "relative error of up to {error} where the check allows {tolerance}: compute in "
              "float64 (Python floats)",
        "zh": "答案是用 float32（单精度）算的，即 {formula}，相对误差因此最大达到 {error}，"
              "而检查只允许 {tolerance}：请用 float64（Python 的 float）计算"},
    "one_sided_difference": {
        "en": "a one-sided difference, {formula} with ε = {epsilon}: its error, about ε·L″/2, "
              "reaches {error} relative where the check allows {tolerance}; the central "
              "difference {central} cancels it",
        "zh": "用了单侧差分 {formula}（ε = {epsilon}）：它的误差约为 ε·L″/2，相对误差达到 {error}，"
              "而检查只允许 {tolerance}；中心差分 {central} 能消去这一误差"},
    "near_miss": {
        "en": "right to about {digits} significant digits (relative error up to {error}) but "
              "not within the check's {tolerance}: this usually comes from rounding, from "
              "float32 arithmetic or, for a finite difference, from a one-sided difference",
        "zh": "大约前 {digits} 位有效数字是对的（相对误差最大 {error}），但没有达到检查要求的 "
              "{tolerance}：这通常是因为做了四舍五入、用了 float32 计算，"
              "或者（对有限差分而言）用了单侧差分"},
}


class NearMiss(Record, frozen=True):
    """What the numbers alone show: ``code`` ("rounded", "one_sided_difference" or None for a
    near miss no cause explains), the largest relative error, and the cause's facts."""

    code: str | None
    error: float
    facts: dict = factory(dict)


def relative_errors(got: list, target: list) -> list:
    return [tolerances.relative_error(g, t) for g, t in zip(got, target)]


def _float32(value: float) -> bool:
    """Is ``value`` a float32 number? A double computed in float64 almost never is."""
    try:
        return struct.unpack("f", struct.pack("f", value))[0] == value
    except (OverflowError, struct.error):
        return False


def rounded(got: list, target: list):
    """The :class:`NearMiss` of a rounded answer, or None. ``target``: the right values."""
    if not got or any(g == 0 or not math.isfinite(g) for g in got):
        return None               # rounded away entirely: nothing left to call right
    error = max(relative_errors(got, target))
    for places in range(MOST_PLACES + 1):
        if all(tolerances.close(g, round(t, places), ROUNDED_RELATIVE)
               for g, t in zip(got, target)):
            return NearMiss("rounded", error, {"places": places})
    if error <= tolerances.NEAR_MISS_RELATIVE and all(_float32(g) for g in got):
        return NearMiss("rounded", error, {"precision": "float32"})
    return None


@lru_cache(maxsize=1)
def _forward_rows() -> tuple:
    """(quantity, tree) of the forward pass in order (step 0's formula): h⁽¹⁾, h⁽²⁾, y, L."""
    return tuple((quantity, parse(source))
                 for quantity, source in derived.answers(registry.get("step0")))


def loss(values: dict, changes: dict | None = None) -> float:
    """L on the problem whose inputs and parameters ``values`` holds, with ``changes``."""
    env = {**values, **(changes or {})}
    for quantity, tree in _forward_rows():
        env[quantity] = evaluate(tree, env)
    return env[_forward_rows()[-1][0]]


def _one_sided_value(values: dict, base_loss: float, parameter: str, epsilon: float,
                     direction: str) -> float:
    if direction == "forward":
        return (loss(values, {parameter: values[parameter] + epsilon}) - base_loss) / epsilon
    return (base_loss - loss(values, {parameter: values[parameter] - epsilon})) / epsilon


def one_sided(quantity: str, contexts: list, got: list, target: list):
    """The :class:`NearMiss` of a one-sided difference for ∂L/∂p (``quantity`` = dL_dp), or
    None. ``contexts``: the values ``net`` held, inputs and parameters included."""
    parameter = notation.base(quantity)
    if not contexts or any(parameter not in values for values in contexts):
        return None
    base_losses = [loss(values) for values in contexts]
    for epsilon in EPSILONS:
        for direction in DIRECTIONS:
            for values, base_loss, g, t in zip(contexts, base_losses, got, target):
                value = _one_sided_value(values, base_loss, parameter, epsilon, direction)
                both_right = tolerances.close(g, t) and tolerances.close(value, t)
                if not (both_right or abs(g - value) <= ONE_SIDED_SHARE * abs(value - t)):
                    break
            else:
                return NearMiss("one_sided_difference", max(relative_errors(got, target)),
                                {"epsilon": epsilon, "direction": direction})
    return None


def near_miss(got: list, target: list):
    """A near miss no cause explains (code None), or None when the answer is further off."""
    error = max(relative_errors(got, target))
    return NearMiss(None, error) if error <= tolerances.NEAR_MISS_RELATIVE else None


# --- in words ----------------------------------------------------------------------------------

def _one_sided_tree(central: tuple, direction: str) -> tuple:
    """The step's central difference (L(p + ε) − L(p − ε)) / (2ε) made one-sided: the point
    on the other side becomes p itself and the step ε."""
    numerator, denominator = central[2]
    epsilon = next(n for _, n in walk(denominator) if n[0] == "name")
    moved = 1 if direction == "forward" else 0          # which L(...) goes back to p
    terms = list(numerator[2])
    term = terms[moved][2][0] if terms[moved][0] == "neg" else terms[moved]
    parameter = next(n for n in term[2][0][2] if n != epsilon and n != neg(epsilon))
    at_p = ("call", term[1], (parameter,))
    terms[moved] = neg(at_p) if terms[moved][0] == "neg" else at_p
    return ("div", None, (add(*terms), epsilon))


def _number(value: float) -> str:
    return render(num(value), False)


def describe(found: NearMiss, lang: str, tree=None, symbol: str = "", central=None,
             written: tuple | None = None) -> dict:
    """The diagnosis fields of a near miss: ``tree`` is the right formula (None when the step
    has none; ``symbol`` names the quantity then, or ``written`` gives it as (LaTeX, text)),
    ``central`` the step's central difference."""
    fields = {"error": f"{found.error:.1e}", "tolerance": _number(tolerances.RELATIVE)}
    out = {"code": found.code, "relative_error": found.error, "tolerance": tolerances.RELATIVE,
           **found.facts}
    if written is not None:
        latex_of, text_of = written
    else:
        latex_of = render(tree, True) if tree is not None else notation.symbol(symbol, True)
        text_of = render(tree, False) if tree is not None else notation.symbol(symbol, False)
    if found.code == "rounded" and "places" in found.facts:
        places = found.facts["places"]
        out["formula_latex"] = rf"\operatorname{{round}}({latex_of}, {places})"
        out["formula_text"] = f"round({text_of}, {places})"
        out["message"] = text(MESSAGES, "rounded_places", lang, places=places,
                              formula=out["formula_text"], **fields)
    elif found.code == "rounded":
        out["formula_latex"] = rf"\mathrm{{float32}}({latex_of})"
        out["formula_text"] = f"float32({text_of})"
        out["message"] = text(MESSAGES, "rounded_float32", lang, formula=out["formula_text"],
                              **fields)
    elif found.code == "one_sided_difference":
        written = _one_sided_tree(central, found.facts["direction"])
        out["formula_latex"], out["formula_text"] = render(written, True), render(written, False)
        out["message"] = text(MESSAGES, "one_sided_difference", lang,
                              formula=out["formula_text"], central=render(central, False),
                              epsilon=_number(found.facts["epsilon"]), **fields)
    else:
        digits = max(1, int(-math.log10(max(found.error, 1e-300))))
        out["message"] = text(MESSAGES, "near_miss", lang, digits=digits, **fields)
    return out


def central_difference(step, quantity: str):
    """The tree of the step's formula for ``quantity`` when it is a finite difference (step 18),
    else None."""
    for answered, source in derived.answers(step):
        if answered == quantity:
            tree = parse(source)
            return tree if any(n[0] == "call" for _, n in walk(tree)) else None
    return None
