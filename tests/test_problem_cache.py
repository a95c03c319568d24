import json

import numpy as np
import pytest

from grader.checking import check as checking

from grader.engine import generators, cache as problem_cache


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BPGRADE_CACHE", str(tmp_path))
    return tmp_path


def same(a: checking.ProblemSet, b: checking.ProblemSet) -> None:
    assert a.seeds == b.seeds
    assert a.references == b.references                       # every float exactly
    for p, q in zip(a.problems, b.problems):
        for name in ("seed", "layers", "activation", "output_activation", "eta"):
            assert getattr(p, name) == getattr(q, name)
        for x, y in zip((p.x, p.y_target, *p.weights, *p.biases),
                        (q.x, q.y_target, *q.weights, *q.biases)):
            assert np.array_equal(x, y) and not y.flags.writeable


@pytest.mark.parametrize("seed", [0, 5, 123456789])
def test_a_cached_problem_set_is_exactly_the_fresh_one(cache_dir, seed, monkeypatch):
    fresh = checking.ProblemSet(seed)
    first = checking.ProblemSet(seed, cached=True)            # computes and stores
    same(fresh, first)
    assert list(cache_dir.glob("problems-*.json"))

    def no_drawing(*args, **kwargs):
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(checking, "generate", no_drawing)
    again = checking.ProblemSet(seed, cached=True)
    same(fresh, again)


def test_a_changed_engine_or_a_broken_file_recomputes(cache_dir, monkeypatch):
    checking.ProblemSet(3, cached=True)
    path = next(cache_dir.glob("problems-3-*.json"))
    monkeypatch.setattr(problem_cache, "fingerprint", lambda: "another engine")
    assert problem_cache.load(3, 5) is None
    monkeypatch.undo()
    monkeypatch.setenv("BPGRADE_CACHE", str(cache_dir))
    for broken in ("{not json", json.dumps({"fingerprint": problem_cache.fingerprint(), "seed": 3,
                                            "problems": [], "references": []})):
        path.write_text(broken, encoding="utf-8")
        assert problem_cache.load(3, 5) is None
        same(checking.ProblemSet(3), checking.ProblemSet(3, cached=True))
    assert problem_cache.load(3, 5) is not None               # rewritten


def test_an_empty_setting_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("BPGRADE_CACHE", "")
    monkeypatch.chdir(tmp_path)
    checking.ProblemSet(1, cached=True)
    assert problem_cache.folder() is None
    assert not list(tmp_path.rglob("problems-*.json"))


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("x", encoding="utf-8")
    monkeypatch.setenv("BPGRADE_CACHE", str(blocked / "below"))
    same(checking.ProblemSet(2), checking.ProblemSet(2, cached=True))


def test_the_cache_is_not_consulted_unless_asked(cache_dir, monkeypatch):
    checking.ProblemSet(4, cached=True)
    calls = []
    real = generators.generate
    monkeypatch.setattr(checking, "generate", lambda *a, **k: calls.append(a) or real(*a, **k))
    checking.ProblemSet(4)
    assert len(calls) == 5
