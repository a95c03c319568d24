"""Grading one student (inside a job): their problems, their steps in a safe order, the record."""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from pathlib import Path

from bpgrade_harness import child as harness_child

from ..steps import registry
from ..checking.check import FURTHER_PROBLEMS, ProblemSet, Result, answer_keys, contexts_for, judge
from ..checking.problems import FurtherProblems
from ..steps.context import loss_names
from ..i18n import pick, text
from ..engine.seeds import graded_seeds, student_seed

SOURCE_LIMIT = 1 << 20            # bytes: a bigger stepNN.py is not run
RECORD_TEXT_LIMIT = 2000          # characters of error/output kept per step in the records

MESSAGES = {
    "missing": {"en": "{file} was not submitted", "zh": "没有提交 {file}"},
    "not_regular": {"en": "{file} is not a regular file (a link or a folder); it was not run",
                    "zh": "{file} 不是普通文件（是链接或目录），没有运行"},
    "too_big": {"en": "{file} is larger than {limit} bytes; it was not run",
                "zh": "{file} 超过 {limit} 字节，没有运行"},
    "crashed": {"en": "grading this student failed twice; the steps not yet graded score 0",
                "zh": "该学生评分两次失败；尚未评分的步骤记 0 分"},
}


def _source_problem(path: Path, lang: str):
    """Why a step file is not run, as a Result-worthy (status, message); None when it is
    (links are never followed: the sandbox gets a copy of the regular files only)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return "not_started", text(MESSAGES, "missing", lang, file=path.name)
    except OSError as exc:
        return "error", harness_child.unreadable(path, exc, lang)
    if not stat.S_ISREG(info.st_mode):
        return "error", text(MESSAGES, "not_regular", lang, file=path.name)
    if info.st_size > SOURCE_LIMIT:
        return "error", text(MESSAGES, "too_big", lang, file=path.name, limit=SOURCE_LIMIT)
    return None


class _GradingProblems(ProblemSet):
    """The student's problems; gradebooks show no finite-difference witness, so none is
    computed (the reference engine is tested against it on its own)."""

    def finite_difference(self, index: int) -> dict:
        return {}

    def finite_difference_for(self, step, index: int) -> dict:
        return {}


def further_problems(secret: str, run: str = "", students=()) -> FurtherProblems:
    """The further problems every student of grading run ``run`` is graded on, drawn from the
    secret and the run, which no student can compute; drawn once, with their references
    (and the training runs of the visible problems of ``students``, drawn together)."""
    return FurtherProblems(graded_seeds(secret, FURTHER_PROBLEMS, run),
                           [student_seed(secret, student) for student in students])


def graded_problems(secret: str, student: str, run: str = "",
                    further: FurtherProblems | None = None) -> ProblemSet:
    """The student's visible problem (the one on their sheet) and the run's further problems
    (``further``, else drawn here: :func:`further_problems`)."""
    if further is None:
        further = further_problems(secret, run)
    return _GradingProblems(student_seed(secret, student), shared=further)


def unpredictable_problems(seed: int) -> ProblemSet:
    """The visible problem ``seed`` and further ones drawn from fresh randomness, known to this
    process alone: where the visible seed is no secret (PrairieLearn shows a variant's seed
    on the student's page) and no course secret is at hand, the further problems still cannot
    be computed or learnt from an earlier grading."""
    import secrets

    return _GradingProblems(seed, shared=further_problems(secrets.token_hex(32)))


def new_run() -> str:
    """A grading run's nonce: the further problems are drawn anew for each run."""
    import secrets

    return secrets.token_hex(8)


def grade_student(client, student: str, folder: Path, secret: str, lang: str,
                  steps=None, run: str = "", problem_set: ProblemSet | None = None,
                  further: FurtherProblems | None = None) -> list:
    """Result per step for one student (``run``: the grading run's nonce; ``further``: its
    further problems, drawn already; ``problem_set``: their problems, by default
    :func:`graded_problems` of the secret)."""
    steps = tuple(steps or registry.STEPS)
    client.start_student(folder, len(steps))          # the child starts while we draw
    if problem_set is None:
        problem_set = graded_problems(secret, student, run, further)
    results, held, child = {}, set(), None
    try:
        for batch in _plan(steps):
            if child != client.spawned:                # a fresh child holds nothing yet
                held, child = set(), client.spawned
            if held & {quantity for step in batch for _, quantity in step.answer_items}:
                client.fresh_child()                   # never ask for what it once held
                held, child = set(), client.spawned
            held |= {name for step in batch for name in step.context}
            runnable = []
            for step in batch:
                problem = _source_problem(folder / step.file_name, lang)
                if problem is None:
                    runnable.append((step, contexts_for(step, problem_set, lang)))
                    continue
                status, message = problem
                results[step.id] = Result(step=step.id, status=status, score=0.0,
                                          max_score=step.points, title=pick(step.title, lang),
                                          problems=len(problem_set.problems), message=message)
            outcomes = client.run_many([
                harness_child.step_request(step.function_name, contexts,
                                           answer_keys(step, problem_set),
                                           loss_names(step.id), file=step.file_name)
                for step, contexts in runnable]) if runnable else []
            for (step, contexts), outcome in zip(runnable, outcomes):
                results[step.id] = judge(step, problem_set, outcome, lang, contexts)
    finally:
        client.end_student()
    return [results[step.id] for step in steps]


@lru_cache(maxsize=8)
def _plan(steps: tuple) -> tuple:
    """The batches of :func:`grading_order`, the same for every student of a class."""
    return tuple(map(tuple, batches(grading_order(steps))))


def grading_order(steps) -> list:
    """The steps so that none is asked for an answer an earlier step's ``net`` held (step17
    holds every gradient step18 computes): registry order, each step moved only as far
    forward as that needs. Where no order can (a cycle), :func:`grade_student` starts a
    fresh child instead."""
    steps = list(steps)
    answers = {step.id: {quantity for _, quantity in step.answer_items} for step in steps}
    before = {step.id: {other.id for other in steps if other is not step
                        and answers[other.id] & set(step.context)
                        and not answers[step.id] & set(other.context)} for step in steps}
    ordered, placed = [], set()
    while len(ordered) < len(steps):
        ready = [step for step in steps if step.id not in placed and before[step.id] <= placed]
        if not ready:
            return steps
        ordered.append(ready[0])
        placed.add(ready[0].id)
    return ordered


def batches(steps) -> list:
    """Consecutive steps that may be sent to a child together: no step's answer is in any
    of their contexts, so the child never holds an answer it is asked for."""
    groups, group, answered, seen = [], [], set(), set()
    for step in steps:
        answers = {quantity for _, quantity in step.answer_items}
        if group and (answered & set(step.context) or answers & seen):
            groups.append(group)
            group, answered, seen = [], set(), set()
        group.append(step)
        answered |= answers
        seen |= set(step.context)
    if group:
        groups.append(group)
    return groups


def _clip(value: str, limit: int = RECORD_TEXT_LIMIT) -> str:
    value = value or ""
    if len(value) <= limit:
        return value
    half = limit // 2                               # the head, and the tail with the exception
    return value[:half] + "\n…\n" + value[-half:]


def _clip_parts(parts: list) -> list:
    """The output by problem, kept within about the limit of the whole output."""
    each = max(200, RECORD_TEXT_LIMIT // max(len(parts), 1))
    return [{"problem": part["problem"], "text": _clip(part["text"], each)} for part in parts]


def record_for(student: str, seed: int, results: list) -> dict:
    """The plain record kept per student (progress file, JSON gradebook)."""
    return {
        "student": student, "seed": seed,
        "score": round(sum(r.score for r in results), 6),
        "max_score": sum(r.max_score for r in results),
        "results": [{"step": r.step, "status": r.status, "score": r.score,
                     "max_score": r.max_score,
                     "fraction": round(r.score / r.max_score, 6) if r.max_score else 0.0,
                     "message": r.message, "diagnosis": r.diagnosis,
                     "error": _clip(r.error), "output": _clip(r.output),
                     "output_parts": _clip_parts(r.output_parts),
                     "visible": visible_rows(r)} for r in results],
    }


def visible_rows(result: Result) -> list:
    """The wrong values of a failed step on the student's visible problem, for their feedback;
    none where the first wrong problem is a further one: those come from the course secret
    and are never shown."""
    if result.status != "failed" or not result.shown_visible:
        return []
    wrong = [row for row in result.rows if not row.passed]
    step = registry.BY_ID.get(result.step)
    if step is not None and step.arrays:       # the first wrong entry of each array, as check
        wrong = list({row.key.partition("[")[0]: row for row in reversed(wrong)}.values())[::-1]
    return [{"key": row.key, "expected": row.expected, "received": row.received}
            for row in wrong]


def crash_record(student: str, seed: int, lang: str, steps) -> dict:
    message = text(MESSAGES, "crashed", lang)
    return record_for(student, seed, [
        Result(step=step.id, status="error", score=0.0, max_score=step.points,
               title=pick(step.title, lang), message=message) for step in steps])
