"""The learner's commands: check, problem."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import i18n
from .common import LANG_OPTION, fail, main, run

MESSAGES = {
    "no_steps": {"en": "name a step (bpgrade check step7) or use --all",
                 "zh": "请指定步骤（bpgrade check step7）或使用 --all"},
    "steps_and_all": {"en": "give step names or --all, not both",
                      "zh": "步骤名与 --all 只能二选一"},
    "bad_layers": {"en": "--layers takes sizes like 2,3,2,1 (at least two, each >= 1)",
                   "zh": "--layers 的格式如 2,3,2,1（至少两个数，每个 >= 1）"},
}

@main.command()
@click.argument("steps", nargs=-1)
@click.option("--all", "all_steps", is_flag=True, help="Check every step.")
@click.option("--exercises", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of stepNN.py files (default: the workspace's, else ./exercises).")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Your problem's seed (default: the workspace's, else 0).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
              help="Seconds a step may run before it is stopped.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@LANG_OPTION
def check(steps, all_steps, exercises, seed, timeout, as_json, lang):
    """Check your answers: bpgrade check step7 (or 7), several, or --all.

    Exit 0 when every checked step passes, 1 when some do not, 2 on a usage error.
    """
    from .. import checking, reporters

    lang = i18n.resolve(lang)
    if steps and all_steps:
        fail(i18n.text(MESSAGES, "steps_and_all", lang))
    if not steps and not all_steps:
        fail(i18n.text(MESSAGES, "no_steps", lang))
    folder = exercises if exercises is not None else Path("exercises")
    report = run(checking.check, list(steps), folder, seed=seed or 0, lang=lang, timeout=timeout)
    if as_json:
        click.echo(reporters.as_json(report))
    else:
        click.echo(reporters.terminal(report, lang, color=reporters.use_color(sys.stdout)))
    sys.exit(0 if report.passed else 1)


def _layers(ctx, param, value):
    try:
        return tuple(int(n) for n in value.replace(" ", "").split(",")) if value else None
    except ValueError:
        raise click.BadParameter(i18n.text(MESSAGES, "bad_layers", i18n.resolve(None)))


@main.command()
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--layers", callback=_layers, default="2,3,2,1", show_default=True,
              help="Layer sizes, input first.")
@click.option("--activation", type=click.Choice(["sigmoid", "tanh", "relu"]), default="sigmoid",
              show_default=True, help="Hidden-layer activation (the output is sigmoid).")
@click.option("--json", "as_json", is_flag=True, help="Print the problem as JSON.")
@LANG_OPTION
def problem(seed, layers, activation, as_json, lang):
    """The numbers of one problem: inputs, parameters, forward values, gradients."""
    import json

    from .. import problem_data
    from ..generators import generate

    try:
        data = problem_data.as_dict(run(generate, seed, layers, activation))
    except ValueError:
        fail(i18n.text(MESSAGES, "bad_layers", i18n.resolve(lang)))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
