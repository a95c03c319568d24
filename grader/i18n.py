"""Language choice and message lookup.

Every text a learner or teacher reads exists in English and Chinese. Each module keeps
its own table ``{key: {"en": ..., "zh": ...}}`` and formats through :func:`text`; a lone
``{"en": ..., "zh": ...}`` pair (a step's title, a hint) is read through :func:`pick`. Both
are :mod:`bpgrade_harness.messages`' (the harness never imports grader), so grader and
harness share one rule: a language without an entry gets the English one.
"""

from __future__ import annotations

import os

from bpgrade_harness.messages import pick, text  # noqa: F401  (one lookup for grader and harness)

LANGUAGES = ("en", "zh")
LIST_SEPARATOR = {"en": ", ", "zh": "、"}     # between the items of a list in running text


def default_language(environ=None) -> str:
    """The language from LC_ALL, LC_MESSAGES or LANG (first one set); English otherwise."""
    environ = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def resolve(lang: str | None) -> str:
    """An explicit ``--lang`` wins; otherwise the locale decides."""
    if lang in LANGUAGES:
        return lang
    return default_language()
