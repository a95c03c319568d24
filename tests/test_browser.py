"""The interactive sheet in a real, headless Chromium: layout, offline checking, printing.

Chromium is driven over the DevTools protocol on ``--remote-debugging-pipe`` (file
descriptors 3 and 4, NUL-separated JSON), with the standard library only.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import select
import struct
import subprocess
import time
import zlib
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow      # a real browser

from conftest import chromium_binary, require_chinese_font
from printed_sheets import (assert_every_page_has_name_and_number, assert_given_table_on_one_page,
                            assert_headings_keep_company, assert_update_table_on_one_page, flat,
                            page_texts)
from grader import i18n
from grader.steps import quantities, registry
from grader.render import sheets
from grader.render.sheets import html_page, numbers, rows
from grader.render.sheets import model as sheet_model
from grader.tolerances import HAND_RELATIVE
from grader.engine.generators import generate

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio", "--remote-debugging-pipe")
TIMEOUT = 30.0
SEED = 12


class Browser:
    """One headless Chromium and one page, spoken to over the DevTools pipe."""

    def __init__(self, binary: str, profile: Path):
        # The shell hands our pipes to Chromium as fd 3 (commands in) and fd 4 (replies out).
        self.process = subprocess.Popen(
            ["sh", "-c", 'exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null', binary, *FLAGS,
             f"--user-data-dir={profile}", "--window-size=1000,1400", "about:blank"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id = 0
        self.buffer = b""
        self.events = []
        self.session = None

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:        # noqa: BLE001  (the browser may already be gone)
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no reply from Chromium")
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, session: bool = True, **params) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session and self.session:
            message["sessionId"] = self.session
        self.process.stdin.write(json.dumps(message).encode() + b"\0")
        self.process.stdin.flush()
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str) -> dict:
        deadline = time.monotonic() + TIMEOUT
        for event in self.events:
            if event["method"] == method:
                return event
        while True:
            event = self._read_message(deadline)
            if "method" in event:
                self.events.append(event)
                if event["method"] == method:
                    return event

    def open(self, url: str) -> None:
        target = self.call("Target.createTarget", session=False, url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", session=False, targetId=target,
                                 flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=1000, height=1400,
                  deviceScaleFactor=1, mobile=False)
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(result["exceptionDetails"])
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1],
                      button="left", clickCount=1)

    def type_into(self, selector: str, text: str) -> None:
        self.click(selector)
        self.call("Input.insertText", text=text)

    def errors(self) -> list:
        found = []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.exceptionThrown":
                found.append(params["exceptionDetails"])
            elif event["method"] == "Runtime.consoleAPICalled" and params["type"] in (
                    "error", "assert"):
                found.append(params["args"])
            elif event["method"] == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(params["entry"])
        return found

    def requests(self) -> list:
        return [event["params"]["request"]["url"] for event in self.events
                if event["method"] == "Network.requestWillBeSent"]


def png_pixels(data: bytes):
    """(width, height, rows of RGB(A) bytes) of an 8-bit truecolour PNG."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    position, idat = 8, b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc
                                      else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


@contextlib.contextmanager
def opened_sheet(tmp_path_factory, seed: int, lang: str = "en"):
    """Chromium showing the interactive sheet of ``seed``: (browser, problem, values, folder)."""
    binary = chromium_binary()
    if lang == "zh":
        require_chinese_font()
    folder = tmp_path_factory.mktemp(f"sheet-{seed}-{lang}")
    problem = generate(seed)
    values = quantities.reference(problem)
    path = folder / "sheet.html"
    path.write_text(sheets.render(sheets.view(problem, values, "html", lang, "interactive")),
                    encoding="utf-8")
    browser = Browser(binary, folder / "profile")
    try:
        browser.open(path.as_uri())
        yield browser, problem, values, folder
    finally:
        browser.close()


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    with opened_sheet(tmp_path_factory, SEED) as (browser, _, values, folder):
        yield browser, values, folder


def test_svg_and_math_are_laid_out(page):
    browser, _, _ = page
    svg = browser.evaluate("(() => { const r = document.querySelector('svg.network')"
                           ".getBoundingClientRect(); return [r.width, r.height,"
                           " document.querySelectorAll('svg.network circle').length]; })()")
    assert svg[0] > 300 and svg[1] > 100 and svg[2] == 8
    math = browser.evaluate(
        "Array.from(document.querySelectorAll('math')).map(m => {"
        " const r = m.getBoundingClientRect(); return [r.width, r.height]; })")
    assert len(math) > 30
    assert all(width > 0 and height > 0 for width, height in math)
    # Native MathML layout puts a numerator above its denominator (unsupported: side by side).
    stacked = browser.evaluate(
        "Array.from(document.querySelectorAll('mfrac')).map(f => {"
        " const a = f.children[0].getBoundingClientRect(),"
        " b = f.children[1].getBoundingClientRect(); return a.bottom <= b.top + 1; })")
    assert stacked and all(stacked)
    scripts = browser.evaluate(
        "Array.from(document.querySelectorAll('msub')).slice(0, 10).map(s => {"
        " const a = s.children[0].getBoundingClientRect(),"
        " b = s.children[1].getBoundingClientRect();"
        " return b.top > a.top && b.left >= a.right - 1; })")
    assert scripts and all(scripts)


def laid_out_texts(browser: Browser, container: str) -> tuple:
    """The box of ``container`` (a selector) and [left, top, right, bottom, text, font size in
    px] of every SVG text in it, as Chromium laid them out."""
    found = browser.evaluate(
        f"(() => {{ const svg = document.querySelector({json.dumps(container)});"
        " const s = svg.getBoundingClientRect();"
        " return [[s.left, s.top, s.right, s.bottom]].concat("
        " Array.from(svg.querySelectorAll('text')).map(t => {"
        " const r = t.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom, t.textContent,"
        " parseFloat(getComputedStyle(t).fontSize)]; })); })()")
    return found[0], found[1:]


def assert_inside_and_apart(box: list, texts: list) -> None:
    left, top, right, bottom = box
    for x1, y1, x2, y2, text, _ in texts:
        assert left <= x1 and x2 <= right and top <= y1 and y2 <= bottom, text
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)


@pytest.mark.parametrize("which", ["page", "update_page", "zh_page"])
def test_network_labels_do_not_collide_and_are_not_clipped(which, request):
    """Every text of the drawing, measured as laid out: no two intersect, none leaves the SVG
    (seeds 12 and 7, and 12 in Chinese with a Chinese font)."""
    browser = request.getfixturevalue(which)[0]
    box, texts = laid_out_texts(browser, "svg.network")
    assert len(texts) == 8 + 8 + 14 + 1          # node names, notes, weights, y_target
    assert any(t[4].startswith("y_target") for t in texts)
    assert any(t[4].startswith("w\u2081\u2081") for t in texts)
    assert_inside_and_apart(box, texts)


@pytest.fixture(scope="module")
def zh_page(tmp_path_factory):
    """The interactive sheet of seed 12 in Chinese, laid out with a Chinese font."""
    with opened_sheet(tmp_path_factory, SEED, "zh") as (browser, _, values, folder):
        yield browser, values, folder


def chinese_fonts() -> set:
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                            timeout=60).stdout
    return {name.strip() for line in listed.splitlines() for name in line.split(",")}


def test_chinese_headings_are_set_in_a_chinese_font(zh_page):
    """Chromium draws the zh sheet's Chinese with a font that has the glyphs (not boxes), so
    what the layout tests measure is what a reader sees."""
    browser = zh_page[0]
    browser.call("DOM.enable")
    browser.call("CSS.enable")
    root = browser.call("DOM.getDocument", depth=-1)["root"]["nodeId"]
    headings = browser.call("DOM.querySelectorAll", nodeId=root, selector="h1, h2")["nodeIds"]
    assert headings
    wanted = chinese_fonts()
    for node in headings:
        fonts = browser.call("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]
        assert any(f["familyName"] in wanted and f["glyphCount"] > 0 for f in fonts), fonts


@pytest.mark.parametrize("loss", ["half_squared_error", "softmax_cross_entropy"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cost_plot_text_is_laid_out_apart_and_within_its_estimates(printer, lang, loss):
    """The cost plot places its labels by an estimate of each text's width; in Chromium (with
    a Chinese font for zh) every text stays inside the plot, no two intersect, each is no wider
    than its estimate, and the y-label reads across. With softmax_cross_entropy the notes also
    say that the ladders end in 2 outputs."""
    from grader.cost import lab, plot, report
    from grader.notation import LOSSES
    from test_cost import counted_rows

    if lang == "zh":
        require_chinese_font()
    browser, folder = printer
    networks = lab.default_networks(loss)
    drawn = report.CostReport(seed=0, rows=counted_rows(networks),
                              families=lab.families(networks, lab.ladders(loss)),
                              activation="tanh", output_activation=LOSSES[loss], loss=loss,
                              widened_outputs=networks != lab.LADDER)
    path = folder / f"cost-{lang}-{loss}.svg"
    path.write_text(plot.svg(drawn, lang), encoding="utf-8")
    browser.open(path.as_uri())
    box, texts = laid_out_texts(browser, "svg")
    assert len(texts) > 30
    assert_inside_and_apart(box, texts)
    model = plot.plot_model(drawn, lang)
    placed = {item["text"] for item in model["end_labels"] + model["names"] + model["legend"]}
    placed |= {guide["label"] for guide in model["guides"]}
    measured = [t for t in texts if t[4] in placed]
    assert {t[4] for t in measured} == placed
    for x1, y1, x2, y2, text, size in measured:         # each placed by its estimate
        estimate = plot._text_box(0, 0, text, size)
        assert x2 - x1 <= estimate[2] - estimate[0] + 0.5, (text, x2 - x1, estimate)
        assert -estimate[1] + estimate[3] >= y2 - y1 - 0.5, (text, y2 - y1, estimate)
    (y_label,) = [t for t in texts if t[4] == report.text(report.MESSAGES, "svg_y", lang)]
    assert y_label[2] - y_label[0] > 2 * (y_label[3] - y_label[1])


def test_screenshot_is_not_blank(page):
    browser, _, folder = page
    browser.evaluate("window.scrollTo(0, 0)")
    shot = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
    (folder / "sheet.png").write_bytes(shot)
    width, height, channels, rows = png_pixels(shot)
    assert (width, height) == (1000, 1400)
    dark = sum(1 for row in rows[::4] for x in range(0, len(row), channels * 4)
               if row[x] < 128)
    sampled = (height // 4) * (width // 4)
    assert 0.005 < dark / sampled < 0.5
    # The drawing is on screen: dark pixels inside the SVG's box.
    box = browser.evaluate("(() => { const r = document.querySelector('svg.network')"
                           ".getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];"
                           " })()")
    left, top, right, bottom = (int(v) for v in box)
    inside = sum(1 for y in range(max(top, 0), min(bottom, height), 2)
                 for x in range(max(left, 0), min(right, width), 2)
                 if rows[y][x * channels] < 128)
    assert inside > 200


def test_right_and_wrong_answers_are_marked(page):
    browser, values, _ = page
    right = numbers.significant(values["delta3"], 4)
    wrong = numbers.significant(values["dL_dv1"] * 1.1, 4)
    close_enough = numbers.significant(values["z3"], 3).replace("-", "\u2212")   # 3 digits, U+2212
    browser.type_into("#in-step1", right)
    browser.type_into("#in-step2", wrong)
    browser.type_into("#in-z3", close_enough)
    browser.type_into("#in-y", "abc")
    browser.click("#check")
    state = browser.evaluate(
        "['step1', 'step2', 'z3', 'y', 'step3'].map(id => {"
        " const i = document.getElementById('in-' + id),"
        " h = document.getElementById('hints-' + id);"
        " return [i.className, document.getElementById('mark-' + id).textContent, h.hidden,"
        " Array.from(h.querySelectorAll('.hint')).filter(p => !p.hidden).length]; })")
    (step1, step2, z3, y, step3) = state
    assert "right" in step1[0] and "wrong" not in step1[0] and step1[2] is True
    assert "wrong" in step2[0] and step2[1].endswith("wrong")
    assert step2[2] is False and step2[3] == 1           # the first hint is shown
    assert "right" in z3[0]
    assert "wrong" in y[0] and y[1].endswith("not a number")
    assert step3[0] == "answer" and step3[1] == "" and step3[2] is True   # untouched
    score = browser.evaluate("document.getElementById('score').textContent")
    assert score.startswith("2 of 35")
    # Checking again with the same wrong answer shows no more; another wrong answer shows the
    # next hint for that field only; a right one hides them.
    shown = ("Array.from(document.querySelectorAll('#hints-step2 .hint'))"
             ".filter(p => !p.hidden).length")
    browser.click("#check")
    browser.click("#check")
    assert browser.evaluate(shown) == 1
    browser.evaluate("document.getElementById('in-step2').value = ''")
    browser.type_into("#in-step2", numbers.significant(values["dL_dv1"] * 1.2, 4))
    browser.click("#check")
    assert browser.evaluate(shown) == 2
    assert browser.evaluate("Array.from(document.querySelectorAll('#hints-y .hint'))"
                            ".filter(p => !p.hidden).length") == 1
    hints = browser.evaluate("Array.from(document.querySelectorAll('.hint'))"
                             ".map(p => p.textContent).join(' ')")
    assert "net." not in hints and "dict" not in hints
    browser.evaluate("document.getElementById('in-step2').value = ''")
    browser.type_into("#in-step2", numbers.significant(values["dL_dv1"], 4))
    browser.call("Input.dispatchKeyEvent", type="keyDown", key="Enter", code="Enter",
                 windowsVirtualKeyCode=13)
    assert "right" in browser.evaluate("document.getElementById('in-step2').className")
    assert browser.evaluate("document.getElementById('hints-step2').hidden") is True


UPDATE_SEED = 7     # small gradients: a tolerance on the new value accepted the old one here


@pytest.fixture(scope="module")
def update_page(tmp_path_factory):
    with opened_sheet(tmp_path_factory, UPDATE_SEED) as (browser, problem, values, _):
        yield browser, problem, values


def _marks(browser, ids):
    return browser.evaluate(
        f"{json.dumps(ids)}.map(id => document.getElementById('in-' + id).className)")


def test_updates_are_judged_by_their_change(update_page):
    """Right updates are marked right; unchanged and wrong-sign updates wrong, every one."""
    browser, problem, values = update_page
    names = rows.update_parameters()
    ids = [f"new_{name}" for name in names]
    answers = {
        "right": [numbers.update_number(values[f"new_{n}"], values[n]) for n in names],
        "unchanged": [numbers.given_number(values[n]) for n in names],
        "wrong sign": [numbers.update_number(values[n] + problem.eta * values[f"dL_d{n}"],
                                            values[n]) for n in names],
    }
    for case, typed in answers.items():
        for id_, text in zip(ids, typed):
            browser.evaluate(f"document.getElementById('in-{id_}').value = ''")
            browser.type_into(f"#in-{id_}", text)
        browser.click("#check")
        marks = _marks(browser, ids)
        want = "right" if case == "right" else "wrong"
        assert all(want in mark.split() for mark in marks), (case, typed, marks)
    # The old tolerance (0.5% of the new value) would have accepted unchanged values here.
    assert any(abs(values[f"new_{n}"] - values[n]) < HAND_RELATIVE * abs(values[f"new_{n}"])
               for n in names)
    assert browser.errors() == []


def test_prints_on_a4_and_letter(page):
    browser, _, _ = page
    for width, height in ((8.27, 11.69), (8.5, 11.0)):
        pdf = base64.b64decode(browser.call("Page.printToPDF", paperWidth=width,
                                            paperHeight=height)["data"])
        assert pdf.startswith(b"%PDF")
    hidden = browser.evaluate(
        "(() => { const s = Array.from(document.styleSheets).flatMap(x => Array.from(x.cssRules));"
        " return s.some(r => r.media && r.media.mediaText === 'print'); })()")
    assert hidden is True


def test_print_layout_keeps_headings_with_what_follows(page):
    """In print media: headings never end a page, the Given block and the update section are
    not split, each step has room for working, and every page carries the name line, the
    sheet's title and its page number (CSS @page margin boxes)."""
    browser, _, _ = page
    browser.call("Emulation.setEmulatedMedia", media="print")
    try:
        style = browser.evaluate(
            "(() => { const s = (q, p) => getComputedStyle(document.querySelector(q))[p];"
            " return {h2: s('h2', 'breakAfter'), h3: s('h3', 'breakAfter'),"
            " update: s('#update', 'breakInside'), given: s('.given-block', 'breakInside'),"
            " row: s('table.update tr', 'breakInside'), step: s('.step', 'breakInside'),"
            " working: [s('.working', 'display'),"
            " document.querySelector('.working').getBoundingClientRect().height],"
            " controls: s('.controls', 'display'),"
            " workings: document.querySelectorAll('.step .working').length}; })()")
    finally:
        browser.call("Emulation.setEmulatedMedia", media="")
    assert style["h2"] == style["h3"] == "avoid"
    assert style["update"] == style["given"] == style["row"] == style["step"] == "avoid"
    assert style["working"][0] == "block" and style["working"][1] > 60     # about 2.6 cm
    assert style["workings"] == 14 and style["controls"] == "none"
    page_rule = browser.evaluate(
        "Array.from(document.styleSheets).flatMap(x => Array.from(x.cssRules))"
        ".filter(r => r.constructor.name === 'CSSPageRule').map(r => r.cssText).join(' ')")
    for box in ("@top-left", "@top-right", "@bottom-center"):
        assert box in page_rule
    assert "counter(page)" in page_rule and "Name: ___" in page_rule
    for width, height in ((8.27, 11.69), (8.5, 11.0)):
        pdf = base64.b64decode(browser.call("Page.printToPDF", paperWidth=width,
                                            paperHeight=height)["data"])
        assert pdf.startswith(b"%PDF")
        pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
        assert 3 <= pages <= 12, pages           # several pages, not one per step


PAPERS = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}      # inches, as printToPDF takes them


@pytest.fixture(scope="module")
def printer(tmp_path_factory):
    """A browser that prints sheets to PDF, one page per sheet."""
    folder = tmp_path_factory.mktemp("print")
    browser = Browser(chromium_binary(), folder / "profile")
    try:
        yield browser, folder
    finally:
        browser.close()


@pytest.mark.parametrize("kind, lang, scaffold", [
    ("blank", "en", "faded"), ("blank", "zh", "faded"), ("key", "en", "faded"),
    ("key", "zh", "faded"), ("blank", "en", "full"), ("interactive", "en", "faded")])
def test_printed_pages_keep_headings_with_what_follows_and_tables_whole(printer, kind, lang,
                                                                        scaffold):
    """Printed to A4 and to Letter and read back page by page (pdftotext): no heading is the last
    text on its page, the Given tables and the update table each lie on one page, and every page
    begins with the name line and ends with "Page N of M" (第 N 页，共 M 页)."""
    browser, folder = printer
    problem = generate(SEED)
    values = quantities.reference(problem)
    model = sheets.view(problem, values, "html", lang, kind, scaffold=scaffold)
    for paper, pages in printed(browser, folder / f"{kind}-{lang}-{scaffold}.html",
                                model).items():
        assert len(pages) >= 3, paper
        assert_headings_keep_company(pages, model, footer=True)
        assert_given_table_on_one_page(pages, model, values,
                                       registry.INPUTS + registry.PARAMETERS)
        assert_update_table_on_one_page(pages, model)
        name_and_number(pages, lang)


def test_offline_without_errors(page):
    browser, _, _ = page
    assert browser.errors() == []
    assert all(url.startswith(("file:", "data:", "about:")) for url in browser.requests())


# --- the sheet of a step whose answers are arrays ----------------------------------------------

def printed(browser, html: Path, model: dict) -> dict:
    """``model`` written to ``html``, opened and printed to each paper: {paper: page texts}."""
    html.write_text(sheets.render(model), encoding="utf-8")
    browser.open(html.as_uri())
    pages = {}
    for paper, (width, height) in PAPERS.items():
        pdf = html.with_name(f"{html.stem}-{paper}.pdf")
        pdf.write_bytes(base64.b64decode(browser.call("Page.printToPDF", paperWidth=width,
                                                      paperHeight=height)["data"]))
        pages[paper] = page_texts(pdf)
    return pages


def name_and_number(pages: list, lang: str) -> None:
    """Every printed page begins with the name line and ends with "Page N of M"."""
    name_line = i18n.text(sheet_model.MESSAGES, "name_line", lang) + \
        ("" if lang == "zh" else " ") + "_" * 24
    assert_every_page_has_name_and_number(
        pages, name_line,
        lambda n, total: i18n.text(html_page.MESSAGES, "page", lang, page=n, pages=total))


def _array_sheet(tmp_path_factory, step_id: str):
    """Chromium showing ``step_id``'s interactive sheet (seed 12), with the values it shows."""
    from grader.render.sheets import arrays

    folder = tmp_path_factory.mktemp(f"{step_id}-sheet")
    step = registry.get(step_id)
    values, _ = step.shown(SEED)
    path = folder / f"{step_id}.html"
    path.write_text(sheets.render(arrays.sheet_model(step, SEED, "html", "en", "interactive")),
                    encoding="utf-8")
    browser = Browser(chromium_binary(), folder / "profile")
    try:
        browser.open(path.as_uri())
        yield browser, values
    finally:
        browser.close()


@pytest.fixture(scope="module")
def array_page(tmp_path_factory):
    """Chromium showing step19's interactive sheet."""
    yield from _array_sheet(tmp_path_factory, "step19")


def _entry_state(browser, ids):
    return browser.evaluate(
        f"{json.dumps(ids)}.map(id => [document.getElementById('in-' + id).className,"
        " document.getElementById('mark-' + id).textContent,"
        " document.getElementById('mark-' + id).title])")


def _hints_shown(browser, group):
    return browser.evaluate(
        f"(() => {{ const h = document.getElementById('hints-{group}');"
        " return h.hidden ? 0 : Array.from(h.querySelectorAll('.hint'))"
        ".filter(p => !p.hidden).length; })()")


def _type(browser, entry, text):
    browser.evaluate(f"document.getElementById({json.dumps('in-' + entry)}).value = ''")
    browser.type_into(f"[data-id={json.dumps(entry)}]", text)


def test_array_entries_are_marked_and_hints_follow_each_array(array_page):
    """Each box of step19's arrays is marked ✓ or ✗ by its own value; an array's hints show
    while any of its entries is wrong, one level more each time its entries change."""
    browser, values = array_page
    for k in range(3):
        _type(browser, f"delta[{k}]", numbers.significant(values[f"delta[{k}]"], 4))
    _type(browser, "dW[0,0]", numbers.significant(values["dW[0,0]"] * 1.1, 4))
    _type(browser, "dW[1,2]", numbers.significant(values["dW[1,2]"], 3).replace("-", "\u2212"))
    _type(browser, "db[0]", "abc")
    browser.click("#check")
    state = _entry_state(browser, ["delta[0]", "delta[2]", "dW[0,0]", "dW[1,2]", "db[0]",
                                   "db[1]"])
    assert all("right" in s[0].split() and s[1] == "\u2713" for s in state[:2])
    assert "wrong" in state[2][0].split() and state[2][1] == "\u2717" and state[2][2] == "wrong"
    assert "right" in state[3][0].split()
    assert state[4][1] == "\u2717" and state[4][2] == "not a number"
    assert state[5] == ["answer", "", ""]                          # untouched
    assert (_hints_shown(browser, "delta"), _hints_shown(browser, "dW"),
            _hints_shown(browser, "db")) == (0, 1, 1)
    assert browser.evaluate("document.getElementById('score').textContent") == "4 of 18 right"
    browser.click("#check")                                        # the same answers again
    assert _hints_shown(browser, "dW") == 1
    _type(browser, "dW[0,0]", numbers.significant(values["dW[0,0]"] * 1.2, 4))
    browser.click("#check")
    assert _hints_shown(browser, "dW") == 2 and _hints_shown(browser, "db") == 1
    hints = browser.evaluate("document.getElementById('hints-dW').textContent")
    assert "net." not in hints and "\u25a2" in hints                # the formula's shape
    _type(browser, "dW[0,0]", numbers.significant(values["dW[0,0]"], 4))
    browser.call("Input.dispatchKeyEvent", type="keyDown", key="Enter", code="Enter",
                 windowsVirtualKeyCode=13)
    assert _hints_shown(browser, "dW") == 0
    assert "right" in _entry_state(browser, ["dW[0,0]"])[0][0].split()
    assert browser.errors() == []
    assert all(url.startswith(("file:", "data:", "about:")) for url in browser.requests())


def test_array_sheet_is_laid_out(array_page):
    """Every box is on screen inside its array's brackets, and the given arrays' maths has a
    size."""
    browser, _ = array_page
    boxes = browser.evaluate(
        "Array.from(document.querySelectorAll('table.grid')).map(t => {"
        " const g = t.getBoundingClientRect(); return Array.from(t.querySelectorAll('input'))"
        ".map(i => { const r = i.getBoundingClientRect(); return r.width > 20 && r.left >= g.left"
        " && r.right <= g.right; }); })")
    assert [len(b) for b in boxes] == [3, 12, 3] and all(all(b) for b in boxes)
    maths = browser.evaluate("Array.from(document.querySelectorAll('#given math')).map(m =>"
                             " m.getBoundingClientRect().height)")
    assert len(maths) == 9 and all(h > 20 for h in maths)


@pytest.mark.parametrize("kind, lang", [("blank", "en"), ("key", "en"), ("interactive", "zh")])
def test_array_sheet_prints_with_name_and_page_on_every_page(printer, kind, lang):
    """step19's sheet printed to A4 and Letter: every page has the name line and its number,
    the Given heading is on the page of the given arrays, and each answer's heading on the page
    of its blank or its worked key."""
    from grader.render.sheets import arrays

    if lang == "zh":
        require_chinese_font()
    browser, folder = printer
    step = registry.get("step19")
    model = arrays.sheet_model(step, SEED, "html", lang, kind)
    first_given = numbers.given_number(step.reference(SEED)["W"][0][0])
    for paper, pages in printed(browser, folder / f"step19-{kind}-{lang}.html", model).items():
        assert len(pages) >= 2, paper
        name_and_number(pages, lang)
        given = [p for p in pages if flat(model["label"]["given"]) in flat(p)]
        assert given and first_given in given[0]
        for answer in model["answers"]:
            assert [p for p in pages if flat(answer["heading_after"]) in flat(p)], \
                (answer["key"], paper)


@pytest.fixture(scope="module")
def training_page(tmp_path_factory):
    """Chromium showing step22's interactive sheet: one epoch of training XOR by hand."""
    yield from _array_sheet(tmp_path_factory, "step22")


def test_training_sheet_marks_entries_sums_and_updates(training_page):
    """step22's boxes: right values ✓, wrong ones ✗; a sum judged against its array's largest
    entry; an update by its change, so an unchanged parameter or a step the wrong way is ✗."""
    import numpy as np

    browser, values = training_page
    _type(browser, "H[0,0]", numbers.significant(values["H[0,0]"], 4))
    _type(browser, "H[1,1]", numbers.significant(values["H[1,1]"] * 1.1, 4))
    db1 = [values[f"db1[{k}]"] for k in range(4)]
    small = int(np.argmin(np.abs(db1)))
    largest = max(abs(v) for v in db1)
    near, far = f"db1[{small}]", f"db1[{(small + 1) % 4}]"
    _type(browser, near, repr(db1[small] + 0.003 * largest))         # 0.3% of the largest
    _type(browser, far, repr(values[far] + 0.01 * largest))           # 1% of the largest
    eta = values["learning_rate"]
    old, new, gradient = values["W1"][0][0], values["new_W1[0,0]"], values["dW1[0,0]"]
    _type(browser, "new_W1[0,0]", numbers.update_number(new, old))
    _type(browser, "new_W1[0,1]", numbers.given_number(values["W1"][0][1]))    # unchanged
    _type(browser, "new_W1[1,0]", numbers.update_number(
        values["W1"][1][0] + eta * values["dW1[1,0]"], values["W1"][1][0]))  # the wrong way
    browser.click("#check")
    state = _entry_state(browser, ["H[0,0]", "H[1,1]", near, far, "new_W1[0,0]",
                                   "new_W1[0,1]", "new_W1[1,0]"])
    assert [s[1] for s in state] == ["\u2713", "\u2717", "\u2713", "\u2717", "\u2713", "\u2717",
                                     "\u2717"], (state, gradient)
    assert abs(0.003 * largest) > HAND_RELATIVE * abs(db1[small])    # wrong by its own size
    assert (_hints_shown(browser, "H"), _hints_shown(browser, "Y"),
            _hints_shown(browser, "new_W1")) == (1, 0, 1)
    assert browser.evaluate("document.getElementById('score').textContent") == "3 of 74 right"
    assert browser.errors() == []
    assert all(url.startswith(("file:", "data:", "about:")) for url in browser.requests())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_training_key_prints_within_the_page(printer, lang):
    """step22's key printed: every page has the name line and its number, and no line of the
    working (a batch's 4 × 4 products side by side) is wider than A4's printed width."""
    from grader.render.sheets import arrays

    if lang == "zh":
        require_chinese_font()
    browser, folder = printer
    model = arrays.sheet_model(registry.get("step22"), SEED, "html", lang, "key")
    for pages in printed(browser, folder / f"step22-key-{lang}.html", model).values():
        name_and_number(pages, lang)
    a4_width = round((210 - 2 * 14) / 25.4 * 96)            # the print style's @page margins
    browser.call("Emulation.setEmulatedMedia", media="print")
    browser.call("Emulation.setDeviceMetricsOverride", width=a4_width, height=1000,
                 deviceScaleFactor=1, mobile=False)
    try:
        widths = browser.evaluate("Array.from(document.querySelectorAll('.step math'))"
                                  ".map(m => [m.scrollWidth, m.clientWidth])")
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")
        browser.call("Emulation.setEmulatedMedia", media="")
    assert len(widths) >= 3 * len(model["answers"])
    assert all(content <= box + 1 for content, box in widths), widths
    assert [a["key"] for a in model["answers"] if a["wide"]] == ["D1"]
