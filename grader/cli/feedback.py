"""The learner's feedback commands: hint."""

from __future__ import annotations

import click

from .. import i18n
from .common import LANG_OPTION, main


@main.command()
@click.argument("step")
@click.option("--level", type=click.Choice(["1", "2", "3"]), default="1", show_default=True,
              help="1: which earlier values are reused · 2: the chain-rule structure · "
                   "3: the formula in symbols. / "
                   "1：复用了前面哪些值 · 2：链式法则的结构 · 3：公式本身。")
@LANG_OPTION
def hint(step, level, lang):
    """A hint for STEP (step7 or 7), one level at a time. / 某一步的提示，逐级给出。"""
    from ..steps import hints

    lang = i18n.resolve(lang)
    click.echo(hints.hint(step, int(level), lang).render(lang))
