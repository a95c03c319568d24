"""Grade a class of correct submissions; compare with starting bare numpy processes.

    python tests/benchmarks/bench_grade.py [--students 100] [--repeats 3] [--jobs 2]

Baseline, measured in the same run: start ``python -c "import numpy"`` once per student,
two at a time. Grading runs with the isolation the machine gives (as root or with user
namespaces: a sandbox of namespaces per student); the mode is printed. Prints the medians, their ratio (target <= 0.25) and the grading run's peak
memory (summed over its processes) for a small and the full class, which should stay flat.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"


def make_class(folder: Path, count: int) -> Path:
    for i in range(count):
        shutil.copytree(SOLUTIONS, folder / f"student{i:04d}",
                        ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def baseline(count: int, parallel: int) -> float:
    def start(_):
        subprocess.run([sys.executable, "-c", "import numpy"], check=True)

    began = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(start, range(count)))
    return time.perf_counter() - began


def _tree_rss(pid: int) -> int:
    """Resident kilobytes of ``pid`` and all its descendants."""
    total, frontier = 0, [pid]
    while frontier:
        current = frontier.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    frontier += [int(c) for c in children.read().split()]
        except (OSError, ValueError):
            pass
    return total


def grade(submissions: Path, out: Path, jobs: int) -> tuple:
    command = [sys.executable, "-m", "grader", "grade", str(submissions), "--out", str(out),
               "--json", str(out.with_suffix(".json")), "--jobs", str(jobs), "--quiet"]
    began = time.perf_counter()
    environment = {**os.environ, "BPGRADE_SECRET": "benchmark"}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)   # the warm-up leaves bytecode, as installs do
    process = subprocess.Popen(command, env=environment)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.01)
    elapsed = time.perf_counter() - began
    if process.returncode != 0:
        raise SystemExit(f"grading failed with exit code {process.returncode}")
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.chmod(tmp, 0o755)
        small = make_class(tmp / "small", max(1, args.students // 10))
        full = make_class(tmp / "full", args.students)
        grade(full, tmp / "warm.csv", args.jobs)                       # warm the caches
        grade_times, base_times, peaks = [], [], {}
        for _ in range(args.repeats):
            base_times.append(baseline(args.students, 2))
            elapsed, peak = grade(full, tmp / "grades.csv", args.jobs)
            grade_times.append(elapsed)
            peaks.setdefault("full", []).append(peak)
            peaks.setdefault("small", []).append(grade(small, tmp / "small.csv", args.jobs)[1])
        isolation = json.loads((tmp / "grades.json").read_text())["isolation"]
        rows = (tmp / "grades.csv").read_text().splitlines()
        assert len(rows) == args.students + 1
        assert all(r.split(",")[-2] == r.split(",")[-1] for r in rows[1:]), "a solution failed"
    grade_median, base_median = statistics.median(grade_times), statistics.median(base_times)
    print(f"students: {args.students}, jobs: {args.jobs}, repeats: {args.repeats}")
    print(f"isolation: {isolation['mode']}; missing: {', '.join(isolation['missing']) or 'none'}")
    print(f"bpgrade grade, median:                       {grade_median:.3f} s")
    print(f"{args.students} x python -c 'import numpy' (2 at a time): {base_median:.3f} s")
    print(f"ratio: {grade_median / base_median:.3f} (target <= 0.25)")
    small_peak, full_peak = statistics.median(peaks["small"]), statistics.median(peaks["full"])
    print(f"peak RSS of the grading processes: {small_peak / 1024:.0f} MB for "
          f"{max(1, args.students // 10)} students, {full_peak / 1024:.0f} MB for {args.students}")


if __name__ == "__main__":
    main()
