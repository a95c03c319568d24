"""The seed's names for a network's quantities, and how each is written.

One name per quantity, as ``net`` offers it, layer first (layer l = 1 … L, L the output):

    inputs        x1 x2 …                x_j           target y_target, learning rate eta
    hidden l      w{l}_{ij} b{l}_{i}     w_ij^(l) b_i^(l)    (i: neuron of layer l, j: its input)
                  z{l}_{i} h{l}_{i}      z_i^(l) h_i^(l)     (z before σ, h = σ(z))
    output L      v{j} b{L} z{L} y       v_j b^(L) z^(L) y   (one output neuron, as in the seed)
    loss          L, and delta{L} = δ^(L) = ∂L/∂y
    losses        the lesson's half_squared_error, and the others a network may be drawn with
    prefixes      dL_d<name> is ∂L/∂<name>; new_<name> is the value after one update

``w2_13`` is w₁₃⁽²⁾, ``W2[0][2]``: row = neuron of layer l, column = its input; the output
neuron's weights v1, v2 are ``W3[0]`` and its bias b3 is ``b3[0]``. Indices below 10 are written
together (``w2_13``); a network with wider layers separates them (``w1_12_3``, w₁₂,₃⁽¹⁾). A
network with several outputs names its last layer like a hidden one.

Formulas may also use generic names: indices ``i`` and ``j`` (``h1_i``, ``w2_2j``, ``xj``),
``w``, ``b`` and ``p`` for any weight, bias or parameter, and ``eps`` for a small step.

This module imports nothing from the grader: the naming is the seed's, not the grader's.
"""

from __future__ import annotations

from functools import lru_cache

SEED_LAYERS = (2, 3, 2, 1)

# The losses a network may be drawn with, each with its output activation; the lesson's is
# L = ½(y − y_target)² with a sigmoid output. grader.engine.losses computes them.
LOSSES = {"half_squared_error": "sigmoid", "mean_squared_error": "sigmoid",
          "binary_cross_entropy": "sigmoid", "softmax_cross_entropy": "softmax"}
SEED_LOSS = "half_squared_error"

GRADIENT = "dL_d"           # dL_dw2_13 is ∂L/∂w₁₃⁽²⁾
UPDATED = "new_"            # new_w2_13 is w₁₃⁽²⁾ after one update
GENERIC_INDICES = ("i", "j")


class Name(tuple):
    """A parsed name: ``dL_dw2_13`` is ``Name(("dL_d", "w", 2, (1, 3)))``, its prefix, kind,
    layer and indices; ``layer`` is None for inputs, output weights and names without a layer,
    ``indices`` may hold "i" or "j"."""

    __slots__ = ()
    prefix = property(lambda self: self[0])
    kind = property(lambda self: self[1])
    layer = property(lambda self: self[2])
    indices = property(lambda self: self[3])

    def replace(self, kind=None, indices=None) -> "Name":
        return Name((self[0], kind or self[1], self[2], self[3] if indices is None else indices))


_SUBSCRIPT = str.maketrans("0123456789ij,", "₀₁₂₃₄₅₆₇₈₉ᵢⱼ,")
_SUPERSCRIPT = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")
# Names written as one symbol: (LaTeX, Unicode).
_PLAIN = {"y": ("y", "y"), "L": ("L", "L"), "y_target": (r"y_{\text{target}}", "y_target"),
          "eta": (r"\eta", "η"), "eps": (r"\varepsilon", "ε"),
          "w": ("w", "w"), "b": ("b", "b"), "p": ("p", "p")}
_GREEK = {"delta": (r"\delta", "δ")}

# One layer l in matrix form, as a matrix step's net offers it (vectors are columns): name ->
# (LaTeX, Unicode). There δ is ∂L/∂z, the matrix convention; the seed's δ⁽³⁾ is ∂L/∂y.
LAYER_SYMBOLS = {
    "h_prev": ("h^{(l-1)}", "h⁽ˡ⁻¹⁾"), "W": ("W^{(l)}", "W⁽ˡ⁾"), "b": ("b^{(l)}", "b⁽ˡ⁾"),
    "z": ("z^{(l)}", "z⁽ˡ⁾"), "h": ("h^{(l)}", "h⁽ˡ⁾"),
    "W_next": ("W^{(l+1)}", "W⁽ˡ⁺¹⁾"), "z_next": ("z^{(l+1)}", "z⁽ˡ⁺¹⁾"),
    "h_next": ("h^{(l+1)}", "h⁽ˡ⁺¹⁾"), "delta_next": (r"\delta^{(l+1)}", "δ⁽ˡ⁺¹⁾"),
    "delta": (r"\delta^{(l)}", "δ⁽ˡ⁾"),
    "dW": (r"\frac{\partial L}{\partial W^{(l)}}", "∂L/∂W⁽ˡ⁾"),
    "db": (r"\frac{\partial L}{\partial b^{(l)}}", "∂L/∂b⁽ˡ⁾"),
    # the whole backward pass (steps 20, 21): the output layer L, any activation f
    "delta_out": (r"\delta^{(L)}", "δ⁽ᴸ⁾"), "dL_dy": (r"\frac{\partial L}{\partial y}", "∂L/∂y"),
    "act_prime": (r"f'(z^{(l)})", "f′(z⁽ˡ⁾)"), "act_prime_out": (r"f'(z^{(L)})", "f′(z⁽ᴸ⁾)"),
    "B": ("B", "B"), "ones": (r"\mathbf{1}", "𝟏"),
    # ... and what their diagnosis writes
    "z_out": ("z^{(L)}", "z⁽ᴸ⁾"), "y_target": (r"y_{\mathrm{target}}", "y_target"),
    "act_prime_next": (r"f'(z^{(l+1)})", "f′(z⁽ˡ⁺¹⁾)"),
    # training XOR (step22): the batch's examples as rows, its two layers numbered
    "X": ("X", "X"), "T": ("T", "T"), "H": ("H", "H"), "Y": ("Y", "Y"),
    "W1": ("W^{(1)}", "W⁽¹⁾"), "b1": ("b^{(1)}", "b⁽¹⁾"),
    "W2": ("W^{(2)}", "W⁽²⁾"), "b2": ("b^{(2)}", "b⁽²⁾"),
    "D1": (r"\Delta^{(1)}", "Δ⁽¹⁾"), "D2": (r"\Delta^{(2)}", "Δ⁽²⁾"),
    "dW1": (r"\frac{\partial L}{\partial W^{(1)}}", "∂L/∂W⁽¹⁾"),
    "db1": (r"\frac{\partial L}{\partial b^{(1)}}", "∂L/∂b⁽¹⁾"),
    "dW2": (r"\frac{\partial L}{\partial W^{(2)}}", "∂L/∂W⁽²⁾"),
    "db2": (r"\frac{\partial L}{\partial b^{(2)}}", "∂L/∂b⁽²⁾"),
    "new_W1": (r"{W^{(1)}}_{\text{new}}", "W⁽¹⁾_new"),
    "new_b1": (r"{b^{(1)}}_{\text{new}}", "b⁽¹⁾_new"),
    "new_W2": (r"{W^{(2)}}_{\text{new}}", "W⁽²⁾_new"),
    "new_b2": (r"{b^{(2)}}_{\text{new}}", "b⁽²⁾_new"),
    "learning_rate": (r"\eta", "η"),
}
# Names of numbers in a matrix formula: a product by one is written side by side (η ∂L/∂W).
SCALARS = ("learning_rate",)


def _index(text: str):
    """An index: digits, or a generic i or j; None otherwise."""
    if text in GENERIC_INDICES:
        return text
    return int(text) if text.isascii() and text.isdigit() else None


def _layer(text: str):
    return int(text) if text.isascii() and text.isdigit() else None


def _parts(rest: str):
    """(kind, layer, indices) of a name without its prefix, or None. Written out rather than as
    one regular expression, whose compiling (~0.3 ms) every bpgrade command would pay."""
    if rest in _PLAIN:
        return rest, None, ()
    if rest.startswith("delta"):
        layer = _layer(rest[5:])
        return ("delta", layer, ()) if layer is not None else None
    kind, tail = rest[:1], rest[1:]
    if kind in ("x", "v"):
        index = _index(tail)
        return (kind, None, (index,)) if index is not None else None
    if kind not in ("w", "b", "z", "h"):
        return None
    layer, underscore, after = tail.partition("_")
    layer = _layer(layer)
    if layer is None:
        return None
    if not underscore:                                   # b3, z3: the output neuron's
        return (kind, layer, ()) if kind in ("b", "z") else None
    if kind != "w":
        index = _index(after)
        return (kind, layer, (index,)) if index is not None else None
    pair = after.split("_") if "_" in after else list(after) if len(after) == 2 else []
    indices = tuple(_index(k) for k in pair)
    return (kind, layer, indices) if len(indices) == 2 and None not in indices else None


def parse(name: str):
    """The :class:`Name` of ``name``, or None when it is not one of the seed's names."""
    prefix = ""
    for candidate in (GRADIENT, UPDATED):
        if name.startswith(candidate) and len(name) > len(candidate):
            prefix = candidate
            break
    parts = _parts(name[len(prefix):])
    if parts is None:
        return None
    parsed = Name((prefix,) + parts)
    return parsed if join(parsed) == name else None       # one spelling per quantity


def join(parsed) -> str:
    """The name of a :class:`Name` or a (prefix, kind, layer, indices) tuple: the inverse of
    :func:`parse`."""
    prefix, kind, layer, indices = parsed
    digits = [str(k) for k in indices]
    if kind == "w" and layer is not None:
        wide = any(len(d) > 1 for d in digits)
        return f"{prefix}w{layer}_{'_'.join(digits) if wide else ''.join(digits)}"
    if layer is not None:
        return f"{prefix}{kind}{layer}" + (f"_{digits[0]}" if digits else "")
    return f"{prefix}{kind}{''.join(digits)}"


def base(name: str) -> str:
    """``name`` without its prefix: ``dL_dw2_13`` → ``w2_13``."""
    for prefix in (GRADIENT, UPDATED):
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):]
    return name


def generic_values(name: str, layers: tuple = SEED_LAYERS) -> dict:
    """The values each generic part of ``name`` takes in the network: ``w2_2j`` gives
    ``{"j": (1, 2, 3)}`` (the inputs of layer 2), ``h1_i`` ``{"i": (1, 2, 3)}``, ``new_w``
    ``{"w": (every weight)}``, ``dL_dp`` ``{"p": (every parameter)}``."""
    parsed = parse(name)
    if parsed is None:
        return {}
    _, kind, layer, indices = parsed
    if layer is None and not indices and kind in ("w", "b", "p"):
        arrays_of = {"w": ("W",), "b": ("b",), "p": ("W", "b")}[kind]
        return {kind: tuple(n for n, array, *_ in parameter_slots(layers) if array in arrays_of)}
    out = {}
    for position, k in enumerate(indices):
        if k in GENERIC_INDICES:
            if kind in ("x", "v"):                  # an input of layer 1, of the output
                size = layers[0] if kind == "x" else layers[-2]
            else:                                   # w{l}_ij: i a neuron of l, j its input
                size = layers[layer - 1] if kind == "w" and position == 1 else layers[layer]
            out[k] = tuple(range(1, size + 1))
    return out


def substitute(name: str, values: dict) -> str:
    """``name`` with generic indices or generic names replaced: ``h1_i`` with ``{"i": 2}`` is
    ``h1_2``; ``dL_dw`` with ``{"w": "w1_12"}`` is ``dL_dw1_12``. Other names are unchanged."""
    parsed = parse(name)
    if parsed is None:
        return name
    if parsed.layer is None and not parsed.indices and parsed.kind in values:
        return parsed.prefix + values[parsed.kind]
    if any(k in values for k in parsed.indices):
        return join(parsed.replace(indices=tuple(values.get(k, k) for k in parsed.indices)))
    return name


# --- symbols -------------------------------------------------------------------------------

def _subscript(indices: tuple, latex: bool) -> str:
    digits = [str(k) for k in indices]
    text = ("," if any(len(d) > 1 for d in digits) else "").join(digits)
    if not text:
        return ""
    if latex:
        return f"_{text}" if len(text) == 1 else f"_{{{text}}}"
    return text.translate(_SUBSCRIPT)


def _superscript(layer, latex: bool) -> str:
    if layer is None:
        return ""
    return f"^{{({layer})}}" if latex else f"({layer})".translate(_SUPERSCRIPT)


def symbol(name: str, latex: bool = True) -> str:
    """The seed's symbol for ``name``: ``w2_13`` → ``w_{13}^{(2)}`` (LaTeX) or ``w₁₃⁽²⁾``;
    ``dL_dh2_1`` → ∂L/∂h₁⁽²⁾; ``new_b3`` → ``{b^{(3)}}_{\\text{new}}`` or ``b⁽³⁾_new`` (the seed's
    w_new). A name outside the seed's notation is shown as it is."""
    parsed = parse(name)
    if parsed is None:
        return rf"\mathit{{{name}}}".replace("_", r"\_") if latex else name
    prefix, kind, layer, indices = parsed
    if layer is None and not indices:
        inner = _PLAIN[kind][0 if latex else 1]
    else:
        letter = _GREEK[kind][0 if latex else 1] if kind in _GREEK else kind
        inner = letter + _subscript(indices, latex) + _superscript(layer, latex)
    if prefix == GRADIENT:
        return rf"\frac{{\partial L}}{{\partial {inner}}}" if latex else f"∂L/∂{inner}"
    if prefix == UPDATED:
        if not latex:
            return f"{inner}_new"
        return f"{inner}_{{\\text{{new}}}}" if "_" not in inner and "^" not in inner else \
            f"{{{inner}}}_{{\\text{{new}}}}"
    return inner


def definition(name: str):
    """The name ``name`` abbreviates, where the seed gives one: ``delta3`` is ∂L/∂y."""
    parsed = parse(name)
    return GRADIENT + "y" if parsed is not None and parsed[:2] == ("", "delta") else None


# --- a network's names -----------------------------------------------------------------------

def _output(layer: int, layers: tuple) -> bool:
    """Is ``layer`` the single output neuron the seed names v, b^(L), z^(L), y?"""
    return layer == len(layers) - 1 and layers[-1] == 1


def weight(layer: int, i: int, j: int, layers: tuple = SEED_LAYERS) -> str:
    """The weight into neuron ``i`` of ``layer`` from its input ``j`` (1-based)."""
    return f"v{j}" if _output(layer, layers) else join(("", "w", layer, (i, j)))


def bias(layer: int, i: int, layers: tuple = SEED_LAYERS) -> str:
    return f"b{layer}" if _output(layer, layers) else f"b{layer}_{i}"


def preactivation(layer: int, i: int, layers: tuple = SEED_LAYERS) -> str:
    return f"z{layer}" if _output(layer, layers) else f"z{layer}_{i}"


def activation(layer: int, i: int, layers: tuple = SEED_LAYERS) -> str:
    """Neuron ``i``'s output; layer 0 is the input x_i."""
    if layer == 0:
        return f"x{i}"
    return "y" if _output(layer, layers) else f"h{layer}_{i}"


def output_delta(layers: tuple = SEED_LAYERS) -> str:
    """δ of the output, ∂L/∂y: ``delta3`` in the seed."""
    return f"delta{len(layers) - 1}"


def preactivation_of(name: str, layers: tuple = SEED_LAYERS) -> str:
    """The z an activation is σ of: ``h1_2`` → ``z1_2``, ``y`` → ``z3``."""
    if name == "y":
        return preactivation(len(layers) - 1, 1, layers)
    parsed = parse(name)
    return join(parsed.replace(kind="z"))


def inputs(layers: tuple = SEED_LAYERS) -> tuple:
    return tuple(activation(0, j, layers) for j in range(1, layers[0] + 1))


@lru_cache(maxsize=64)
def parameter_slots(layers: tuple = SEED_LAYERS) -> tuple:
    """``(name, kind, layer, index)`` for W1 b1 W2 b2 …: kind "W" or "b", layer 0-based,
    index into that array (``("w2_13", "W", 1, (0, 2))``). Kept per shape: every problem's
    reference values are named with it (0.2 ms a problem to build)."""
    slots = []
    for l in range(1, len(layers)):
        for i in range(1, layers[l] + 1):
            for j in range(1, layers[l - 1] + 1):
                slots.append((weight(l, i, j, layers), "W", l - 1, (i - 1, j - 1)))
        for i in range(1, layers[l] + 1):
            slots.append((bias(l, i, layers), "b", l - 1, (i - 1,)))
    return tuple(slots)


def parameters(layers: tuple = SEED_LAYERS) -> tuple:
    """Every weight and bias, layer by layer: w1_11 … b1_3, w2_11 … b2_2, v1 v2 b3."""
    return tuple(name for name, *_ in parameter_slots(layers))


def forward(layers: tuple = SEED_LAYERS) -> tuple:
    """What the forward pass computes, layer by layer (z before h), then L."""
    names = []
    for l in range(1, len(layers)):
        names += [preactivation(l, i, layers) for i in range(1, layers[l] + 1)]
        names += [activation(l, i, layers) for i in range(1, layers[l] + 1)]
    return tuple(names) + ("L",)


def activation_gradients(layer: int, layers: tuple = SEED_LAYERS) -> tuple:
    """∂L/∂h of every neuron of a hidden ``layer``: ``dL_dh2_1``, ``dL_dh2_2``."""
    return tuple(GRADIENT + activation(layer, i, layers) for i in range(1, layers[layer] + 1))


# --- names and arrays --------------------------------------------------------------------------

def arrays(layers: tuple = SEED_LAYERS) -> dict:
    """Every array's layout: its name → the names of its entries in its shape.

    ``W2`` is ``(("w2_11", "w2_12", "w2_13"), ("w2_21", "w2_22", "w2_23"))``; ``v`` is the
    output neuron's weights again, as a vector.
    """
    depth = len(layers) - 1
    out = {"x": inputs(layers)}
    for l in range(1, depth + 1):
        rows = range(1, layers[l] + 1)
        out[f"W{l}"] = tuple(tuple(weight(l, i, j, layers) for j in range(1, layers[l - 1] + 1))
                             for i in rows)
        out[f"b{l}"] = tuple(bias(l, i, layers) for i in rows)
        out[f"z{l}"] = tuple(preactivation(l, i, layers) for i in rows)
        if l < depth or not _output(l, layers):
            out[f"h{l}"] = tuple(activation(l, i, layers) for i in rows)
            out[f"{GRADIENT}h{l}"] = tuple(GRADIENT + n for n in out[f"h{l}"])
    if _output(depth, layers):
        out["v"] = out[f"W{depth}"][0]
    return out


def slot(name: str, layers: tuple = SEED_LAYERS):
    """``(array, index)`` of ``name`` in :func:`arrays`: ``w2_13`` → ``("W2", (0, 2))``,
    ``v1`` → ``("W3", (0, 0))``, ``dL_dh2_1`` → ``("dL_dh2", (0,))``, ``dL_dw2_13`` →
    ``("dL_dW2", (0, 2))``; None for a name no array holds."""
    prefix = GRADIENT if name.startswith(GRADIENT) else UPDATED if name.startswith(UPDATED) else ""
    for array, layout in arrays(layers).items():
        if array == "v" or array.startswith(GRADIENT):
            continue                                # the same entries as W{L}, h{l}
        rows = layout if isinstance(layout[0], tuple) else (layout,)
        for i, row in enumerate(rows):
            if name[len(prefix):] in row:
                j = row.index(name[len(prefix):])
                return prefix + array, ((i, j) if rows is layout else (j,))
    return None
