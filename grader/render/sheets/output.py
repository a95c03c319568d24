"""A view-model as the sheet's text, and sheets written to files."""

from __future__ import annotations

import base64
from pathlib import Path

from ... import i18n
from ...atomic_write import write_atomically
from ...errors import UsageError
from .. import templates
from . import drawing
from ...steps.stubs import DEFAULT_SCAFFOLD
from .model import view

EXTENSIONS = {"html": "html", "md": "md", "tex": "tex"}

MESSAGES = {
    "cannot_write": {"en": "cannot write {path}: {reason}", "zh": "无法写入 {path}：{reason}"},
}


def network_svg(model: dict) -> str:
    """The model's network drawing as a standalone SVG document."""
    return drawing.svg(model["network"], model["label"]["network_drawing"])


def render(model: dict) -> str:
    """The sheet text for a view-model from :func:`grader.render.sheets.model.view`."""
    fmt = model["fmt"]
    if fmt == "html":
        import markupsafe

        model = dict(model, network_svg=markupsafe.Markup(network_svg(model)))
        return templates.render("sheet.html.j2", m=model, safe=markupsafe.Markup)
    if fmt == "md":
        # The same drawing as the HTML sheet, as an image inside the file (no second file).
        data = base64.b64encode(network_svg(model).encode("utf-8")).decode("ascii")
        model = dict(model, network_image=f"data:image/svg+xml;base64,{data}")
    return templates.render(f"sheet.{fmt}.j2", m=model)


def sheet(seed: int, fmt: str = "html", lang: str = "en", kind: str = "blank",
          student: str | None = None, paper: str = "a4",
          scaffold: str = DEFAULT_SCAFFOLD) -> str:
    """The sheet for ``bpgrade problem --seed N``'s problem."""
    from ...engine.generators import generate
    from ...steps.quantities import reference

    problem = generate(seed)
    return render(view(problem, reference(problem), fmt, lang, kind, student, paper, scaffold))


def write(path: Path, text: str, lang: str = "en") -> None:
    """Write a sheet as UTF-8 with LF line ends, the same bytes on every platform, whole."""
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise UsageError(i18n.text(MESSAGES, "cannot_write", lang, path=path,
                                   reason=exc.strerror or exc)) from exc


def kind_for(fmt: str, answers: bool, static: bool) -> str:
    """The key with ``answers``; else interactive HTML unless ``static``; else blank."""
    if answers:
        return "key"
    return "interactive" if fmt == "html" and not static else "blank"
