import importlib
import string

import pytest

from grader import i18n

from grader.render import terminal as reporters


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


def _placeholders(template) -> set:
    """The {names} a message formats; a message may be a list of lines."""
    if isinstance(template, (list, tuple)):
        return set().union(*map(_placeholders, template))
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _modules_with_messages() -> list:
    import pkgutil

    import bpgrade_harness
    import grader

    found = []
    for package in (grader, bpgrade_harness):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.endswith("__main__"):              # runs the command line
                continue
            if hasattr(importlib.import_module(info.name), "MESSAGES"):
                found.append(info.name)
    return found


MESSAGE_MODULES = _modules_with_messages()


def test_the_message_tables_are_found():
    assert {"grader.classroom", "grader.sandbox.isolation", "bpgrade_harness.child",
            "bpgrade_harness.net"} <= set(MESSAGE_MODULES)


@pytest.mark.parametrize("module", MESSAGE_MODULES)
def test_messages_exist_in_both_languages_with_the_same_placeholders(module):
    table = importlib.import_module(module).MESSAGES
    for key, entry in table.items():
        assert set(entry) == set(i18n.LANGUAGES), (module, key)
        assert _placeholders(entry["en"]) == _placeholders(entry["zh"]), (module, key)
