"""Message lookup: every table is ``{key: {"en": ..., "zh": ...}}``; one way to format."""

from __future__ import annotations


def text(table: dict, key: str, lang: str, **values) -> str:
    """The message ``key`` of ``table`` in ``lang`` (English if missing), formatted."""
    entry = table[key]
    template = entry.get(lang) or entry["en"]
    return template.format(**values) if values else template
