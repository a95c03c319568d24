"""A sheet for a step whose answers are arrays (step19 and later): the arrays it gives; each
answer as a blank of its shape (on the interactive sheet a box per entry); the key, each answer
worked out: its formula, the numbers put in, the result.

Built from the sheet interface of a step (grader.steps.step.Step.sheet_answers), so every such
step has a sheet: ``sheet_given`` (the names it gives, with their words), ``sheet_answers``
({key the sheet asks for: shape}), ``sheet_rows`` ((key, formula) in numpy's notation,
grader.steps.matrix), ``sheet_task`` (what the sheet asks, where not the step's meaning) and
``shown(seed)`` → (values, shapes): the given values as nested lists, each answer entry by its
name (``bpgrade_harness.answers.entries``), and any constant a row reads (𝟏, ``ones``). A value
is a number, a vector, a matrix or a list of those (one per layer, say); a list's shape is the
tuple of its items' shapes, and the entries of its item k are named as
``entries(f"{key}[{k}]", shape)`` gives them (:func:`pieces`). An answer ``new_<name>`` is
``<name>`` after one update: judged, as on the lesson's sheet, by the change it makes.
"""

from __future__ import annotations

import ast

from ... import i18n, notation
from ...steps import matrix, stubs
from . import pencil
from .model import MESSAGES as SHEET_MESSAGES, PERCENT, check_kind, common_labels, lesson, page
from .numbers import HAND_DIGITS, given_number, sci_tex, significant, update_number
from .typeset import math, prose, tex_text

MESSAGES = {
    "title": {"en": "Practice sheet, step {number}: {title}",
              "zh": "练习卷，第 {number} 步：{title}"},
    "key_title": {"en": "Answer key, step {number}: {title}",
                  "zh": "答案，第 {number} 步：{title}"},
    "intro": {"en": "Compute every entry by hand from the arrays given; vectors are columns, "
                    "and ⊙ multiplies entry by entry.",
              "zh": "用给出的数组手算每一项；向量都是列向量，⊙ 表示逐项相乘。"},
    "answers": {"en": "Compute", "zh": "要求的量"},
    "number": {"en": "a number", "zh": "一个数"},
    "vector": {"en": "a column of {n}", "zh": "{n} 个数的列向量"},
    "matrix": {"en": "a {rows} × {columns} matrix", "zh": "{rows} × {columns} 的矩阵"},
    "list": {"en": "a list of {n}: {shapes}", "zh": "含 {n} 项的列表：{shapes}"},
    "heading": {"en": "{symbol}, {shape}", "zh": "{symbol}，{shape}"},
    "array_tolerance": {"en": "A sum over the examples can be far smaller than its terms, so an "
                              "entry counts as right when it is within {percent} of its array's "
                              "largest entry (of the largest change, for an update). Keep 6 "
                              "significant digits in your working; write 4.",
                        "zh": "对样本求和的结果可能远小于其中各项，所以一项与答案之差不超过该数组"
                              "最大项的 {percent}（更新则为最大变化量的 {percent}）即算正确。"
                              "演算时保留 6 位有效数字，填写时写 4 位。"},
}


# --- shapes and values -------------------------------------------------------------------------

def is_list(shape) -> bool:
    """Is ``shape`` a list's (a tuple of shapes) rather than one array's (a tuple of sizes)?"""
    return bool(shape) and all(isinstance(size, (tuple, list)) for size in shape)


def inferred(value) -> tuple:
    """The shape of a value as nested lists: () a number, (n,) a vector, (r, c) a matrix, a
    tuple of shapes a list of those (items of unequal shapes, or arrays of arrays)."""
    if not isinstance(value, (list, tuple)):
        return ()
    items = [inferred(item) for item in value]
    if all(item == () for item in items):
        return (len(value),)
    if len(set(items)) == 1 and len(items[0]) == 1:
        return (len(value), items[0][0])
    return tuple(items)


def shape_of(shapes: dict, name: str, value=None) -> tuple:
    """``name``'s shape as the step gives it (``shapes``), else as its value has it."""
    shape = shapes.get(name)
    if shape is None:
        return inferred(value)
    return tuple(tuple(s) for s in shape) if is_list(shape) else tuple(shape)


def code(text: str, fmt: str) -> str:
    """A line of code as the format writes it."""
    if fmt == "html":
        import html

        return f"<p><code>{html.escape(text)}</code></p>"
    return rf"\texttt{{{tex_text(text)}}}" if fmt == "tex" else f"`{text}`"


def pieces(key: str, shape) -> list:
    """(item index or None, shape, entry names) of each array a value holds: one for an
    array, one per item for a list."""
    from bpgrade_harness.answers import entries

    if is_list(shape):
        return [(k, tuple(s), entries(f"{key}[{k}]", s)) for k, s in enumerate(shape)]
    return [(None, tuple(shape), entries(key, shape))]


def grid(cells: list, shape: tuple) -> list:
    """Flat cells, row by row, laid out as the array is written: a vector as a column."""
    if len(shape) == 2:
        return [cells[r * shape[1]:(r + 1) * shape[1]] for r in range(shape[0])]
    return [[cell] for cell in cells]


def flat(value) -> list:
    return [x for item in value for x in flat(item)] if isinstance(value, (list, tuple)) \
        else [value]


def written(value: float, exact: bool) -> str:
    """A number on the sheet, as LaTeX: a given one with its two decimals where they are the
    whole number, anything else to four significant digits."""
    if exact and float(given_number(value)) == value:
        return given_number(value)
    return sci_tex(significant(value))


def bmatrix(rows: list) -> str:
    """Rows of LaTeX cells as a bracketed matrix; a single number as it is."""
    if len(rows) == 1 and len(rows[0]) == 1 and not rows[0][0].startswith(r"\underline"):
        return rows[0][0]
    body = r" \\ ".join(" & ".join(row) for row in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def value_latex(value, shape, exact: bool) -> str:
    """A number, vector, matrix or list of those as LaTeX: a list in round brackets; a given
    array of whole numbers only (XOR's inputs, 𝟏) as whole numbers."""
    if is_list(shape):
        inner = r",\ ".join(value_latex(v, s, exact) for v, s in zip(value, shape))
        return rf"\left( {inner} \right)"
    numbers = flat(value)
    if exact and len(numbers) > 1 and all(float(v).is_integer() for v in numbers):
        return bmatrix(grid([str(int(v)) for v in numbers], shape))
    return bmatrix(grid([written(v, exact) for v in numbers], shape))


# Columns of numbers side by side that a printed page's width holds in the key's working
# (A4 or Letter from Chromium: 10 fit, step22's Δ⁽¹⁾ with 13 did not); a wider line is set
# smaller there (the HTML's "wide"; LaTeX shrinks any line wider than the page itself).
PRINTED_COLUMNS = 11


def columns(shape) -> int:
    """How many columns of numbers an array puts side by side: a vector or a number one."""
    if is_list(shape):
        return sum(columns(s) for s in shape)
    return shape[1] if len(shape) == 2 else 1


SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def symbol(name: str, latex: bool = True) -> str:
    """A layer's symbol (grader.notation.LAYER_SYMBOLS), else the seed's notation's."""
    if name in notation.LAYER_SYMBOLS:
        return notation.LAYER_SYMBOLS[name][0 if latex else 1]
    return notation.symbol(name, latex)


def item_symbol(name: str, index, latex: bool = True) -> str:
    """The symbol of a list's item ``index``, or of the array: a list of layers (a symbol of
    layer l) writes item k as layer k + 1, W⁽ˡ⁾ → W⁽¹⁾; any other list, numpy's index after it."""
    whole = symbol(name, latex)
    if index is None:
        return whole
    layer, written = ("^{(l)}", f"^{{({index + 1})}}") if latex else \
        ("⁽ˡ⁾", "⁽" + str(index + 1).translate(SUPERSCRIPT_DIGITS) + "⁾")
    return whole.replace(layer, written) if layer in whole else f"{whole}[{index}]"


def shape_words(shape, lang: str) -> str:
    if is_list(shape):
        return i18n.text(MESSAGES, "list", lang, n=len(shape),
                         shapes=i18n.pick(i18n.LIST_SEPARATOR, lang).join(
                             shape_words(s, lang) for s in shape))
    if len(shape) == 0:
        return i18n.text(MESSAGES, "number", lang)
    if len(shape) == 1:
        return i18n.text(MESSAGES, "vector", lang, n=shape[0])
    return i18n.text(MESSAGES, "matrix", lang, rows=shape[0], columns=shape[1])


# --- the key's working -------------------------------------------------------------------------

def worked(source: str, known: dict) -> str:
    """The formula's LaTeX with each array put in as its numbers (``known``: name → LaTeX of
    its value), or "" where a name it reads has no single array to put in."""
    try:
        names = matrix.names_in(source)
        if not all(name in known for name in names):
            return ""
        bracketed = {name: rf"\left({text}\right)" if text.startswith("-") else text
                     for name, text in known.items()}       # a negative number put in
        return matrix.render(source, latex=True, put_in=bracketed)
    except (KeyError, SyntaxError, AttributeError, TypeError):
        return ""


# --- the view-model ----------------------------------------------------------------------------

def view(step, shown: tuple, seed: int, fmt: str = "html", lang: str = "en",
         kind: str = "blank", student: str | None = None, paper: str = "a4",
         scaffold: str = stubs.DEFAULT_SCAFFOLD) -> dict:
    """Everything the sheet of array step ``step`` shows, as strings; ``shown`` is
    ``step.shown(seed)``: the values and their shapes."""
    values, shapes = shown
    check_kind(fmt, lang, kind)
    title_words = i18n.pick(step.title, lang)
    shown = lesson(step, scaffold, kind)
    if step.sheet_task:                 # the sheet asks other than the code: its own words
        shown["words"] = step.sheet_task
    label = common_labels(fmt, lang, student)
    label["title"] = prose(i18n.text(MESSAGES, "key_title" if kind == "key" else "title", lang,
                                     number=step.number, title=title_words), lang, fmt)
    command = " ".join(["bpgrade", "show", step.id, "--seed", str(seed)])
    label["seed_line"] = prose(i18n.text(SHEET_MESSAGES, "seed_line", lang, seed=seed,
                                         command=command), lang, fmt)
    label["intro"] = prose(i18n.text(MESSAGES, "intro", lang), lang, fmt)
    label["answers"] = prose(i18n.text(MESSAGES, "answers", lang), lang, fmt)

    given, known = [], {}
    for name in step.sheet_given:
        value = values[name]
        words = step.sheet_given[name]
        given.append({"name": name,
                      "words": prose(words, lang, fmt) if isinstance(words, dict) else ""})
        if isinstance(value, str):          # a name: the activation, the loss
            given[-1].update(symbol=code(f"net.{name}", fmt), code=True,
                             value=code(f'net.{name} = "{value}"', fmt))
            continue
        shape = shape_of(shapes, name, value)
        items = zip(range(len(shape)), value, shape) if is_list(shape) else [(None, value, shape)]
        for number, (index, item, item_shape) in enumerate(items):   # a list: item by item
            if number:
                given.append({"name": f"{name}[{index}]", "words": ""})
            latex = value_latex(item, item_shape, exact=True)
            given[-1].update(symbol=math(item_symbol(name, index), fmt), code=False,
                             value=math(f"{item_symbol(name, index)} = {latex}", fmt,
                                        display=True))
        if not is_list(shape):
            known[name] = latex
    for name in set(values) & set(shapes) - set(step.sheet_given) - set(step.sheet_answers):
        known[name] = value_latex(values[name], shape_of(shapes, name), exact=True)  # 𝟏

    hints = pencil.hints(step, lang, fmt, scaffold)
    sources = dict(row if isinstance(row, tuple) else (row.left, row.source)
                   for row in step.sheet_rows)
    answers, expected, changes, scales = [], {}, {}, {}
    for key in step.sheet_answers:
        shape = shape_of(shapes, key)
        old = flat(values[notation.base(key)]) if key.startswith(notation.UPDATED) else None
        parts = []
        for index, part_shape, names in pieces(key, shape):
            numbers = [values[name] for name in names]
            expected.update(zip(names, numbers))
            if old is not None:       # an update: the key shows its change (lesson's sheet)
                written_key = [update_number(n, o) for n, o in zip(numbers, old)]
                changes.update({name: {"old": o, "change": n - o}
                                for name, n, o in zip(names, numbers, old)})
            else:
                written_key = [significant(n) for n in numbers]
            if step.sheet_array_scale:     # judged against the array's largest entry or change
                moved = [n - o for n, o in zip(numbers, old)] if old is not None else numbers
                scales.update(dict.fromkeys(names, max(abs(n) for n in moved)))
            cells = [{"id": name, "key": sci_tex(text) if kind == "key" else ""}
                     for name, text in zip(names, written_key)]
            result = bmatrix(grid([sci_tex(text) for text in written_key], part_shape))
            blank = bmatrix(grid([r"\underline{\qquad\quad}"] * len(names), part_shape))
            parts.append({"symbol": math(item_symbol(key, index), fmt),
                          "symbol_latex": item_symbol(key, index),
                          "grid": grid(cells, part_shape),
                          "blank": blank if fmt != "html" else "",
                          "result": math(f"{item_symbol(key, index)} = {result}", fmt,
                                         display=True) if kind == "key" else ""})
        formula = ""
        steps_worked = ""
        wide = False
        if key in sources:
            try:
                formula_latex = f"{symbol(key)} = {matrix.render(sources[key], latex=True)}"
            except (KeyError, SyntaxError, AttributeError, TypeError):
                formula_latex = ""
            if formula_latex and kind == "key":
                formula = math(formula_latex, fmt, display=True)
                numbers_in = worked(sources[key], known)
                steps_worked = math(f"= {numbers_in}", fmt, display=True) if numbers_in else ""
                wide = sum(columns(shape_of(shapes, node.id))     # every name as often as put in
                           for node in ast.walk(matrix.parse(sources[key]))
                           if isinstance(node, ast.Name) and node.id in shapes) > PRINTED_COLUMNS
        if not is_list(shape):        # later rows read this answer, to 4 significant digits
            known[key] = bmatrix(grid([sci_tex(significant(values[name]))
                                       for name in pieces(key, shape)[0][2]], shape))
        answers.append({
            "key": key, "heading": prose(i18n.text(MESSAGES, "heading", lang, symbol="\0",
                                                   shape=shape_words(shape, lang)), lang, fmt),
            "symbol": math(symbol(key), fmt), "parts": parts, "formula": formula,
            "worked": steps_worked, "wide": wide, "hints": hints})
    for answer in answers:            # the heading around its symbol, set as math
        before, after = answer.pop("heading").split("\0")
        answer.update(heading_before=before, heading_after=after)

    return {
        **page(seed, i18n.text(MESSAGES, "title", lang, number=step.number, title=title_words),
               fmt, lang, kind, student, paper, expected if kind == "interactive" else {},
               changes if kind == "interactive" else {},
               scales if kind == "interactive" else {}),
        "arrays": True, "step": step.id, "label": label, "scaffold": scaffold,
        "shows": shown["shows"], "meaning": prose(shown["words"], lang, fmt),
        "factors": prose(shown["factors"], lang, fmt) if shown["factors"] else "",
        # the formula above the blanks; the key writes each answer's own row beside it
        "formula": math(r"\begin{gathered} " + r" \\ ".join(step.formula_lines)
                        + r" \end{gathered}", fmt, display=True)
        if shown["shows"] == "formula" and kind != "key" else "",
        "given": given, "answers": answers,
        # how an update (by its change, as on the lesson's sheet) and a batch's sums are judged
        "notes": [prose(i18n.text(messages, key, lang, digits=HAND_DIGITS, percent=PERCENT),
                        lang, fmt)
                  for messages, key, needed in (
                      (SHEET_MESSAGES, "update_tolerance", bool(changes)),
                      (MESSAGES, "array_tolerance", step.sheet_array_scale)) if needed],
    }


def sheet_model(step, seed: int, fmt: str = "html", lang: str = "en", kind: str = "blank",
                student: str | None = None, paper: str = "a4",
                scaffold: str = stubs.DEFAULT_SCAFFOLD) -> dict:
    """The view-model of ``step``'s sheet on the network it draws from ``seed`` (the numbers
    of ``bpgrade show STEP --seed N``)."""
    return view(step, step.shown(seed), seed, fmt, lang, kind, student, paper, scaffold)
