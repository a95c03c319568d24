"""Practice sheets: the view-model, the three formats, rosters and the sheet command."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import latex_engine
from printed_sheets import (assert_every_page_has_name_and_number, assert_headings_keep_company,
                            page_texts)
from grader import notation
from grader.steps import problem_data, quantities, registry, stubs
from grader.render import sheets
from grader.render.sheets import class_set, drawing, numbers, output, typeset
from grader.steps import hints as step_hints
from grader.render.sheets import model as sheet_model
from grader.cli import main
from grader.errors import UsageError
from grader.engine.generators import generate
from grader.engine.seeds import student_seed
from grader.tolerances import FLOOR, HAND_RELATIVE

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "grader" / "templates"
SEEDS = (0, 7, 123)
KEY_RELATIVE = 5e-4          # what 4 significant digits can be off by


def model(seed=0, fmt="html", lang="en", kind="blank", student=None, scaffold="faded"):
    problem = generate(seed)
    return sheets.view(problem, quantities.reference(problem), fmt, lang, kind, student,
                       scaffold=scaffold)


def key_number(text: str) -> float:
    """A key string back to a float: 0.1234, −0.1234 or 1.234 \\times 10^{-5}."""
    text = text.replace("−", "-")
    match = re.fullmatch(r"(-?[\d.]+)(?: \\times 10\^\{(-?\d+)\}|e(-?\d+))?", text)
    assert match, text
    mantissa, exponent_tex, exponent = match.groups()
    return float(mantissa) * 10 ** int(exponent_tex or exponent or 0)


def blank_rows(m):
    return m["forward"] + m["steps"] + m["updates"]


class TextAndTags(HTMLParser):
    """Visible text (outside <script> and <style>) and every tag with its attributes."""

    def __init__(self):
        super().__init__()
        self.text, self.tags, self.scripts, self._skip = [], [], [], None

    def handle_starttag(self, name, attrs):
        self.tags.append((name, dict(attrs)))
        if name in ("script", "style"):
            self._skip = name
            self.scripts.append([name, dict(attrs), ""])

    def handle_endtag(self, name):
        if name == self._skip:
            self._skip = None

    def handle_data(self, data):
        if self._skip:
            self.scripts[-1][2] += data
        else:
            self.text.append(data)


def parsed(html: str) -> TextAndTags:
    parser = TextAndTags()
    parser.feed(html)
    return parser


# --- one seed, one problem ------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_key_is_the_problem_commands_numbers(seed):
    data = problem_data.as_dict(generate(seed))
    m = model(seed, fmt="html", kind="key")
    steps = {row["id"]: key_number(row["key"]) for row in m["steps"]}
    assert list(steps) == [step.id for step in registry.SEED_STEPS]
    for step_id, value in data["steps"].items():
        assert steps[step_id] == pytest.approx(value, rel=KEY_RELATIVE)
    forward = {row["quantity"]: key_number(row["key"]) for row in m["forward"]}
    assert forward["y"] == pytest.approx(data["forward"]["y"][0], rel=KEY_RELATIVE)
    assert forward["L"] == pytest.approx(data["forward"]["L"], rel=KEY_RELATIVE)
    for i in range(3):
        assert forward[f"z1_{i + 1}"] == pytest.approx(data["forward"]["z1"][i], rel=KEY_RELATIVE)
        assert forward[f"h1_{i + 1}"] == pytest.approx(data["forward"]["h1"][i], rel=KEY_RELATIVE)


@pytest.mark.parametrize("seed", SEEDS)
def test_given_numbers_are_the_problem_commands_numbers(seed):
    data = problem_data.as_dict(generate(seed))
    m = model(seed, fmt="md")
    shown = [float(g["value"]) for g in m["parameters"]]
    W1, b1, W2, b2, W3, b3 = (data["params"][k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    expected = [w for row in W1 for w in row] + b1 + [w for row in W2 for w in row] + b2 \
        + W3[0] + b3
    assert shown == expected
    inputs = [float(g["value"]) for g in m["inputs"]]
    assert inputs == data["x"] + data["y_target"] + [data["eta"]]


def test_update_rows_move_against_the_gradient():
    problem = generate(3)
    values = quantities.reference(problem)
    m = sheets.view(problem, values, "md", "en", "key")
    assert [row["quantity"] for row in m["updates"]] == [
        f"new_{p}" for p in ("v1", "v2", "b3", "w2_11", "w2_12", "w2_13", "w1_11", "w1_12")]
    for row in m["updates"]:
        name = row["quantity"][4:]
        expected = values[name] - problem.eta * values[f"dL_d{name}"]
        assert key_number(row["key"]) == pytest.approx(expected, rel=KEY_RELATIVE)


def change_is_right(typed: float, change: dict) -> bool:
    """The interactive sheet's rule for an update (its script does the same): the change."""
    expected = change["change"]
    return abs((typed - change["old"]) - expected) <= HAND_RELATIVE * max(abs(expected), FLOOR)


@pytest.mark.parametrize("seed", range(40))
def test_update_check_rejects_unchanged_and_wrong_sign_on_every_problem(seed):
    problem = generate(seed)
    values = quantities.reference(problem)
    page = parsed(sheets.render(sheets.view(problem, values, "html", "en", "interactive")))
    (data,) = [json.loads(s[2]) for s in page.scripts if s[1].get("type") == "application/json"]
    key = sheets.view(problem, values, "html", "en", "key")
    assert set(data["changes"]) == {row["id"] for row in key["updates"]}
    for row in key["updates"]:
        name = row["quantity"][len("new_"):]
        change = data["changes"][row["id"]]
        assert change["old"] == values[name]
        assert change["change"] == pytest.approx(-problem.eta * values[f"dL_d{name}"], rel=1e-9)
        assert change_is_right(key_number(row["key"]), change)           # the key, as printed
        assert not change_is_right(values[name], change)                 # unchanged
        assert not change_is_right(values[name] + problem.eta * values[f"dL_d{name}"], change)
        assert not change_is_right(float(numbers.given_number(values[name])), change)


@pytest.mark.parametrize("new, old, text", [
    (-0.5962610669246531, -0.6, "-0.596261"), (1.3403706222, 1.34, "1.3403706"),
    (0.6078859, 0.64, "0.60789"), (2.5, 1.0, "2.500"), (-1e-4, 0.0, "-0.0001000")])
def test_update_numbers_show_the_change_to_four_digits(new, old, text):
    assert numbers.update_number(new, old) == text


def evaluate_worked(latex: str) -> float:
    """A key's worked line (numbers and operators only) evaluated as Python."""
    import math

    text = latex.replace(r"\cdot", "*").replace(r"\sigma", "sigma").replace(r"\times", "*")
    text = re.sub(r"\\frac\{(\d+)\}\{(\d+)\}", r"(\1/\2)", text)
    text = re.sub(r"10\^\{(-?\d+)\}", r"10**(\1)", text)
    text = text.replace("^{2}", "**2").replace("^2", "**2")
    text = re.sub(r"(\d|\))\s*\(", r"\1*(", text)
    assert re.fullmatch(r"[-+*/(). \d]*|.*sigma.*", text), latex         # no symbol is left
    return eval(text, {"sigma": lambda z: 1 / (1 + math.exp(-z))})      # noqa: S307


@pytest.mark.parametrize("seed", SEEDS)
def test_key_works_every_answer_out_with_the_numbers(seed):
    m = model(seed, fmt="md", kind="key")
    for row in blank_rows(m):
        assert row["worked"], row["id"]
        assert "_" not in row["worked"] and "partial" not in row["worked"]
        # the substituted numbers give the key's answer (to the rounding of the inputs)
        assert evaluate_worked(row["worked"]) == pytest.approx(key_number(row["key"]),
                                                               rel=2e-3, abs=2e-6), row
    html = sheets.render(model(seed, kind="key"))
    assert html.count('class="worked"') == len(blank_rows(m))
    assert 'class="worked"' not in sheets.render(model(seed, kind="blank"))


@pytest.mark.parametrize("value, text", [
    (0.5, "0.5000"), (-0.12345678, "-0.1235"), (12.3456, "12.35"), (0.00012346, "0.0001235"),
    (2.0e-6, "2.000e-6"), (-31415.9, "-3.142e4"), (1.0, "1.000"),
])
def test_significant_keeps_four_digits(value, text):
    assert numbers.significant(value) == text


@pytest.mark.parametrize("value, text", [(0.5, "0.50"), (-1.4, "-1.40"), (-0.0, "0.00")])
def test_given_numbers_have_two_decimals(value, text):
    assert numbers.given_number(value) == text


# --- the drawing ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_network_labels_do_not_overlap_and_stay_inside(seed):
    net = model(seed)["network"]
    width, height = float(net["width"]), float(net["height"])
    boxes = [(float(l["box"]["x"]), float(l["box"]["y"]), float(l["box_w"]), float(l["box_h"]))
             for l in net["labels"]]
    assert len(boxes) == 6 + 6 + 2
    for i, (x, y, w, h) in enumerate(boxes):
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= height
        for (x2, y2, w2, h2) in boxes[i + 1:]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y
    assert len(net["nodes"]) == 8
    for node in net["nodes"]:
        cx, cy, r = float(node["center"]["x"]), float(node["center"]["y"]), float(node["r"])
        assert r <= cx <= width - r and r <= cy <= height - r
        for (x, y, w, h) in boxes:          # no label on a neuron
            assert x + w <= cx - r or cx + r <= x or y + h <= cy - r or cy + r <= y
        # LaTeX's picture y runs upwards
        assert float(node["center"]["ty"]) == pytest.approx(height - cy)
    # y_target's label ends inside the drawing (it was clipped at the right edge)
    target = net["target"]
    assert float(target["at"]["x"]) + drawing.label_width(target["text"]) <= width


def test_network_convention_and_sigmoid_are_stated():
    for lang in ("en", "zh"):
        m = model(7, lang=lang)
        assert m["label"]["network_caption"].endswith(("weight ", "权重 "))
        assert "to neuron i" in m["label"]["network_caption_after"] or \
            "第 i 个神经元" in m["label"]["network_caption_after"]
        assert m["weight_convention"].startswith("<math") and "<msubsup>" in \
            m["weight_convention"]
        assert "<mfrac>" in m["sigmoid"] and "^" not in sheets.render(m).split("</svg>")[1] \
            .split("</p>")[0]


def test_markdown_sheet_carries_the_same_drawing():
    import base64

    m = model(7, fmt="md")
    text = sheets.render(m)
    (data,) = re.findall(r"!\[[^\]]+\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", text)
    svg = base64.b64decode(data).decode("utf-8")
    assert svg.startswith("<svg") and "<style>" in svg
    for label in m["network"]["labels"]:
        assert f'data-name="{label["name"]}"' in svg and label["text"] in svg
    assert m["network"]["target"]["text"] in svg


def test_network_shows_every_weight_and_bias():
    problem = generate(4)
    values = quantities.reference(problem)
    net = sheets.view(problem, values, "html", "en", "blank")["network"]
    # Each weight's name beside its value: w₁₁⁽¹⁾ = 0.68
    shown = {}
    for label in net["labels"]:
        name, value = label["text"].split(" = ")
        assert name == notation.symbol(label["name"], latex=False)
        shown[label["name"]] = float(value.replace("−", "-"))
    weights = [n for n in registry.PARAMETERS if n.startswith(("w", "v"))]
    assert shown == {n: values[n] for n in weights}
    tex = sheets.view(problem, values, "tex", "en", "blank")["network"]["labels"]
    assert tex[0]["text"] == f"${notation.symbol(tex[0]['name'])} = " \
        f"{numbers.given_number(values[tex[0]['name']])}$"
    notes = " ".join(n["note"] for n in net["nodes"])
    for bias in ("b1_1", "b1_2", "b1_3", "b2_1", "b2_2", "b3"):
        assert numbers.given_number(values[bias]).replace("-", "−") in notes


# --- HTML -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sheets.KINDS)
def test_html_is_self_contained(kind):
    html = sheets.sheet(2, "html", "en", kind)
    page = parsed(html)
    for name, attrs in page.tags:
        assert name not in ("link", "img", "iframe", "object", "embed"), name
        assert "src" not in attrs and "href" not in attrs, (name, attrs)
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert urls <= {"http://www.w3.org/1998/Math/MathML", "http://www.w3.org/2000/svg"}
    assert "@page" in html and "@media print" in html
    assert html.count("<math") == len(re.findall(r"</math>", html)) > 14 * 2
    assert html.count("<svg") == 1


def test_interactive_html_has_a_box_per_blank_and_the_values_to_check_them():
    problem = generate(5)
    values = quantities.reference(problem)
    html = sheets.render(sheets.view(problem, values, "html", "en", "interactive"))
    page = parsed(html)
    boxes = [attrs["data-id"] for name, attrs in page.tags
             if name == "input" and "answer" in attrs.get("class", "")]
    m = sheets.view(problem, values, "html", "en", "interactive")
    assert boxes == [row["id"] for row in blank_rows(m)]
    assert len(boxes) == 13 + 14 + 8
    (data,) = [json.loads(s[2]) for s in page.scripts if s[1].get("type") == "application/json"]
    assert data["relative"] == HAND_RELATIVE
    assert set(data["expected"]) == set(boxes)
    for row in blank_rows(m):
        assert data["expected"][row["id"]] == values[row["quantity"]]
    visible = " ".join(page.text)
    assert "0.5%" in visible and "3" in visible        # the tolerance is stated


@pytest.mark.parametrize("kind", ["interactive", "blank"])
def test_keyless_html_shows_no_answer(kind):
    problem = generate(6)
    values = quantities.reference(problem)
    m = sheets.view(problem, values, "html", "en", kind)
    page = parsed(sheets.render(m))
    visible = " ".join(page.text)
    key = sheets.view(problem, values, "html", "en", "key")
    for row in blank_rows(key):
        assert row["key"] not in visible
    if kind == "blank":
        assert not [s for s in page.scripts if s[0] == "script"]
        for row in blank_rows(key):
            assert numbers.significant(values[row["quantity"]]).lstrip("-") not in \
                sheets.render(m)


def test_key_html_shows_every_answer():
    m = model(8, kind="key")
    visible = " ".join(parsed(sheets.render(m)).text)
    for row in blank_rows(m):
        assert row["key"] in visible


@pytest.mark.parametrize("scaffold", ["full", "faded", "none"])
def test_hints_add_what_the_sheet_at_its_scaffold_keeps_back(scaffold):
    """A step's hints on the sheet are bpgrade hint's at the sheet's scaffold, on paper: the
    blanks of level 2 are filled from the sheet, where the sheet hides the formula."""
    m = model(0, kind="interactive", lang="zh", scaffold=scaffold)
    for step, row in zip(registry.SEED_STEPS, m["steps"]):
        assert row["hints"] == [" ".join(step_hints.parts(step, k, "zh", scaffold, paper=True))
                                for k in sorted(step.hints)]
        hidden = sheet_model.lesson(step, scaffold, "interactive")["shows"] != "formula"
        assert ("▢" in row["hints"][1]) == hidden
        assert ("本页" in row["hints"][1]) == hidden and "net" not in row["hints"][1]
    html = sheets.render(m)
    for row in m["steps"]:
        assert f'id="hints-{row["id"]}"' in html


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sheet_hints_have_no_code(lang):
    m = model(7, kind="interactive", lang=lang)
    for row in blank_rows(m):
        assert len(row["hints"]) == 3
        for hint in row["hints"]:
            assert "net." not in hint and "net[" not in hint and "dict" not in hint
            assert "步长" not in hint
    assert any("学习率" in h for h in m["updates"][0]["hints"]) or lang == "en"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_language_of_the_sheet(lang):
    html = sheets.sheet(0, "html", lang, "interactive", scaffold="full")
    assert sheet_model.MESSAGES["title"][lang] in html
    for step in registry.SEED_STEPS:
        assert step.meaning[lang].replace("'", "&#39;") in html


@pytest.mark.parametrize("fmt", ["html", "md", "tex"])
def test_every_step_heading_has_its_quantity_as_math_and_a_description(fmt):
    for lang, colon in (("en", "Step 6: "), ("zh", "第 6 步：")):
        m = model(7, fmt=fmt, lang=lang)
        for row in m["steps"]:
            assert row["description"].startswith(", " if lang == "en" else "，")
            assert len(row["description"]) > 3
            if fmt == "html":
                assert row["heading_symbol"].startswith("<math")
        assert m["steps"][5]["heading"].replace("\\", "") == colon
        text = sheets.render(m)
        assert ": " not in text.split(m["steps"][0]["heading"])[0][-3:] or lang == "en"
        if lang == "zh":
            assert "步:" not in text and "步 :" not in text and "<strong>" not in text
            assert "步长" not in text.split("hints")[0]


# --- Markdown and LaTeX ---------------------------------------------------------------------

@pytest.mark.parametrize("scaffold", stubs.SCAFFOLDS)
def test_markdown_uses_display_blocks_for_the_formulas_shown(scaffold):
    text = sheets.sheet(1, "md", "en", "blank", scaffold=scaffold)
    blocks = re.findall(r"^\$\$\n(.+?)\n\$\$$", text, flags=re.M | re.S)
    shown = [step for step in (*registry.SEED_STEPS, registry.get("step17"))
             if stubs.support(step, scaffold) == "formula"]
    assert blocks == [step.formula for step in shown]
    assert len(blocks) == {"full": 15, "faded": 4, "none": 0}[scaffold]
    assert "<" not in text


def test_markdown_key_has_every_answer():
    m = model(1, fmt="md", kind="key")
    text = sheets.render(m)
    for row in blank_rows(m):
        assert f"**${row['key']}$**" in text


@pytest.mark.parametrize("text, expected", [
    ("δ⁽³⁾ = ∂L/∂y", r"$\delta ^{(3)}$ = $\partial $L/$\partial $y"),
    ("h₁⁽²⁾(1−h₁⁽²⁾)", r"h$_{1}^{(2)}$(1$-$h$_{1}^{(2)}$)"),
    ("50% of $x_1 & {y}", r"50\% of \$x\_1 \& \{y\}"),
    ("bpgrade problem --seed 3", "bpgrade problem -{}-seed 3"),
    ("“quoted” — ½", r"``quoted'' --- $\tfrac{1}{2}$"),
])
def test_tex_text(text, expected):
    assert typeset.tex_text(text) == expected


def every_registry_text():
    for step in registry.STEPS:
        yield step.title["en"]
        yield step.meaning["en"]
        for hint in step.hints.values():
            yield hint["en"]


def test_english_tex_text_is_plain_ascii():
    for text in every_registry_text():
        converted = typeset.tex_text(text)
        assert converted.isascii(), (text, converted)


@pytest.mark.parametrize("lang, kind, paper, scaffold", [
    ("en", "blank", "a4", "faded"), ("zh", "key", "letter", "faded"),
    ("en", "key", "letter", "none"), ("zh", "blank", "a4", "none"),
    ("en", "blank", "letter", "full")])
def test_latex_compiles(tmp_path, lang, kind, paper, scaffold):
    engine = latex_engine(lang)
    source = tmp_path / "sheet.tex"
    source.write_text(sheets.sheet(9, "tex", lang, kind, paper=paper, scaffold=scaffold),
                      encoding="utf-8")
    result = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error",
                             "-no-shell-escape", source.name], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF")
    log = (tmp_path / "sheet.log").read_text(encoding="utf-8", errors="replace")
    pages = re.search(r"Output written on sheet\.pdf \((\d+) pages?", log)
    assert pages and int(pages.group(1)) >= 2
    assert "Missing character" not in log
    assert "Overfull \\hbox" not in log           # the drawing and tables fit the page


@pytest.mark.parametrize("kind, paper, scaffold", [
    ("blank", "a4", "faded"), ("key", "letter", "faded"), ("blank", "letter", "full"),
    ("key", "a4", "none")])
def test_latex_pages_keep_headings_with_what_follows(tmp_path, kind, paper, scaffold):
    """pdflatex's PDF read back page by page: every page's header has the name line and the page
    number, and no heading is the last text on its page. English only: in a Chinese PDF the
    CJK fonts' character maps make pdftotext read digits and Latin letters as CJK characters
    (the printed page is right, the text read back is not)."""
    engine = latex_engine("en")
    source = tmp_path / "sheet.tex"
    source.write_text(sheets.sheet(9, "tex", "en", kind, paper=paper, scaffold=scaffold),
                      encoding="utf-8")
    result = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error",
                             "-no-shell-escape", source.name], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
    pages = page_texts(tmp_path / "sheet.pdf")
    assert len(pages) >= 3
    # the same words as the LaTeX, unescaped: the Markdown model's
    words = sheets.sheet_model(9, "md", "en", kind, paper=paper, scaffold=scaffold)
    assert_headings_keep_company(pages, words, footer=False)
    assert_every_page_has_name_and_number(pages, sheet_model.MESSAGES["name_line"]["en"], None)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_latex_prints_name_and_page_on_every_page_and_room_for_working(lang):
    blank = sheets.sheet(9, "tex", lang, "blank")
    assert "\\pagestyle{myheadings}" in blank          # the mark and \thepage on every page
    (mark,) = re.findall(r"\\markright\{(.*)\}", blank)
    assert sheet_model.MESSAGES["name_line"][lang] in mark
    assert blank.count("\\vspace{2.4cm}") == 14
    assert "\\vspace{2.4cm}" not in sheets.sheet(9, "tex", lang, "key")


def test_latex_is_a_complete_document_with_the_key():
    m = model(9, fmt="tex", kind="key")
    text = sheets.render(m)
    assert text.startswith(r"\documentclass") and text.rstrip().endswith(r"\end{document}")
    for row in blank_rows(m):
        assert rf"\mathbf{{{row['key']}}}" in text
    assert r"\begin{picture}" in text and text.count(r"\qbezier") == 14


# --- the scaffold: as much of the lesson as the stubs show ------------------------------------

# What a step shows at each level (DESIGN.md, "Scaffolding"), steps 1-14 in order.
LESSON_SHOWN = {"full": ["formula"] * 14,
                "faded": ["formula"] * 4 + ["factors"] * 5 + ["goal"] * 5,
                "none": ["goal"] * 14}


@pytest.mark.parametrize("scaffold", stubs.SCAFFOLDS)
@pytest.mark.parametrize("kind", ["interactive", "blank"])
def test_sheets_show_what_the_stubs_show(scaffold, kind):
    m = model(7, kind=kind, scaffold=scaffold)
    assert [row["shows"] for row in m["steps"]] == LESSON_SHOWN[scaffold]
    for step, row in zip(registry.SEED_STEPS, m["steps"]):
        assert row["shows"] == stubs.support(step, scaffold)
        formula = row["shows"] == "formula"
        assert bool(row["formula"]) is formula
        assert row["meaning"] == (step.meaning if formula else step.goal)["en"]
        assert row["factors"] == (step.factors["en"] if row["shows"] == "factors" else "")
    # step 0 (the forward table) has its formulas except at none; step 17 (the update) only at
    # full: from step 10 on, faded states the goal alone
    assert m["forward_formulas"] is (scaffold != "none")
    assert m["update_formulas"] is (scaffold == "full")
    assert all(bool(row["formula"]) is m["forward_formulas"] for row in m["forward"])
    assert all(bool(row["formula"]) is m["update_formulas"] for row in m["updates"])
    html = sheets.render(m)
    assert len(re.findall(r'<math[^>]*display="block"', html)) == \
        LESSON_SHOWN[scaffold].count("formula") + (scaffold == "full")
    assert html.count('class="factors"') == LESSON_SHOWN[scaffold].count("factors")
    assert ("<th>Formula</th>" in html) is m["forward_formulas"]


def test_faded_sheets_name_the_factors_and_keep_the_formula_back():
    text = sheets.sheet(2, "md", "zh", "blank", scaffold="faded")
    step7, step12 = registry.get("step7"), registry.get("step12")
    assert step7.factors["zh"] in text and step7.formula not in text
    assert step12.goal["zh"] in text and step12.formula not in text
    assert step12.meaning["zh"] not in text                 # the idea waits for the hints
    assert registry.get("step3").formula in text
    tex = sheets.sheet(2, "tex", "en", "blank", scaffold="none")
    assert "\\[" not in tex and "\\blank" in tex


@pytest.mark.parametrize("scaffold", stubs.SCAFFOLDS)
@pytest.mark.parametrize("fmt", sheets.FORMATS)
def test_the_key_works_every_answer_out_at_any_scaffold(scaffold, fmt):
    m = model(5, fmt=fmt, kind="key", scaffold=scaffold)
    assert [row["shows"] for row in m["steps"]] == ["formula"] * 14
    assert m["forward_formulas"] and m["update_formulas"]
    for row in blank_rows(m):
        assert row["formula"] and row["worked"] and row["key"], row["id"]
    text = sheets.render(m)
    for step in registry.SEED_STEPS:
        if fmt != "html":
            assert step.formula in text
    assert text == sheets.render(model(5, fmt=fmt, kind="key", scaffold="full"))


def test_a_roster_follows_the_scaffold(tmp_path):
    roster = write_roster(tmp_path / "class.csv", "student\nann\n")
    sheets.roster(roster, tmp_path / "none", "k", fmt="md", scaffold="none")
    sheets.roster(roster, tmp_path / "full", "k", fmt="md", scaffold="full")
    stem = class_set.file_stem("ann")
    seed = student_seed("k", "ann")
    for scaffold in ("none", "full"):
        m = sheets.sheet_model(seed, "md", "en", "blank", "ann", scaffold=scaffold)
        assert (tmp_path / scaffold / f"{stem}.md").read_text(encoding="utf-8") == \
            sheets.render(m, f"{stem}.svg")


# --- templates only place strings -----------------------------------------------------------

def template_expressions():
    for path in sorted(TEMPLATES.glob("*.j2")):
        text = path.read_text(encoding="utf-8")
        pattern = r"<<(.*?)>>|<%(.*?)%>" if path.name.endswith(".tex.j2") \
            else r"\{\{(.*?)\}\}|\{%(.*?)%\}"
        for match in re.finditer(pattern, text, flags=re.S):
            yield path.name, next(g for g in match.groups() if g is not None)


def test_templates_do_no_arithmetic():
    expressions = list(template_expressions())
    assert len(expressions) > 50
    for name, expression in expressions:
        code = re.sub(r"'[^']*'|\"[^\"]*\"", "''", expression)      # drop string literals
        assert not re.search(r"[+*/%]|(?<![\w\"'])-(?=\s*[\w(])|\|\s*(sum|round|int|float)",
                             code), (name, expression)


# --- rosters --------------------------------------------------------------------------------

def write_roster(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


NASTY_IDS = ["Ann", "ann", "ANN", "a/b", "a\\b", "../../etc/passwd", "CON", "nul.txt", ".",
             "..", "张伟", "Zoë", "Zoe\u0308", "😀", "a b", "a:b*?<>|\"", "x" * 300, "-rf",
             "\u202etxt.exe"]


def test_file_names_are_safe_and_distinct_for_any_id():
    stems = [class_set.file_stem(student) for student in NASTY_IDS]
    for stem in stems:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,60}", stem), stem
    distinct = {unicodedata.normalize("NFC", s) for s in NASTY_IDS}
    assert len({stem.lower() for stem in stems}) == len(distinct)
    assert class_set.file_stem("Zoë") == class_set.file_stem("Zoe\u0308")   # one id, two spellings


def test_roster_writes_one_sheet_and_key_per_student(tmp_path):
    roster = write_roster(tmp_path / "class.csv", "student\nAnn\nann\n张伟\n../x\n")
    out = tmp_path / "out"
    written = sheets.roster(roster, out, "s3cret", answers=True)
    assert [w.student for w in written] == ["Ann", "ann", "张伟", "../x"]
    with open(out / "index.csv", encoding="utf-8", newline="") as handle:
        index = list(csv.DictReader(handle))
    assert [row["student"] for row in index] == ["Ann", "ann", "张伟", "../x"]
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 4 * 2 + 1
    for row in index:
        assert int(row["seed"]) == student_seed("s3cret", row["student"])
        sheet = (out / row["sheet"]).read_text(encoding="utf-8")
        key = (out / row["key"]).read_text(encoding="utf-8")
        assert f"seed {row['seed']}" in sheet and row["student"].replace("/", "/") in sheet
        assert 'class="answer"' in sheet and 'class="answer"' not in key
        problem = generate(int(row["seed"]))
        m = sheets.view(problem, quantities.reference(problem), "html", "en", "key")
        for step_row in m["steps"]:
            assert step_row["key"] in key


def test_roster_output_is_byte_identical(tmp_path):
    roster = write_roster(tmp_path / "class.csv", "id\nb\na\n")
    first, second = tmp_path / "one", tmp_path / "two"
    for out in (first, second):
        sheets.roster(roster, out, "k", fmt="tex", lang="zh", answers=True)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    sheets_a = (first / f"{class_set.file_stem('a')}.tex").read_bytes()
    assert sheets_a != (first / f"{class_set.file_stem('b')}.tex").read_bytes()


def test_another_secret_gives_other_problems(tmp_path):
    roster = write_roster(tmp_path / "class.csv", "student\nann\n")
    one = sheets.roster(roster, tmp_path / "one", "first")
    two = sheets.roster(roster, tmp_path / "two", "second")
    assert one[0].seed != two[0].seed


# --- the command ----------------------------------------------------------------------------

def test_cli_prints_a_sheet():
    result = CliRunner().invoke(main, ["sheet", "--seed", "4", "--format", "md", "--answers"])
    assert result.exit_code == 0, result.output
    assert result.output == sheets.sheet(4, "md", "en", "key")


@pytest.mark.parametrize("options, kind", [([], "interactive"), (["--static"], "blank"),
                                           (["--answers"], "key")])
def test_cli_writes_a_file(tmp_path, options, kind):
    target = tmp_path / "s.html"
    result = CliRunner().invoke(main, ["sheet", "--seed", "2", "--lang", "zh", "-o", str(target)]
                                + options)
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == sheets.sheet(2, "html", "zh", kind)


def test_cli_roster(tmp_path):
    roster = write_roster(tmp_path / "class.csv", "student\nann\nbob\n")
    out = tmp_path / "sheets"
    result = CliRunner().invoke(main, ["sheet", "--roster", str(roster), "--out", str(out),
                                       "--format", "md"], env={"BPGRADE_SECRET": "abc"})
    assert result.exit_code == 0, result.output
    seed = student_seed("abc", "bob")
    assert (out / f"{class_set.file_stem('bob')}.md").read_text(encoding="utf-8").count(str(seed))


@pytest.mark.parametrize("arguments, message", [
    (["--seed", "1", "--roster", "{roster}", "--out", "{out}", "--secret-file", "{secret}"],
     "not both"),
    (["--roster", "{roster}", "--secret-file", "{secret}"], "--out"),
    (["--roster", "{roster}", "--out", "{out}"], "secret"),
    (["--out", "{out}"], "--roster"),
    (["--seed", "1", "--id-column", "SID"], "--id-column"),
    (["--roster", "{missing}", "--out", "{out}", "--secret-file", "{secret}"],
     "cannot read roster"),
    (["--seed", "1", "-o", "{out}/no/such/dir/s.html"], "cannot write"),
    (["--roster", "{roster}", "--out", "{out}", "--secret", "s"], "No such option"),
])
def test_cli_usage_errors_exit_2(tmp_path, arguments, message):
    roster = write_roster(tmp_path / "class.csv", "student\nann\n")
    secret = tmp_path / "secret.txt"
    secret.write_text("s\n")
    secret.chmod(0o600)
    values = {"roster": roster, "out": tmp_path, "missing": tmp_path / "missing.csv",
              "secret": secret}
    arguments = [a.format(**values) for a in arguments]
    result = CliRunner().invoke(main, ["sheet", *arguments], env={"BPGRADE_SECRET": ""})
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_sheet_runs_as_a_command_of_its_own(tmp_path):
    result = subprocess.run([sys.executable, "-m", "grader", "sheet", "--seed", "11", "--format",
                             "tex", "--answers", "-o", str(tmp_path / "key.tex")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "key.tex").read_text(encoding="utf-8") == sheets.sheet(11, "tex", "en",
                                                                              "key")


def test_cli_roster_finds_the_course_secret_like_grading_does(tmp_path, monkeypatch):
    from grader.classroom import course_secret

    monkeypatch.chdir(tmp_path)
    roster = write_roster(tmp_path / "class.csv", "student\nann\n")
    (tmp_path / "bpgrade.toml").write_text('[grade]\nsecret = "from-file"\n', encoding="utf-8")
    (tmp_path / "bpgrade.toml").chmod(0o600)
    out = tmp_path / "sheets"
    result = CliRunner().invoke(main, ["sheet", "--roster", str(roster), "--out", str(out),
                                       "--format", "md"], env={"BPGRADE_SECRET": ""})
    assert result.exit_code == 0, result.output
    assert course_secret(None, tmp_path / "submissions", environ={}) == "from-file"
    seed = student_seed("from-file", "ann")
    assert str(seed) in (out / f"{class_set.file_stem('ann')}.md").read_text(encoding="utf-8")


def test_cli_roster_reads_a_private_secret_file(tmp_path):
    roster = write_roster(tmp_path / "class.csv", "student\nann\n")
    secret = tmp_path / "secret.txt"
    secret.write_text("from-secret-file\n", encoding="utf-8")
    out = tmp_path / "sheets"
    arguments = ["sheet", "--roster", str(roster), "--out", str(out), "--format", "md",
                 "--secret-file", str(secret)]
    secret.chmod(0o644)
    refused = CliRunner().invoke(main, arguments, env={"BPGRADE_SECRET": ""})
    assert refused.exit_code == 2 and f"chmod 600 {secret}" in refused.output
    secret.chmod(0o600)
    result = CliRunner().invoke(main, arguments, env={"BPGRADE_SECRET": ""})
    assert result.exit_code == 0, result.output
    seed = student_seed("from-secret-file", "ann")
    assert str(seed) in (out / f"{class_set.file_stem('ann')}.md").read_text(encoding="utf-8")


def test_cli_sheet_follows_the_workspaces_scaffold(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    faded = sheets.sheet(3, "md", "en", "blank", scaffold="faded")
    assert faded != sheets.sheet(3, "md", "en", "blank", scaffold="none")
    outside = CliRunner().invoke(main, ["sheet", "--seed", "3", "--format", "md", "--lang", "en"])
    assert outside.exit_code == 0 and outside.output == faded
    workspace = tmp_path / "ws"
    assert CliRunner().invoke(main, ["init", str(workspace), "--seed", "5", "--scaffold",
                                     "none"]).exit_code == 0
    monkeypatch.chdir(workspace / "exercises")                   # anywhere below it
    inside = CliRunner().invoke(main, ["sheet", "--seed", "3", "--format", "md", "--lang", "en"])
    assert inside.exit_code == 0
    assert inside.output == sheets.sheet(3, "md", "en", "blank", scaffold="none")
    chosen = CliRunner().invoke(main, ["sheet", "--seed", "3", "--format", "md", "--lang", "en",
                                       "--scaffold", "full"])
    assert chosen.output == sheets.sheet(3, "md", "en", "blank", scaffold="full")


@pytest.mark.parametrize("lang, words", [("en", "scaffold must be one of full, faded, none"),
                                         ("zh", "scaffold 只能是 full、faded、none 之一")])
def test_cli_sheet_refuses_an_unknown_scaffold(lang, words):
    result = CliRunner().invoke(main, ["sheet", "--scaffold", "some", "--lang", lang])
    assert result.exit_code == 2 and words in result.output


# --- the Markdown sheet's drawing, a file beside it -------------------------------------------

def markdown_image(text: str) -> str:
    (target,) = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    return target


def test_a_saved_markdown_sheet_keeps_its_drawing_beside_it(tmp_path):
    target = tmp_path / "week 3.md"
    result = CliRunner().invoke(main, ["sheet", "--seed", "7", "--format", "md", "-o",
                                       str(target)])
    assert result.exit_code == 0, result.output
    drawing_file = tmp_path / "week 3.svg"
    assert str(drawing_file) in result.output and str(target) in result.output
    text = target.read_text(encoding="utf-8")
    assert markdown_image(text) == "week%203.svg" and "data:" not in text
    svg = drawing_file.read_text(encoding="utf-8")
    # the same drawing the sheet printed to the terminal carries inside
    import base64

    embedded = markdown_image(sheets.sheet(7, "md", "en", "blank"))
    assert base64.b64decode(embedded.split(",", 1)[1]).decode("utf-8") == svg
    assert output.is_drawing(svg)
    again = CliRunner().invoke(main, ["sheet", "--seed", "8", "--format", "md", "-o",
                                      str(target)])
    assert again.exit_code == 0, again.output          # its own drawing is replaced
    assert drawing_file.read_text(encoding="utf-8") != svg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["week 3.md", "week 3.svg"]


@pytest.mark.parametrize("lang, words", [("en", "is not a sheet's drawing"),
                                         ("zh", "不是练习卷的网络图")])
def test_a_markdown_sheet_never_replaces_another_svg(tmp_path, lang, words):
    (tmp_path / "sheet.svg").write_text("<svg>a logo</svg>\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["sheet", "--format", "md", "--lang", lang, "-o",
                                       str(tmp_path / "sheet.md")])
    assert result.exit_code == 2 and words in result.output
    assert (tmp_path / "sheet.svg").read_text(encoding="utf-8") == "<svg>a logo</svg>\n"
    assert not (tmp_path / "sheet.md").exists()          # nothing, not half


def test_other_formats_write_one_file(tmp_path):
    for fmt in ("html", "tex"):
        m = sheets.sheet_model(1, fmt, "en", "blank")
        assert list(output.files(m, tmp_path / f"s.{fmt}")) == [tmp_path / f"s.{fmt}"]
    m = sheets.sheet_model(1, "md", "en", "blank")
    assert list(output.files(m, tmp_path / "s.svg")) == [tmp_path / "s.svg",
                                                         tmp_path / "s.network.svg"]


def test_a_markdown_roster_has_one_drawing_per_student(tmp_path):
    roster = write_roster(tmp_path / "class.csv", "student\nann\nbob\n")
    out = tmp_path / "out"
    sheets.roster(roster, out, "k", fmt="md", answers=True)
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 2 * 3 + 1
    for student in ("ann", "bob"):
        stem = class_set.file_stem(student)
        drawing_text = (out / f"{stem}.svg").read_text(encoding="utf-8")
        seed = student_seed("k", student)
        assert drawing_text == output.network_svg(sheets.sheet_model(seed, "md"))
        for name in (f"{stem}.md", f"{stem}.key.md"):
            assert markdown_image((out / name).read_text(encoding="utf-8")) == f"{stem}.svg"


def test_a_roster_writes_every_file_or_none(tmp_path, monkeypatch):
    import os

    roster = write_roster(tmp_path / "class.csv", "student\nann\nbob\ncy\n")
    out = tmp_path / "out"
    real_replace, calls = os.replace, []

    def replace(source, target):
        if not str(source).endswith(".old"):
            calls.append(target)
            if len(calls) == 5:
                raise OSError(28, "No space left on device", str(source), None, str(target))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(UsageError, match="No space left"):
        sheets.roster(roster, out, "k", fmt="md", answers=True)
    assert not out.exists()                              # the folder it made, removed
    monkeypatch.setattr(os, "replace", real_replace)
    # into a folder that has a foreign drawing: refused before anything is written
    out.mkdir()
    stem = class_set.file_stem("cy")
    (out / f"{stem}.svg").write_text("<svg>mine</svg>", encoding="utf-8")
    with pytest.raises(UsageError, match="is not a sheet's drawing"):
        sheets.roster(roster, out, "k", fmt="md")
    assert [p.name for p in out.iterdir()] == [f"{stem}.svg"]


@pytest.mark.parametrize("fmt, kind", [("md", "blank"), ("md", "key"), ("tex", "blank"),
                                       ("tex", "key"), ("html", "blank"), ("html", "key"),
                                       ("html", "interactive")])
def test_chinese_sheets_use_full_width_punctuation(fmt, kind):
    """Outside the maths, a Chinese character is never followed by a half-width colon, comma,
    semicolon or full stop (姓名：, 提示：, a sentence ending in 。)."""
    out = sheets.sheet(7, fmt, "zh", kind)
    if fmt == "html":
        out = re.sub(r"<(style|script|math)\b.*?</\1>", "", out, flags=re.S)
    else:
        out = re.sub(r"\$[^$]*\$", "", out)
    assert not re.findall(r".{0,12}[\u4e00-\u9fff][:,;.!?].{0,12}", out)
    assert "姓名：" in out and ("。" in out)


# --- another loss of the lesson's network (--loss) ------------------------------------------

OTHER_LOSSES = ("mean_squared_error", "binary_cross_entropy")


@pytest.mark.parametrize("loss", OTHER_LOSSES)
def test_a_sheet_with_another_loss_is_the_problem_commands_numbers(loss):
    """sheet --loss, its key and problem --loss --json agree: step 1 is the loss's ∂L/∂y,
    L its value, and every later step follows from them."""
    result = CliRunner().invoke(main, ["problem", "--seed", "5", "--loss", loss, "--json"])
    data = json.loads(result.output)
    m = sheets.sheet_model(5, "md", "en", "key", loss=loss)
    steps = {row["id"]: key_number(row["key"]) for row in m["steps"]}
    assert set(steps) == set(data["steps"])
    for step_id, value in data["steps"].items():
        assert steps[step_id] == pytest.approx(value, rel=KEY_RELATIVE)
    forward = {row["quantity"]: key_number(row["key"]) for row in m["forward"]}
    assert forward["L"] == pytest.approx(data["forward"]["L"], rel=KEY_RELATIVE)
    assert forward["y"] == pytest.approx(data["forward"]["y"][0], rel=KEY_RELATIVE)
    assert [float(g["value"]) for g in m["inputs"]] == data["x"] + data["y_target"] + [data["eta"]]
    cli = CliRunner().invoke(main, ["sheet", "--seed", "5", "--loss", loss, "--format", "md",
                                    "--answers", "--lang", "en"])
    assert cli.exit_code == 0 and cli.output == sheets.render(m)


@pytest.mark.parametrize("loss", OTHER_LOSSES)
@pytest.mark.parametrize("fmt", sheets.FORMATS)
def test_step_one_and_the_loss_row_are_the_losss_own(loss, fmt):
    step0 = registry.for_loss(registry.get("step0"), loss)
    step1 = registry.for_loss(registry.get("step1"), loss)
    lesson = registry.get("step1")
    assert step1.formula != lesson.formula and step1.title == lesson.title
    m = sheets.sheet_model(2, fmt, "en", "key", loss=loss, scaffold="full")
    assert m["steps"][0]["formula"] == typeset.math(step1.formula, fmt, display=True)
    (loss_row,) = [row for row in m["forward"] if row["quantity"] == "L"]
    (_, source), = [item for item in step0.expression.items() if item[0] == "L"]
    assert loss_row["formula"] == typeset.math(
        sheet_model.expression.render(sheet_model.expression.parse(source)), fmt)
    # the later steps are the lesson's, read with this loss's δ⁽³⁾
    assert [row["formula"] for row in m["steps"][1:]] == [
        typeset.math(step.formula, fmt, display=True) for step in registry.SEED_STEPS[1:]]
    equation = sheet_model.expression.equation(("L",), source, latex=False)
    assert equation in " ".join(sheets.sheet_model(2, "md", lang, "blank", loss=loss)
                                ["label"]["intro"] for lang in ("en", "zh"))
    assert f"--loss {loss}" in m["label"]["seed_line"].replace("-{}", "-").replace("\\_", "_")
    # step 1's hint on the chain rule is the loss's own; its formula the loss's at level 3
    hints = sheets.sheet_model(2, "html", "zh", "interactive", loss=loss)["steps"][0]["hints"]
    assert hints[1].startswith(registry.LOSS_ROWS[loss]["chain"]["zh"])
    assert step1.formula_text in hints[2] or step1.hints[3]["zh"] in hints[2]


def test_the_lessons_loss_named_is_the_default_sheet():
    for fmt in sheets.FORMATS:
        assert sheets.sheet(3, fmt, "zh", "key", loss="half_squared_error") == \
            sheets.sheet(3, fmt, "zh", "key")
    named = CliRunner().invoke(main, ["sheet", "--seed", "3", "--loss", "half_squared_error",
                                      "--format", "tex", "--lang", "en"])
    assert named.exit_code == 0 and named.output == sheets.sheet(3, "tex", "en", "blank")


def test_a_roster_with_another_loss(tmp_path):
    roster = write_roster(tmp_path / "class.csv", "student\nann\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["sheet", "--roster", str(roster), "--out", str(out),
                                       "--answers", "--loss", "binary_cross_entropy"],
                                env={"BPGRADE_SECRET": "k"})
    assert result.exit_code == 0, result.output
    seed = student_seed("k", "ann")
    key = (out / f"{class_set.file_stem('ann')}.key.html").read_text(encoding="utf-8")
    assert key == sheets.sheet(seed, "html", "en", "key", student="ann",
                               loss="binary_cross_entropy")
    refused = CliRunner().invoke(main, ["sheet", "--roster", str(roster), "--out",
                                        str(tmp_path / "none"), "--loss",
                                        "softmax_cross_entropy"], env={"BPGRADE_SECRET": "k"})
    assert refused.exit_code == 2 and "2 outputs" in refused.output
    assert not (tmp_path / "none").exists()


@pytest.mark.parametrize("fmt, kind", [("md", "key"), ("tex", "blank"), ("html", "interactive")])
def test_chinese_sheets_with_another_loss_use_full_width_punctuation(fmt, kind):
    out = sheets.sheet(7, fmt, "zh", kind, loss="binary_cross_entropy")
    if fmt == "html":
        out = re.sub(r"<(style|script|math)\b.*?</\1>", "", out, flags=re.S)
    else:
        out = re.sub(r"\$[^$]*\$", "", out)
    assert not re.findall(r".{0,12}[\u4e00-\u9fff][:,;.!?].{0,12}", out)
