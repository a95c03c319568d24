"""``bpgrade cost``: how much work backprop's reuse saves, as a table, JSON and a plot."""

from __future__ import annotations

from pathlib import Path

import click

from .. import i18n
from .common import LANG_OPTION, layers_option, main, run

MESSAGES = {
    "svg_written": {"en": "plot written to {path}", "zh": "图已写入 {path}"},
}


@main.command()
@click.option("--layers", "networks", multiple=True, callback=layers_option,
              help="A network's layer sizes, input first (repeat for several). "
                   "Default: the seed's 2,3,2,1 and a ladder of wider and deeper ones.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of the problems whose numbers are timed.")
@click.option("--symbolic-cap", type=click.IntRange(min=0), default=None,
              help="Largest P × (size of the expanded loss) the naive symbolic route attempts "
                   "(default 16000).")
@click.option("--time-budget", type=click.FloatRange(min=0.0), default=None,
              help="Seconds the naive symbolic route may take per network (default 20).")
@click.option("--no-cse", "no_cse", is_flag=True,
              help="Do not look for the shared subexpressions of the first network.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--svg", "svg_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write a log-log plot of cost against parameter count to this file.")
@LANG_OPTION
def cost(networks, seed, symbolic_cap, time_budget, no_cse, as_json, svg_path, lang):
    """Count the work of one gradient: naive differentiation, finite differences, backprop.

    统计一次梯度计算的工作量：朴素求导、有限差分与反向传播。

    \b
    bpgrade cost                        the seed's network and larger ones
    bpgrade cost --layers 2,3,2,1 --json
    bpgrade cost --svg cost.svg
    """
    import json

    from .. import cost as measuring

    lang = i18n.resolve(lang)
    options = {}
    if symbolic_cap is not None:
        options["cap"] = symbolic_cap
    if time_budget is not None:
        options["budget"] = time_budget
    report = run(measuring.measure, networks or measuring.LADDER, seed=seed,
                 shared=not no_cse, lang=lang, **options)
    if svg_path is not None:
        from ..atomic_write import write_atomically

        run(write_atomically, svg_path, measuring.svg(report, lang))
    if as_json:
        click.echo(json.dumps(report.to_dict(lang), ensure_ascii=False, indent=2))
        return
    click.echo(measuring.table(report, lang))
    if svg_path is not None:
        click.echo(i18n.text(MESSAGES, "svg_written", lang, path=svg_path))
