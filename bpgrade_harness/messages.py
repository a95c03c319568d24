"""Message lookup, one rule for every text: a table is ``{key: {"en": ..., "zh": ...}}``,
read with :func:`text`; a lone ``{"en": ..., "zh": ...}`` pair with :func:`pick`. A language
without an entry gets the English one.
"""

from __future__ import annotations


def pick(pair: dict, lang: str) -> str:
    """The ``lang`` side of an ``{"en": ..., "zh": ...}`` pair (English if it has none)."""
    return pair.get(lang) or pair["en"]


def text(table: dict, key: str, lang: str, **fields) -> str:
    """The message ``key`` of ``table`` in ``lang``, formatted with ``fields``.

    Without fields the template comes back as written, placeholders and all (the
    interactive sheet fills them in the browser)."""
    template = pick(table[key], lang)
    return template.format(**fields) if fields else template
