"""Printed sheets read back: the text of each page of a PDF (poppler's pdftotext -layout), and
what the pages must show. Shared by the browser's PDFs (tests/test_browser.py) and pdflatex's
(tests/test_sheets.py).

Text is compared after NFKC (𝑤₁₁ and w11 alike, ： and : alike) with the minus sign as ASCII;
headings and the text after them also without spaces, as PDF text keeps no reliable spacing.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

from conftest import pdftotext_binary
from grader.render.sheets import numbers

GIVEN_NUMBER = re.compile(r"(?<![\d.])-?\d+\.\d\d(?!\d)")


def page_texts(pdf: Path) -> list:
    """Each page's text, laid out as printed (pdftotext ends every page with a form feed)."""
    result = subprocess.run([pdftotext_binary(), "-layout", str(pdf), "-"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    pages = result.stdout.split("\f")
    assert pages[-1].strip() == ""
    return [normal(page) for page in pages[:-1]]


def normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("−", "-").replace("’", "'")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", normal(text))


def lines(page: str) -> list:
    return [line for line in page.splitlines() if line.strip()]


def words_before_symbols(text: str) -> str:
    """The start of a sentence up to its first symbol (v₁ prints as v and 1 apart)."""
    return re.match(r"[A-Za-z \u4e00-\u9fff]*", text).group(0)


def headings(m: dict) -> list:
    """(heading, text that follows it) in the order the sheet prints them, from its model."""
    label = m["label"]
    first_weight = m["network"]["labels"][0]["text"].split("=")[-1].strip("$ ")
    pairs = [(label["network"], first_weight),
             (label["given"], m["inputs"][0]["value"]),
             (label["forward"], words_before_symbols(m["forward_text"])),
             (label["backward"], m["steps"][0]["heading"])]
    pairs += [(row["heading"], words_before_symbols(row["meaning"])) for row in m["steps"]]
    pairs.append((label["update_heading"], words_before_symbols(label["update_intro"])))
    return pairs


def body(page: str, footer: bool) -> str:
    """The page without its running header (and footer): the sheet's own text on it."""
    kept = lines(page)[1:]
    return "\n".join(kept[:-1] if footer else kept)


def assert_headings_keep_company(pages: list, m: dict, footer: bool) -> None:
    """No heading is the last text on its page: what follows it is printed on the same page."""
    bodies = [flat(body(page, footer)) for page in pages]
    for heading, following in headings(m):
        heading, following = flat(heading), flat(following)
        assert following, heading
        found = [k for k, text in enumerate(bodies) if heading in text]
        assert found, (heading, bodies)
        text = bodies[found[0]]
        assert following in text[text.index(heading) + len(heading):], \
            f"{heading!r} ends page {found[0] + 1}; {following!r} is not after it there"


def assert_every_page_has_name_and_number(pages: list, name_line: str, page_line) -> None:
    """The running header starts with the name line; ``page_line(n, total)``, if given, is the
    footer of page n (None: the LaTeX header ends with the page number instead)."""
    for n, page in enumerate(pages, start=1):
        first, last = flat(lines(page)[0]), flat(lines(page)[-1])
        assert first.startswith(flat(name_line)), (n, first)
        if page_line is None:
            assert first.endswith(str(n)), (n, first)
        else:
            assert last == flat(page_line(n, len(pages))), (n, last)


def assert_given_table_on_one_page(pages: list, m: dict, values: dict, names) -> None:
    """After the Given heading, its page shows every given number (the inputs' and parameters'
    tables, whole)."""
    heading = flat(m["label"]["given"])
    (page,) = [page for page in pages if heading in flat(body(page, True))]
    text = normal(body(page, True))
    after = text[text.index(normal(m["label"]["given"])):]
    shown = GIVEN_NUMBER.findall(after)
    for name in names:
        number = numbers.given_number(values[name])
        assert number in shown, (name, number, after)
        shown.remove(number)


def assert_update_table_on_one_page(pages: list, m: dict) -> None:
    """The update table's header and every row (each new value's symbol says "new") on the
    update heading's page."""
    heading = flat(m["label"]["update_heading"])
    (page,) = [page for page in pages if heading in flat(body(page, True))]
    text = normal(body(page, True))
    header = f"{normal(m['label']['quantity'])} "
    assert header in text, "the update table's header is not on the update heading's page"
    table = text[text.rindex(header):]
    assert len(re.findall(r"\bnew\b", table)) == len(m["updates"]), table
