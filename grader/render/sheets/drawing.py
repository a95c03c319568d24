"""The network drawing: every neuron, each weight's name and value on its edge, each bias under
its neuron, placed so that no label overlaps another label or a neuron. Coordinates are strings
for the SVG (y down) and for LaTeX's picture environment (y up)."""

from __future__ import annotations

from ... import notation
from .. import templates
from .numbers import given_number, minus

# On the drawing's first line: how a drawing file beside a Markdown sheet is told from any
# other file of that name (grader.render.sheets.output replaces only a drawing).
GENERATOR = "bpgrade sheet"
MARK = f'data-generator="{GENERATOR}"'

WIDTH, HEIGHT = 940, 340
LAYER_X = (110, 340, 570, 780)
NODE_GAP = 110
RADIUS = 22
CHAR_W, LABEL_H = 7.2, 16       # a 12px sans-serif character, generously; a label's height
LABEL_PAD = 8
LABEL_POSITIONS = tuple(k / 100 for k in range(30, 72, 2))


def _node_y(count: int, index: int) -> float:
    return HEIGHT / 2 - 10 + (index - (count - 1) / 2) * NODE_GAP


def label_width(text: str) -> float:
    return len(text) * CHAR_W + LABEL_PAD


def _boxes_overlap(a, b) -> bool:
    """Boxes as (centre x, centre y, width, height)."""
    return abs(a[0] - b[0]) * 2 < a[2] + b[2] and abs(a[1] - b[1]) * 2 < a[3] + b[3]


def _edge_labels(edges, widths, obstacles) -> list:
    """A point along each edge, the same fraction for one layer, chosen so that no label
    overlaps another label or a neuron (``obstacles``: boxes as in :func:`_boxes_overlap`)."""
    for t in sorted(LABEL_POSITIONS, key=lambda t: abs(t - 0.5)):
        boxes = [(x1 + (x2 - x1) * t, y1 + (y2 - y1) * t, w, LABEL_H)
                 for (x1, y1, x2, y2), w in zip(edges, widths)]
        if all(not _boxes_overlap(p, q) for i, p in enumerate(boxes) for q in boxes[i + 1:]) \
                and all(not _boxes_overlap(p, o) for p in boxes for o in obstacles):
            return boxes
    raise AssertionError("no overlap-free label position for the network drawing")


def _f(value: float) -> str:
    return f"{value:.1f}"


def _symbol_label(unicode_text: str, latex: str, fmt: str) -> str:
    return f"${latex}$" if fmt == "tex" else unicode_text


def _equation_label(unicode_text: str, latex: str, value: float, fmt: str) -> str:
    """``x₁ = 0.30`` (SVG text) or ``$x_1 = 0.30$`` (LaTeX)."""
    if fmt == "tex":
        return f"${latex} = {given_number(value)}$"
    return f"{unicode_text} = {minus(given_number(value), fmt)}"


def _point(x: float, y: float) -> dict:
    """SVG coordinates and, for LaTeX's picture environment (y upwards), the same point."""
    return {"x": _f(x), "y": _f(y), "ty": _f(HEIGHT - y)}


def network(problem, values: dict, fmt: str) -> dict:
    """Coordinates and labels of the 2-3-2-1 drawing, all as strings."""
    layers = tuple(problem.layers)
    centers = [[(LAYER_X[l], _node_y(n, i)) for i in range(n)] for l, n in enumerate(layers)]
    nodes, edges, labels = [], [], []
    for l, layer in enumerate(centers):
        for i, (cx, cy) in enumerate(layer):
            name = notation.activation(l, i + 1, layers)
            shown, latex = notation.symbol(name, latex=False), notation.symbol(name)
            node = {"center": _point(cx, cy), "r": str(RADIUS), "diameter": str(2 * RADIUS),
                    "label": _symbol_label(shown, latex, fmt), "label_at": _point(cx, cy + 5),
                    "name": name}
            if l == 0:
                node["note"] = _equation_label(shown, latex, values[name], fmt)
                node["note_at"] = _point(cx - RADIUS - 6, cy + 5)
                node["note_anchor"] = "end"
                node["tex_anchor"] = "r"
            else:
                node["note"] = _equation_label("b", "b", values[notation.bias(l, i + 1, layers)],
                                               fmt)
                node["note_at"] = _point(cx, cy + RADIUS + 16)
                node["note_anchor"] = "middle"
                node["tex_anchor"] = ""
            nodes.append(node)
    obstacles = [(cx, cy, 2 * RADIUS + 4, 2 * RADIUS + 4) for layer in centers
                 for cx, cy in layer]
    for l in range(1, len(layers)):
        segment, weights = [], []
        for i, (x2, y2) in enumerate(centers[l]):
            for j, (x1, y1) in enumerate(centers[l - 1]):
                segment.append((x1 + RADIUS, y1, x2 - RADIUS, y2))
                weights.append(notation.weight(l, i + 1, j + 1, layers))
        # The weight's name beside its value: w₁₁⁽¹⁾ = 0.16 (the width from the SVG text).
        widths = [label_width(_equation_label(notation.symbol(name, latex=False), "",
                                              values[name], "html")) for name in weights]
        for (x1, y1, x2, y2), (lx, ly, w, h), name in zip(
                segment, _edge_labels(segment, widths, obstacles), weights):
            edges.append({"start": _point(x1, y1), "end": _point(x2, y2),
                          "middle": _point((x1 + x2) / 2, (y1 + y2) / 2)})
            labels.append({"at": _point(lx, ly + 4), "center": _point(lx, ly),
                           "box": _point(lx - w / 2, ly - h / 2),
                           "box_w": _f(w), "box_h": _f(h),
                           "text": _equation_label(notation.symbol(name, latex=False),
                                                   notation.symbol(name), values[name], fmt),
                           "name": name})
    out_x, out_y = centers[3][0]
    target = {"at": _point(out_x + RADIUS + 6, out_y + 5), "anchor": "start",
              "text": _equation_label(notation.symbol("y_target", latex=False),
                                      notation.symbol("y_target"), values["y_target"], fmt)}
    return {"width": str(WIDTH), "height": str(HEIGHT), "nodes": nodes, "edges": edges,
            "labels": labels, "target": target}


def svg(net: dict, description: str) -> str:
    """The drawing (from :func:`network`) as a standalone SVG document, its style inside."""
    return templates.render("network.svg.j2", net=net, description=description,
                            generator=GENERATOR)
