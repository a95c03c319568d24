"""click's own words (``Usage:``, ``Error:``, "No such option …") in the chosen language.

click writes its messages in English through gettext, which reads compiled catalogues only;
so a usage error is shown here instead: each English text below is click's own template,
matched as written (its ``{fields}`` are what varies) and said again in Chinese with the same
fields. A field that holds a message of its own (``{message}``) is said again in turn; a text
click gains in a later version stays English, framed in Chinese.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache

import click

from .. import i18n

# click's templates (click/exceptions.py, parser.py, types.py, core.py), most specific first
MESSAGES = {
    "invalid_for": {"en": "Invalid value for {param_hint}: {message}",
                    "zh": "{param_hint} 的值无效：{message}"},
    "invalid": {"en": "Invalid value: {message}", "zh": "值无效：{message}"},
    "missing_argument": {"en": "Missing argument {param_hint}.", "zh": "缺少参数 {param_hint}。"},
    "missing_option": {"en": "Missing option {param_hint}.", "zh": "缺少选项 {param_hint}。"},
    "missing_parameter": {"en": "Missing parameter {param_hint}.",
                          "zh": "缺少参数 {param_hint}。"},
    "missing_command": {"en": "Missing command.", "zh": "缺少命令。"},
    "no_option_guess": {"en": "No such option {name!r}. Did you mean {possibility}?",
                        "zh": "没有选项 {name!r}。你是想用 {possibility} 吗？"},
    "no_option_guesses": {"en": "No such option {name!r}. (Did you mean one of: "
                                "{possibilities}?)",
                          "zh": "没有选项 {name!r}。（你是想用其中之一吗：{possibilities}）"},
    "no_option": {"en": "No such option {name!r}.", "zh": "没有选项 {name!r}。"},
    "no_command": {"en": "No such command {name!r}.", "zh": "没有命令 {name!r}。"},
    "needs_value": {"en": "Option {name!r} requires an argument.",
                    "zh": "选项 {name!r} 后面需要一个值。"},
    "needs_values": {"en": "Option {name!r} requires {nargs} arguments.",
                     "zh": "选项 {name!r} 后面需要 {nargs} 个值。"},
    "takes_no_value": {"en": "Option {name!r} does not take a value.",
                       "zh": "选项 {name!r} 不接受值。"},
    "extra_argument": {"en": "Got unexpected extra argument ({args})",
                       "zh": "多出了参数（{args}）"},
    "extra_arguments": {"en": "Got unexpected extra arguments ({args})",
                        "zh": "多出了参数（{args}）"},
    "not_integer": {"en": "{value!r} is not a valid integer.", "zh": "{value!r} 不是整数。"},
    "not_integer_range": {"en": "{value!r} is not a valid integer range.",
                          "zh": "{value!r} 不是整数。"},
    "not_float": {"en": "{value!r} is not a valid float.", "zh": "{value!r} 不是数。"},
    "not_float_range": {"en": "{value!r} is not a valid float range.",
                        "zh": "{value!r} 不是数。"},
    "out_of_range": {"en": "{value} is not in the range {range}.",
                     "zh": "{value} 不在范围 {range} 内。"},
    "not_choices": {"en": "{value!r} is not one of {choices}.",
                    "zh": "{value!r} 不是 {choices} 之一。"},
    "not_choice": {"en": "{value!r} is not {choice}.", "zh": "{value!r} 不是 {choice}。"},
    "file_missing": {"en": "File {filename!r} does not exist.", "zh": "文件 {filename!r} 不存在。"},
    "folder_missing": {"en": "Directory {filename!r} does not exist.",
                       "zh": "目录 {filename!r} 不存在。"},
    "path_missing": {"en": "Path {filename!r} does not exist.", "zh": "路径 {filename!r} 不存在。"},
    "is_file": {"en": "Directory {filename!r} is a file.", "zh": "{filename!r} 是文件，不是目录。"},
    "is_folder": {"en": "File {filename!r} is a directory.", "zh": "{filename!r} 是目录，不是文件。"},
    "not_readable": {"en": "File {filename!r} is not readable.", "zh": "文件 {filename!r} 不可读。"},
    "folder_not_readable": {"en": "Directory {filename!r} is not readable.",
                            "zh": "目录 {filename!r} 不可读。"},
    "not_writable": {"en": "File {filename!r} is not writable.", "zh": "文件 {filename!r} 不可写。"},
    "folder_not_writable": {"en": "Directory {filename!r} is not writable.",
                            "zh": "目录 {filename!r} 不可写。"},
    "cannot_open": {"en": "Could not open file {filename!r}: {message}",
                    "zh": "无法打开文件 {filename!r}：{message}"},
    # the frame around every usage error
    "usage": {"en": "Usage:", "zh": "用法："},
    "try_help": {"en": "Try '{command} {option}' for help.",
                 "zh": "运行 '{command} {option}' 查看帮助。"},
    "error": {"en": "Error: {message}", "zh": "错误：{message}"},
}

# fields whose value is a message of its own, said again in the chosen language
_NESTED = {"message"}
_FIELD = re.compile(r"\{(\w+)(![rs])?\}")


@lru_cache(maxsize=None)
def _pattern(template: str) -> re.Pattern:
    """A regular expression matching what ``template`` formats to, one group per field."""
    parts, end = [], 0
    for match in _FIELD.finditer(template):
        parts.append(re.escape(template[end:match.start()]))
        name = match.group(1)
        if name in _NESTED:
            parts.append(f"(?P<{name}>.*)")
        elif match.group(2) == "!r":
            parts.append(f"(?P<{name}>'[^']*'|\"[^\"]*\")")
        else:
            parts.append(f"(?P<{name}>.+?)")
        end = match.end()
    parts.append(re.escape(template[end:]))
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


def translate(message: str, lang: str) -> str:
    """``message`` as click wrote it, in ``lang`` (unchanged when no template matches)."""
    if lang == "en":
        return message
    for key, pair in MESSAGES.items():
        match = _pattern(pair["en"]).match(message)
        if match is None:
            continue
        fields = {name: translate(value, lang) if name in _NESTED else value
                  for name, value in match.groupdict().items()}
        zh = _FIELD.sub(lambda m: "{" + m.group(1) + "}", i18n.pick(pair, lang))
        return zh.format(**fields)
    return message


def language(args, ctx=None) -> str:
    """The language a usage error is shown in: ``--lang`` if it was read or is among
    ``args``, else the locale's."""
    chosen = ctx.params.get("lang") if ctx is not None else None
    if chosen is None:
        args = list(args or ())
        for index, arg in enumerate(args):
            if arg == "--lang" and index + 1 < len(args):
                chosen = args[index + 1]
            elif arg.startswith("--lang="):
                chosen = arg.partition("=")[2]
    return i18n.resolve(chosen if chosen in i18n.LANGUAGES else None)


class ShownUsageError(click.UsageError):
    """A usage error click raised, shown as click shows it but in ``lang``."""

    def __init__(self, error: click.UsageError, lang: str):
        super().__init__(error.format_message(), error.ctx)
        self.exit_code, self.lang = error.exit_code, lang

    def format_message(self) -> str:
        return translate(self.message, self.lang)

    def show(self, file=None) -> None:
        file = file or sys.stderr
        ctx, color = self.ctx, None
        if ctx is not None:
            color = ctx.color
            usage = ctx.get_usage()
            if usage.startswith("Usage:") and self.lang != "en":
                usage = i18n.text(MESSAGES, "usage", self.lang) + usage[len("Usage:"):].lstrip()
            hint = ""
            if ctx.command.get_help_option(ctx) is not None:
                hint = i18n.text(MESSAGES, "try_help", self.lang, command=ctx.command_path,
                                 option=ctx.help_option_names[0]) + "\n"
            click.echo(f"{usage}\n{hint}", file=file, color=color)
        click.echo(error_line(self.format_message(), self.lang), file=file, color=color)


def error_line(message: str, lang: str) -> str:
    """``Error: message``, as click frames an error, in ``lang``."""
    return i18n.text(MESSAGES, "error", lang, message=message)
