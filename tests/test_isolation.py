"""Classroom isolation on this machine: what a student's process can see and do, as root,
as root of a user namespace (the path an ordinary user's grading takes), and trusting a
disposable container; and the refusal where no sandbox can be built."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import grader
from grader import classroom, sandbox
from grader.steps import registry
from grader.errors import UsageError
from grader.sandbox import isolation as isolation_module

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
SECRET = "isolation-test-secret"

# A student who reports what the sandbox lets it see, then answers step 1 rightly.
PROBE = '''
import json, os, socket, sys

def step1(net):
    facts = {{"uid": os.getuid(), "pid": os.getpid(),
             "outer_uid": int(open("/proc/self/uid_map").read().split()[1])}}
    def can(action):
        try:
            action()
            return True
        except Exception:
            return False
    facts["reads_grader"] = can(lambda: open({grader!r}).read())
    facts["reads_secret"] = can(lambda: open({secret!r}).read())
    facts["reads_classmate"] = can(lambda: open({classmate!r}).read())
    facts["imports_grader"] = can(lambda: __import__("grader.checking.check"))
    facts["network"] = can(lambda: socket.create_connection(("127.0.0.1", {port}), timeout=1))
    facts["writes_submission"] = can(lambda: open("step01.py", "a").write("#"))
    facts["processes"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit()) \\
        if os.path.isdir("/proc") else []
    facts["env"] = sorted(os.environ)
    print("FACTS" + json.dumps(facts))
    return net.y - net.y_target
'''


def _class(base: Path, port: int) -> Path:
    submissions = base / "course" / "submissions"
    for name in ("probe", "classmate"):
        shutil.copytree(SOLUTIONS, submissions / name)
    secret = base / "course" / "bpgrade.toml"
    secret.write_text(f'[grade]\nsecret = "{SECRET}"\n')
    os.chmod(secret, 0o600)
    (submissions / "probe" / "step01.py").write_text(PROBE.format(
        grader=str(Path(grader.__file__).parent / "checking" / "check.py"), secret=str(secret),
        classmate=str(submissions / "classmate" / "step02.py"), port=port))
    return submissions


def _facts(json_path: Path) -> dict:
    students = json.loads(json_path.read_text())["students"]
    record = next(s for s in students if s["student"] == "probe")
    step1 = next(r for r in record["results"] if r["step"] == "step1")
    assert step1["status"] == "passed", step1
    line = next(line for line in step1["output"].splitlines() if line.startswith("FACTS"))
    return json.loads(line[len("FACTS"):])


@pytest.fixture
def listener():
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.1)
    yield server
    server.close()


def _accepted(server) -> bool:
    try:
        server.accept()[0].close()
        return True
    except OSError:
        return False


def _assert_sandboxed(facts: dict) -> None:
    assert facts["uid"] != 0
    assert not facts["reads_grader"] and not facts["imports_grader"]
    assert not facts["reads_secret"] and not facts["reads_classmate"]
    assert not facts["network"] and not facts["writes_submission"]
    assert facts["processes"] == [facts["pid"]] == [1]      # alone in its PID namespace
    assert "BPGRADE_SECRET" not in facts["env"]


def test_every_protection_holds(tmp_path, listener):
    """As root (CI) with a uid per job; as an ordinary user through a user namespace."""
    submissions = _class(tmp_path, listener.getsockname()[1])
    out = tmp_path / "out" / "grades.csv"
    summary = classroom.grade(submissions, out, secret=SECRET, json_path=out.with_suffix(".json"),
                              jobs=1)
    assert summary.isolation.mode == "namespaces"
    # as root nothing is missing; without, a memory cgroup per student may be
    assert set(summary.isolation.missing) <= (set() if isolation_module.jail.host_root()
                                              else {"memory_per_student"})
    facts = _facts(out.with_suffix(".json"))
    _assert_sandboxed(facts)
    if isolation_module.jail.host_root():          # the job's uid, seen from outside
        assert facts["outer_uid"] == summary.isolation.user(0)[0]
    assert not _accepted(listener)
    data = json.loads(out.with_suffix(".json").read_text())
    assert data["isolation"] == summary.isolation.to_dict()


def _enter_user_namespace():
    """In the child before exec: root only of a new user namespace, as rootless containers
    and an ordinary user's grading are."""
    from bpgrade_harness import jail

    uid, gid = os.getuid(), os.getgid()
    jail.unshare(jail.CLONE_NEWUSER)
    jail._map_self(0, 0, uid, gid)


def test_inside_a_user_namespace_every_protection_holds(tmp_path, listener):
    submissions = _class(tmp_path, listener.getsockname()[1])
    out = tmp_path / "out" / "grades.csv"
    code = ("import sys; from grader import classroom; "
            "classroom.grade(sys.argv[1], sys.argv[2], secret=sys.argv[3], "
            "json_path=sys.argv[2] + '.json', jobs=2)")
    done = subprocess.run([sys.executable, "-c", code, str(submissions), str(out), SECRET],
                          preexec_fn=_enter_user_namespace, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(Path(str(out) + ".json").read_text())
    assert data["isolation"]["mode"] == "namespaces"
    facts = _facts(Path(str(out) + ".json"))
    _assert_sandboxed(facts)
    assert not _accepted(listener)
    rows = out.read_text().splitlines()[1:]
    assert all(row.split(",")[-2] == row.split(",")[-1] for row in rows)


def test_without_namespaces_grading_refuses_unless_trusted(monkeypatch):
    monkeypatch.setattr(isolation_module.jail, "probe",
                        lambda lang="en": "unshare: Operation not permitted")
    for lang, needle in (("en", "--trust-submissions"), ("zh", "--trust-submissions")):
        with pytest.raises(UsageError) as refused:
            sandbox.choose(False, lang)
        assert needle in str(refused.value) and "Operation not permitted" in str(refused.value)
    trusted = sandbox.choose(True, "en")
    assert trusted.mode == "process"
    assert "pid_namespace" in trusted.missing and "fresh_process" not in trusted.missing
    assert "--trust-submissions" in trusted.describe("en")


def test_the_protections_are_named_in_the_chosen_language():
    isolation = sandbox.Isolation("process", {"fresh_process": True})
    english, chinese = isolation.describe("en"), isolation.describe("zh")
    assert "protections: a fresh process" in english and "PID namespace" in english
    assert "已启用：全新进程" in chinese and "PID 命名空间" in chinese
    assert "_" not in english.replace("--trust-submissions", "") + chinese


def test_trusting_the_container_still_runs_a_fresh_process_under_its_own_uid(tmp_path,
                                                                             listener):
    submissions = _class(tmp_path, listener.getsockname()[1])
    out = tmp_path / "out" / "grades.csv"
    trusted = isolation_module.Isolation("process", isolation_module._process())
    summary = classroom.grade(submissions, out, secret=SECRET, json_path=out.with_suffix(".json"),
                              jobs=1, isolation=trusted)
    facts = _facts(out.with_suffix(".json"))
    assert not facts["imports_grader"]                  # not in its memory, not importable
    assert "BPGRADE_SECRET" not in facts["env"]
    if isolation_module.jail.host_root():
        assert not facts["reads_secret"]                # 0600, and another uid
        assert facts["outer_uid"] == trusted.user(0)[0] != 0 and facts["uid"] != 0
        assert not facts["writes_submission"]
    else:                                               # the same uid: said, not hidden
        assert {"own_uid", "read_only_submission"} <= set(trusted.missing)
    assert summary.isolation.mode == "process"
    assert json.loads(out.with_suffix(".json").read_text())["isolation"]["missing"]


def test_what_the_sandbox_needs_stays_visible_when_it_lives_under_tmp(tmp_path, monkeypatch):
    """A checkout or a virtual environment under /tmp: the student's private /tmp must not
    hide the harness or numpy from the sandbox (they are put back, read-only)."""
    import bpgrade_harness
    from grader.sandbox import runner as runner_module

    home = tmp_path / "checkout"
    shutil.copytree(Path(bpgrade_harness.__file__).parent, home / "bpgrade_harness",
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(runner_module.bpgrade_harness, "__file__",
                        str(home / "bpgrade_harness" / "__init__.py"))
    student = tmp_path / "student"
    shutil.copytree(SOLUTIONS, student)
    (student / "step01.py").write_text(
        "import os\n\ndef step1(net):\n"
        f"    print(sorted(os.listdir({str(home / 'bpgrade_harness')!r})))\n"
        "    open('/tmp/scratch', 'w').write('mine')\n"
        f"    print(os.access({str(home / 'bpgrade_harness' / 'jail.py')!r}, os.W_OK))\n"
        "    return net.y - net.y_target\n")
    isolation = sandbox.choose(False, "en")
    client = sandbox.RunnerClient(2.0, "en", None, isolation.user(0), isolation.mode)
    try:
        results = classroom.grade_student(client, "s", student, SECRET, "en",
                                          steps=[registry.get("step1")])
    finally:
        client.close()
    assert results[0].status == "passed", results[0]
    listing, writable = results[0].output.splitlines()[:2]
    assert "'jail.py'" in listing and "'runner.py'" in listing
    assert writable == "False"


def test_a_refused_grade_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(isolation_module.jail, "probe",
                        lambda lang="en": "unshare: Operation not permitted")
    submissions = _class(tmp_path, 9)
    out = tmp_path / "out" / "grades.csv"
    with pytest.raises(UsageError, match="--trust-submissions"):
        classroom.grade(submissions, out, secret=SECRET, jobs=1)
    assert not (tmp_path / "out").exists()
