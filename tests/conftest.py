"""Shared paths and helpers for the test suite. Everything is located from this file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
SOLUTIONS = ROOT / "solutions"
STATUS_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "statuses"

# Few seeds for the slow exact witness, many for the fast checks.
WITNESS_SEEDS = (0, 1, 2, 3, 7, 42, 2024, 99991)
MANY_SEEDS = tuple(range(60))


@pytest.fixture
def solved(tmp_path) -> Path:
    """A fresh copy of the solutions folder the test may change."""
    folder = tmp_path / "solved"
    shutil.copytree(SOLUTIONS, folder)
    return folder


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
