"""Name the learner's likely misconception from their numbers.

Each step of the registry carries its formula as a small Python expression over the names
``net`` holds (``"delta3*y*(1 - y)*h2_1"``; one per answer key for the steps that return a
dict). Mutation operators rewrite that expression into the wrong formulas a learner plausibly
writes — a flipped sign, a dropped σ′ factor, a sibling index, a transposed weight, ... —
and each candidate is evaluated on the very contexts the check ran. When the learner's
answers agree with one candidate on every problem, and the correct formula does not, the
candidate names the mistake.

The operators are general rewrites of the expression tree, not a list per step. Two more
checks look at the numbers alone: the answer equals another step's quantity on every
problem (``other_step``), or is the same number on every problem although the right answers
differ (``hard_coded``).

Everything here is plain floats and the standard library, so the check path never pays for
sympy. The trees are those of :mod:`grader.steps.expression`, which also writes a candidate in
the seed's notation for the message (``h2_1`` → ``h_1^{(2)}`` / ``h₁⁽²⁾``).
"""

from __future__ import annotations

import math
import zlib
from functools import lru_cache

from .. import notation, tolerances
from ..i18n import text
from ..records import Record, factory
from ..steps import registry
from ..steps.expression import (add, evaluate, mul, name, names_in, neg, num, ordered_names,
                                parse, rename, render, replace_at, subtree, walk)

SINGLE = "value"        # the answer key of a single-number step (as in grader.sandbox.answers)

# Operators in the order a match is preferred: the most specific explanation of the numbers
# first. Value-only checks come last, so "you dropped h(1−h)" beats "that is step 1's δ⁽³⁾".
OPERATORS = (
    "sign_flipped",
    "factor_of_two",
    "missing_activation_derivative",
    "derivative_at_preactivation",
    "transposed_weight",
    "wrong_index",
    "wrong_quantity",
    "missing_path_term",
    "other_step",
    "hard_coded",
)

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
    "transposed_weight": {
        "en": "the two indices are swapped, {wrong} where {right} belongs: "
              "your numbers are exactly {formula}",
        "zh": "两个下标颠倒了，该用 {right} 的地方用了 {wrong}：你的结果恰好等于 {formula}"},
    "wrong_index": {
        "en": "a subscript is off, {wrong} where {right} belongs: "
              "your numbers are exactly {formula}",
        "zh": "下标用错了，该用 {right} 的地方用了 {wrong}：你的结果恰好等于 {formula}"},
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
    "other_step": {
        "en": "your numbers are {quantity}, what {step} computes ({formula}), "
              "not the quantity this step asks for",
        "zh": "你的结果是 {quantity}，即 {step} 计算的量（{formula}），而不是本步要求的量"},
    "hard_coded": {
        "en": "the same number, {value}, on every problem although the right answers differ: "
              "compute it from net instead of writing it in",
        "zh": "每个问题都得到同一个数 {value}，而正确答案各不相同：请用 net 计算，不要把数写死"},
    "in_key": {"en": "[{answer}] {message}", "zh": "[{answer}] {message}"},
    "more_keys": {"en": "{message} (the same in {n} more answers)",
                  "zh": "{message}（另有 {n} 个答案同样如此）"},
    "kind_activation": {"en": "an activation", "zh": "激活值"},
    "kind_weight": {"en": "a weight", "zh": "权重"},
    "kind_input": {"en": "an input", "zh": "输入"},
}


# --- names of the seed network (grader.notation) ---------------------------------------------

def _indexed(identifier: str):
    """The parsed name (prefix, kind, layer, indices) of a name with indices, else None."""
    parsed = notation.parse(identifier)
    return parsed if parsed is not None and parsed.indices else None


def _activation_name(identifier: str) -> bool:
    parts = _indexed(identifier)
    return identifier == "y" or (parts is not None and parts[:2] == ("", "h"))


def _siblings(identifier: str) -> list:
    """The same kind of value with one subscript changed (h₂⁽¹⁾ for h₁⁽¹⁾, x₂ for x₁)."""
    parts = _indexed(identifier)
    if parts is None:
        return []
    prefix, stem, layer, indices = parts
    out = []
    for position in range(len(indices)):
        for other in (1, 2, 3):
            if other != indices[position]:
                changed = list(indices)
                changed[position] = other
                out.append(notation.join((prefix, stem, layer, tuple(changed))))
    return out


def _transposed(identifier: str):
    parts = _indexed(identifier)
    if parts is None or parts[1] != "w" or parts[3][0] == parts[3][1]:
        return None
    prefix, stem, layer, (i, j) = parts
    return notation.join((prefix, stem, layer, (j, i)))


def _kind(identifier: str) -> str:
    parts = notation.parse(identifier)
    if parts is not None and parts[1] in ("w", "v"):
        return "weight"
    if parts is not None and parts[1] == "x":
        return "input"
    return "activation"


def _neurons(layer: int) -> range:
    return range(1, notation.SEED_LAYERS[layer] + 1)


def _confusable(identifier: str) -> list:
    """Values of another role a learner mixes up with this one: a weight and the input it
    multiplies (w_ij⁽ˡ⁾ ↔ h_j⁽ˡ⁻¹⁾ or x_j, v_j ↔ h_j⁽²⁾), and a layer's input with that
    layer's own activations (x_j → h_i⁽¹⁾, h_j⁽¹⁾ → h_i⁽²⁾, h_j⁽¹⁾ → x_j)."""
    parts = _indexed(identifier)
    if parts is None or parts[0]:
        return []
    _, stem, layer, indices = parts
    j = indices[-1]
    if stem == "x":
        return [notation.activation(1, i) for i in _neurons(1)] \
            + [notation.weight(1, i, j) for i in _neurons(1)]
    if stem == "h" and layer == 1:
        return [notation.activation(0, j)] + [notation.weight(2, i, j) for i in _neurons(2)] \
            + [notation.activation(2, i) for i in _neurons(2)]
    if stem == "h" and layer == 2:
        return [notation.weight(3, 1, j)]
    if stem == "v":
        return [notation.activation(2, j)]
    if stem == "w":
        return [notation.activation(layer - 1, j)]
    return []


# --- the mutation operators -----------------------------------------------------------------

class Candidate(Record, frozen=True):
    """One wrong formula: the operator's code, the tree, and what changed (for the message)."""

    code: str
    tree: tuple
    detail: dict = factory(dict)


def _positive_first(node) -> tuple:
    """A sum written with a positive term first (y_target − y rather than −y + y_target)."""
    if node[0] != "sum" or node[2][0][0] != "neg":
        return node
    terms = list(node[2])
    for i, term in enumerate(terms):
        if term[0] != "neg":
            return ("sum", None, tuple([term] + terms[:i] + terms[i + 1:]))
    return node


def _sign_flipped(tree, _):
    sums = [(p, n) for p, n in walk(tree) if n[0] == "sum"]
    if tree[0] == "sum":                              # a − b as b − a
        yield Candidate("sign_flipped", _positive_first(add(*(neg(t) for t in tree[2]))))
    else:
        yield Candidate("sign_flipped", neg(tree))
    for path, node in sums:
        if path:
            flipped = _positive_first(add(*(neg(t) for t in node[2])))
            yield Candidate("sign_flipped", replace_at(tree, path, flipped))
        for i, term in enumerate(node[2]):
            if term[0] == "num":                      # −1 − h for 1 − h is no one's mistake
                continue
            terms = list(node[2])
            terms[i] = neg(term)
            yield Candidate("sign_flipped", replace_at(tree, path, _positive_first(add(*terms))))


def _scaled(node, factor: float) -> tuple:
    return mul(num(factor), node)


def _factor_of_two(tree, _):
    for factor in (2.0, 0.5):
        yield Candidate("factor_of_two", _scaled(tree, factor))
    if tree[0] == "sum":                              # one gradient term doubled or halved
        for i, term in enumerate(tree[2]):
            if not any(_is_gradient(n) for n in names_in(term)):
                continue
            for factor in (2.0, 0.5):
                terms = list(tree[2])
                terms[i] = neg(_scaled(term[2][0], factor)) if term[0] == "neg" \
                    else _scaled(term, factor)
                yield Candidate("factor_of_two", add(*terms))


def _derivative_sites(tree) -> list:
    """(path of the product, index of h, index of (1 − h), h) for every σ′ factor h(1−h)."""
    sites = []
    for path, node in walk(tree):
        if node[0] != "mul":
            continue
        factors = node[2]
        for i, f in enumerate(factors):
            if f[0] != "name" or not _activation_name(f[1]):
                continue
            one_minus = add(num(1), neg(f))
            for j, g in enumerate(factors):
                if j != i and g == one_minus:
                    sites.append((path, i, j, f[1]))
                    break
    return sites


def _without(tree, sites) -> tuple:
    by_path = {}
    for path, i, j, _ in sites:
        by_path.setdefault(path, set()).update((i, j))
    for path in sorted(by_path, reverse=True):       # later and deeper sites first
        node = subtree(tree, path)
        kept = [f for k, f in enumerate(node[2]) if k not in by_path[path]]
        tree = replace_at(tree, path, mul(*kept) if kept else num(1))
    return tree


def _missing_activation_derivative(tree, _):
    sites = _derivative_sites(tree)
    for site in sites:
        yield Candidate("missing_activation_derivative", _without(tree, [site]),
                        {"names": (site[3],)})
    if len(sites) > 1:
        yield Candidate("missing_activation_derivative", _without(tree, sites),
                        {"names": tuple(s[3] for s in sites)})


def _at_preactivation(tree, sites) -> tuple:
    for path, i, j, h in sites:
        node = subtree(tree, path)
        factors = list(node[2])
        z = name(notation.preactivation_of(h))
        factors[i], factors[j] = z, add(num(1), neg(z))
        tree = replace_at(tree, path, ("mul", None, tuple(factors)))
    return tree


def _derivative_at_preactivation(tree, _):
    sites = _derivative_sites(tree)
    for site in sites:
        yield Candidate("derivative_at_preactivation", _at_preactivation(tree, [site]),
                        {"names": (site[3],)})
    if len(sites) > 1:
        yield Candidate("derivative_at_preactivation", _at_preactivation(tree, sites),
                        {"names": tuple(s[3] for s in sites)})


def _transposed_weight(tree, answer):
    # The whole step done for w_ji instead of w_ij: every index i ↔ j swapped.
    target = _transposed(answer) if answer else None
    if target:
        i, j = _indexed(answer)[3]
        swap = {i: j, j: i}
        mapping = {}
        for identifier in names_in(tree):
            parts = _indexed(identifier)
            if parts:
                prefix, stem, layer, indices = parts
                mapping[identifier] = notation.join(
                    (prefix, stem, layer, tuple(swap.get(k, k) for k in indices)))
        yield Candidate("transposed_weight", rename(tree, mapping),
                        {"wrong": target, "right": answer})
    # One weight w_ij read as w_ji, then all of them at once.
    mapping = {}
    for identifier in ordered_names(tree):
        other = _transposed(identifier)
        if other:
            mapping[identifier] = other
            yield Candidate("transposed_weight", rename(tree, {identifier: other}),
                            {"wrong": other, "right": identifier})
    if len(mapping) > 1:
        first = next(iter(mapping))
        yield Candidate("transposed_weight", rename(tree, mapping),
                        {"wrong": mapping[first], "right": first})


def _wrong_index(tree, _):
    names = ordered_names(tree)
    for identifier in names:
        for other in _siblings(identifier):
            yield Candidate("wrong_index", rename(tree, {identifier: other}),
                            {"wrong": other, "right": identifier})
    # One subscript off for a whole row or column (W2[:, 2] for W2[:, 1]): every name of the
    # same kind sharing that subscript changes together.
    groups = {}
    for identifier in names:
        parts = _indexed(identifier)
        if parts is None:
            continue
        prefix, stem, layer, indices = parts
        for position, value in enumerate(indices):
            groups.setdefault((prefix, stem, layer, position, value), []).append(identifier)
    for (prefix, stem, layer, position, value), members in groups.items():
        if len(members) < 2:
            continue
        for other in (1, 2, 3):
            if other == value:
                continue
            mapping = {}
            for identifier in members:
                indices = list(_indexed(identifier)[3])
                indices[position] = other
                mapping[identifier] = notation.join((prefix, stem, layer, tuple(indices)))
            yield Candidate("wrong_index", rename(tree, mapping),
                            {"wrong": tuple(mapping.values()), "right": tuple(mapping)})


def _wrong_quantity(tree, _):
    in_sigma_prime = {site[3] for site in _derivative_sites(tree)}
    for identifier in ordered_names(tree):
        if identifier in in_sigma_prime:              # v₁(1 − v₁) is no one's σ′
            continue
        for other in _confusable(identifier):
            yield Candidate("wrong_quantity", rename(tree, {identifier: other}),
                            {"wrong": other, "right": identifier})


def _is_gradient(identifier: str) -> bool:
    return identifier.startswith("dL_d") or identifier == "delta3"


def _missing_path_term(tree, _):
    for path, node in walk(tree):
        if node[0] != "sum" or len(node[2]) < 2:
            continue
        if not all(any(_is_gradient(n) for n in names_in(t)) for t in node[2]):
            continue
        for i, term in enumerate(node[2]):
            kept = [t for k, t in enumerate(node[2]) if k != i]
            yield Candidate("missing_path_term", replace_at(tree, path, _positive_first(add(*kept))),
                            {"term": term})


_STRUCTURAL = (_sign_flipped, _factor_of_two, _missing_activation_derivative,
               _derivative_at_preactivation, _transposed_weight, _wrong_index, _wrong_quantity,
               _missing_path_term)


@lru_cache(maxsize=None)
def _probe(identifier: str, salt: int) -> float:
    """A fixed generic value in (0.15, 0.85) per name, to tell formulas apart."""
    return 0.15 + 0.7 * (zlib.crc32(f"{salt}:{identifier}".encode()) % 100003) / 100003


def _fingerprint(tree):
    values = []
    for salt in (1, 2, 3):
        env = {n: _probe(n, salt) for n in names_in(tree)}
        try:
            values.append(evaluate(tree, env))
        except (ArithmeticError, ValueError):
            return None
    return values


def _same(a, b) -> bool:
    return all(abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1e-12) for x, y in zip(a, b))


@lru_cache(maxsize=None)
def candidates(expression: str, available: frozenset, answer: str = "") -> tuple:
    """The wrong formulas the operators make from ``expression``, in the order of preference.

    Order (deterministic): operators as in :data:`OPERATORS`; within one operator, the rewrite
    of the whole expression before rewrites of its parts, single sites before all sites at
    once, then reading order. A candidate is dropped when it uses a name outside ``available``
    (what ``net`` holds), when it equals the correct formula (e.g. a sign flipped inside a
    square), or when an earlier candidate already gives the same values.
    ``answer`` is the quantity the step computes (``dL_dw2_12``), for the transposed step.
    """
    correct = parse(expression)
    seen = [_fingerprint(correct)]
    kept = []
    for operator in _STRUCTURAL:
        for candidate in operator(correct, answer):
            if not names_in(candidate.tree) <= available:
                continue
            fingerprint = _fingerprint(candidate.tree)
            if fingerprint is None or any(_same(fingerprint, f) for f in seen):
                continue
            seen.append(fingerprint)
            kept.append(candidate)
    return tuple(kept)


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
    return tuple((step, key, quantity) for step in registry.STEPS
                 for key, quantity in step.answer_items)


def _find(step, key, quantity, source, envs, got, want, references):
    """(code, candidate or other facts) for one answer key, or None."""
    if source:
        correct = parse(source)
        values = _values(correct, envs)
        if values is not None and _matches(got, values):
            return None                  # right formula on the learner's own inputs
        available = frozenset(envs[0]) if envs else frozenset()
        for candidate in candidates(source, available, quantity):
            values = _values(candidate.tree, envs)
            if values is not None and _matches(got, values):
                return candidate.code, candidate
    found = _other_step(quantity, got, want, references)
    if found:
        return "other_step", found
    constant = len(got) > 1 and _matches(got, [got[0]] * len(got))
    if constant and not _matches(want, [want[0]] * len(want)):
        return "hard_coded", got[0]
    return None


def _describe(code, found, lang: str) -> tuple:
    """(formula LaTeX, message) for a finding."""
    if code == "hard_coded":
        value = f"{found:.6g}"
        return value, text(MESSAGES, code, lang, value=value)
    if code == "other_step":
        other, key, quantity = found
        source = expressions(other).get(key or SINGLE, (None,))[0]
        latex_name, text_name = notation.symbol(quantity, True), notation.symbol(quantity, False)
        if source:
            tree = parse(source)
            latex = f"{latex_name} = {render(tree, True)}"
            shown = f"{text_name} = {render(tree, False)}"
        else:
            latex, shown = latex_name, text_name
        return latex, text(MESSAGES, code, lang, quantity=text_name, step=other.id, formula=shown)
    candidate = found
    values = {"formula": render(candidate.tree, False)}
    detail = candidate.detail
    if "names" in detail:
        def sigma_prime(identifier):
            return render(mul(name(identifier), add(num(1), neg(name(identifier)))), False)

        values["factor"] = values["right"] = ", ".join(sigma_prime(h) for h in detail["names"])
        values["wrong"] = ", ".join(sigma_prime(notation.preactivation_of(h))
                                    for h in detail["names"])
    if "wrong" in detail and "names" not in detail:
        wrong, right = detail["wrong"], detail["right"]
        wrong, right = ((wrong,), (right,)) if isinstance(wrong, str) else (wrong, right)
        values["wrong"] = ", ".join(notation.symbol(n, False) for n in wrong)
        values["right"] = ", ".join(notation.symbol(n, False) for n in right)
        values["wrong_kind"] = text(MESSAGES, "kind_" + _kind(wrong[0]), lang)
        values["right_kind"] = text(MESSAGES, "kind_" + _kind(right[0]), lang)
    if "term" in detail:
        values["term"] = render(detail["term"], False)
    key = code
    if code == "wrong_quantity" and _kind(detail["wrong"]) == _kind(detail["right"]):
        key = "wrong_quantity_layer"
    return render(candidate.tree, True), text(MESSAGES, key, lang, **values)


def diagnose(step, contexts: list, received: list, expected: list, lang: str = "en",
             references: list | None = None):
    """A diagnosis dict ``{"code", "formula_latex", "message"}`` (plus ``"key"`` for a step
    that returns a dict) or None when no candidate explains the numbers.

    ``contexts``: the values ``net`` held on each problem; ``received`` and ``expected``:
    ``{key: float}`` per problem, for a valid answer that failed; ``references``: every
    reference quantity per problem (for ``other_step``). For a dict step each wrong key is
    diagnosed on its own, earlier keys' own answers standing in for the names they define
    (step0's h₁⁽¹⁾ feeds its h₁⁽²⁾); the first key explained is reported.
    """
    formulas = expressions(step)
    keys = [key or SINGLE for key, _ in step.answer_items]
    findings = []
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
        found = _find(step, key, quantity, source, envs, got, want, references)
        if found:
            findings.append((key, found))
    if not findings:
        return None
    key, (code, found) = findings[0]
    latex, message = _describe(code, found, lang)
    result = {"code": code, "formula_latex": latex, "message": message}
    if step.returns_dict:
        message = text(MESSAGES, "in_key", lang, answer=key, message=message)
        same = sum(1 for _, (other_code, _) in findings[1:] if other_code == code)
        if same:
            message = text(MESSAGES, "more_keys", lang, message=message, n=same)
        result.update(message=message, key=key)
    return result
