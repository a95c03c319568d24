"""Name the learner's likely slip from their numbers.

Each answer key of a failed step is explained in this order, the first that fits winning:

1. a wrong formula (:mod:`.operators`): the step's own formula rewritten into a slip learners
   make, evaluated on the very contexts the check ran; it names the slip when it gives the
   learner's numbers on every problem and the correct formula does not;
2. another step's quantity on every problem (``other_step``), or the same number on every
   problem although the right answers differ (``hard_coded``);
3. right to a few digits (:mod:`.near_miss`): rounded, float32, a one-sided difference, or a
   near miss no cause explains (no code, but the tolerance and the usual causes named).

A key whose formula gives the learner's number from the learner's own earlier keys (step 0's
h⁽²⁾ from a wrong h⁽¹⁾) follows from those; the diagnosis says where it starts.

Everything here is plain floats and the standard library, so the check path never pays for
sympy. Formulas are written in the seed's notation (:mod:`grader.notation`).
"""

from __future__ import annotations

import math
from functools import lru_cache

from ... import notation, tolerances
from ...i18n import LIST_SEPARATOR, pick, text
from ...records import Record, factory
from ...steps import registry
from ...steps.expression import add, evaluate, mul, name, names_in, neg, num, parse, render
from . import near_miss
from .operators import CODES as FORMULA_CODES, Candidate, candidates, role

SINGLE = "value"        # the answer key of a single-number step (as in grader.sandbox.answers)

# Every code in the order a match is preferred: wrong formulas first, the most specific
# explanation of the numbers first; then what the numbers alone show.
OPERATORS = FORMULA_CODES + ("other_step", "hard_coded", "rounded", "one_sided_difference")

MESSAGES = {
    "sign_flipped": {
        "en": "the sign is flipped: your numbers are exactly {formula}",
        "zh": "符号反了：你的结果恰好等于 {formula}"},
    "factor_of_two": {
        "en": "off by a factor of two: your numbers are exactly {formula}",
        "zh": "差了 2 倍：你的结果恰好等于 {formula}"},
    "missing_activation_derivative": {
        "en": "the σ′ factor {factor} is missing: your numbers are exactly {formula}",
        "zh": "漏掉了 σ′ 因子 {factor}：你的结果恰好等于 {formula}"},
    "derivative_at_preactivation": {
        "en": "σ′ is taken from the pre-activation, {wrong} instead of {right}: "
              "your numbers are exactly {formula}",
        "zh": "σ′ 用了激活前的值，把 {right} 写成了 {wrong}：你的结果恰好等于 {formula}"},
    "wrong_activation_derivative": {
        "en": "σ′ is written wrongly, {wrong} where {right} belongs: "
              "your numbers are exactly {formula}",
        "zh": "σ′ 写错了，该写 {right} 的地方写成了 {wrong}：你的结果恰好等于 {formula}"},
    "transposed_weight": {
        "en": "the two indices are swapped, {wrong} where {right} belongs: "
              "your numbers are exactly {formula}",
        "zh": "两个下标颠倒了，该用 {right} 的地方用了 {wrong}：你的结果恰好等于 {formula}"},
    "wrong_index": {
        "en": "a subscript is off, {wrong} where {right} belongs: "
              "your numbers are exactly {formula}",
        "zh": "下标用错了，该用 {right} 的地方用了 {wrong}：你的结果恰好等于 {formula}"},
    "wrong_upstream": {
        "en": "the wrong upstream gradient, {wrong} where {right} belongs: "
              "your numbers are exactly {formula}",
        "zh": "上游梯度用错了，该用 {right} 的地方用了 {wrong}：你的结果恰好等于 {formula}"},
    "wrong_quantity": {
        "en": "{wrong} ({wrong_kind}) is used where {right} ({right_kind}) belongs: "
              "your numbers are exactly {formula}",
        "zh": "该用{right_kind} {right} 的地方用了{wrong_kind} {wrong}：你的结果恰好等于 {formula}"},
    "wrong_quantity_layer": {
        "en": "{wrong} is used where {right} belongs — the neuron's output for its input: "
              "your numbers are exactly {formula}",
        "zh": "该用 {right} 的地方用了 {wrong}——把神经元的输出当成了它的输入："
              "你的结果恰好等于 {formula}"},
    "missing_path_term": {
        "en": "one path is missing from the sum, the term {term}: "
              "your numbers are exactly {formula}",
        "zh": "求和少了一条路径，即 {term} 这一项：你的结果恰好等于 {formula}"},
    "product_not_sum": {
        "en": "the paths are multiplied where they should be added: "
              "your numbers are exactly {formula}",
        "zh": "各条路径应该相加，却被乘在了一起：你的结果恰好等于 {formula}"},
    "extra_factor": {
        "en": "there is an extra factor {factor}, which this derivative does not have: "
              "your numbers are exactly {formula}",
        "zh": "多乘了一个因子 {factor}，这个导数里没有它：你的结果恰好等于 {formula}"},
    "learning_rate_in_gradient": {
        "en": "the learning rate {eta} belongs to the update, not to the gradient: "
              "your numbers are exactly {formula}",
        "zh": "学习率 {eta} 属于参数更新，不属于梯度：你的结果恰好等于 {formula}"},
    "missing_learning_rate": {
        "en": "the learning rate {eta} is missing from the update: "
              "your numbers are exactly {formula}",
        "zh": "更新时漏掉了学习率 {eta}：你的结果恰好等于 {formula}"},
    "missing_bias": {
        "en": "the bias {bias} is missing from {preactivation}: your numbers are exactly {formula}",
        "zh": "{preactivation} 里漏掉了偏置 {bias}：你的结果恰好等于 {formula}"},
    "other_step": {
        "en": "your numbers are {quantity}, what {step} computes ({formula}), "
              "not the quantity this step asks for",
        "zh": "你的结果是 {quantity}，即 {step} 计算的量（{formula}），而不是本步要求的量"},
    "hard_coded": {
        "en": "the same number, {value}, on every problem although the right answers differ: "
              "compute it from net instead of writing it in",
        "zh": "每个问题都得到同一个数 {value}，而正确答案各不相同：请用 net 计算，不要把数写死"},
    # A step that returns a dict: the key first, then what follows from it and the other keys.
    "in_key": {"en": "[{answer}] {message}", "zh": "[{answer}] {message}"},
    "starts_here": {"en": "this is where it goes wrong", "zh": "错误从这里开始"},
    "follow": {"en": "{message}; {later} follow from it: they are right for your {answer}",
               "zh": "{message}；{later} 的错误都由它而来：按你的 {answer} 计算，它们是对的"},
    "more_keys": {"en": "{message} (the same in {n} more answers)",
                  "zh": "{message}（另有 {n} 个答案同样如此）"},
    "also": {"en": "{message}; also {other}", "zh": "{message}；另外，{other}"},
    "kind_activation": {"en": "an activation", "zh": "激活值"},
    "kind_weight": {"en": "a weight", "zh": "权重"},
    "kind_input": {"en": "an input", "zh": "输入"},
}


class Finding(Record, frozen=True):
    """What explains one answer key: a ``code`` (None for a near miss no cause explains) and
    the wrong formula's :class:`~.operators.Candidate` or the facts behind a code."""

    code: str | None
    candidate: object = None
    facts: dict = factory(dict)
    near: object = None            # the near_miss.NearMiss, for rounded and the like


ON_INPUTS = "on_inputs"   # the step's own formula gives the number from the values it was fed


# --- diagnosing an answer -------------------------------------------------------------------

def expressions(step) -> dict:
    """``{answer key: (formula expression, quantity)}`` for the step; empty if it has none."""
    formula = getattr(step, "expression", None)
    if not formula:
        return {}
    out = {}
    for key, quantity in step.answer_items:
        source = formula.get(key) if isinstance(formula, dict) else formula
        if source:
            out[key or SINGLE] = (source, quantity)
    return out


def _matches(received, values, relative: float = tolerances.DIAGNOSIS_RELATIVE) -> bool:
    return all(v is not None and math.isfinite(v) and tolerances.close(r, v, relative)
               for r, v in zip(received, values))


def _values(tree, envs):
    try:
        return [evaluate(tree, env) for env in envs]
    except (KeyError, ArithmeticError, ValueError):
        return None


def _other_step(quantity: str, got: list, want: list, references):
    """(step, key, quantity) whose reference equals the answers on every problem, or None."""
    if not references:
        return None
    first, relative = references[0], tolerances.DIAGNOSIS_RELATIVE
    for other, key, other_quantity in _answered():
        if other_quantity == quantity or other_quantity not in first \
                or not tolerances.close(got[0], first[other_quantity], relative):
            continue
        if not all(other_quantity in r for r in references):
            continue
        values = [r[other_quantity] for r in references]
        if _matches(got, values) and not _matches(want, values):
            return other, key, other_quantity
    return None


@lru_cache(maxsize=1)
def _answered() -> tuple:
    """(step, key, quantity) for every answer of every step, in registry order."""
    return tuple((step, key, quantity) for step in registry.STEPS if not step.arrays
                 for key, quantity in step.answer_items)


def _find(step, quantity, source, envs, got, want, references):
    """A :class:`Finding` for one answer key, :data:`ON_INPUTS`, or None."""
    target = want
    if source:
        correct = parse(source)
        values = _values(correct, envs)
        if values is not None and _matches(got, values):
            return ON_INPUTS             # right formula on the values it was fed
        if values is not None and all(math.isfinite(v) for v in values):
            target = values              # in chain mode the learner's own inputs
        available = frozenset(envs[0]) if envs else frozenset()
        for candidate in candidates(source, available, quantity):
            values = _values(candidate.tree, envs)
            if values is not None and _matches(got, values):
                return Finding(candidate.code, candidate)
    found = _other_step(quantity, got, want, references)
    if found:
        return Finding("other_step", facts={"other": found})
    constant = len(got) > 1 and _matches(got, [got[0]] * len(got))
    if constant and not _matches(want, [want[0]] * len(want)):
        return Finding("hard_coded", facts={"value": got[0]})
    return _near(step, quantity, envs, got, target)


def _near(step, quantity, envs, got, target):
    """A :class:`Finding` for an answer right to a few digits, or None."""
    near = near_miss.rounded(got, target)
    if near is None and step.offers_loss:
        near = near_miss.one_sided(quantity, envs, got, target)
    if near is None:
        near = near_miss.near_miss(got, target)
    return Finding(near.code, near=near) if near is not None else None


# --- in words -------------------------------------------------------------------------------

def _sigma_prime(identifier: str) -> str:
    return render(mul(name(identifier), add(num(1), neg(name(identifier)))), False)


def _symbols(names, lang: str = "en") -> str:
    names = (names,) if isinstance(names, str) else names
    return pick(LIST_SEPARATOR, lang).join(notation.symbol(n, False) for n in names)


def _formula_fields(candidate: Candidate, lang: str) -> tuple:
    """(message key, fields) for a wrong formula."""
    code, detail = candidate.code, candidate.detail
    fields = {"formula": render(candidate.tree, False)}
    listed = pick(LIST_SEPARATOR, lang)
    if code in ("missing_activation_derivative", "derivative_at_preactivation"):
        fields["factor"] = fields["right"] = listed.join(_sigma_prime(h) for h in detail["names"])
        fields["wrong"] = listed.join(_sigma_prime(notation.preactivation_of(h))
                                      for h in detail["names"])
    elif code == "wrong_activation_derivative":
        fields["wrong"] = render(detail["written"], False)
        fields["right"] = render(detail["right"], False)
    elif "wrong" in detail:
        fields["wrong"] = _symbols(detail["wrong"], lang)
        fields["right"] = _symbols(detail["right"], lang)
    if code == "wrong_quantity":
        wrong, right = role(detail["wrong"]), role(detail["right"])
        if wrong == right:
            return "wrong_quantity_layer", fields
        fields["wrong_kind"] = text(MESSAGES, "kind_" + wrong, lang)
        fields["right_kind"] = text(MESSAGES, "kind_" + right, lang)
    if code == "missing_path_term":
        fields["term"] = render(detail["term"], False)
    if code == "extra_factor":
        fields["factor"] = notation.symbol(detail["factor"], False)
    if code in ("learning_rate_in_gradient", "missing_learning_rate"):
        fields["eta"] = notation.symbol("eta", False)
    if code == "missing_bias":
        bias = notation.parse(detail["bias"])
        fields["bias"] = notation.symbol(detail["bias"], False)
        fields["preactivation"] = notation.symbol(notation.join(bias.replace(kind="z")), False)
    return code, fields


def _describe(step, finding: Finding, quantity: str, source, lang: str) -> dict:
    """The diagnosis of one answer key: code, the slip's formula (LaTeX and text), message."""
    code = finding.code
    if finding.near is not None:
        return near_miss.describe(finding.near, lang, parse(source) if source else None,
                                  quantity, near_miss.central_difference(step, quantity))
    if code == "hard_coded":
        value = f"{finding.facts['value']:.6g}"
        return {"code": code, "formula_latex": value, "formula_text": value,
                "message": text(MESSAGES, code, lang, value=value)}
    if code == "other_step":
        other, key, other_quantity = finding.facts["other"]
        other_source = expressions(other).get(key or SINGLE, (None,))[0]
        latex_name = notation.symbol(other_quantity, True)
        text_name = notation.symbol(other_quantity, False)
        if other_source:
            tree = parse(other_source)
            latex = f"{latex_name} = {render(tree, True)}"
            shown = f"{text_name} = {render(tree, False)}"
        else:
            latex, shown = latex_name, text_name
        return {"code": code, "formula_latex": latex, "formula_text": shown,
                "message": text(MESSAGES, code, lang, quantity=text_name, step=other.id,
                                formula=shown)}
    key, fields = _formula_fields(finding.candidate, lang)
    return {"code": code, "formula_latex": render(finding.candidate.tree, True),
            "formula_text": fields["formula"], "message": text(MESSAGES, key, lang, **fields)}


# --- one step ---------------------------------------------------------------------------------

def _roots(reads, per_key, order) -> list:
    """The wrong earlier keys where a following key's error starts."""
    out = []
    for earlier in reads:
        entry = per_key.get(earlier)
        found = entry[1] if isinstance(entry, tuple) else [earlier]
        out += [k for k in found if k not in out]
    return sorted(out, key=order.index)


def diagnose(step, contexts: list, received: list, expected: list, lang: str = "en",
             references: list | None = None):
    """The diagnosis dict of a failed answer, or None when nothing explains the numbers.

    ``{"code", "formula_latex", "formula_text", "message"}``, plus ``"relative_error"`` and
    ``"tolerance"`` for a near miss (``code`` None when no cause is certain). For a step that
    returns a dict, the first wrong key in the step's order that is explained or where later
    keys' errors start, with ``"key"``, ``"per_key"`` (every wrong key: its own diagnosis, or
    None) and ``"follows"`` (a key right on the learner's own earlier keys: where it starts).

    ``contexts``: the values ``net`` held on each problem; ``received`` and ``expected``:
    ``{key: float}`` per problem, for a valid answer that failed; ``references``: every
    reference quantity per problem (for ``other_step``). Each wrong key is diagnosed on its
    own, earlier keys' answers standing in for the names they define (step0's h₁⁽¹⁾ feeds its
    h₁⁽²⁾).
    """
    formulas = expressions(step)
    keys = [key or SINGLE for key, _ in step.answer_items]
    per_key = {}         # key -> Finding, ("follows", roots) or None
    sources = {}
    for index, (key, quantity) in enumerate(step.answer_items):
        key = key or SINGLE
        got = [answer[key] for answer in received]
        want = [values[key] for values in expected]
        if _matches(got, want, tolerances.RELATIVE):
            continue
        envs = [{**{k: answer[k] for k in keys[:index] if k not in context}, **context}
                for context, answer in zip(contexts, received)] if step.returns_dict \
            else [dict(context) for context in contexts]
        source = formulas.get(key, (None,))[0]
        sources[key] = (source, quantity)
        found = _find(step, quantity, source, envs, got, want, references)
        if found == ON_INPUTS:
            read = [k for k in keys[:index] if source and k in names_in(parse(source))]
            wrong = [k for k in read if k in per_key]
            if wrong:
                found = ("follows", _roots(wrong, per_key, keys))
            elif contexts and any(k not in contexts[0] for k in read):
                # Its own earlier keys were each within the tolerance, but not exactly right
                # (y rounded to 6 places), and this key shows it: a near miss of its own.
                found = _near(step, quantity, envs, got, want)
            else:
                found = None             # right on the values net held (--chain)
        per_key[key] = found
    described = {key: _describe(step, found, sources[key][1], sources[key][0], lang)
                 for key, found in per_key.items() if isinstance(found, Finding)}
    if not step.returns_dict:
        return described.get(SINGLE)
    follows = {key: entry[1] for key, entry in per_key.items() if isinstance(entry, tuple)}
    starts = [root for roots in follows.values() for root in roots]
    lead = next((key for key in per_key if key in described or key in starts), None)
    if lead is None:
        return None
    result = dict(described.get(lead) or {"code": None,
                                          "message": text(MESSAGES, "starts_here", lang)})
    message = text(MESSAGES, "in_key", lang, answer=lead, message=result["message"])
    later = [key for key, roots in follows.items() if lead in roots]
    if later:
        message = text(MESSAGES, "follow", lang, message=message,
                       answer=_symbols(sources[lead][1]),
                       later=_symbols([sources[k][1] for k in later], lang))
    groups = {}             # code -> the wrong keys it explains, the lead's group first
    for key in [lead] + [k for k in described if k != lead]:
        group = described[key]["code"] if key in described else ON_INPUTS
        groups.setdefault(group, []).append(key)
    for members in groups.values():
        same = len(members) - 1
        if lead in members:
            if same:
                message = text(MESSAGES, "more_keys", lang, message=message, n=same)
            continue
        other = text(MESSAGES, "in_key", lang, answer=members[0],
                     message=described[members[0]]["message"])
        if same:
            other = text(MESSAGES, "more_keys", lang, message=other, n=same)
        message = text(MESSAGES, "also", lang, message=message, other=other)
    result.update(message=message, key=lead,
                  per_key={key: described.get(key) for key in per_key})
    if follows:
        result["follows"] = follows
    return result
