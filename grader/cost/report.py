"""What the cost lab found: one row per network, and a terminal table of them.

Nothing here measures; :mod:`grader.cost.lab` does. :mod:`.plot` draws the rows.
"""

from __future__ import annotations

from ..i18n import text
from ..notation import SEED_LOSS
from ..records import Record, asdict, factory
from ..render.terminal import display_width as _width   # one count of terminal columns
from .counting import parameter_count

MESSAGES = {
    "title": {"en": "Cost of one gradient of L, in arithmetic operations (seed {seed})",
              "zh": "计算一次 L 的梯度的代价，以算术运算次数计（种子 {seed}）"},
    "unit": {"en": "one operation = one + − × ÷, power, exp, log, tanh, max or comparison on one "
                   "number (what sympy.count_ops counts)",
             "zh": "一次运算 = 对一个数做一次 + − × ÷、乘方、exp、log、tanh、max 或比较"
                   "（即 sympy.count_ops 的计数）"},
    "network": {"en": "Networks: {activation} hidden layers, {output} output, loss {loss}",
                "zh": "网络：隐藏层激活函数 {activation}，输出层 {output}，损失函数 {loss}"},
    "widened": {"en": "The ladders end in 2 outputs, not 1: {loss} needs 2 (a softmax of one "
                      "output is always 1).",
                "zh": "阶梯中的网络以 2 个输出结尾（而非 1 个）：{loss} 至少需要 2 个输出"
                      "（只有一个输出时 softmax 恒为 1）。"},
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
    "shared_sigmoid_only": {
        "en": "The shared subexpressions backprop reuses are listed for an all-sigmoid network "
              "only, whose values the lesson names.",
        "zh": "反向传播复用的公共子式只对全部为 sigmoid 的网络列出（课文为其中的值命名）。"},
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
    "yours_title": {"en": "Your backward pass ({file}) beside the reference's, on the same networks "
                          "(wall time of one call, the forward pass given; median of 5):",
                    "zh": "你的反向传播（{file}）与参考实现在同样网络上的对比（单次调用的耗时，"
                          "前向传播已给出；5 次的中位数）："},
    "yours": {"en": "yours", "zh": "你的"},
    "reference_backward": {"en": "reference", "zh": "参考实现"},
    "yours_ratio": {"en": "× reference", "zh": "× 参考实现"},
    "yours_missing": {"en": "Your backward pass was not timed: {file} is missing.",
                      "zh": "没有为你的反向传播计时：找不到 {file}。"},
    "yours_not_timed": {"en": "Your backward pass was not timed: {file} is {status} (bpgrade check "
                              "step20 says why); it is timed once it is right.",
                        "zh": "没有为你的反向传播计时：{file} 的状态是 {status}（运行 bpgrade check "
                              "step20 查看原因）；答案正确后才会计时。"},
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
    activation: str = "sigmoid"      # the hidden layers'
    output_activation: str = "sigmoid"
    loss: str = SEED_LOSS
    widened_outputs: bool = False    # the ladders end in 2 outputs, for a softmax
    yours: dict | None = None        # the learner's step20 timed (grader.cost.lab.learner_full_pass)

    def network_notes(self, lang: str = "en") -> list:
        """What every network is: its activations and loss; and that the ladders were widened."""
        notes = [text(MESSAGES, "network", lang, activation=self.activation,
                      output=self.output_activation, loss=self.loss)]
        if self.widened_outputs:
            notes.append(text(MESSAGES, "widened", lang, loss=self.loss))
        return notes

    def to_dict(self, lang: str = "en") -> dict:
        data = {"seed": self.seed, "activation": self.activation,
                "output_activation": self.output_activation, "loss": self.loss,
                "widened_outputs": self.widened_outputs,
                "rows": [row.to_dict(lang) for row in self.rows],
                "shared": {"layers": list(self.shared_layers) if self.shared_layers else None,
                           "subexpressions": [asdict(s) for s in self.shared]},
                "families": [{"name": f.name, "label": f.label(lang),
                              "networks": [list(n) for n in f.networks]} for f in self.families]}
        return data if self.yours is None else data | {"yours": self.yours}


def skip_message(row: Row, method: str, lang: str) -> str:
    key, values = row.skipped[method]
    return text(MESSAGES, key, lang, layers=_layers_text(row.layers), **values)


# --- a terminal table ---------------------------------------------------------

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


def _yours(found: dict, t) -> list:
    """The learner's step20 beside the engine's backward pass, network by network."""
    if found["status"] != "passed":
        return [t("yours_" + ("missing" if found["status"] == "missing" else "not_timed"),
                  file=found["file"], status=found["status"])]
    heads = [t("layers"), t("yours"), t("reference_backward"), t("yours_ratio")]
    body = [[_layers_text(row["layers"]), _seconds(row["seconds"]),
             _seconds(row["reference_seconds"]),
             f"{row['seconds'] / row['reference_seconds']:.1f}×"] for row in found["rows"]]
    widths = [max(_width(line[i]) for line in [heads] + body) for i in range(len(heads))]
    lines = [t("yours_title", file=found["file"])]
    for line in [heads] + body:
        lines.append("  ".join(_pad(cell, widths[i], left=(i == 0)) for i, cell in enumerate(line)))
    return lines


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
    lines = [t("title", seed=report.seed), *report.network_notes(lang), t("unit"), "",
             _pad(t("ops_header") + f" ({t('times_backprop')})", ops_width, left=True)
             + "   " + t("time_header")]
    for line in [heads] + body:
        cells = [_pad(cell, widths[i], left=(i == 0)) for i, cell in enumerate(line)]
        lines.append(gap.join(cells[:6]) + "   " + gap.join(cells[6:]))
    notes = [skip_message(row, method, lang) for row in report.rows for method in row.skipped]
    if notes:
        lines.append("")
        lines.extend(f"* {note}" for note in notes)
    if (report.activation, report.output_activation) != ("sigmoid", "sigmoid"):
        lines += ["", t("shared_sigmoid_only")]
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
    if report.yours is not None:
        lines += [""] + _yours(report.yours, t)
    first = report.rows[0] if report.rows else None
    if first is not None:
        naive = ("—" if first.naive_symbolic_ops is None else f"{first.naive_symbolic_ops:,}")
        lines += ["", t("summary", layers=_layers_text(first.layers), backprop=first.backprop_ops,
                        ratio_fb=first.backprop_ops / first.forward_ops,
                        fd=first.finite_difference_ops,
                        ratio_fd=first.finite_difference_ops / first.backprop_ops, naive=naive,
                        ratio_naive=_ratio(first.naive_symbolic_ops, first.backprop_ops))]
    return "\n".join(lines)
