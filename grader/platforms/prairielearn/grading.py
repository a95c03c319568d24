"""The external grader's entrypoint: grade a code question's files, write results.json.

PrairieLearn's grader container holds ``/grade/data/data.json`` (the variant's data: our
server.py put bpgrade's seed in ``params.seed``), ``/grade/student`` (the files of the
``pl-file-editor``) and ``/grade/serverFilesCourse`` (this package and the harness); the
entrypoint ``serverFilesCourse/bpgrade_grade.sh STEP...`` runs ``python3 -m`` this module.

Grading is Gradescope's (:func:`grader.platforms.gradescope.grade_submission`, the same
sandboxed harness, the same per-step texts of :func:`~grader.platforms.gradescope.results_json`),
on the variant's problem and on further problems drawn from fresh randomness for this grading
alone (:func:`grader.classroom.student.unpredictable_problems`): the variant's seed is no secret
(it is on the student's page), and no course secret is needed. results.json follows
PrairieLearn's external grading format: ``gradable``, ``score`` (0 to 1), ``message``,
``output`` and ``tests`` (``name``, ``points``, ``max_points``, ``output``); every text is
plain, and PrairieLearn's ``pl-external-grader-results`` escapes it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ...errors import BpgradeError, UsageError
from ...i18n import LANGUAGES, text
from ...sandbox.outcome import DEFAULT_TIMEOUT

ROOT = Path("/grade")

MESSAGES = {
    "no_data": {"en": "cannot read the question's data at {path}: {reason}",
                "zh": "无法读取题目数据 {path}：{reason}"},
    "no_seed": {"en": "the question's data has no bpgrade seed in params.seed: was the question "
                      "written by bpgrade export prairielearn?",
                "zh": "题目数据的 params.seed 中没有 bpgrade 种子：这道题是由 bpgrade export "
                      "prairielearn 生成的吗？"},
    "not_graded": {"en": "bpgrade could not grade this submission: {reason}",
                   "zh": "bpgrade 无法批改这份提交：{reason}"},
}


def seed_of(data: dict, lang: str = "en") -> int:
    """The seed server.py drew the variant's problem from (``params.seed``)."""
    seed = (data.get("params") or {}).get("seed") if isinstance(data, dict) else None
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(text(MESSAGES, "no_seed", lang))
    return seed


def read_data(root: Path, lang: str = "en") -> dict:
    path = Path(root) / "data" / "data.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(text(MESSAGES, "no_data", lang, path=path, reason=exc)) from None


def results(record: dict, lang: str = "en", output: str = "") -> dict:
    """PrairieLearn's results.json for one graded record: Gradescope's texts, renamed;
    ``output``: what the grading says of itself (the protections in force)."""
    from ..gradescope import results_json

    scored = results_json(record, lang)
    most = record["max_score"]
    return {
        "gradable": True,
        "score": round(record["score"] / most, 6) if most else 0.0,
        "message": scored["output"],
        "output": output,
        "tests": [{"name": test["name"], "points": test["score"],
                   "max_points": test["max_score"], "output": test["output"]}
                  for test in scored["tests"]],
    }


def grade(root: Path, steps, lang: str = "en", timeout: float = DEFAULT_TIMEOUT) -> dict:
    """Grade ``root``/student's files for ``steps`` (ids) on the variant's problem."""
    from ... import sandbox
    from ...classroom.student import unpredictable_problems
    from ...steps import registry
    from ..gradescope import grade_submission, submission_folder

    chosen = [registry.get(step, lang) for step in steps]
    seed = seed_of(read_data(root, lang), lang)
    folder = submission_folder(Path(root) / "student", lang)
    isolation = sandbox.choose(True, lang)        # the grading container is disposable
    record = grade_submission(folder, f"seed {seed}", "", lang, timeout, isolation=isolation,
                              steps=chosen, problem_set=unpredictable_problems(seed))
    return results(record, lang, isolation.describe(lang))


def not_graded(reason: str, lang: str) -> dict:
    """A results.json for a submission bpgrade could not grade: not gradable, so it costs the
    student no attempt; the reason is for the course staff."""
    message = text(MESSAGES, "not_graded", lang, reason=reason)
    return {"gradable": False, "format_errors": [message], "message": message}


def write_results(root: Path, data: dict) -> Path:
    from ...atomic_write import write_atomically
    from ...classroom import _text_json

    path = Path(root) / "results" / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, _text_json(data).encode("utf-8"))
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="bpgrade_grade.sh",
        description="Grade a bpgrade code question inside PrairieLearn's external grader. / "
                    "在 PrairieLearn 外部评分器中批改 bpgrade 编程题。")
    parser.add_argument("steps", nargs="+",
                        help="The question's steps, e.g. step7. / 题目的步骤，例如 step7。")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="The grading job's folder (default /grade). / "
                             "评分任务的文件夹（默认 /grade）。")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help="Seconds one step may run. / 一步最多运行的秒数。")
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="Language of the results. / 结果的语言。")
    options = parser.parse_args(argv)
    code = 0
    try:
        data = grade(options.root, options.steps, options.lang, options.timeout)
    except BpgradeError as exc:
        data, code = not_graded(str(exc), options.lang), exc.exit_code
        print(data["message"], file=sys.stderr)
    write_results(options.root, data)
    return code


if __name__ == "__main__":
    sys.exit(main())
