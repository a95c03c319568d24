"""A view-model as the sheet's text, and sheets written to files.

A Markdown sheet saved to a file keeps its network drawing in an SVG file beside it,
``<sheet stem>.svg``, referenced by relative path (GitHub and other renderers strip ``data:``
images); printed to the terminal, it carries the drawing inside as a ``data:`` image. A drawing
is written under a name nobody gave, so a file already there is replaced only when it is a
drawing a sheet wrote. Every run writes all its files or none.
"""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote

from ... import i18n
from ...atomic_write import write_all_atomically
from ...errors import UsageError
from ...notation import SEED_LOSS
from ...steps.stubs import DEFAULT_SCAFFOLD
from .. import templates
from . import drawing
from .model import view

EXTENSIONS = {"html": "html", "md": "md", "tex": "tex"}
DRAWING_SUFFIX = ".svg"

MESSAGES = {
    "cannot_write": {"en": "cannot write {path}: {reason}", "zh": "无法写入 {path}：{reason}"},
    "not_a_drawing": {"en": "{path} exists and is not a sheet's drawing; the Markdown sheet "
                            "keeps its drawing there: move that file, or choose another name "
                            "for the sheet",
                      "zh": "{path} 已存在，且不是练习卷的网络图；Markdown 练习卷要把网络图存在"
                            "那里：请移走该文件，或给练习卷换个名字"},
}


def network_svg(model: dict) -> str:
    """The model's network drawing as a standalone SVG document."""
    return drawing.svg(model["network"], model["label"]["network_drawing"])


def render(model: dict, drawing_file: str | None = None) -> str:
    """The sheet text for a view-model from :func:`grader.render.sheets.model.view`.
    ``drawing_file``: for Markdown, the drawing's file name beside the sheet (None: the
    drawing inside, as a ``data:`` image)."""
    fmt = model["fmt"]
    if fmt == "html":
        import markupsafe

        if not model["arrays"]:           # an array step's sheet has no drawing
            model = dict(model, network_svg=markupsafe.Markup(network_svg(model)))
        return templates.render("sheet.html.j2", m=model, safe=markupsafe.Markup)
    if fmt == "md" and not model["arrays"]:
        if drawing_file is None:
            data = base64.b64encode(network_svg(model).encode("utf-8")).decode("ascii")
            image = f"data:image/svg+xml;base64,{data}"
        else:
            image = quote(drawing_file)
        model = dict(model, network_image=image)
    return templates.render(f"sheet.{fmt}.j2", m=model)


def drawing_path(path: Path) -> Path:
    """Where the drawing of a Markdown sheet saved at ``path`` goes: ``<stem>.svg`` beside it."""
    path = Path(path)
    beside = path.with_name(path.stem + DRAWING_SUFFIX)
    return beside if beside != path else path.with_name(f"{path.stem}.network{DRAWING_SUFFIX}")


def files(model: dict, path: Path, drawing_at: Path | None = None) -> dict:
    """``{path: text}`` of every file of the sheet saved at ``path``: the sheet and, for
    Markdown, its drawing (at ``drawing_at``, default :func:`drawing_path`, in the same
    folder)."""
    path = Path(path)
    if model["fmt"] != "md" or model["arrays"]:
        return {path: render(model)}
    drawing_at = Path(drawing_at) if drawing_at is not None else drawing_path(path)
    return {path: render(model, drawing_at.name), drawing_at: network_svg(model)}


def sheet_model(seed: int, fmt: str = "html", lang: str = "en", kind: str = "blank",
                student: str | None = None, paper: str = "a4",
                scaffold: str = DEFAULT_SCAFFOLD, loss: str = SEED_LOSS) -> dict:
    """The view-model of the sheet for ``bpgrade problem --seed N [--loss LOSS]``'s problem."""
    from ...engine.generators import generate
    from ...steps.quantities import reference

    problem = generate(seed, lang=lang, loss=loss)
    return view(problem, reference(problem, lang), fmt, lang, kind, student, paper, scaffold)


def sheet(seed: int, fmt: str = "html", lang: str = "en", kind: str = "blank",
          student: str | None = None, paper: str = "a4",
          scaffold: str = DEFAULT_SCAFFOLD, loss: str = SEED_LOSS) -> str:
    """The sheet for ``bpgrade problem --seed N [--loss LOSS]``'s problem, as one text."""
    return render(sheet_model(seed, fmt, lang, kind, student, paper, scaffold, loss))


def is_drawing(text: str) -> bool:
    """Is this a sheet's drawing (the mark of network.svg.j2 on its first line)?"""
    first = text.partition("\n")[0]
    return first.startswith("<svg") and drawing.MARK in first


def _replaceable(path: Path, text: str) -> bool:
    """A drawing may replace only a drawing; any other file is the one its user named."""
    if not is_drawing(text) or not path.exists():
        return True
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return is_drawing(handle.read(4096))
    except OSError:
        return False


def save(texts: dict, lang: str = "en") -> list:
    """Write ``{path: text}`` as UTF-8 with LF line ends, the same bytes on every platform: all
    of them whole, or none. Returns the paths written."""
    for path, text in texts.items():
        if not _replaceable(Path(path), text):
            raise UsageError(i18n.text(MESSAGES, "not_a_drawing", lang, path=path))
    try:
        write_all_atomically(texts)
    except OSError as exc:
        raise UsageError(i18n.text(MESSAGES, "cannot_write", lang,
                                   path=exc.filename2 or exc.filename or next(iter(texts)),
                                   reason=exc.strerror or exc)) from exc
    return list(texts)


def write(path: Path, model: dict, lang: str = "en") -> list:
    """Save the sheet of ``model`` at ``path`` (with its drawing, for Markdown)."""
    return save(files(model, path), lang)


def kind_for(fmt: str, answers: bool, static: bool) -> str:
    """The key with ``answers``; else interactive HTML unless ``static``; else blank."""
    if answers:
        return "key"
    return "interactive" if fmt == "html" and not static else "blank"
