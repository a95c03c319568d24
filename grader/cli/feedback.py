"""The learner's feedback commands: hint."""

from __future__ import annotations

import click

from .common import LANG_OPTION, main


@main.command()
@click.argument("step")
@click.option("--level", type=click.Choice(["1", "2", "3"]), default="1", show_default=True,
              help="1: the idea, which paths and earlier values are reused · 2: the chain-rule "
                   "structure, with blanks · 3: the formula in symbols. / "
                   "1：思路，经过哪些路径、复用前面哪些值 · 2：链式法则的结构（留空待填）· "
                   "3：公式本身。")
@LANG_OPTION
def hint(step, level, lang):
    """A hint for STEP (step7 or 7), one level at a time. / 某一步的提示，逐级给出。

    Each level adds what your stub does not already say (the workspace's scaffold).
    每一级都补充你的练习文件里还没有说的内容（取决于工作区的 scaffold）。
    """
    from ..learner.workspace import settings
    from ..steps import hints

    setup = settings(None, None, lang)
    click.echo(hints.hint(step, int(level), setup.lang, setup.scaffold).render(setup.lang))
