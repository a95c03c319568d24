"""The cost lab's rows drawn: a log-log SVG plot of operations against parameter count.

Nothing here measures (:mod:`grader.cost.lab`) or tabulates (:mod:`.report`); it places.
"""

from __future__ import annotations

import math

from ..i18n import text
from ..render.terminal import display_width as _width   # one count of terminal columns
from .counting import parameter_count
from .report import MESSAGES, CostReport, Family, _layers_text

_EXPONENT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")   # 10³ on the plot's axes

# method, Row field, colour, marker (Okabe–Ito colours: told apart with colour blindness too)
SERIES = (("forward", "forward_ops", "#7f7f7f", "square"),
          ("backprop", "backprop_ops", "#009e73", "circle"),
          ("finite_difference", "finite_difference_ops", "#0072b2", "triangle"),
          ("naive_symbolic", "naive_symbolic_ops", "#d55e00", "diamond"))
DASHES = ("", "7 4", "2 3", "9 3 2 3")           # one per family: solid, dashed, dotted, ...


def _text_box(x: float, y: float, value: str, size: float, anchor: str = "start") -> tuple:
    """(left, top, right, bottom) a line of text takes, at least: 0.62 em a narrow character,
    1.24 em a wide one, and from 0.95 em above the baseline to 0.3 em below it. DejaVu Sans and
    WenQuanYi Zen Hei, as Chromium lays them out, fit inside (tests/test_browser.py)."""
    wide = _width(value) * size * 0.62
    left = x - {"start": 0, "middle": wide / 2, "end": wide}[anchor]
    return (left, y - size * 0.95, left + wide, y + size * 0.3)


def _overlaps(box: tuple, boxes: list) -> bool:
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes)


def _marker(shape: str, x: float, y: float, r: float = 4.5) -> str:
    """An SVG path of one marker centred on (x, y)."""
    if shape == "circle":
        return f"M{x - r:.1f},{y:.1f} a{r},{r} 0 1,0 {2 * r},0 a{r},{r} 0 1,0 {-2 * r},0 Z"
    if shape == "square":
        return f"M{x - r:.1f},{y - r:.1f} h{2 * r} v{2 * r} h{-2 * r} Z"
    if shape == "triangle":
        return (f"M{x:.1f},{y - 1.2 * r:.1f} L{x + 1.1 * r:.1f},{y + 0.8 * r:.1f} "
                f"L{x - 1.1 * r:.1f},{y + 0.8 * r:.1f} Z")
    return (f"M{x:.1f},{y - 1.3 * r:.1f} L{x + r:.1f},{y:.1f} L{x:.1f},{y + 1.3 * r:.1f} "
            f"L{x - r:.1f},{y:.1f} Z")


def _families(report: CostReport) -> list:
    """The report's families, or one family of all its networks when it names none."""
    if report.families:
        return list(report.families)
    networks = tuple(sorted({tuple(row.layers) for row in report.rows}, key=parameter_count))
    return [Family(name="layers", networks=networks)] if networks else []


def plot_model(report: CostReport, lang: str = "en") -> dict:
    """Everything the SVG template draws, already placed: log10 of P across, of ops up.

    One line per method and family of networks (never joining two families), an ∝P and an
    ∝P² guide, a marker shape per method, a label at the end of every line, each network
    named beside its point where there is room (and always in the point's tooltip).
    """
    t = lambda key, **kw: text(MESSAGES, key, lang, **kw)       # noqa: E731
    width, plot_height = 820, 360
    left, right, top = 72, 200, 64
    plot_right, plot_bottom = width - right, top + plot_height
    rows = {tuple(row.layers): row for row in report.rows}
    families = _families(report)
    values = [getattr(row, key) for row in report.rows for _, key, _, _ in SERIES
              if getattr(row, key) is not None]
    xs = [row.params for row in report.rows] or [1]
    ys = values or [1]
    x_low, x_high = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    y_low, y_high = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    x_high, y_high = max(x_high, x_low + 1), max(y_high, y_low + 1)

    def at(p, v):
        x = left + (math.log10(p) - x_low) / (x_high - x_low) * (plot_right - left)
        y = plot_bottom - (math.log10(v) - y_low) / (y_high - y_low) * (plot_bottom - top)
        return round(x, 1), round(y, 1)

    def power(k):
        return "10" + str(k).translate(_EXPONENT) if k >= 0 else f"1e{k}"

    taken = []                                  # boxes of the text placed so far
    legend = []
    legend_x, legend_y = left + 10, top + 16
    for i, family in enumerate(families):
        label = t("svg_family_members", family=family.label(lang),
                  first=_layers_text(family.networks[0]), last=_layers_text(family.networks[-1]))
        legend.append({"kind": "family", "dash": DASHES[i % len(DASHES)], "text": label,
                       "x": legend_x, "y": legend_y})
        legend_y += 16
    for method, _, color, shape in SERIES:
        legend.append({"kind": "method", "color": color, "text": t(method), "marker":
                       _marker(shape, legend_x + 12, legend_y - 4), "shape": shape,
                       "x": legend_x, "y": legend_y})
        legend_y += 16
    for entry in legend:
        entry.update(text_x=entry["x"] + 30, line={"x1": entry["x"], "x2": entry["x"] + 24,
                                                   "y": entry["y"] - 4})
        taken.append(_text_box(entry["text_x"], entry["y"], entry["text"], 11))
    legend_box = {"x": left + 4, "y": top + 4, "h": legend_y - top - 8,
                  "w": max(b[2] for b in taken) - left + 2 if taken else 0}
    taken = [(legend_box["x"], legend_box["y"], legend_box["x"] + legend_box["w"],
              legend_box["y"] + legend_box["h"])]

    lines, ends = [], []
    for method, key, color, shape in SERIES:
        for i, family in enumerate(families):
            points = [(rows[n].params, getattr(rows[n], key), n) for n in family.networks
                      if n in rows and getattr(rows[n], key) is not None]
            points.sort()
            placed = []
            for p, v, n in points:
                x, y = at(p, v)
                placed.append({"x": x, "y": y, "marker": _marker(shape, x, y),
                               "label": f"{_layers_text(n)}: P = {p:,}, {v:,}"})
            if not placed:
                continue
            name = t(method) if len(families) == 1 else \
                t("svg_end", method=t(method), family=family.label(lang))
            lines.append({"method": method, "family": family.key, "name": name,
                          "color": color, "shape": shape, "dash": DASHES[i % len(DASHES)],
                          "points": placed,
                          "path": " ".join(f"{q['x']},{q['y']}" for q in placed)})
            ends.append((placed[-1], name, color))

    def place(x, y, value, size, anchor, shifts):
        for dy in shifts:
            box = _text_box(x, y + dy, value, size, anchor)
            if box[0] >= 2 and box[2] <= width - 2 and box[1] >= top - 4 \
                    and not _overlaps(box, taken):
                taken.append(box)
                return y + dy
        return None

    taken += [(q["x"] - 5, q["y"] - 6, q["x"] + 5, q["y"] + 6)       # text never hides a point
              for line in lines for q in line["points"]]
    labels = []
    shifts = [0] + [s * k for k in range(1, 12) for s in (13, -13)]
    for end, name, color in sorted(ends, key=lambda e: e[0]["y"]):
        anchor = "start"
        if _text_box(end["x"] + 9, end["y"], name, 11)[2] > width - 2:
            anchor = "end"
        x = end["x"] + 9 if anchor == "start" else end["x"] - 9
        y = place(x, end["y"] + 4, name, 11, anchor, shifts)
        if y is None:
            continue
        labels.append({"x": x, "y": y, "text": name, "color": color, "anchor": anchor,
                       "leader": None if abs(y - end["y"] - 4) < 1 else
                       {"x1": end["x"], "y1": end["y"], "x2": x, "y2": y - 4}})

    guides = []
    if report.rows:
        first = min(report.rows, key=lambda row: row.params)
        for power_of_p, anchor_value in ((1, first.forward_ops / 4),
                                         (2, first.finite_difference_ops * 4)):
            guide = _guide(first.params, anchor_value, power_of_p, x_low, x_high, y_low, y_high)
            if guide is None:
                continue
            (x1, y1), (x2, y2) = at(*guide[0]), at(*guide[1])
            label = t("svg_guide", power="P" if power_of_p == 1 else "P²")
            y = place(x2 - 4, y2 + 14, label, 11, "end", [0, 13, 26, -13])
            guides.append({"x1": x1, "y1": y1, "x2": x2, "y2": y2, "label": label,
                           "label_x": x2 - 4, "label_y": y if y is not None else y2 + 14})

    names = []
    for row in sorted(report.rows, key=lambda row: row.params):
        x, y = at(row.params, row.forward_ops)
        name = _layers_text(row.layers)
        y_name = place(x, y + 16, name, 9, "middle", [0, 10, 20, 30, -24, -34, -44])
        if y_name is not None and y_name <= plot_bottom - 2:
            names.append({"x": x, "y": y_name, "text": name})

    unfinished = [_layers_text(row.layers) for row in report.rows
                  if "naive_symbolic" in row.skipped]
    notes = report.network_notes(lang) + [t("svg_points")]
    if unfinished:
        notes.append(t("svg_note", count=len(unfinished)))
    notes_top = plot_bottom + 60
    height = notes_top + 14 * len(notes) + 4
    return {
        "width": width, "height": height, "title": t("svg_title"),
        "title_at": {"x": width / 2, "y": 24},
        "x_label": t("svg_x"), "y_label": t("svg_y"),
        "x_label_at": {"x": left + (plot_right - left) / 2, "y": plot_bottom + 38},
        "y_label_at": {"x": 8, "y": top - 12},           # above the axis, written across
        "frame": {"x": left, "y": top, "w": plot_right - left, "h": plot_bottom - top},
        "x_ticks": [{"at": x, "label": power(k), "label_y": plot_bottom + 18}
                    for k in range(x_low, x_high + 1) for x in [at(10 ** k, 10 ** y_low)[0]]],
        "y_ticks": [{"at": y, "label": power(k), "label_x": left - 8, "label_y": y + 4}
                    for k in range(y_low, y_high + 1) for y in [at(10 ** x_low, 10 ** k)[1]]],
        "plot_left": left, "plot_right": plot_right, "plot_bottom": plot_bottom,
        "plot_top": top, "series": lines, "end_labels": labels, "guides": guides,
        "names": names, "legend": legend, "legend_box": legend_box,
        "notes": [{"x": left, "y": notes_top + 14 * i, "text": note}
                  for i, note in enumerate(notes)],
    }


def _guide(p0, v0, power_of_p, x_low, x_high, y_low, y_high):
    """The two ends, (P, value), of v ∝ P^power through (p0, v0), clipped to the axes."""
    slope, start = power_of_p, math.log10(v0) - power_of_p * math.log10(p0)
    lo, hi = x_low, x_high
    lo = max(lo, (y_low - start) / slope)
    hi = min(hi, (y_high - start) / slope)
    if hi <= lo:
        return None
    return ((10 ** lo, 10 ** (start + slope * lo)), (10 ** hi, 10 ** (start + slope * hi)))


def svg(report: CostReport, lang: str = "en") -> str:
    from ..render import templates

    return templates.render("cost.svg.j2", plot=plot_model(report, lang))
