"""Shared paths and helpers for the test suite. Everything is located from this file."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
SOLUTIONS = ROOT / "solutions"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
STATUS_FIXTURES = FIXTURES / "statuses"

# Few seeds for the slow exact witness, many for the fast checks.
WITNESS_SEEDS = (0, 1, 2, 3, 7, 42, 2024, 99991)
MANY_SEEDS = tuple(range(60))


# Property tests: few examples (each draws a problem; the witness builds sympy per shape), no
# deadline (timings are noisy), and no example database written into the checkout.
PROPERTY = settings(max_examples=30, deadline=None, database=None)


@st.composite
def networks(draw, max_layers: int = 4, max_size: int = 4, max_outputs: int = 3):
    """A drawn problem: 2 to ``max_layers`` layers (input and output counted), input and hidden
    sizes 1 to ``max_size``, 1 to ``max_outputs`` outputs (at least 2 with
    softmax_cross_entropy, which refuses one), any hidden activation, loss and seed."""
    from grader import notation
    from grader.engine.forward import ACTIVATIONS
    from grader.engine.generators import generate

    loss = draw(st.sampled_from(list(notation.LOSSES)))
    depth = draw(st.integers(2, max_layers))
    sizes = draw(st.lists(st.integers(1, max_size), min_size=depth - 1, max_size=depth - 1))
    fewest = 2 if notation.LOSSES[loss] == "softmax" else 1
    outputs = draw(st.integers(fewest, max_outputs))
    activation = draw(st.sampled_from(list(ACTIVATIONS)))
    seed = draw(st.integers(0, 2**32 - 1))
    return generate(seed, tuple(sizes) + (outputs,), activation, loss=loss)


# Shapes whose draws the generator stacks (hand-sized) and some it draws one at a time.
STACKED_SHAPES = [((2, 3, 2, 1), "sigmoid"), ((2, 3, 2, 1), "tanh"), ((2, 3, 2, 1), "relu"),
                  ((2, 2, 1), "sigmoid"), ((3, 3, 2), "tanh"), ((2, 2, 2, 2, 1), "relu"),
                  ((4, 1), "sigmoid"), ((1, 11), "sigmoid"), ((22, 1), "sigmoid"),
                  ((2, 8, 8, 1), "sigmoid"), ((784, 30, 10), "relu")]


def stacked(problems):
    """One problem whose arrays stack ``problems``' (same shape) on a leading axis."""
    from grader import records

    first = problems[0]
    return records.replace(
        first, x=np.stack([p.x for p in problems]),
        y_target=np.stack([p.y_target for p in problems]), eta=tuple(p.eta for p in problems),
        weights=tuple(np.stack(ws) for ws in zip(*(p.weights for p in problems))),
        biases=tuple(np.stack(bs) for bs in zip(*(p.biases for p in problems))))


@pytest.fixture
def solved(tmp_path) -> Path:
    """A fresh copy of the solutions folder the test may change."""
    folder = tmp_path / "solved"
    shutil.copytree(SOLUTIONS, folder)
    return folder


# --- outside tools: Chromium and TeX ---------------------------------------------------------
# Off CI a missing tool skips the tests that need it, saying what to install; under CI (the
# environment variable CI set to anything but "") it fails them, so CI never skips them.

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_INSTALL = "apt-get install chromium"
PDFTOTEXT_INSTALL = "apt-get install poppler-utils"
CJK_FONT_INSTALL = "apt-get install fonts-wqy-zenhei"
TEX_INSTALL = ("apt-get install texlive-latex-base latex-cjk-chinese "
               "latex-cjk-chinese-arphic-gbsn00lp")


def missing_tool(what: str, install: str) -> None:
    """Skip the current test off CI, fail it under CI: ``what`` is missing, ``install`` fixes it."""
    reason = f"{what} is missing: {install} (CI installs it; .ci/run)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; under CI this test must run, not skip", pytrace=False)
    pytest.skip(reason)


def require_program(*names: str, what: str | None = None, install: str) -> str:
    """The path of the first of ``names`` on PATH; otherwise :func:`missing_tool`."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    missing_tool(what or names[0], install)
    raise AssertionError("unreachable")   # skip and fail both raise


def require_tex_file(name: str, install: str = TEX_INSTALL) -> str:
    """The path of a TeX input file (a .sty, a font's .fd) as kpsewhich finds it."""
    kpsewhich = require_program("kpsewhich", install=install)
    result = subprocess.run([kpsewhich, name], capture_output=True, text=True, timeout=60)
    found = result.stdout.strip()
    if result.returncode != 0 or not found:
        missing_tool(f"TeX file {name}", install)
    return found


def chromium_binary() -> str:
    """A headless-capable Chromium, for the sheets' browser tests."""
    return require_program(*CHROMIUM, what="Chromium", install=CHROMIUM_INSTALL)


def pdftotext_binary() -> str:
    """poppler's pdftotext, for reading printed sheets back page by page."""
    return require_program("pdftotext", install=PDFTOTEXT_INSTALL)


def require_chinese_font() -> None:
    """A font with Chinese glyphs that Chromium can lay zh text out with (fontconfig's list)."""
    fc_list = require_program("fc-list", what="fontconfig", install=CJK_FONT_INSTALL)
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True,
                           timeout=60).stdout.strip()
    if not found:
        missing_tool("a Chinese font", CJK_FONT_INSTALL)


def latex_engine(lang: str = "en") -> str:
    """pdflatex, and for a Chinese sheet CJKutf8.sty with the gbsn font, as the sheets need."""
    engine = require_program("pdflatex", install=TEX_INSTALL)
    if lang == "zh":
        require_tex_file("CJKutf8.sty")
        require_tex_file("c70gbsn.fd")
    return engine


def fixture_file(case: str) -> Path:
    """The single stepNN.py of a status fixture case."""
    files = sorted((STATUS_FIXTURES / case).glob("step*.py"))
    assert len(files) == 1, f"{case} should hold exactly one stepNN.py"
    return files[0]


@pytest.fixture(autouse=True, scope="session")
def private_problem_cache(tmp_path_factory):
    """The learner's problem cache of every test run lives in a folder of its own."""
    import os

    previous = os.environ.get("BPGRADE_CACHE")
    os.environ["BPGRADE_CACHE"] = str(tmp_path_factory.mktemp("problem-cache"))
    yield
    if previous is None:
        os.environ.pop("BPGRADE_CACHE", None)
    else:
        os.environ["BPGRADE_CACHE"] = previous


def descendants(pid: int) -> set:
    """Every process below ``pid`` now (Linux: /proc)."""
    found, frontier = set(), [pid]
    while frontier:
        current = frontier.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as children:
                    kids = [int(c) for c in children.read().split()]
            except OSError:
                kids = []
            found.update(kids)
            frontier += kids
    return found


def alive(pid: int) -> bool:
    """Running, or able to run: not gone, not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


# --- branch coverage under CI -----------------------------------------------------------------
# With the environment variable CI set, the README's own ``python -m pytest`` measures branch
# coverage of the package and prints the figure at the end; off CI nothing is measured, so the
# inner loop pays nothing. Only this process is measured: a forked child (one step of
# ``bpgrade check``) inherits the tracer but ends with os._exit before saving anything, and the
# classroom runner is a fresh interpreter.

COVERED = ["grader", "bpgrade_harness"]


class BranchCoverage:
    """Starts coverage.py when pytest is configured, reports when the run's summary is written."""

    def __init__(self, coverage_module):
        # No data file: the figure is printed, nothing is written into the checkout.
        self.coverage = coverage_module.Coverage(branch=True, source=COVERED, data_file=None)
        self.coverage.start()

    def stop(self):
        self.coverage.stop()

    def pytest_terminal_summary(self, terminalreporter):
        import json
        import tempfile

        self.stop()
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "coverage.json")
            self.coverage.json_report(outfile=path, ignore_errors=True)
            with open(path, encoding="utf-8") as report:
                totals = json.load(report)["totals"]
        branches, taken = totals["num_branches"], totals["covered_branches"]
        terminalreporter.write_sep("-", "coverage")
        terminalreporter.write_line(
            f"branch coverage of {' and '.join(COVERED)}: {100 * taken / max(branches, 1):.1f}% "
            f"({taken:,} of {branches:,} branches taken); statements and branches together: "
            f"{totals['percent_covered']:.1f}%")


def pytest_configure(config):
    name = "branch-coverage"                 # -p no:branch-coverage turns it off
    if not os.environ.get("CI") or config.pluginmanager.has_plugin(name) \
            or config.pluginmanager.is_blocked(name):
        return
    try:
        import coverage
    except ImportError:
        raise pytest.UsageError("CI is set but coverage is not installed, so the branch coverage "
                                "figure cannot be measured: pip install -e '.[test]'") from None
    config.pluginmanager.register(BranchCoverage(coverage), name)


def pytest_unconfigure(config):
    plugin = config.pluginmanager.get_plugin("branch-coverage")
    if plugin is not None:
        plugin.stop()
