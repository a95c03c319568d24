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

Everything here is plain floats and the standard library (``ast`` parses the expression), so
the check path never pays for sympy. The same tree renders back as LaTeX and as Unicode text
in the seed's notation (``h2_1`` → ``h_1^{(2)}`` / ``h₁⁽²⁾``) and as Python source.
"""

from __future__ import annotations

import ast
import math
import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

from ..steps import registry
from .. import tolerances
from ..i18n import text

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


# --- expression trees ----------------------------------------------------------------------
#
# A node is (kind, value, children): ("num", 2.0, ()), ("name", "h2_1", ()),
# ("sum", None, terms), ("mul", None, factors), ("neg", None, (a,)), ("div", None, (a, b)),
# ("pow", n, (a,)), ("call", "sigmoid", args). Sums and products are flattened; a - b is
# ("sum", None, (a, ("neg", None, (b,)))).

def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


FUNCTIONS = {"sigmoid": _sigmoid}


def num(value) -> tuple:
    return ("num", float(value), ())


def name(identifier: str) -> tuple:
    return ("name", identifier, ())


def neg(node) -> tuple:
    if node[0] == "neg":
        return node[2][0]
    if node[0] == "num":
        return num(-node[1])
    return ("neg", None, (node,))


def add(*terms) -> tuple:
    flat = []
    for term in terms:
        flat.extend(term[2] if term[0] == "sum" else (term,))
    return flat[0] if len(flat) == 1 else ("sum", None, tuple(flat))


def mul(*factors) -> tuple:
    flat, scale = [], 1.0
    for factor in factors:
        for f in (factor[2] if factor[0] == "mul" else (factor,)):
            if f[0] == "num":
                scale *= f[1]
            else:
                flat.append(f)
    if scale != 1.0 or not flat:
        flat.insert(0, num(scale))
    return flat[0] if len(flat) == 1 else ("mul", None, tuple(flat))


def _convert(node) -> tuple:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return num(node.value)
    if isinstance(node, ast.Name):
        return name(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return neg(_convert(node.operand))
    if isinstance(node, ast.BinOp):
        left, right = _convert(node.left), _convert(node.right)
        if isinstance(node.op, ast.Add):
            return add(left, right)
        if isinstance(node.op, ast.Sub):
            return add(left, neg(right))
        if isinstance(node.op, ast.Mult):
            return mul(left, right)
        if isinstance(node.op, ast.Div):
            return ("div", None, (left, right))
        if isinstance(node.op, ast.Pow) and right[0] == "num" and right[1].is_integer():
            return ("pow", int(right[1]), (left,))
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in FUNCTIONS and not node.keywords):
        return ("call", node.func.id, tuple(_convert(a) for a in node.args))
    raise ValueError(f"unsupported in a step formula: {ast.unparse(node)}")


@lru_cache(maxsize=None)
def parse(source: str) -> tuple:
    """The tree of a formula written as a Python expression."""
    return _convert(ast.parse(source, mode="eval").body)


def evaluate(node, env: dict) -> float:
    kind, value, children = node
    if kind == "num":
        return value
    if kind == "name":
        return env[value]
    if kind == "sum":
        return sum(evaluate(c, env) for c in children)
    if kind == "mul":
        product = 1.0
        for c in children:
            product *= evaluate(c, env)
        return product
    if kind == "neg":
        return -evaluate(children[0], env)
    if kind == "div":
        return evaluate(children[0], env) / evaluate(children[1], env)
    if kind == "pow":
        return evaluate(children[0], env) ** value
    return FUNCTIONS[value](*(evaluate(c, env) for c in children))


def names_in(node) -> set:
    if node[0] == "name":
        return {node[1]}
    return set().union(*(names_in(c) for c in node[2])) if node[2] else set()


def _ordered_names(node) -> list:
    """Names in reading order, each once."""
    seen = []
    for _, n in _walk(node):
        if n[0] == "name" and n[1] not in seen:
            seen.append(n[1])
    return seen


def _walk(node, path=()):
    """(path, node) in reading order, the root first."""
    yield path, node
    for i, child in enumerate(node[2]):
        yield from _walk(child, path + (i,))


def _rebuild(kind, value, children) -> tuple:
    if kind == "sum":
        return add(*children)
    if kind == "mul":
        return mul(*children)
    if kind == "neg":
        return neg(children[0])
    return (kind, value, tuple(children))


def _replace(node, path, new) -> tuple:
    if not path:
        return new
    kind, value, children = node
    children = list(children)
    children[path[0]] = _replace(children[path[0]], path[1:], new)
    return _rebuild(kind, value, children)


def rename(node, mapping: dict) -> tuple:
    kind, value, children = node
    if kind == "name":
        return name(mapping.get(value, value))
    if not children:
        return node
    return _rebuild(kind, value, [rename(c, mapping) for c in children])


# --- names of the seed network ---------------------------------------------------------------

_WEIGHT = re.compile(r"^(dL_d|new_)?w(\d)_(\d)(\d)$")
_NEURON = re.compile(r"^(dL_d|new_)?([hzb])(\d)_(\d)$")
_VECTOR = re.compile(r"^(dL_d|new_)?([xv])(\d)$")


def _indexed(identifier: str):
    """(prefix, stem, layer, indices) or None for a name without indices."""
    m = _WEIGHT.match(identifier)
    if m:
        return m.group(1) or "", "w", int(m.group(2)), (int(m.group(3)), int(m.group(4)))
    m = _NEURON.match(identifier)
    if m:
        return m.group(1) or "", m.group(2), int(m.group(3)), (int(m.group(4)),)
    m = _VECTOR.match(identifier)
    if m:
        return m.group(1) or "", m.group(2), None, (int(m.group(3)),)
    return None


def _join(prefix, stem, layer, indices) -> str:
    if stem == "w":
        return f"{prefix}w{layer}_{indices[0]}{indices[1]}"
    if layer is None:
        return f"{prefix}{stem}{indices[0]}"
    return f"{prefix}{stem}{layer}_{indices[0]}"


def _activation_name(identifier: str) -> bool:
    parts = _indexed(identifier)
    return identifier == "y" or (parts is not None and parts[:2] == ("", "h"))


def _preactivation(identifier: str) -> str:
    if identifier == "y":
        return "z3"
    return "z" + identifier[1:]


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
                out.append(_join(prefix, stem, layer, changed))
    return out


def _transposed(identifier: str):
    parts = _indexed(identifier)
    if parts is None or parts[1] != "w" or parts[3][0] == parts[3][1]:
        return None
    prefix, stem, layer, (i, j) = parts
    return _join(prefix, stem, layer, (j, i))


def _kind(identifier: str) -> str:
    parts = _indexed(identifier) or ("", identifier, None, ())
    if parts[1] in ("w", "v"):
        return "weight"
    if parts[1] == "x":
        return "input"
    return "activation"


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
        return [f"h1_{i}" for i in (1, 2, 3)] + [f"w1_{i}{j}" for i in (1, 2, 3)]
    if stem == "h" and layer == 1:
        return [f"x{j}"] + [f"w2_{i}{j}" for i in (1, 2)] + [f"h2_{i}" for i in (1, 2)]
    if stem == "h" and layer == 2:
        return [f"v{j}"]
    if stem == "v":
        return [f"h2_{j}"]
    if stem == "w":
        return [f"x{j}" if layer == 1 else f"h{layer - 1}_{j}"]
    return []


# --- the mutation operators -----------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """One wrong formula: the operator's code, the tree, and what changed (for the message)."""

    code: str
    tree: tuple
    detail: dict = field(default_factory=dict, compare=False, hash=False)


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
    sums = [(p, n) for p, n in _walk(tree) if n[0] == "sum"]
    if tree[0] == "sum":                              # a − b as b − a
        yield Candidate("sign_flipped", _positive_first(add(*(neg(t) for t in tree[2]))))
    else:
        yield Candidate("sign_flipped", neg(tree))
    for path, node in sums:
        if path:
            flipped = _positive_first(add(*(neg(t) for t in node[2])))
            yield Candidate("sign_flipped", _replace(tree, path, flipped))
        for i, term in enumerate(node[2]):
            if term[0] == "num":                      # −1 − h for 1 − h is no one's mistake
                continue
            terms = list(node[2])
            terms[i] = neg(term)
            yield Candidate("sign_flipped", _replace(tree, path, _positive_first(add(*terms))))


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
    for path, node in _walk(tree):
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
        node = _subtree(tree, path)
        kept = [f for k, f in enumerate(node[2]) if k not in by_path[path]]
        tree = _replace(tree, path, mul(*kept) if kept else num(1))
    return tree


def _subtree(tree, path):
    for i in path:
        tree = tree[2][i]
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
        node = _subtree(tree, path)
        factors = list(node[2])
        z = name(_preactivation(h))
        factors[i], factors[j] = z, add(num(1), neg(z))
        tree = _replace(tree, path, ("mul", None, tuple(factors)))
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
                mapping[identifier] = _join(prefix, stem, layer,
                                            tuple(swap.get(k, k) for k in indices))
        yield Candidate("transposed_weight", rename(tree, mapping),
                        {"wrong": target, "right": answer})
    # One weight w_ij read as w_ji, then all of them at once.
    mapping = {}
    for identifier in _ordered_names(tree):
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
    names = _ordered_names(tree)
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
                mapping[identifier] = _join(prefix, stem, layer, indices)
            yield Candidate("wrong_index", rename(tree, mapping),
                            {"wrong": tuple(mapping.values()), "right": tuple(mapping)})


def _wrong_quantity(tree, _):
    in_sigma_prime = {site[3] for site in _derivative_sites(tree)}
    for identifier in _ordered_names(tree):
        if identifier in in_sigma_prime:              # v₁(1 − v₁) is no one's σ′
            continue
        for other in _confusable(identifier):
            yield Candidate("wrong_quantity", rename(tree, {identifier: other}),
                            {"wrong": other, "right": identifier})


def _is_gradient(identifier: str) -> bool:
    return identifier.startswith("dL_d") or identifier == "delta3"


def _missing_path_term(tree, _):
    for path, node in _walk(tree):
        if node[0] != "sum" or len(node[2]) < 2:
            continue
        if not all(any(_is_gradient(n) for n in names_in(t)) for t in node[2]):
            continue
        for i, term in enumerate(node[2]):
            kept = [t for k, t in enumerate(node[2]) if k != i]
            yield Candidate("missing_path_term", _replace(tree, path, _positive_first(add(*kept))),
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


# --- rendering in the seed's notation --------------------------------------------------------

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")
_PLAIN = {"y": ("y", "y"), "L": ("L", "L"), "z3": ("z^{(3)}", "z⁽³⁾"), "b3": ("b^{(3)}", "b⁽³⁾"),
          "delta3": (r"\delta^{(3)}", "δ⁽³⁾"), "y_target": ("y_{target}", "y_target"),
          "eta": (r"\eta", "η")}


def symbol(identifier: str, latex: bool) -> str:
    """``h2_1`` → ``h_1^{(2)}`` (LaTeX) or ``h₁⁽²⁾`` (text); ``dL_dh2_1`` → ∂L/∂h₁⁽²⁾."""
    for prefix in ("dL_d", "new_"):
        if identifier.startswith(prefix) and len(identifier) > len(prefix):
            inner = symbol(identifier[len(prefix):], latex)
            if prefix == "dL_d":
                return rf"\frac{{\partial L}}{{\partial {inner}}}" if latex else f"∂L/∂{inner}"
            return rf"{inner}_{{new}}" if latex else f"{inner}_new"
    if identifier in _PLAIN:
        return _PLAIN[identifier][0 if latex else 1]
    parts = _indexed(identifier)
    if parts is None:
        return rf"\mathit{{{identifier}}}".replace("_", r"\_") if latex else identifier
    _, stem, layer, indices = parts
    sub = "".join(str(i) for i in indices)
    if layer is None:
        return f"{stem}_{sub}" if latex else stem + sub.translate(_SUB)
    if latex:
        return f"{stem}_{{{sub}}}^{{({layer})}}" if len(sub) > 1 else f"{stem}_{sub}^{{({layer})}}"
    return stem + sub.translate(_SUB) + f"({layer})".translate(_SUP)


def _number(value: float, latex: bool) -> str:
    named = {0.5: (r"\frac{1}{2}", "½"), 0.25: (r"\frac{1}{4}", "¼")}
    if value in named:
        return named[value][0 if latex else 1]
    return f"{value:g}"


_PRECEDENCE = {"sum": 1, "neg": 2, "mul": 3, "div": 3, "pow": 4}


def render(node, latex: bool = True) -> str:
    """The formula in the seed's notation, as LaTeX or as plain Unicode text."""
    minus = "-" if latex else "−"
    dot = r" \cdot " if latex else " · "

    def wrap(child, above: int) -> str:
        inner = go(child)
        if _PRECEDENCE.get(child[0], 9) <= above or (child[0] == "num" and child[1] < 0):
            return rf"\left({inner}\right)" if latex else f"({inner})"
        return inner

    def go(n) -> str:
        kind, value, children = n
        if kind == "num":
            return _number(value, latex)
        if kind == "name":
            return symbol(value, latex)
        if kind == "call":
            args = ", ".join(go(c) for c in children)
            return rf"\sigma\left({args}\right)" if latex else f"σ({args})"
        if kind == "neg":
            return minus + wrap(children[0], 1)
        if kind == "sum":
            # The seed writes 1−h tight and y − y_target spaced.
            space = "" if children[0][0] == "num" and not latex else " "
            sub, plus = f"{space}{minus}{space}", f"{space}+{space}"
            out = ""
            for i, term in enumerate(children):
                if term[0] == "neg":
                    out += (sub if i else minus) + wrap(term[2][0], 1)
                elif term[0] == "num" and term[1] < 0:
                    out += (sub if i else minus) + _number(-term[1], latex)
                else:
                    out += (plus if i else "") + go(term)
            return out
        if kind == "mul":
            out = ""
            for i, factor in enumerate(children):
                piece = wrap(factor, 2)
                if i:
                    bracketed = factor[0] == "sum" or (factor[0] == "pow"
                                                       and factor[2][0][0] == "sum")
                    joined = bracketed and children[i - 1][0] in ("name", "num")
                    out += "" if joined else dot
                out += piece
            return out
        if kind == "div":
            if latex:
                return rf"\frac{{{go(children[0])}}}{{{go(children[1])}}}"
            return f"{wrap(children[0], 3)}/{wrap(children[1], 3)}"
        base = wrap(children[0], 3)
        return f"{base}^{{{value}}}" if latex else base + str(value).translate(_SUP)

    return go(node)


def python_source(node, prefix: str = "") -> str:
    """The tree as a Python expression; ``prefix="net."`` gives code a learner could write."""
    kind, value, children = node
    if kind == "num":
        return repr(value)
    if kind == "name":
        return prefix + value
    if kind == "call":
        return f"{value}({', '.join(python_source(c, prefix) for c in children)})"
    if kind == "neg":
        return f"(-{python_source(children[0], prefix)})"
    if kind == "sum":
        return "(" + " + ".join(python_source(c, prefix) for c in children) + ")"
    if kind == "mul":
        return "(" + " * ".join(python_source(c, prefix) for c in children) + ")"
    if kind == "div":
        return f"({python_source(children[0], prefix)} / {python_source(children[1], prefix)})"
    return f"({python_source(children[0], prefix)} ** {value})"


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
        latex_name, text_name = symbol(quantity, True), symbol(quantity, False)
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
        values["wrong"] = ", ".join(sigma_prime(_preactivation(h)) for h in detail["names"])
    if "wrong" in detail and "names" not in detail:
        wrong, right = detail["wrong"], detail["right"]
        wrong, right = ((wrong,), (right,)) if isinstance(wrong, str) else (wrong, right)
        values["wrong"] = ", ".join(symbol(n, False) for n in wrong)
        values["right"] = ", ".join(symbol(n, False) for n in right)
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
