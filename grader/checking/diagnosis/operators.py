"""The wrong formulas a learner plausibly writes, made from the step's own formula.

Each step of the registry carries its formula as a small Python expression over the names
``net`` holds (``"delta3*y*(1 - y)*h2_1"``; one per answer key for the steps that return a
dict). The operators here rewrite that expression tree into the slips learners make — a
flipped sign, a dropped or miswritten σ′ factor, a sibling index, a transposed weight, the
wrong upstream gradient, an extra factor, η where it does not belong, a product of the paths
where their sum belongs, a missing bias — and :func:`candidates` keeps every rewrite that
differs from the correct formula and from each earlier one. The operators are general
rewrites of the tree, not a list per step: a new step's formula gets them for free.

Everything here is plain floats and the standard library, so the check path never pays for
sympy. The trees are those of :mod:`grader.steps.expression`; the names and their roles those
of :mod:`grader.notation`.
"""

from __future__ import annotations

import zlib
from functools import lru_cache

from ... import notation
from ...records import Record, factory
from ...steps.expression import (add, evaluate, mul, name, names_in, neg, num, ordered_names,
                                 parse, rename, replace_at, subtree, walk)

ETA = "eta"                 # the learning rate η, as net names it
LOSS = "L"

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


def role(identifier: str) -> str:
    """"weight", "input" or "activation": what a name is to the message of a mix-up."""
    parts = notation.parse(identifier)
    if parts is not None and parts[1] in ("w", "v"):
        return "weight"
    if parts is not None and parts[1] == "x":
        return "input"
    return "activation"


def _neurons(layer: int) -> range:
    return range(1, notation.SEED_LAYERS[layer] + 1)


def _is_gradient(identifier: str) -> bool:
    return identifier.startswith(notation.GRADIENT) or identifier == notation.output_delta()


def _upstream_layer(identifier: str):
    """The layer of an upstream gradient (δ⁽³⁾ = ∂L/∂y: the output's; ∂L/∂h_i⁽ˡ⁾: l), else None."""
    if identifier == notation.output_delta():
        return len(notation.SEED_LAYERS) - 1
    parts = notation.parse(identifier)
    if parts is not None and parts.prefix == notation.GRADIENT and parts.kind == "h":
        return parts.layer
    return None


def _other_upstreams(identifier: str) -> list:
    """What a learner puts where the upstream gradient ``identifier`` belongs: L itself, δ⁽³⁾,
    or another layer's ∂L/∂h (a sibling in the same layer is :func:`_wrong_index`'s)."""
    layer = _upstream_layer(identifier)
    out = [LOSS, notation.output_delta()]
    for other in range(1, len(notation.SEED_LAYERS) - 1):
        if other != layer:
            out += notation.activation_gradients(other)
    return [n for n in out if n != identifier]


def _activations() -> list:
    """Every neuron's output, the output y first: what a σ′ can be taken of."""
    layers = notation.SEED_LAYERS
    out = []
    for layer in range(len(layers) - 1, 0, -1):
        out += [notation.activation(layer, i) for i in _neurons(layer)]
    return out


def _is_bias(identifier: str) -> bool:
    parts = notation.parse(identifier)
    return parts is not None and not parts.prefix and parts.kind == "b" and parts.layer is not None


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


def _site_replaced(tree, site, factors) -> tuple:
    """``tree`` with the σ′ factor h(1−h) at ``site`` replaced by ``factors``."""
    path, i, j, _ = site
    node = subtree(tree, path)
    kept = [f for k, f in enumerate(node[2]) if k not in (i, j)]
    at = min(i, j)
    return replace_at(tree, path, mul(*kept[:at], *factors, *kept[at:]))


def _sigma_prime(identifier: str) -> tuple:
    return (name(identifier), add(num(1), neg(name(identifier))))


def _wrong_activation_derivative(tree, _):
    """σ′ written wrongly: h(1−h)·h, only h or only (1−h), 1 − h² (tanh's), another
    neuron's σ′."""
    for site in _derivative_sites(tree):
        h = site[3]
        right = _sigma_prime(h)
        one_minus_square = add(num(1), neg(("pow", 2, (name(h),))))
        written = [right + (name(h),), right[:1], right[1:], (one_minus_square,)]
        written += [_sigma_prime(other) for other in _activations() if other != h]
        for factors in written:
            yield Candidate("wrong_activation_derivative", _site_replaced(tree, site, factors),
                            {"written": mul(*factors), "right": mul(*right)})


def _wrong_upstream(tree, _):
    """L, δ⁽³⁾ or another layer's ∂L/∂h where this step's upstream gradient belongs; where
    several are used (two paths), each alone and then all of them at once."""
    upstream = [n for n in ordered_names(tree) if _upstream_layer(n) is not None]
    for identifier in upstream:
        for other in _other_upstreams(identifier):
            yield Candidate("wrong_upstream", rename(tree, {identifier: other}),
                            {"wrong": other, "right": identifier})
    if len(upstream) > 1:
        for other in _other_upstreams(upstream[0]):
            if other not in upstream:
                yield Candidate("wrong_upstream", rename(tree, dict.fromkeys(upstream, other)),
                                {"wrong": other, "right": tuple(upstream)})


def _gradient_of(answer: str):
    """The value a gradient is taken with respect to: ``dL_dw2_11`` → ``w2_11``; else None."""
    return notation.base(answer) if answer.startswith(notation.GRADIENT) else None


def _extra_factor(tree, answer):
    """The gradient multiplied once more by what it is taken with respect to: a weight
    (∂L/∂w · w), the bias's value, the activation."""
    wrt = _gradient_of(answer)
    if wrt:
        yield Candidate("extra_factor", mul(tree, name(wrt)), {"factor": wrt})


def _learning_rate_in_gradient(tree, answer):
    if _gradient_of(answer) or answer == notation.output_delta():
        yield Candidate("learning_rate_in_gradient", mul(name(ETA), tree))


def _missing_learning_rate(tree, _):
    for path, node in walk(tree):
        if node[0] == "mul" and name(ETA) in node[2]:
            kept = [f for f in node[2] if f != name(ETA)]
            yield Candidate("missing_learning_rate", replace_at(tree, path, mul(*kept)))


def _missing_bias(tree, _):
    """A pre-activation (the sum inside σ) without its bias term."""
    for path, node in walk(tree):
        if node[0] != "call":
            continue
        for k, argument in enumerate(node[2]):
            if argument[0] != "sum":
                continue
            for term in argument[2]:
                if term[0] == "name" and _is_bias(term[1]):
                    kept = add(*(t for t in argument[2] if t != term))
                    yield Candidate("missing_bias", replace_at(tree, path + (k,), kept),
                                    {"bias": term[1]})


def _path_sums(tree):
    """(path, sum) of every sum whose terms are each one path of the chain rule (each holds
    an upstream gradient): step 10's two paths."""
    for path, node in walk(tree):
        if node[0] == "sum" and len(node[2]) >= 2 \
                and all(any(_is_gradient(n) for n in names_in(t)) for t in node[2]):
            yield path, node


def _missing_path_term(tree, _):
    for path, node in _path_sums(tree):
        for i, term in enumerate(node[2]):
            kept = [t for k, t in enumerate(node[2]) if k != i]
            yield Candidate("missing_path_term", replace_at(tree, path, _positive_first(add(*kept))),
                            {"term": term})


def _product_not_sum(tree, _):
    for path, node in _path_sums(tree):
        product = ("mul", None, node[2])      # unflattened: each path stays one bracket
        yield Candidate("product_not_sum", replace_at(tree, path, product))


# In the order a match is preferred: the most specific explanation of the numbers first.
STRUCTURAL = (_sign_flipped, _factor_of_two, _missing_activation_derivative,
              _derivative_at_preactivation, _wrong_activation_derivative, _transposed_weight,
              _wrong_index, _wrong_upstream, _wrong_quantity, _missing_path_term,
              _product_not_sum, _extra_factor, _learning_rate_in_gradient,
              _missing_learning_rate, _missing_bias)
CODES = ("sign_flipped", "factor_of_two", "missing_activation_derivative",
         "derivative_at_preactivation", "wrong_activation_derivative", "transposed_weight",
         "wrong_index", "wrong_upstream", "wrong_quantity", "missing_path_term",
         "product_not_sum", "extra_factor", "learning_rate_in_gradient", "missing_learning_rate",
         "missing_bias")


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

    Order (deterministic): operators as in :data:`CODES`; within one operator, the rewrite
    of the whole expression before rewrites of its parts, single sites before all sites at
    once, then reading order. A candidate is dropped when it uses a name outside ``available``
    (what ``net`` holds), when it equals the correct formula (e.g. a sign flipped inside a
    square), or when an earlier candidate already gives the same values.
    ``answer`` is the quantity the step computes (``dL_dw2_12``): which weight the transposed
    step is for, what an extra factor multiplies by, whether η can slip in.
    """
    correct = parse(expression)
    seen = [_fingerprint(correct)]
    kept = []
    for operator in STRUCTURAL:
        for candidate in operator(correct, answer):
            if not names_in(candidate.tree) <= available:
                continue
            fingerprint = _fingerprint(candidate.tree)
            if fingerprint is None or any(_same(fingerprint, f) for f in seen):
                continue
            seen.append(fingerprint)
            kept.append(candidate)
    return tuple(kept)


