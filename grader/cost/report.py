"""What the cost lab found, shown: one row per network, a terminal table and an SVG plot.

Nothing here measures; :mod:`grader.cost.lab` does.
"""

from __future__ import annotations

import math

from ..i18n import text
from ..records import Record, asdict, factory
from ..render.terminal import display_width as _width   # one count of terminal columns
from .counting import parameter_count

_EXPONENT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")   # 10³ on the plot's axes

MESSAGES = {
    "title": {"en": "Cost of one gradient of L, in arithmetic operations (seed {seed})",
              "zh": "计算一次 L 的梯度的代价，以算术运算次数计（种子 {seed}）"},
    "unit": {"en": "one operation = one + − × ÷, exp or power on one number "
                   "(what sympy.count_ops counts)",
             "zh": "一次运算 = 对一个数做一次 + − × ÷、exp 或乘方（即 sympy.count_ops 的计数）"},
    "layers": {"en": "layers", "zh": "层"},
    "params": {"en": "params P", "zh": "参数 P"},
    "forward": {"en": "forward", "zh": "前向"},
    "backprop": {"en": "backprop", "zh": "反向传播"},
    "finite_difference": {"en": "finite diff.", "zh": "有限差分"},
    "naive_symbolic": {"en": "naive symbolic", "zh": "朴素符号求导"},
    "ops_header": {"en": "operations", "zh": "运算次数"},
    "time_header": {"en": "wall time on this machine", "zh": "本机实测耗时"},
    "times_backprop": {"en": "× backprop", "zh": "× 反向传播"},
    "too_big": {
        "en": "{layers}: naive symbolic not attempted: its {params} derivatives of an expanded loss "
              "of about {size:,} operations each come to about {estimate:,}, over the safety cap "
              "of {cap:,}, far beyond any time budget (raise it with --symbolic-cap)",
        "zh": "{layers}：未尝试朴素符号求导：展开后的损失约 {size:,} 次运算，对 {params} 个参数各求一次导，"
              "规模约 {estimate:,}，超出安全上限 {cap:,}，远超任何时间预算（可用 --symbolic-cap 提高）"},
    "over_budget": {
        "en": "{layers}: naive symbolic stopped by its {budget:g} s time budget after {done} of "
              "{params} derivatives ({elapsed:.1f} s): all of them would take at least "
              "{projected:.1f} s (raise the budget with --time-budget)",
        "zh": "{layers}：朴素符号求导受 {budget:g} 秒的时间预算所限，在 {params} 个导数中算完 {done} 个后停止"
              "（用时 {elapsed:.1f} 秒）：全部算完至少需要 {projected:.1f} 秒（可用 --time-budget 提高预算）"},
    "fd_untimed": {
        "en": "{layers}: finite differences not timed: {params:,} parameters is over "
              "{cap:,} (its operation count is exact all the same)",
        "zh": "{layers}：未计时有限差分：参数有 {params:,} 个，超过 {cap:,}（运算次数仍是精确的）"},
    "shared_title": {
        "en": "What backprop reuses: sympy.cse across the {params} naive derivatives of {layers}",
        "zh": "反向传播复用了什么：sympy.cse 在 {layers} 的 {params} 个朴素导数中找到的公共子式"},
    "shared_used": {"en": "in {used} of {params} derivatives", "zh": "出现在 {params} 个导数中的 {used} 个"},
    "unnamed": {"en": "(a partial product)", "zh": "（部分乘积）"},
    "shared_note": {
        "en": "Backprop computes each of these once and reuses it; differentiating every "
              "parameter separately writes it out again in every derivative that needs it.",
        "zh": "反向传播把这些值各算一次并复用；对每个参数分别求导，则在每个用到它的导数里都重新写一遍。"},
    "summary": {
        "en": "On {layers}: backprop {backprop:,} operations (= {ratio_fb:.1f} forward passes); "
              "finite differences {fd:,} ({ratio_fd:.0f}× backprop); naive symbolic {naive} "
              "({ratio_naive}× backprop).",
        "zh": "在 {layers} 上：反向传播 {backprop:,} 次运算（= {ratio_fb:.1f} 次前向传播）；"
              "有限差分 {fd:,}（反向传播的 {ratio_fd:.0f} 倍）；朴素符号求导 {naive}"
              "（反向传播的 {ratio_naive} 倍）。"},
    "svg_title": {"en": "Cost of one gradient against the number of parameters (log–log)",
                  "zh": "计算一次梯度的代价与参数个数（双对数坐标）"},
    "svg_note": {"en": "Naive symbolic is drawn only where it finished within its time budget "
                       "and size cap ({count} networks did not; bpgrade cost says why).",
                 "zh": "朴素符号求导只画出在时间预算和规模上限内算完的网络（{count} 个网络未算完；原因见 bpgrade cost）。"},
    "svg_points": {"en": "Each point is one network; hover over it for its layer sizes and count.",
                   "zh": "每个点是一个网络；鼠标悬停可见其各层大小与运算次数。"},
    "svg_guide": {"en": "∝ {power}", "zh": "∝ {power}"},
    "svg_family_width": {"en": "width ladder", "zh": "宽度阶梯"},
    "svg_family_depth": {"en": "depth ladder", "zh": "深度阶梯"},
    "svg_family_layers": {"en": "{count} layers", "zh": "{count} 层网络"},
    "svg_family_members": {"en": "{family}: {first} … {last}", "zh": "{family}：{first} … {last}"},
    "svg_end": {"en": "{method}, {family}", "zh": "{method}（{family}）"},
    "svg_x": {"en": "parameters P", "zh": "参数个数 P"},
    "svg_y": {"en": "arithmetic operations", "zh": "算术运算次数"},
}


def _layers_text(layers) -> str:
    return "-".join(str(n) for n in layers)


class Row(Record, eq=True):
    layers: tuple
    params: int
    forward_ops: int
    backprop_ops: int
    naive_symbolic_ops: int | None
    finite_difference_ops: int
    seconds: dict
    ops_by_kind: dict
    skipped: dict = factory(dict)      # method -> (message key, values)

    def to_dict(self, lang: str = "en") -> dict:
        return {
            "layers": list(self.layers), "params": self.params,
            "forward_ops": self.forward_ops, "backprop_ops": self.backprop_ops,
            "naive_symbolic_ops": self.naive_symbolic_ops,
            "finite_difference_ops": self.finite_difference_ops,
            "seconds": dict(self.seconds),
            "ops_by_kind": {k: dict(v) for k, v in self.ops_by_kind.items()},
            "skipped": {method: skip_message(self, method, lang) for method in self.skipped},
        }


class Family(Record, eq=True):
    """Networks drawn as one line: a width ladder, a depth ladder, or those of one depth."""

    name: str                        # "width", "depth" or "layers"
    networks: tuple                  # layer sizes, in the ladder's order

    @property
    def key(self) -> str:
        """Unique among a report's families: width, depth, layers-4 ..."""
        return f"layers-{len(self.networks[0])}" if self.name == "layers" else self.name

    def label(self, lang: str) -> str:
        return text(MESSAGES, f"svg_family_{self.name}", lang,
                    **({"count": len(self.networks[0])} if self.name == "layers" else {}))


class CostReport(Record, eq=True):
    seed: int
    rows: list
    shared: list = factory(list)     # Shared, for the first network
    shared_layers: tuple | None = None
    families: list = factory(list)   # Family: which rows the plot joins into one line

    def to_dict(self, lang: str = "en") -> dict:
        return {"seed": self.seed, "rows": [row.to_dict(lang) for row in self.rows],
                "shared": {"layers": list(self.shared_layers) if self.shared_layers else None,
                           "subexpressions": [asdict(s) for s in self.shared]},
                "families": [{"name": f.name, "label": f.label(lang),
                              "networks": [list(n) for n in f.networks]} for f in self.families]}


def skip_message(row: Row, method: str, lang: str) -> str:
    key, values = row.skipped[method]
    return text(MESSAGES, key, lang, layers=_layers_text(row.layers), **values)


# --- a terminal table and an SVG plot ---------------------------------------------------------

# method, Row field, colour, marker (Okabe–Ito colours: told apart with colour blindness too)
SERIES = (("forward", "forward_ops", "#7f7f7f", "square"),
          ("backprop", "backprop_ops", "#009e73", "circle"),
          ("finite_difference", "finite_difference_ops", "#0072b2", "triangle"),
          ("naive_symbolic", "naive_symbolic_ops", "#d55e00", "diamond"))
DASHES = ("", "7 4", "2 3", "9 3 2 3")           # one per family: solid, dashed, dotted, ...


def _pad(value: str, width: int, left: bool = False) -> str:
    """``value`` in ``width`` terminal columns, right-aligned (numbers) unless ``left``."""
    fill = " " * max(0, width - _width(value))
    return value + fill if left else fill + value


def _seconds(value) -> str:
    if value is None:
        return "—"
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def _ratio(value, base) -> str:
    return "—" if value is None else f"{value / base:,.0f}"


def table(report: CostReport, lang: str = "en") -> str:
    """The rows as a terminal table, then skipped methods, shared values and a summary."""
    t = lambda key, **kw: text(MESSAGES, key, lang, **kw)       # noqa: E731
    heads = [t("layers"), t("params"), t("forward"), t("backprop"), t("finite_difference"),
             t("naive_symbolic"), t("backprop"), t("finite_difference"), t("naive_symbolic")]
    body = []
    for row in report.rows:
        naive = "—" if row.naive_symbolic_ops is None else f"{row.naive_symbolic_ops:,}"
        body.append([_layers_text(row.layers), f"{row.params:,}", f"{row.forward_ops:,}",
                     f"{row.backprop_ops:,}",
                     f"{row.finite_difference_ops:,} ({_ratio(row.finite_difference_ops, row.backprop_ops)}×)",
                     naive + ("" if row.naive_symbolic_ops is None
                              else f" ({_ratio(row.naive_symbolic_ops, row.backprop_ops)}×)"),
                     _seconds(row.seconds["backprop"]), _seconds(row.seconds["finite_difference"]),
                     _seconds(row.seconds["naive_symbolic"])])
    widths = [max(_width(line[i]) for line in [heads] + body) for i in range(len(heads))]
    gap = "  "
    ops_width = sum(widths[:6]) + len(gap) * 5
    lines = [t("title", seed=report.seed), t("unit"), "",
             _pad(t("ops_header") + f" ({t('times_backprop')})", ops_width, left=True)
             + "   " + t("time_header")]
    for line in [heads] + body:
        cells = [_pad(cell, widths[i], left=(i == 0)) for i, cell in enumerate(line)]
        lines.append(gap.join(cells[:6]) + "   " + gap.join(cells[6:]))
    notes = [skip_message(row, method, lang) for row in report.rows for method in row.skipped]
    if notes:
        lines.append("")
        lines.extend(f"* {note}" for note in notes)
    if report.shared:
        params = parameter_count(report.shared_layers)
        lines += ["", t("shared_title", params=params, layers=_layers_text(report.shared_layers))]
        wide = max(len(f"{s.symbol} = {s.expression}") for s in report.shared)
        name_wide = max(_width(s.name or t("unnamed")) for s in report.shared)
        for s in report.shared:
            lines.append(f"  {s.symbol + ' = ' + s.expression:<{wide}}   "
                         f"{_pad(s.name or t('unnamed'), name_wide, left=True)}   "
                         f"{t('shared_used', used=s.used_by, params=params)}")
        lines.append(t("shared_note"))
    first = report.rows[0] if report.rows else None
    if first is not None:
        naive = ("—" if first.naive_symbolic_ops is None else f"{first.naive_symbolic_ops:,}")
        lines += ["", t("summary", layers=_layers_text(first.layers), backprop=first.backprop_ops,
                        ratio_fb=first.backprop_ops / first.forward_ops,
                        fd=first.finite_difference_ops,
                        ratio_fd=first.finite_difference_ops / first.backprop_ops, naive=naive,
                        ratio_naive=_ratio(first.naive_symbolic_ops, first.backprop_ops))]
    return "\n".join(lines)


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
    notes = [t("svg_points")]
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
