"""What the cost lab found, shown: one row per network, a terminal table and an SVG plot.

Nothing here measures; :mod:`grader.cost.lab` does.
"""

from __future__ import annotations

import math

from ..i18n import text
from ..records import Record, asdict, factory
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
        "en": "{layers}: naive symbolic skipped: its {params} derivatives of an expanded loss of "
              "about {size:,} operations each would be about {estimate:,} (cap {cap:,}; raise "
              "it with --symbolic-cap, expect minutes)",
        "zh": "{layers}：跳过朴素符号求导：展开后的损失约 {size:,} 次运算，对 {params} 个参数各求一次导，"
              "规模约 {estimate:,}（上限 {cap:,}；可用 --symbolic-cap 提高，需数分钟）"},
    "over_budget": {
        "en": "{layers}: naive symbolic stopped after {done} of {params} derivatives: "
              "over its {budget:g} s budget (raise it with --time-budget)",
        "zh": "{layers}：朴素符号求导在 {params} 个导数中算完 {done} 个后停止：超出 {budget:g} 秒的时间预算"
              "（可用 --time-budget 提高）"},
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
    "svg_note": {"en": "naive symbolic: measured up to P = {params}; larger networks are over "
                       "its size cap (see bpgrade cost)",
                 "zh": "朴素符号求导：只测到 P = {params}；更大的网络超出规模上限（见 bpgrade cost）"},
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


class CostReport(Record, eq=True):
    seed: int
    rows: list
    shared: list = factory(list)     # Shared, for the first network
    shared_layers: tuple | None = None

    def to_dict(self, lang: str = "en") -> dict:
        return {"seed": self.seed, "rows": [row.to_dict(lang) for row in self.rows],
                "shared": {"layers": list(self.shared_layers) if self.shared_layers else None,
                           "subexpressions": [asdict(s) for s in self.shared]}}


def skip_message(row: Row, method: str, lang: str) -> str:
    key, values = row.skipped[method]
    return text(MESSAGES, key, lang, layers=_layers_text(row.layers), **values)


# --- a terminal table and an SVG plot ---------------------------------------------------------

SERIES = (("backprop", "backprop_ops", "#1b7837"),
          ("finite_difference", "finite_difference_ops", "#2166ac"),
          ("naive_symbolic", "naive_symbolic_ops", "#b2182b"))


def _width(value: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in value)


def _pad(value: str, width: int, left: bool = False) -> str:
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


def plot_model(report: CostReport, lang: str = "en") -> dict:
    """Everything the SVG template draws, already placed: log10 of P across, of ops up."""
    width, height = 760, 460
    left, right, top, bottom = 80, 190, 50, 60
    series = []
    for method, key, color in SERIES:
        points = sorted((row.params, getattr(row, key), _layers_text(row.layers))
                        for row in report.rows if getattr(row, key) is not None)
        series.append((method, color, points))
    xs = [p for _, _, points in series for p, _, _ in points] or [1]
    ys = [v for _, _, points in series for _, v, _ in points] or [1]
    x_low, x_high = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    y_low, y_high = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    x_high, y_high = max(x_high, x_low + 1), max(y_high, y_low + 1)

    def at(p, v):
        x = left + (math.log10(p) - x_low) / (x_high - x_low) * (width - left - right)
        y = height - bottom - (math.log10(v) - y_low) / (y_high - y_low) * (height - top - bottom)
        return round(x, 1), round(y, 1)

    def power(k):
        return "10" + str(k).translate(_EXPONENT) if k >= 0 else f"1e{k}"

    drawn = []
    for i, (method, color, points) in enumerate(series):
        placed = [dict(zip(("x", "y"), at(p, v)), label=f"{name}: P = {p:,}, {v:,}")
                  for p, v, name in points]
        drawn.append({"name": text(MESSAGES, method, lang), "color": color, "points": placed,
                      "path": " ".join(f"{q['x']},{q['y']}" for q in placed),
                      "legend": {"x": width - right + 20, "y": top + 20 + 24 * i}})
    plot_bottom, plot_right = height - bottom, width - right
    middle_y = top + (plot_bottom - top) / 2
    for entry in drawn:
        legend = entry["legend"]
        entry["legend_line"] = {"x1": legend["x"], "x2": legend["x"] + 24, "y": legend["y"]}
        entry["legend_text"] = {"x": legend["x"] + 30, "y": legend["y"] + 4}
    return {
        "width": width, "height": height, "title": text(MESSAGES, "svg_title", lang),
        "title_at": {"x": width / 2, "y": 24},
        "x_label": text(MESSAGES, "svg_x", lang), "y_label": text(MESSAGES, "svg_y", lang),
        "x_label_at": {"x": left + (plot_right - left) / 2, "y": height - 18},
        "y_label_at": {"x": 20, "y": middle_y},
        "frame": {"x": left, "y": top, "w": plot_right - left, "h": plot_bottom - top},
        "x_ticks": [{"at": x, "label": power(k), "label_y": plot_bottom + 18}
                    for k in range(x_low, x_high + 1) for x in [at(10 ** k, 10 ** y_low)[0]]],
        "y_ticks": [{"at": y, "label": power(k), "label_x": left - 8, "label_y": y + 4}
                    for k in range(y_low, y_high + 1) for y in [at(10 ** x_low, 10 ** k)[1]]],
        "plot_left": left, "plot_right": plot_right, "plot_bottom": plot_bottom,
        "plot_top": top, "series": drawn,
        "notes": [{"x": left, "y": height - 6, "text": text(MESSAGES, "svg_note", lang, params=max(
            (row.params for row in report.rows if row.naive_symbolic_ops is not None), default=0))}
            for _ in [0] if any("naive_symbolic" in row.skipped for row in report.rows)],
    }


def svg(report: CostReport, lang: str = "en") -> str:
    from ..render import templates

    return templates.render("cost.svg.j2", plot=plot_model(report, lang))
