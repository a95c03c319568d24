import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT

from grader.checking import check as checking

from grader.engine import generators, cache as problem_cache
from grader.steps import quantities


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BPGRADE_CACHE", str(tmp_path))
    return tmp_path


def same(a: checking.ProblemSet, b: checking.ProblemSet) -> None:
    assert a.seeds == b.seeds
    assert a.references == b.references                       # every float exactly
    for i in range(len(a.seeds)):
        assert dict(a.finite_difference(i)) == dict(b.finite_difference(i))
    for p, q in zip(a.problems, b.problems):
        for name in ("seed", "layers", "activation", "output_activation", "eta", "loss"):
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

    monkeypatch.setattr(generators, "generate", no_drawing)
    monkeypatch.setattr(generators, "generate_many", no_drawing)
    monkeypatch.setattr(quantities, "finite_difference", no_drawing)
    again = checking.ProblemSet(seed, cached=True)
    same(fresh, again)


def test_a_changed_engine_or_a_broken_file_recomputes(cache_dir, monkeypatch):
    checking.ProblemSet(3, cached=True)
    path = next(cache_dir.glob("problems-3-*.json"))
    monkeypatch.setattr(problem_cache, "fingerprint", lambda: "another engine")
    assert problem_cache.load(3, 5) is None
    monkeypatch.undo()
    monkeypatch.setenv("BPGRADE_CACHE", str(cache_dir))
    stored = json.loads(path.read_text(encoding="utf-8"))
    without_witness = {k: v for k, v in stored.items() if k != "finite_differences"}
    odd_problem = dict(stored, problems=[{"seed": 3}] + stored["problems"][1:])
    for broken in ("{not json", json.dumps({"fingerprint": problem_cache.fingerprint(), "seed": 3,
                                            "problems": [], "references": [],
                                            "finite_differences": []}),
                   json.dumps(without_witness), json.dumps(odd_problem)):
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


def test_two_losses_never_share_an_entry(cache_dir):
    """The same seeds under two losses: a file each, each read back only for its own loss."""
    seeds = (6, 7)
    for loss in ("half_squared_error", "binary_cross_entropy"):
        problems = [generators.generate(s, loss=loss) for s in seeds]
        problem_cache.store(6, problems, [{"L": float(loss == "binary_cross_entropy")}] * 2,
                            [{}, {}])
    assert len(list(cache_dir.glob("problems-6-2-*.json"))) == 2
    for loss in ("half_squared_error", "binary_cross_entropy"):
        stored = problem_cache.load(6, 2, loss)
        assert [p["loss"] for p in stored.problems] == [loss, loss]
        assert stored.references[0]["L"] == float(loss == "binary_cross_entropy")
        for plain, seed in zip(stored.problems, seeds):
            read, drawn = problem_cache.problem(plain), generators.generate(seed, loss=loss)
            assert read.loss == loss and read.output_activation == drawn.output_activation
            assert np.array_equal(read.y_target, drawn.y_target)
    assert problem_cache.load(6, 2, "mean_squared_error") is None
    assert problem_cache.load(6, 2).problems[0]["loss"] == "half_squared_error"   # the lesson's


def test_an_entry_naming_another_loss_is_not_read(cache_dir):
    problems = [generators.generate(s) for s in (8, 9)]
    problem_cache.store(8, problems, [{}, {}], [{}, {}])
    path = next(cache_dir.glob("problems-8-2-*.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["problems"][1]["loss"] = "mean_squared_error"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert problem_cache.load(8, 2) is None


def test_the_cache_is_not_consulted_unless_asked(cache_dir, monkeypatch):
    checking.ProblemSet(4, cached=True)
    calls = []
    real = generators.generate_many
    monkeypatch.setattr(generators, "generate_many", lambda seeds, *a, **k:
                        calls.append((list(seeds), a)) or real(seeds, *a, **k))
    checking.ProblemSet(4)
    # the seed's networks, drawn together; a matrix step draws its own (generate, its layers)
    seed_networks = [seeds for seeds, shape in calls if not shape]
    assert [len(seeds) for seeds in seed_networks] == [5]


# --- a repeated check imports no numpy ---------------------------------------------------------

SCALARS = '''import sys


def step7(net):
    print("numpy modules:", len([m for m in sys.modules if m.partition(".")[0] == "numpy"]))
    return net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_1
'''

ARRAYS = '''import os
import sys


def step7(net):
    delta2 = net.dL_dh2 * net.h2 * (1 - net.h2)          # numpy arrays, built on first use
    print("numpy loaded:", "numpy" in sys.modules, "threads:", len(os.listdir("/proc/self/task")))
    return delta2[0] * net.h1[0] + 0 * net.W2[0, 0]
'''


def check_step7(folder, cache, tmp_path, importtime: bool = True):
    """``bpgrade check step7 --json`` as a new process, with every import it makes on stderr
    (the step's own process writes its imports into the captured output)."""
    env = dict(os.environ, BPGRADE_CACHE=str(cache), NO_COLOR="1",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    flags = ["-X", "importtime"] if importtime else []
    done = subprocess.run([sys.executable, *flags, "-m", "grader", "check", "step7",
                           "--exercises", str(folder), "--lang", "en", "--json"],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    imported = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    return done, json.loads(done.stdout)["results"][0], imported


def step_output(result) -> tuple:
    """(lines the step printed, modules its process imported) from a result's output."""
    lines = result["output"].splitlines()
    imported = {line.rpartition("|")[2].strip() for line in lines if line.startswith("import time:")}
    return [line for line in lines if not line.startswith("import time:")], imported


def test_a_repeated_check_imports_no_numpy(tmp_path):
    folder = tmp_path / "exercises"
    folder.mkdir()
    (folder / "step07.py").write_text(SCALARS, encoding="utf-8")
    cache = tmp_path / "cache"
    done, result, imported = check_step7(folder, cache, tmp_path)
    assert done.returncode == 0 and result["status"] == "passed", done.stderr[-2000:]
    assert "numpy" in imported                        # the first check draws the problems
    assert list(cache.glob("problems-*.json"))
    done, result, imported = check_step7(folder, cache, tmp_path)
    assert done.returncode == 0 and result["status"] == "passed", done.stderr[-2000:]
    assert "grader.checking.check" in imported and "bpgrade_harness.net" in imported
    assert not {name for name in imported if name.partition(".")[0] in ("numpy", "sympy")}
    # the step's own process: its imports, and its five calls (each after the previous
    # answer was read)
    printed, in_step = step_output(result)
    assert printed == ["numpy modules: 0"] * 5, result["output"]
    assert not {name for name in in_step if name.partition(".")[0] == "numpy"}


def test_net_arrays_load_numpy_in_the_step_process_when_asked(tmp_path):
    folder = tmp_path / "exercises"
    folder.mkdir()
    (folder / "step07.py").write_text(ARRAYS, encoding="utf-8")
    cache = tmp_path / "cache"
    check_step7(folder, cache, tmp_path, importtime=False)
    done, result, _ = check_step7(folder, cache, tmp_path, importtime=False)
    assert done.returncode == 0 and result["status"] == "passed", (done.stderr[-2000:], result)
    # numpy loaded there, under the step's memory limit, with one BLAS thread (its buffers
    # are reserved per thread: one per processor would not fit the limit on a large machine)
    assert result["output"].splitlines() == ["numpy loaded: True threads: 1"] * 5, result["output"]
