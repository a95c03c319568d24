"""Practice sheets: 100 roster sheets against one sheet, measured in the same run.

    python tests/benchmarks/bench_sheets.py [--students 100] [--repeats 5]

Prints the median seconds of one interactive HTML sheet (problem generation, reference values,
view-model and rendering), of a 100-student roster (sheets only, and sheets plus keys), and
the ratio of each roster to one sheet. A ratio near the student count (or the file count)
means the roster adds no overhead of its own.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from grader.render import sheets  # noqa: E402


def median_seconds(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    sheets.sheet(0, "html", "en", "interactive")          # warm: templates compiled once
    one = median_seconds(lambda: sheets.sheet(1, "html", "en", "interactive"), args.repeats * 4)
    one_tex = median_seconds(lambda: sheets.sheet(1, "tex", "en", "key"), args.repeats * 4)

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        roster = folder / "roster.csv"
        roster.write_text("student\n" + "".join(f"student-{i:03d}\n"
                                                for i in range(args.students)), encoding="utf-8")
        counter = iter(range(10 ** 6))

        def run(answers: bool):
            return lambda: sheets.roster(roster, folder / f"out{next(counter)}", "bench",
                                         answers=answers)

        sheets_only = median_seconds(run(False), args.repeats)
        with_keys = median_seconds(run(True), args.repeats)

    print(f"one sheet (html, interactive)      median {one * 1000:8.2f} ms")
    print(f"one sheet (tex, key)               median {one_tex * 1000:8.2f} ms")
    for name, seconds in ((f"{args.students} roster sheets (html)", sheets_only),
                          (f"{args.students} roster sheets + keys (html)", with_keys)):
        ratio = seconds / one
        print(f"{name:34s} median {seconds:8.3f} s   ratio to one sheet {ratio:7.1f}"
              f"  (per student {ratio / args.students:.2f})")


if __name__ == "__main__":
    main()
