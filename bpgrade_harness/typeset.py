"""The lesson's typeset maths pasted into a step file: where it is, and what to type instead.

A docstring shows the formula as the lesson writes it, ``δ⁽³⁾·y(1−y)``; copied into code,
its minus sign, times and division signs are not Python's. A file that does not parse
because of one, or whose names hold a "·" (``net.y·net.h2_1`` compiles, as the one name
``y·net``), is explained with its line instead of a bare syntax error.
"""

from __future__ import annotations

import re
import types
from pathlib import Path

from .messages import text

MESSAGES = {
    "typeset": {"en": "{file}, line {line}: {char} (U+{code:04X}) is typeset maths, as in the "
                      "docstring's formula, not Python: use {ascii}\n    {source}",
                "zh": "{file} 第 {line} 行：{char}（U+{code:04X}）是文档字符串公式里的排版符号，"
                      "不是 Python 运算符：请改用 {ascii}\n    {source}"},
    "typeset_minus": {"en": "- (hyphen-minus)", "zh": "-（键盘上的减号 hyphen-minus）"},
    "typeset_times": {"en": "* (asterisk)", "zh": "*（星号）"},
    "typeset_divide": {"en": "/ (slash)", "zh": "/（斜杠）"},
}

# The characters, and what Python writes instead.
TYPESET = {"\u2212": "minus", "\u2013": "minus", "\u2014": "minus", "\u00d7": "times",
           "\u00b7": "times", "\u22c5": "times", "\u2217": "times", "\u00f7": "divide"}
MIDDLE_DOT = "\u00b7"      # the one of them a name may hold


def in_syntax_error(error: SyntaxError, path, source: str, lang: str) -> str | None:
    """The explanation when ``error`` is Python refusing one of the characters, else None."""
    found = re.search(r"U\+([0-9A-F]{4,6})", getattr(error, "msg", "") or "")
    char = chr(int(found.group(1), 16)) if found else ""
    line = getattr(error, "lineno", None)
    if not line:
        return None
    if char not in TYPESET:
        # Python 3.10 calls "2·x" an invalid decimal literal, naming no character: look in
        # the line itself.
        lines = source.splitlines()
        text_of_line = lines[line - 1] if 0 < line <= len(lines) else ""
        char = next((c for c in text_of_line if c in TYPESET), "")
        if not char:
            return None
    return explain(path, char, line, source, lang)


def in_names(code: types.CodeType, path, source: str, lang: str) -> str | None:
    """The explanation when a name of the compiled ``code`` holds a "·", else None."""
    line = _name_line(code)
    return None if line is None else explain(path, MIDDLE_DOT, line, source, lang)


def explain(path, char: str, line: int, source: str, lang: str) -> str:
    """Why ``char`` on ``line`` is not Python, and what to type instead."""
    lines = source.splitlines()
    shown = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return text(MESSAGES, "typeset", lang, file=Path(path).name, line=line, char=char,
                code=ord(char), ascii=text(MESSAGES, "typeset_" + TYPESET[char], lang),
                source=shown)


def _name_line(code: types.CodeType):
    """The line of the first name holding a "·", or None: a walk over the names of the
    compiled code (a few µs), ``dis`` only once one is found."""
    stack = [code]
    while stack:
        unit = stack.pop()
        names = unit.co_names + unit.co_varnames + unit.co_cellvars + unit.co_freevars
        if any(MIDDLE_DOT in name for name in names):
            import dis

            line = unit.co_firstlineno
            for instruction in dis.get_instructions(unit):
                positions = getattr(instruction, "positions", None)   # Python 3.11+
                if positions is not None and positions.lineno:
                    line = positions.lineno
                elif type(instruction.starts_line) is int:             # Python 3.10
                    line = instruction.starts_line
                if isinstance(instruction.argval, str) and MIDDLE_DOT in instruction.argval:
                    return line
            return unit.co_firstlineno
        stack.extend(c for c in unit.co_consts if isinstance(c, types.CodeType))
    return None
