import importlib
import string

import pytest

from grader import i18n, reporters


@pytest.mark.parametrize("environ, expected", [
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ({"LC_ALL": "", "LC_MESSAGES": "zh_CN", "LANG": "en_US"}, "zh"),
    ({"LC_MESSAGES": "en_GB", "LANG": "zh_CN"}, "en"),
    ({}, "en"),
    ({"LANG": "C"}, "en"),
])
def test_default_language_follows_the_locale(environ, expected):
    assert i18n.default_language(environ) == expected


def test_an_explicit_language_wins(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert i18n.resolve(None) == "zh"
    assert i18n.resolve("en") == "en"


class FakeTerminal:
    def __init__(self, tty):
        self.tty = tty

    def isatty(self):
        return self.tty


def test_colour_only_on_a_terminal_and_never_under_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert reporters.use_color(FakeTerminal(True)) is True
    assert reporters.use_color(FakeTerminal(False)) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert reporters.use_color(FakeTerminal(True)) is False


def _placeholders(template: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("module", ["grader.classroom", "grader.gradescope",
                                    "grader.cli.classroom", "grader.cli.sheets"])
def test_grading_messages_exist_in_both_languages_with_the_same_placeholders(module):
    table = importlib.import_module(module).MESSAGES
    for key, entry in table.items():
        assert set(entry) == set(i18n.LANGUAGES), (module, key)
        assert _placeholders(entry["en"]) == _placeholders(entry["zh"]), (module, key)
