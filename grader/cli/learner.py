"""The learner's commands: init, check, list, show, watch, reset, problem."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import i18n, notation
from ..errors import UsageError
from .common import (LANG_OPTION, LESSON_LOSS_OPTION, activation_option, layers_option,
                     lesson_loss, loss_option, main)

MESSAGES = {
    "no_steps": {"en": "name a step (bpgrade check step7) or use --all",
                 "zh": "请指定步骤（bpgrade check step7）或使用 --all"},
    "steps_and_all": {"en": "give step names or --all, not both",
                      "zh": "步骤名与 --all 只能二选一"},
    "init_done": {"en": "Workspace ready in {root} (your seed: {seed}).",
                  "zh": "工作区已就绪：{root}（你的种子：{seed}）。"},
    "init_written": {"en": "  wrote {n} files", "zh": "  写入 {n} 个文件"},
    "init_kept": {"en": "  kept {n} existing files (use --force to replace them): {names}",
                  "zh": "  保留了 {n} 个已有文件（用 --force 覆盖）：{names}"},
    "init_next": {"en": "Next: cd {root} && bpgrade show step1, then edit exercises/step01.py "
                        "and run bpgrade check step1 (or bpgrade watch).",
                  "zh": "下一步：cd {root} && bpgrade show step1，然后编辑 exercises/step01.py "
                        "并运行 bpgrade check step1（或 bpgrade watch）。"},
    "init_scaffold_kept": {"en": "  kept the workspace's scaffold, {kept}, with its stubs; to switch "
                                  "to {asked}: bpgrade init --scaffold {asked} --force (your seed "
                                  "stays; your edited files are replaced)",
                           "zh": "  保留了工作区原有的 scaffold：{kept}，以及对应的练习文件；要换成 "
                                 "{asked}：bpgrade init --scaffold {asked} --force（种子不变；"
                                 "你改过的文件会被覆盖）"},
    "reset_ask": {"en": "Replace {path} with a fresh stub? Your code in it is kept as {backup}.",
                  "zh": "用初始文件替换 {path}？其中你写的代码会保存为 {backup}。"},
    "reset_done": {"en": "Restored {path}.", "zh": "已恢复 {path}。"},
    "reset_backup": {"en": "Your old file is in {backup}.", "zh": "你原来的文件保存在 {backup}。"},
    "reset_kept": {"en": "Kept {path} as it is.", "zh": "{path} 保持不变。"},
    "reset_fresh": {"en": "{path} is already a fresh stub.", "zh": "{path} 已经是初始文件。"},
}

EXERCISES_OPTION = click.option(
    "--exercises", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder of stepNN.py files (default: the workspace's, else ./exercises). / "
         "存放 stepNN.py 文件的文件夹（默认：工作区的，否则为 ./exercises）。")
SEED_OPTION = click.option("--seed", type=click.IntRange(min=0), default=None,
                           help="Your problem's seed (default: the workspace's, else 0). / "
                                "你的题目的种子（默认：工作区的，否则为 0）。")
TIMEOUT_OPTION = click.option("--timeout", type=click.FloatRange(min=0.1), default=5.0,
                              show_default=True,
                              help="Seconds a step may run before it is stopped. / "
                                   "一步最多运行的秒数，超时即停止。")


def _settings(exercises, seed, lang):
    from ..learner.workspace import settings

    return settings(exercises, seed, lang)


def _color() -> bool:
    from ..render.terminal import use_color

    return use_color(sys.stdout)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path), required=False)
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Your problem's seed (default: a random one, or the one already there). / "
                   "你的题目的种子（默认：随机选一个，或沿用已有的）。")
@click.option("--force", is_flag=True,
              help="Replace existing files with fresh stubs. / 用初始文件覆盖已有文件。")
@click.option("--scaffold", default=None, metavar="full|faded|none",
              help="How much of the lesson the stubs show: full (every formula), faded (the "
                   "default: formulas first, then the factors in words, then the goal only) or "
                   "none (the goal only). / 练习显示课文内容的多少：full（每步都给公式）、"
                   "faded（默认：先给公式，再用文字说出各因子，最后只说目标）或 none（只说目标）。")
@LANG_OPTION
def init(directory, seed, force, scaffold, lang):
    """Create a workspace of fresh exercises. / 创建练习工作区。

    DIRECTORY defaults to bpgrade-exercises; existing files are kept unless --force, and a
    new workspace inside another one is refused unless --force.
    默认目录为 bpgrade-exercises；已有文件不会被覆盖，在已有工作区之内也不会新建工作区，
    除非使用 --force。
    """
    from ..learner.workspace import DEFAULT_DIR, init as make

    chosen = i18n.resolve(lang)
    root = directory or Path(DEFAULT_DIR)
    report = make(root, seed=seed, force=force, lang=chosen, learner_lang=lang,
                  scaffold=scaffold)
    click.echo(i18n.text(MESSAGES, "init_done", chosen, root=root, seed=report.workspace.seed))
    click.echo(i18n.text(MESSAGES, "init_written", chosen, n=len(report.written)))
    if report.kept:
        names = ", ".join(p.name for p in report.kept[:6]) + (" …" if len(report.kept) > 6 else "")
        click.echo(i18n.text(MESSAGES, "init_kept", chosen, n=len(report.kept), names=names))
    if scaffold is not None and report.workspace.scaffold != scaffold:
        click.echo(i18n.text(MESSAGES, "init_scaffold_kept", chosen,
                             kept=report.workspace.scaffold, asked=scaffold))
    click.echo(i18n.text(MESSAGES, "init_next", chosen, root=root))


@main.command()
@click.argument("steps", nargs=-1)
@click.option("--all", "all_steps", is_flag=True, help="Check every step. / 检查所有步骤。")
@EXERCISES_OPTION
@SEED_OPTION
@click.option("--chain", is_flag=True,
              help="Feed each step your own earlier answers instead of the reference ones "
                   "(checks every step up to the last one named). / "
                   "用你自己前面各步的答案代替参考值传给每一步（检查到所指定的最后一步为止的每一步）。")
@TIMEOUT_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object. / 输出一个 JSON 对象。")
@LANG_OPTION
def check(steps, all_steps, exercises, seed, chain, timeout, as_json, lang):
    """Check your answers: step7 (or 7), several, or --all. / 检查答案。

    Exit 0 when every checked step passes, 1 when some do not, 2 on a usage error.
    全部通过时退出码为 0，有未通过的为 1，用法错误为 2。
    """
    from ..checking.check import check
    from ..render import terminal

    setup = _settings(exercises, seed, lang)
    if steps and all_steps:
        raise UsageError(i18n.text(MESSAGES, "steps_and_all", setup.lang))
    if not steps and not all_steps:
        raise UsageError(i18n.text(MESSAGES, "no_steps", setup.lang))
    report = check(list(steps), setup.folder, seed=setup.seed, lang=setup.lang, timeout=timeout,
                   chain=chain, cached=True)
    if as_json:
        click.echo(terminal.as_json(report))
    else:
        click.echo(terminal.terminal(report, setup.lang, color=_color(), scaffold=setup.scaffold))
    sys.exit(0 if report.passed else 1)


@main.command(name="list")
@EXERCISES_OPTION
@SEED_OPTION
@TIMEOUT_OPTION
@click.option("--json", "as_json", is_flag=True,
              help="Print the progress as JSON. / 以 JSON 输出进度。")
@LANG_OPTION
def list_steps(exercises, seed, timeout, as_json, lang):
    """Your progress and the next step to do. / 查看进度和下一步。"""
    from ..checking.check import check
    from ..render.terminal import progress, progress_json

    setup = _settings(exercises, seed, lang)
    report = check([], setup.folder, seed=setup.seed, lang=setup.lang, timeout=timeout,
                   cached=True)
    if as_json:
        click.echo(progress_json(report))
    else:
        click.echo(progress(report, setup.lang, color=_color()))


@main.command()
@click.argument("step")
@EXERCISES_OPTION
@SEED_OPTION
@LESSON_LOSS_OPTION
@click.option("--json", "as_json", is_flag=True,
              help="Print the values as JSON. / 以 JSON 输出数值。")
@LANG_OPTION
def show(step, exercises, seed, loss, as_json, lang):
    """Your numbers for STEP, the values net holds, the lesson as your stub shows it. /
    查看某一步的数值、net 提供的值，以及你的练习文件所显示的课文内容。"""
    import json

    from ..engine.generators import generate
    from ..render.terminal import show_text
    from ..steps import registry
    from ..steps.problem_data import step_view

    setup = _settings(exercises, seed, lang)
    chosen = registry.get(step, setup.lang)
    lesson_loss(chosen, loss, setup.lang)
    view = step_view(generate(setup.seed, lang=setup.lang, loss=loss), chosen, setup.scaffold)
    if as_json:
        click.echo(json.dumps(view, ensure_ascii=False, indent=2))
    else:
        click.echo(show_text(view, setup.lang))


@main.command()
@EXERCISES_OPTION
@SEED_OPTION
@TIMEOUT_OPTION
@LANG_OPTION
def watch(exercises, seed, timeout, lang):
    """Re-check on every save; move on when a step passes. / 保存即检查，通过后进入下一步。

    Ctrl-C stops. / 按 Ctrl-C 退出。
    """
    from ..learner.watch import Watcher

    setup = _settings(exercises, seed, lang)
    watcher = Watcher(setup.folder, setup.seed, setup.lang, timeout, click.echo, _color(),
                      scaffold=setup.scaffold)
    sys.exit(watcher.run())


@main.command()
@click.argument("step")
@EXERCISES_OPTION
@click.option("--yes", "-y", is_flag=True,
              help="Do not ask before replacing the file. / 替换文件前不再询问。")
@LANG_OPTION
def reset(step, exercises, yes, lang):
    """Restore STEP's file to the fresh stub, asking first; the old file is kept as
    stepNN.py.bak (then .bak2, .bak3…). / 恢复某一步的初始文件（会先询问）；旧文件保存为
    stepNN.py.bak（之后依次为 .bak2、.bak3…）。"""
    from ..steps import registry
    from ..learner import workspace

    setup = _settings(exercises, None, lang)
    chosen = registry.get(step, setup.lang)
    path = setup.folder / chosen.file_name
    if workspace.stub_is_untouched(path, chosen, setup.scaffold):
        click.echo(i18n.text(MESSAGES, "reset_fresh", setup.lang, path=path))
        return
    if path.exists() and not yes:
        try:
            agreed = click.confirm(i18n.text(MESSAGES, "reset_ask", setup.lang, path=path,
                                             backup=workspace.next_backup(path)),
                                   default=False)
        except click.Abort:           # no answer (end of input, Ctrl-C): keep the file
            click.echo()
            agreed = False
        if not agreed:
            click.echo(i18n.text(MESSAGES, "reset_kept", setup.lang, path=path))
            sys.exit(1)
    done = workspace.reset(setup.folder, chosen, setup.scaffold)
    click.echo(i18n.text(MESSAGES, "reset_done", setup.lang, path=path))
    if done.backup is not None:
        click.echo(i18n.text(MESSAGES, "reset_backup", setup.lang, backup=done.backup))


@main.command()
@SEED_OPTION
@click.option("--layers", callback=layers_option, default="2,3,2,1", show_default=True,
              help="Layer sizes, input first. / 各层大小，从输入层开始。")
@click.option("--activation", callback=activation_option, default="sigmoid", show_default=True,
              metavar="sigmoid|tanh|relu",
              help="Hidden-layer activation (the output is sigmoid, or softmax with "
                   "softmax_cross_entropy). / 隐藏层的激活函数（输出层为 sigmoid，"
                   "softmax_cross_entropy 时为 softmax）。")
@click.option("--loss", callback=loss_option, default=notation.SEED_LOSS, show_default=True,
              metavar="|".join(notation.LOSSES),
              help="The loss; the step values (steps) are given for the lesson's network with "
                   "its half_squared_error only. / 损失函数；只有课文的网络配 half_squared_error "
                   "时才给出各步骤的值（steps）。")
@click.option("--json", "as_json", is_flag=True,
              help="Print the problem as JSON. / 以 JSON 输出题目。")
@LANG_OPTION
def problem(seed, layers, activation, loss, as_json, lang):
    """One problem's numbers as a table (--json: JSON): inputs, parameters, forward values,
    gradients; the workspace's problem unless --seed.

    以表格（--json 时为 JSON）列出题目的全部数值；未给 --seed 时为工作区的题目。
    """
    import json

    from ..engine.generators import generate
    from ..render.problem_table import problem_text
    from ..steps.problem_data import as_dict

    setup = _settings(None, seed, lang)
    data = as_dict(generate(setup.seed, layers, activation, lang=setup.lang, loss=loss))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        click.echo(problem_text(data, setup.lang))
