"""The one way files are generated: jinja2 templates rendered by grader.render.templates."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from grader.engine.generators import generate
from grader.render import sheets, templates
from grader.steps import quantities

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "grader" / "templates"

# Words a shell would act on if they were pasted in unquoted.
HOSTILE_WORDS = ["$(echo pwned > pwned)", "`echo pwned > pwned`", "a; echo pwned > pwned",
                 "x' ; echo pwned > pwned ; '", 'say "hi" \\', "two words", "*", "",
                 "new\nline", "tab\there", "$HOME", "~", "#comment", "-n", "日本語"]


def test_every_jinja2_environment_is_the_shared_one():
    """No other module builds a jinja2 Environment or reads a template by itself."""
    own = ROOT / "grader" / "render" / "templates.py"
    for path in sorted((ROOT / "grader").rglob("*.py")):
        if path == own:
            continue
        source = path.read_text(encoding="utf-8")
        assert "jinja2.Environment" not in source, path
        assert "get_template(" not in source and "PackageLoader" not in source, path


def test_every_template_is_used():
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "grader").rglob("*.py"))
    sheet_templates = {f"sheet.{fmt}.j2" for fmt in sheets.FORMATS}
    for path in sorted(TEMPLATES.glob("*.j2")):
        assert path.name in sources or path.name in sheet_templates, path.name


@pytest.mark.parametrize("name, escaped", [
    ("sheet.html.j2", True), ("network.svg.j2", True), ("cost.svg.j2", True),
    ("sheet.md.j2", False), ("feedback.md.j2", False), ("setup.sh.j2", False),
    ("classroom.yml.j2", False), ("workspace.toml.j2", False),
])
def test_only_html_and_svg_are_html_escaped(name, escaped):
    assert templates.environment().autoescape(name) is escaped


def test_an_html_sheet_escapes_what_it_places_and_markdown_does_not():
    problem = generate(3)
    values = quantities.reference(problem)
    html = sheets.render(sheets.view(problem, values, "html", student="<i>eve</i>"))
    assert "&lt;i&gt;eve&lt;/i&gt;" in html and "<i>eve</i>" not in html
    page = templates.render("workspace_readme.md.j2", title="<b>&", seed_line="", steps=[])
    assert page.startswith("# <b>&\n")


def test_latex_templates_use_angle_delimiters():
    assert templates.environment(tex=True).variable_start_string == "<<"
    assert templates.environment().variable_start_string == "{{"
    tex = sheets.sheet(3, "tex")
    assert "\\begin{document}" in tex and "<<" not in tex and ">>" not in tex


@pytest.mark.parametrize("value", HOSTILE_WORDS)
def test_a_shell_word_is_read_back_whole(value):
    word = templates.shell_word(value)
    assert shlex.split(f"cmd {word} tail") == ["cmd", value, "tail"]


def test_a_shell_word_is_one_argument_to_a_real_shell(tmp_path):
    words = " ".join(templates.shell_word(value) for value in HOSTILE_WORDS)
    done = subprocess.run(["bash", "-c", f"printf '%s\\0' {words}"], cwd=tmp_path,
                          capture_output=True, timeout=10)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8").split("\0")[:-1] == HOSTILE_WORDS
    assert list(tmp_path.iterdir()) == []          # nothing ran
