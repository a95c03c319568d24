"""The ``bpgrade`` group and what every command shares.

Each command parses, calls one library function and renders its result. Errors are mapped
once, in :meth:`Command.invoke`: a library error (:class:`grader.errors.BpgradeError`) and a
file or folder the system refuses become ``Error: message`` and the error's exit code, the
way click reports its own (``ClickException``). click's own usage errors are shown in the
chosen language (:mod:`.click_text`).
"""

from __future__ import annotations

import errno
import importlib
from pathlib import Path

import click

from .. import i18n, notation
from ..errors import BpgradeError, UsageError

MESSAGES = {
    "cannot_write": {"en": "cannot use {path}, cannot write there: {reason}",
                     "zh": "无法使用 {path}，无法写入：{reason}"},
    "loss_needs_lesson": {"en": "--loss is for the lesson's network; {step} works on a network "
                                "of its own, with its own loss",
                          "zh": "--loss 只用于课文的网络；{step} 用的是它自己的网络和它自己的损失函数"},
}

HELP_OPTION_HELP = "Show this message and exit. / 显示本帮助并退出。"

# Eager: read before the other options, so their error messages can follow it.
LANG_OPTION = click.option("--lang", type=click.Choice(i18n.LANGUAGES), default=None,
                           is_eager=True,
                           help="Language of messages: en or zh (default: from the locale). / "
                                "消息的语言：en 或 zh（默认取自系统语言设置）。")

# The course secret is read from a file, the environment or bpgrade.toml; never from argv,
# which every user on the machine can read in /proc/*/cmdline.
SECRET_FILE_OPTION = click.option(
    "--secret-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="File holding the course secret (a trailing newline is dropped); it must be yours "
         "and mode 600. Default: $BPGRADE_SECRET, else [grade] secret in bpgrade.toml. / "
         "存放课程密钥的文件（末尾换行会被去掉），必须属于你且权限为 600。"
         "默认：$BPGRADE_SECRET，其次 bpgrade.toml 中 [grade] 的 secret。")


def _checked(parse_name: str, what: str):
    """A click callback for ``what``: the value checked by grader.engine.generators'
    ``parse_name`` (the one check of it), a tuple of checked values when the option repeats;
    a bad one is click's usage error, in the chosen language. The engine is imported only
    when the option is used."""
    def callback(ctx, param, value):
        from ..engine import generators

        def one(written):
            try:
                return getattr(generators, parse_name)(written, ctx.params.get("lang"))
            except UsageError as exc:
                raise click.BadParameter(str(exc)) from None

        if value is None:
            return None
        return tuple(one(v) for v in value) if isinstance(value, tuple) else one(value)

    callback.__doc__ = f"The ``{what}`` callback."
    return callback


layers_option = _checked("parse_layers", "--layers 2,3,2,1")
activation_option = _checked("parse_activation", "--activation")
loss_option = _checked("parse_loss", "--loss")

# --loss of show and sheet: the lesson's network with another loss of its one sigmoid output.
LESSON_LOSS_OPTION = click.option(
    "--loss", callback=loss_option, default=notation.SEED_LOSS, show_default=True,
    metavar="|".join(notation.LOSSES),
    help="The loss of the lesson's network: step 1's formula, L and every value follow it "
         "(softmax_cross_entropy needs 2 outputs, the lesson's network has 1). / 课文网络的"
         "损失函数：第 1 步的公式、L 和所有数值都随之改变（softmax_cross_entropy 需要 2 个"
         "输出，课文的网络只有 1 个）。")


def lesson_loss(step, loss: str, lang: str) -> None:
    """--loss other than the lesson's is for the lesson's network: refused for a step whose
    answers are arrays, which draws a network of its own."""
    if step is not None and step.arrays and loss != notation.SEED_LOSS:
        raise UsageError(i18n.text(MESSAGES, "loss_needs_lesson", lang, step=step.id))


class LibraryError(click.ClickException):
    """A library error as click reports its own: ``Error: message`` on stderr, then exit."""

    def __init__(self, error: BpgradeError, lang: str):
        super().__init__(str(error))
        self.exit_code, self.lang = error.exit_code, lang

    def show(self, file=None) -> None:
        from .click_text import error_line

        click.echo(error_line(self.format_message(), self.lang),
                   file=file or click.get_text_stream("stderr"))


class Command(click.Command):
    """A bpgrade command: bilingual ``--help``, and library errors mapped to exit codes."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option

    def make_context(self, info_name, args, parent=None, **extra):
        """click's context, and a usage error (a bad option or value) in the chosen language."""
        given = list(args)                   # click's parser consumes ``args`` as it reads
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise _shown(exc, given) from None

    def invoke(self, ctx):
        lang = i18n.resolve(ctx.params.get("lang"))
        try:
            return super().invoke(ctx)
        except BpgradeError as exc:
            raise LibraryError(exc, lang) from exc
        except OSError as exc:
            if exc.errno == errno.EPIPE:    # a closed pipe on stdout: click's main handles it
                raise
            # e.g. an output folder that does not exist
            message = i18n.text(MESSAGES, "cannot_write", lang,
                                path=exc.filename or "", reason=exc.strerror or exc)
            raise LibraryError(UsageError(message), lang) from exc


def _shown(error: click.UsageError, args) -> click.UsageError:
    """``error`` to be shown in the language ``--lang`` (among ``args``) or the locale asks."""
    from .click_text import ShownUsageError, language

    if isinstance(error, ShownUsageError):
        return error
    return ShownUsageError(error, language(args, error.ctx))


class Group(Command, click.Group):
    """A group of bpgrade commands; its subgroups are of its own class."""

    command_class = Command
    group_class = type

    def resolve_command(self, ctx, args):
        given = list(args)
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:                 # no such command
            raise _shown(exc, given) from None


# Which module of grader.cli registers each command. A module is imported only when one of
# its commands runs (or the full list is shown), so ``bpgrade check`` loads no classroom,
# sheet or cost code at start-up.
COMMAND_MODULES = {
    "init": "learner", "check": "learner", "list": "learner", "show": "learner",
    "watch": "learner", "reset": "learner", "problem": "learner",
    "hint": "feedback",
    "grade": "classroom", "gradescope": "classroom", "export": "classroom",
    "collect": "classroom",
    "sheet": "sheets",
    "cost": "cost",
}


class LazyGroup(Group):
    """A click group whose commands are imported on first use (click's "lazy loading")."""

    group_class = Group

    def get_command(self, ctx, name):
        if name not in self.commands and name in COMMAND_MODULES:
            importlib.import_module(f"{__package__}.{COMMAND_MODULES[name]}")
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        for module in dict.fromkeys(COMMAND_MODULES.values()):
            importlib.import_module(f"{__package__}.{module}")
        return super().list_commands(ctx)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bpgrade",
                      help="Show the version and exit. / 显示版本并退出。")
def main():
    """bpgrade: learn backpropagation by computing it, one step at a time.
    bpgrade：亲手计算，一步一步学会反向传播。

    \b
    Start / 开始:        bpgrade init && cd bpgrade-exercises
    Your numbers / 数值: bpgrade show step1
    Check / 检查:        bpgrade check step1     (after editing exercises/step01.py)
    Stuck / 提示:        bpgrade hint step1
    Language / 语言:     --lang zh  (default: from LANG / 默认取自 LANG)
    """


