"""The ``bpgrade`` group and what every command shares.

Each command parses, calls one library function and renders its result; library errors
(:class:`grader.errors.BpgradeError`) become a message and exit code 2.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from .. import i18n
from ..errors import BpgradeError

# Eager: read before the other options, so their error messages can follow it.
LANG_OPTION = click.option("--lang", type=click.Choice(i18n.LANGUAGES), default=None,
                           is_eager=True,
                           help="Language of messages: en or zh (default: from the locale).")

# The course secret is read from a file, the environment or bpgrade.toml; never from argv,
# which every user on the machine can read in /proc/*/cmdline.
SECRET_FILE_OPTION = click.option(
    "--secret-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="File holding the course secret (a trailing newline is dropped); it must be yours "
         "and mode 600. Default: $BPGRADE_SECRET, else [grade] secret in bpgrade.toml.")


def fail(message: str) -> None:
    """Report a library error the way click reports usage errors, exit 2."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


LAYERS_ERROR = {"en": "--layers takes sizes like 2,3,2,1 (at least two, each >= 1)",
                "zh": "--layers 的格式如 2,3,2,1（至少两个数，每个 >= 1）"}


def layers_option(ctx, param, value):
    """The ``--layers 2,3,2,1`` callback: a tuple of sizes (a tuple of them when repeated)."""
    def sizes(written: str) -> tuple:
        try:
            return tuple(int(n) for n in written.replace(" ", "").split(","))
        except ValueError:
            lang = i18n.resolve(ctx.params.get("lang"))
            raise click.BadParameter(LAYERS_ERROR[lang]) from None

    if value is None:
        return None
    return tuple(sizes(v) for v in value) if isinstance(value, tuple) else sizes(value)


FILE_ERROR = {"en": "cannot use {path}, cannot write there: {reason}",
              "zh": "无法使用 {path}，无法写入：{reason}"}


def run(function, *args, **kwargs):
    """Call the library; its errors, and a file or folder the system refuses, exit 2."""
    try:
        return function(*args, **kwargs)
    except BpgradeError as exc:
        fail(str(exc))
    except OSError as exc:              # e.g. an output folder that does not exist
        context = click.get_current_context(silent=True)
        template = FILE_ERROR[i18n.resolve(context.params.get("lang") if context else None)]
        fail(template.format(path=exc.filename or "", reason=exc.strerror or exc))


# Which module of grader.cli registers each command. A module is imported only when one of
# its commands runs (or the full list is shown), so ``bpgrade check`` loads no classroom,
# sheet or cost code at start-up.
COMMAND_MODULES = {
    "init": "learner", "check": "learner", "list": "learner", "show": "learner",
    "watch": "learner", "reset": "learner", "problem": "learner",
    "hint": "feedback",
    "grade": "classroom", "gradescope": "classroom", "export": "classroom",
    "sheet": "sheets",
    "cost": "cost",
}


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use (click's "lazy loading")."""

    def get_command(self, ctx, name):
        if name not in self.commands and name in COMMAND_MODULES:
            importlib.import_module(f"{__package__}.{COMMAND_MODULES[name]}")
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        for module in dict.fromkeys(COMMAND_MODULES.values()):
            importlib.import_module(f"{__package__}.{module}")
        return super().list_commands(ctx)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bpgrade")
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


