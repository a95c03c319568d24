"""Every file bpgrade generates is a jinja2 template in ``grader/templates``, rendered here.

The template's name says how values are placed:

    *.html.j2, *.svg.j2   every value is HTML-escaped unless it is ``markupsafe.Markup``
    *.tex.j2              LaTeX is full of braces, so variables are << x >>, blocks <% ... %>
                          and comments <# ... #>; nothing is escaped (the view escapes prose)
    anything else         Markdown, shell, YAML: nothing is escaped, so what could break the
                          file's structure is made safe before it is placed: ``| shell``
                          quotes one shell word; Markdown a student wrote is escaped by the
                          view (:func:`grader.classroom.feedback.markdown_text`)

jinja2 is imported on first use only: the ``bpgrade check`` path never pays for it.
"""

from __future__ import annotations

import shlex

TEX_DELIMITERS = {"variable_start_string": "<<", "variable_end_string": ">>",
                  "block_start_string": "<%", "block_end_string": "%>",
                  "comment_start_string": "<#", "comment_end_string": "#>"}
ESCAPED_AS_HTML = ("html.j2", "svg.j2")

_ENVIRONMENTS = {}


def shell_word(value) -> str:
    """``value`` as one shell word, whatever characters it holds."""
    return shlex.quote(str(value))


def environment(tex: bool = False):
    """The shared environment (``tex``: the one with LaTeX-friendly delimiters)."""
    if tex not in _ENVIRONMENTS:
        import jinja2

        made = jinja2.Environment(
            loader=jinja2.PackageLoader("grader", "templates"),
            autoescape=jinja2.select_autoescape(ESCAPED_AS_HTML, default_for_string=False,
                                                default=False),
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True, **(TEX_DELIMITERS if tex else {}))
        made.filters["shell"] = shell_word
        _ENVIRONMENTS[tex] = made
    return _ENVIRONMENTS[tex]


def render(name: str, **values) -> str:
    """The text of template ``name`` (e.g. ``"feedback.md.j2"``) with ``values`` placed."""
    return environment(name.endswith(".tex.j2")).get_template(name).render(**values)
