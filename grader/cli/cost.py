"""``bpgrade cost``: how much work backprop's reuse saves, as a table, JSON and a plot."""

from __future__ import annotations

from pathlib import Path

import click

from .. import i18n, notation
from ..engine.forward import ACTIVATIONS
from .common import LANG_OPTION, activation_option, layers_option, loss_option, main

MESSAGES = {
    "svg_written": {"en": "plot written to {path}", "zh": "图已写入 {path}"},
}


@main.command()
@click.option("--layers", "networks", multiple=True, callback=layers_option,
              help="A network's layer sizes, input first (repeat for several). "
                   "Default: the lesson's 2,3,2,1, then a width ladder (hidden layers twice as "
                   "wide each time) and a depth ladder (one more hidden layer each time). / "
                   "一个网络的各层大小，从输入层开始（可重复给出多个）。"
                   "默认：课文的 2,3,2,1，再加一组宽度阶梯（隐藏层每次加宽一倍）"
                   "和一组深度阶梯（每次多一个隐藏层）。")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of the problems whose numbers are timed. / 计时所用题目的种子。")
@click.option("--activation", callback=activation_option, default="sigmoid", show_default=True,
              metavar="|".join(ACTIVATIONS),
              help="The hidden layers' activation of every network counted and timed. / "
                   "所统计和计时的每个网络的隐藏层激活函数。")
@click.option("--loss", callback=loss_option, default=notation.SEED_LOSS, show_default=True,
              metavar="|".join(notation.LOSSES),
              help="The loss of every network (softmax_cross_entropy gives a softmax output "
                   "and needs 2 outputs: the default ladders then end in 2). / "
                   "每个网络的损失函数（softmax_cross_entropy 使输出层为 softmax，且至少需要 "
                   "2 个输出：默认的阶梯此时以 2 个输出结尾）。")
@click.option("--symbolic-cap", type=click.IntRange(min=0), default=None,
              help="Safety cap: the naive symbolic route is not even started above this "
                   "P × (size of the expanded loss) (default 1000000, minutes of work). / "
                   "安全上限：P ×（展开后损失的规模）超过此值时，不启动朴素符号求导"
                   "（默认 1000000，需数分钟）。")
@click.option("--time-budget", type=click.FloatRange(min=0.0), default=None,
              help="Seconds the naive symbolic route may take per network (default 10); it "
                   "stops early once the rest clearly cannot fit, and says so. / "
                   "朴素符号求导在每个网络上最多用时的秒数（默认 10）；一旦看出剩下的算不完就提前停止，并在输出中说明。")
@click.option("--no-cse", "no_cse", is_flag=True,
              help="Do not look for the shared subexpressions of the first network. / "
                   "不查找第一个网络的公共子式。")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object. / 输出一个 JSON 对象。")
@click.option("--svg", "svg_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write a log-log plot of cost against parameter count to this file. / "
                   "另将代价与参数个数的双对数图写入此文件。")
@click.option("--yours", is_flag=True,
              help="Also time your own step20 (the whole backward pass) on every network, beside "
                   "the reference's. / 同时在每个网络上为你自己的 step20（完整的反向传播）计时，"
                   "并与参考实现对比。")
@click.option("--exercises", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="With --yours: the folder holding step20.py (default: the workspace's). / "
                   "与 --yours 一起使用：step20.py 所在的目录（默认：工作区的目录）。")
@LANG_OPTION
def cost(networks, seed, activation, loss, symbolic_cap, time_budget, no_cse, as_json,
         svg_path, yours, exercises, lang):
    """Count the work of one gradient: naive differentiation, finite differences, backprop.

    统计一次梯度计算的工作量：朴素求导、有限差分与反向传播。

    \b
    bpgrade cost                        the lesson's network and larger ones
    bpgrade cost --layers 2,3,2,1 --json
    bpgrade cost --activation relu --loss binary_cross_entropy
    bpgrade cost --svg cost.svg
    bpgrade cost --yours                your own step20 timed beside the reference
    """
    import json

    from ..cost import measure, svg, table

    lang = i18n.resolve(lang)
    options = {}
    if symbolic_cap is not None:
        options["cap"] = symbolic_cap
    if time_budget is not None:
        options["budget"] = time_budget
    if yours:
        from ..learner.workspace import settings

        options["yours"] = settings(exercises=exercises, lang=lang).folder
    report = measure(networks or None, seed=seed, shared=not no_cse, lang=lang,
                     activation=activation, loss=loss, **options)
    if svg_path is not None:
        from ..atomic_write import write_atomically

        write_atomically(svg_path, svg(report, lang))
    if as_json:
        click.echo(json.dumps(report.to_dict(lang), ensure_ascii=False, indent=2))
        return
    click.echo(table(report, lang))
    if svg_path is not None:
        click.echo(i18n.text(MESSAGES, "svg_written", lang, path=svg_path))
