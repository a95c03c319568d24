"""What only the HTML sheet needs: strings for its print style sheet (the name line, title and
page number on every printed page) and the check data its script reads."""

from __future__ import annotations

import json

from ... import i18n

MESSAGES = {
    "page": {"en": "Page {page} of {pages}", "zh": "第 {page} 页，共 {pages} 页"},
}


def css_string(text: str) -> str:
    """A CSS string literal, safe inside a <style> element (no way out through </style>)."""
    return '"' + "".join(c if c.isalnum() or c in " .,:;()·-_—：，（）" else f"\\{ord(c):x} "
                         for c in text) + '"'


def page_counter(lang: str) -> str:
    """``"Page " counter(page) " of " counter(pages)`` in the sheet's language, for @page."""
    text = i18n.text(MESSAGES, "page", lang, page="\0page\0", pages="\0pages\0")
    parts = text.split("\0")
    return " ".join(f"counter({part})" if k % 2 else css_string(part)
                    for k, part in enumerate(parts) if part or k % 2)


def script_json(data) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
