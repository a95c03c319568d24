"""A step's formula as a small expression tree: parsed, evaluated and written in the seed's notation.

The registry writes each formula once, as a Python expression over the names ``net`` holds
(``"delta3*y*(1 - y)*h2_1"``). :func:`parse` turns it into a tree, :func:`evaluate` computes
it on plain floats, :func:`render` writes it as LaTeX or Unicode text (``δ⁽³⁾ · y(1−y) · h₁⁽²⁾``)
and grader.checking.diagnosis rewrites trees into the mistakes a learner plausibly makes.
Everything here is the standard library (``ast``), so the check path never pays for sympy.

A node is (kind, value, children): ("num", 2.0, ()), ("name", "h2_1", ()),
("sum", None, terms), ("mul", None, factors), ("neg", None, (a,)), ("div", None, (a, b)),
("pow", n, (a,)), ("call", "sigmoid", args). Sums and products are flattened; a - b is
("sum", None, (a, ("neg", None, (b,)))).
"""

from __future__ import annotations

import ast
import math
import re
from functools import lru_cache

from .. import notation


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


FUNCTIONS = {"sigmoid": _sigmoid, "log": math.log}
# Functions a formula may show: (LaTeX, Unicode). L(p + ε) is the loss with p moved; it is
# written, never evaluated. log is the natural logarithm of the cross-entropy.
SHOWN_FUNCTIONS = {"sigmoid": (r"\sigma", "σ"), "log": (r"\log", "log"), "L": ("L", "L")}


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
            and node.func.id in SHOWN_FUNCTIONS and not node.keywords):
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


def walk(node, path=()):
    """(path, node) in reading order, the root first."""
    yield path, node
    for i, child in enumerate(node[2]):
        yield from walk(child, path + (i,))


def ordered_names(node) -> list:
    """Names in reading order, each once."""
    seen = []
    for _, n in walk(node):
        if n[0] == "name" and n[1] not in seen:
            seen.append(n[1])
    return seen


def subtree(tree, path):
    for i in path:
        tree = tree[2][i]
    return tree


def rebuild(kind, value, children) -> tuple:
    if kind == "sum":
        return add(*children)
    if kind == "mul":
        return mul(*children)
    if kind == "neg":
        return neg(children[0])
    return (kind, value, tuple(children))


def replace_at(node, path, new) -> tuple:
    """``node`` with the subtree at ``path`` replaced by ``new``."""
    if not path:
        return new
    kind, value, children = node
    children = list(children)
    children[path[0]] = replace_at(children[path[0]], path[1:], new)
    return rebuild(kind, value, children)


def rename(node, mapping: dict) -> tuple:
    kind, value, children = node
    if kind == "name":
        return name(mapping.get(value, value))
    if not children:
        return node
    return rebuild(kind, value, [rename(c, mapping) for c in children])


_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def substitute(source: str, values: dict) -> str:
    """``source`` with generic indices or names replaced (:func:`grader.notation.substitute`):
    ``"dL_dh1_i*h1_i*(1 - h1_i)*xj"`` with ``{"i": 2, "j": 1}`` is
    ``"dL_dh1_2*h1_2*(1 - h1_2)*x1"``."""
    return _IDENTIFIER.sub(lambda m: notation.substitute(m.group(), values), source)


# --- writing a tree in the seed's notation ----------------------------------------------------

def _number(value: float, latex: bool) -> str:
    named = {0.5: (r"\frac{1}{2}", "½"), 0.25: (r"\frac{1}{4}", "¼")}
    if value in named:
        return named[value][0 if latex else 1]
    shown = f"{value:g}"
    if "e" not in shown:
        return shown
    mantissa, exponent = shown.split("e")
    if not latex:
        return f"{mantissa}e{int(exponent)}"                # 1e-5
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else rf"{mantissa} \times {power}"


def _is_weight(node) -> bool:
    parsed = notation.parse(node[1]) if node[0] == "name" else None
    return parsed is not None and not parsed.prefix and parsed.kind in ("w", "v")


def _is_gradient(node) -> bool:
    return node[0] == "name" and node[1].startswith(notation.GRADIENT)


def _joiner(before, after, latex: bool) -> str:
    """What stands between two factors of a product, as the seed writes it: nothing in
    y(1−y), 2ε and in a weight times its input (v₁h₁⁽²⁾); a space after η in LaTeX
    (η ∂L/∂w, where the fraction sets it apart); a dot between the chain rule's factors."""
    bracketed = after[0] == "sum" or (after[0] == "pow" and after[2][0][0] == "sum")
    if bracketed and before[0] in ("name", "num"):
        return ""
    if before[0] == "num" and after[0] == "name" and not _is_gradient(after):
        return ""
    if _is_weight(before) and after[0] == "name":
        return ""
    if latex and before == ("name", "eta", ()):
        return " "
    return r" \cdot " if latex else " · "


_PRECEDENCE = {"sum": 1, "neg": 2, "mul": 3, "div": 3, "pow": 4}


def render(node, latex: bool = True) -> str:
    """The formula in the seed's notation, as LaTeX or as plain Unicode text."""
    minus = "-" if latex else "−"

    def wrap(child, above: int) -> str:
        inner = go(child)
        if _PRECEDENCE.get(child[0], 9) <= above or (child[0] == "num" and child[1] < 0):
            return f"({inner})"
        return inner

    def go(n) -> str:
        kind, value, children = n
        if kind == "num":
            return _number(value, latex)
        if kind == "name":
            return notation.symbol(value, latex)
        if kind == "call":
            args = ", ".join(go(c) for c in children)
            return f"{SHOWN_FUNCTIONS[value][0 if latex else 1]}({args})"
        if kind == "neg":
            return minus + wrap(children[0], 1)
        if kind == "sum":
            # The seed writes 1−h tight and y − y_target spaced.
            space = "" if children[0][0] == "num" else " "
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
            # A product inside a product is one mul() did not flatten (the paths of a sum
            # multiplied instead of added): it keeps its brackets.
            above = [3 if factor[0] == "mul" else 2 for factor in children]
            out = wrap(children[0], above[0])
            for k, (before, factor) in enumerate(zip(children, children[1:]), 1):
                out += _joiner(before, factor, latex) + wrap(factor, above[k])
            return out
        if kind == "div":
            if latex:
                return rf"\frac{{{go(children[0])}}}{{{go(children[1])}}}"
            return f"{wrap(children[0], 3)} / {wrap(children[1], 3)}"
        base = wrap(children[0], 3)
        if latex:
            return f"{base}^{value}" if len(str(value)) == 1 else f"{base}^{{{value}}}"
        return base + str(value).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))

    return go(node)


_RELATIONS = {"=": ("=", "="), "≈": (r"\approx", "≈")}


def equation(left: tuple, source: str, latex: bool = True, relation: str = "=") -> str:
    """``left = source`` in the seed's notation; ``left`` names one or more quantities that
    are equal (``("delta3", "dL_dy")`` gives δ⁽³⁾ = ∂L/∂y = …)."""
    sides = [notation.symbol(n, latex) for n in left]
    between = f" {_RELATIONS[relation][0 if latex else 1]} "
    return " = ".join(sides) + between + render(parse(source), latex)
