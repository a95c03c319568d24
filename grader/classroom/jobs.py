"""Grading the whole class: jobs in parallel, each with its own runner, resumable.

Each job is a process of the grading side (forked: it may hold the secret) that starts a
runner, a fresh interpreter that never held the job's state, which gives each student a
sandbox of their own (:mod:`grader.sandbox`). The main process draws the run's further
problems with their references once, before it forks the jobs (each job holds them, read
only, and draws only each student's visible problem), hands students to the jobs, keeps their
records in the progress file and writes the gradebooks at the end.
"""

from __future__ import annotations

import collections
import json
import os
import select
import signal
import threading
import time
from pathlib import Path

from bpgrade_harness import child as harness_child, jail, runner as harness_runner, wire

from ..steps import registry
from .. import sandbox
from ..atomic_write import write_atomically
from ..sandbox import memory
from ..engine.seeds import student_seed
from ..records import Record, factory
from ..roster import read_table
from .feedback import feedback_markdown
from .folders import check_output_folder, feedback_name, output_folders, students_in
from .gradebook import (_header, _open_progress, _read_progress, _records, canvas_csv,
                        gradebook_csv, gradebook_json, not_on_roster, progress_path)
from .student import crash_record, further_problems, grade_student, new_run, record_for
from .summary import Summary


class Settings(Record):
    secret: str
    isolation: sandbox.Isolation
    lang: str = "en"
    timeout: float = sandbox.DEFAULT_TIMEOUT
    limits: sandbox.Limits = factory(sandbox.Limits)
    feedback: Path | None = None
    run: str = ""
    run_pid: int = 0                  # the grading process: its memory cgroups' folder
    further: object = None            # the run's FurtherProblems, drawn before the jobs fork


def _job_main(task_fd: int, result_fd: int, settings: Settings, index: int) -> None:
    """A grading job: starts its runner (a fresh interpreter), then grades students."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    isolation = settings.isolation
    client = sandbox.RunnerClient(settings.timeout, settings.lang, settings.limits,
                                  isolation.user(index), isolation.mode, isolation.quota,
                                  settings.run_pid)
    try:
        while True:
            payload, why = wire.receive(task_fd, None, 1 << 24)
            if why is not None:
                break
            task = json.loads(payload)
            if task is None:
                break
            student, folder = task["student"], Path(task["folder"])
            seed = student_seed(settings.secret, student)
            results = grade_student(client, student, folder, settings.secret, settings.lang,
                                    run=settings.run, further=settings.further)
            record = record_for(student, seed, results)
            if settings.feedback is not None:
                write_atomically(Path(settings.feedback) / feedback_name(student),
                                 feedback_markdown(record, settings.lang).encode("utf-8",
                                                                                 "replace"))
            wire.send(result_fd, json.dumps(record).encode("ascii"))
    finally:
        client.close()


class _Job:
    """A process of the grading side (forked: it may hold the secret) with its own runner.
    The kernel ends it when the main process ends, however that ends."""

    def __init__(self, settings: Settings, index: int):
        task_r, self.task_w = os.pipe()
        self.result_r, result_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                jail.die_with_parent()
                jail.undumpable()
                harness_child.close_other_fds({task_r, result_w})
                _job_main(task_r, result_w, settings, index)
            except BaseException:              # the main process retries this student
                status = 70
            os._exit(status)
        os.close(task_r)
        os.close(result_w)
        self.pid, self.index, self.student = pid, index, None

    def give(self, student: tuple) -> None:
        self.student = student
        wire.send(self.task_w, json.dumps({"student": student[0],
                                           "folder": str(student[1])}).encode("utf-8"))

    def stop(self, kill: bool = False) -> None:
        """Finish (or, with ``kill``, end at once: its runner and children follow)."""
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
        else:
            try:
                wire.send(self.task_w, b"null", time.monotonic() + 5)
            except OSError:
                pass
        for fd in (self.task_w, self.result_r):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def grade(submissions, out, *, secret: str, json_path=None, feedback=None, canvas=None,
          canvas_column: str = "bpgrade", jobs: int | None = None,
          timeout: float = sandbox.DEFAULT_TIMEOUT, resume: bool = False, lang: str = "en",
          limits: sandbox.Limits | None = None, trust_submissions: bool = False,
          isolation: sandbox.Isolation | None = None, on_student=None, roster=None,
          id_column: str | None = None) -> Summary:
    """Grade every student folder in ``submissions``; write the gradebooks; the class summary.

    ``on_student(record)`` is called as each student finishes (a progress bar). Student code
    is isolated as :func:`grader.sandbox.choose` decides (``isolation`` when given); where
    the machine cannot isolate it, grading refuses unless ``trust_submissions``. The
    summary's ``isolation`` says which protections were active.

    ``roster`` (a course roster's CSV, its id column found by :mod:`grader.roster` or named
    by ``id_column``) makes the Canvas CSV one row per student on it; it is read before
    anything is written, and the summary's ``not_on_roster`` lists the students it lacks.
    """
    steps = list(registry.STEPS)
    students = students_in(submissions, lang)
    roster_rows = None if roster is None else read_table(roster, lang, id_column)[1]
    isolation = isolation or sandbox.choose(trust_submissions, lang)   # refuses before writing
    out = Path(out)
    for folder in output_folders(out, json_path, canvas, feedback):
        check_output_folder(folder, lang)
    progress = progress_path(out)
    run = new_run()
    header = _header(secret, steps, run)
    offsets, good = {}, 0
    if resume and os.path.lexists(progress):
        # the students still to grade get further problems of their own run: what feedback
        # written before the interruption showed is no key to them
        offsets, good, _ = _read_progress(progress, header, lang)
        with _open_progress(progress, "r+b", lang) as handle:   # drop a record cut off by a kill
            handle.truncate(good)
    else:
        with _open_progress(progress, "wb", lang) as handle:
            handle.write((json.dumps(header) + "\n").encode("utf-8"))
    summary = Summary(steps)
    for record in _records(progress, offsets, lang):
        summary.add(record)
    todo = [student for student in students if student[0] not in offsets]
    summary.isolation = isolation
    if roster_rows is not None:
        summary.not_on_roster = not_on_roster([student for student, _ in students], roster_rows)
    settings = Settings(secret=secret, isolation=isolation, lang=lang, timeout=timeout,
                        limits=limits or sandbox.Limits(), feedback=feedback, run=run,
                        run_pid=os.getpid(),
                        further=_drawn_once(secret, run, [s for s, _ in todo]) if todo else None)
    if isolation.quota:
        memory.remove_stale()
    handle = _open_progress(progress, "ab", lang)
    previous = signal.signal(signal.SIGTERM, _interrupt) \
        if threading.current_thread() is threading.main_thread() else None
    jail.undumpable()                   # the secret is in this process: no ptrace, no environ
    try:
        _run_jobs(todo, settings, jobs, handle, offsets, summary, on_student, steps)
    finally:
        if isolation.quota:
            memory.remove_run(os.getpid())
        jail.undumpable(False)
        handle.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    write_atomically(out, gradebook_csv(_records(progress, offsets, lang), steps))
    if json_path is not None:
        write_atomically(Path(json_path), gradebook_json(_records(progress, offsets, lang), steps,
                                                        isolation.to_dict()))
    if canvas is not None:
        write_atomically(Path(canvas), canvas_csv(_records(progress, offsets, lang),
                                                  canvas_column, summary.max_score, roster_rows))
    os.unlink(progress)
    return summary


def _drawn_once(secret: str, run: str, students: list):
    """The run's further problems and their references, and the costliest draw of the
    ``students``' visible problems (step22's training runs, drawn together), made in this
    process so that every job inherits them. numpy loads here when nothing loaded it before,
    with one BLAS thread: the jobs draw only small problems, and idle threads spin (about 4 %
    of a class's grading time)."""
    saved = {name: os.environ.get(name) for name in harness_child.ONE_THREAD}
    os.environ.update(harness_child.ONE_THREAD)
    try:
        return further_problems(secret, run, students)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _interrupt(signum, frame):
    raise KeyboardInterrupt          # SIGTERM stops grading as Ctrl-C does: every job ends


def _run_jobs(todo, settings, jobs, handle, offsets, summary, on_student, steps) -> None:
    if not todo:
        return
    count = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    queue = collections.deque(todo)
    attempts = collections.Counter()
    workers, finished = [], False
    try:
        workers = [_Job(settings, index) for index in range(count)]
        busy = {}
        for job in workers:
            if queue:
                job.give(queue.popleft())
                busy[job.result_r] = job
        while busy:
            ready, _, _ = select.select(list(busy), [], [])
            for fd in ready:
                job = busy.pop(fd)
                payload, why = wire.receive(fd, None, 1 << 28)
                student = job.student
                if why is None:
                    record = json.loads(payload)
                else:                              # the job died: one more try, then zeros
                    attempts[student[0]] += 1
                    job.stop(kill=True)
                    workers.remove(job)
                    job = _Job(settings, job.index)
                    workers.append(job)
                    if attempts[student[0]] < 2:
                        job.give(student)
                        busy[job.result_r] = job
                        continue
                    record = crash_record(student[0], student_seed(settings.secret, student[0]),
                                           settings.lang, steps)
                line = (json.dumps(record) + "\n").encode("ascii")
                offsets[record["student"]] = handle.tell()
                handle.write(line)
                handle.flush()
                summary.add(record)
                if on_student is not None:
                    on_student(record)
                if queue:
                    job.give(queue.popleft())
                    busy[job.result_r] = job
        finished = True
    finally:
        for job in workers:
            job.stop(kill=not finished)
        if not finished:
            _end_students(settings.isolation, count)


def _end_students(isolation, jobs: int) -> None:
    """After an interruption: without namespaces, what student code left running was handed
    to init when its runner died; as root, each job's uid still names it."""
    if isolation.mode == "namespaces":
        return                           # the kernel ended each student's namespace
    for index in range(jobs):
        user = isolation.user(index)
        if user is not None:
            harness_runner.kill_user(user[0])
