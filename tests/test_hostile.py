"""Hostile submissions against classroom grading, beyond the corpus in tests/adversarial.

Each test is an attack written as a student who read bpgrade's source would write it, and
checks that it earns no mark it did not compute and touches no one else:

* a lookup table built with the public package (the visible problem and the problems
  ``trial_seeds`` derives from it): right on the visible problem only;
* answers kept in scratch space (/tmp, /dev/shm, the working folder) for a second run;
* SIGKILL and SIGSTOP to every process it can name, while classmates are graded;
* the network: TCP and UDP to a server the test runs on 127.0.0.1, an abstract UNIX socket
  between two students graded at the same time;
* Markdown and HTML in a returned object's class name, an exception, printed output and
  the student's id, against the feedback files;
* the course secret: bpgrade.toml beside the class and up from the working folder, every
  /proc/*/cmdline and /proc/*/environ, the environment;
* SIGTERM and SIGINT to ``bpgrade grade`` while students block with those signals ignored:
  nothing of theirs may outlive the grade;
* answers carried forward: from step17's ``net`` (which holds every parameter gradient)
  to step18, through scratch files, an unguarded module or the kernel's keyrings; from one
  student to the next through the keyrings; from printed output to a resubmission;
* the further problems every student of a run shares: printed on each problem, they are the
  same for every student of the run, another (or a resumed) run's differ, and feedback shows
  what was printed on the visible problem only;
* memory: children that each stay within the limit, together far beyond it.

The corpus cases frames_and_gc, import_routes, solutions_on_disk, blocks_ignoring_sigterm,
process_chain and forged_replies (tests/test_classroom.py) cover the rest.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow      # grades whole classes; python -m pytest -m 'not slow' skips

from conftest import alive, descendants
from grader import classroom, sandbox
from grader.steps import registry
from grader.checking.check import ProblemSet
from grader.engine.generators import trial_seeds
from grader.sandbox.isolation import FIRST_STUDENT_UID
from grader.engine.seeds import graded_seeds, student_seed

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
CORPUS = ROOT / "tests" / "adversarial"
SECRET = "test-course-secret"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
STEPS = {step.number: step for step in registry.STEPS}
TIMEOUT = 1.5

# --- helpers --------------------------------------------------------------------------------

def make_student(folder: Path, files: dict) -> Path:
    """A correct solution, with ``files`` (name -> text) written over it."""
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def wrapped(number: int, attack: str) -> str:
    """Step ``number``'s correct solution, calling ``attack(net)`` first: when that returns
    something other than None, it is the answer instead."""
    source = (SOLUTIONS / f"step{number:02d}.py").read_text()
    header = f"def step{number}(net):"
    assert source.count(header) == 1
    source = source.replace(header, "def _honest(net):")
    return (f"{source}\n\n{attack.strip()}\n\n\n{header}\n    found = attack(net)\n"
            f"    return _honest(net) if found is None else found\n")


def grade(submissions: Path, out_folder: Path, **options) -> dict:
    """Grade; {student: record} from the JSON gradebook."""
    out_folder.mkdir(parents=True, exist_ok=True)
    options.setdefault("jobs", 2)
    options.setdefault("timeout", TIMEOUT)
    classroom.grade(submissions, out_folder / "grades.csv", secret=SECRET,
                    json_path=out_folder / "grades.json", **options)
    data = json.loads((out_folder / "grades.json").read_text(encoding="utf-8"))
    return {record["student"]: record for record in data["students"]}


def by_step(record: dict) -> dict:
    return {item["step"]: item for item in record["results"]}


def full_marks(record: dict) -> bool:
    return record["score"] == record["max_score"] and \
        all(item["status"] == "passed" for item in record["results"])


def uid_of(pid: int):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _stat(pid: int) -> list:
    """The fields of /proc/PID/stat after the command name (state first), or []."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def identity(pid: int):
    """(pid, start time): a pid the kernel hands out again is another process."""
    fields = _stat(pid)
    return (pid, fields[19]) if len(fields) > 19 else None


def still_running(identities) -> set:
    return {pid for pid, started in identities if alive(pid) and identity(pid) == (pid, started)}


def describe(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            command = cmdline.read().replace(b"\0", b" ").decode("utf-8", "replace")[:120]
    except OSError:
        command = "?"
    return f"{pid} uid={uid_of(pid)} {command}"


def processes_of(uids) -> set:
    """Live processes (zombies aside) whose real uid is in ``uids``."""
    return {int(name) for name in os.listdir("/proc")
            if name.isdigit() and uid_of(int(name)) in uids and alive(int(name))}


# --- the attackers of the shared class -------------------------------------------------------

def lookup_table_files(student: str) -> dict:
    """Step files answering from a table the public package builds for ``student``: the
    visible problem (student_seed: on their sheet) and the 4 that trial_seeds derives."""
    seed = student_seed(SECRET, student)
    public = ProblemSet(seed)
    assert public.seeds[1:] == trial_seeds(seed, 4)
    files = {}
    for number in (1, 5, 15):
        step = STEPS[number]
        table = {}
        for reference in public.references:
            if step.returns_dict:
                answer = {key: reference[quantity] for key, quantity in step.answer_items}
            else:
                answer = reference[step.answer]
            table[(reference["x1"], reference["x2"])] = answer
        visible = (public.references[0]["x1"], public.references[0]["x2"])
        files[step.file_name] = (
            f"TABLE = {table!r}\nVISIBLE = {visible!r}\n\n\n"
            f"def {step.function_name}(net):\n"
            f"    return TABLE.get((net.x1, net.x2), TABLE[VISIBLE])\n")
    return files


KILLER = '''
import os
import signal
import time

DONE = []


def attack(net):
    """For 0.8 s: SIGKILL and SIGSTOP to every process this one may signal (-1), to every
    pid /proc lists and to every pid up to 4096 blindly; then the right answer."""
    if DONE:
        return None
    DONE.append(True)
    me, deadline, sent = os.getpid(), time.monotonic() + 0.8, 0
    while time.monotonic() < deadline:
        for number in (signal.SIGSTOP, signal.SIGKILL):
            try:
                os.kill(-1, number)
                sent += 1
            except OSError:
                pass
            pids = [int(p) for p in os.listdir("/proc") if p.isdigit()] + list(range(1, 4097))
            for pid in pids:
                if pid != me:
                    try:
                        os.kill(pid, number)
                        sent += 1
                    except OSError:
                        pass
    print(f"signals delivered: {sent}")
    return None
'''

NETWORK = '''
import errno
import os
import socket
import time

PORT = {port}
CONTACT, TRIED, DONE = [], [], []


NO_ROUTE = (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT)


def _tcp(address, port):
    """Connect and send; a refusal or a wait counts too: a route to the host exists."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as connection:
        connection.settimeout(0.3)
        try:
            connection.connect((address, port))
            connection.sendall(b"hello from a student's sandbox")
            CONTACT.append(f"tcp {{address}}:{{port}}")
        except socket.gaierror as exc:
            TRIED.append(f"tcp {{address}}: {{exc}}")
        except OSError as exc:
            if exc.errno not in NO_ROUTE:
                CONTACT.append(f"a route to {{address}}:{{port}} ({{exc}})")
            TRIED.append(f"tcp {{address}}: {{exc.strerror or exc}}")


def _udp(address, port):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as datagram:
        try:
            datagram.sendto(b"hello from a student's sandbox", (address, port))
            CONTACT.append(f"udp {{address}}:{{port}}")
        except OSError as exc:
            TRIED.append(f"udp {{address}}: {{exc.strerror or exc}}")


def _rendezvous(seconds=0.9):
    """Meet the other student on an abstract UNIX socket: whoever cannot bind the name
    (the other holds it) connects to it."""
    name = b"\\0bpgrade-rendezvous"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(name)
    except OSError:
        server.close()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(name)
            client.sendall(b"hello, classmate")
            CONTACT.append("abstract socket: connected")
        return
    server.listen(1)
    server.settimeout(0.05)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            peer, _ = server.accept()
            CONTACT.append("abstract socket: a classmate connected")
            peer.close()
            break
        except OSError:
            pass
    server.close()
    TRIED.append("abstract socket: no one came")


def attack(net):
    """Reach the grader's machine or a classmate; the right answer only if nothing got
    through (a wrong one, 0.0, as soon as anything did)."""
    if not DONE:
        DONE.append(True)
        # the test's server, then the usual host gateways and an address no one answers
        # (TEST-NET-1): any route at all shows as a refusal or a wait
        for address in ("127.0.0.1", "localhost", "::1", "10.0.2.2", "172.17.0.1",
                        "192.0.2.1"):
            try:
                _tcp(address, PORT)
            except OSError as exc:
                TRIED.append(f"tcp {{address}}: {{exc}}")
        for address in ("127.0.0.1", "::1"):
            _udp(address, PORT)
        try:
            socket.getaddrinfo("example.com", 443)
            CONTACT.append("dns answered")
        except OSError as exc:
            TRIED.append(f"dns: {{exc}}")
        _rendezvous()
        print("\\n".join(TRIED + CONTACT))
    return 0.0 if CONTACT else None
'''

HOSTILE_NAME = "X](http://evil)<script>alert(1)</script>**"
MARKDOWN_ID = "md](javascript:alert(1))<script>alert(1)**"
MARKDOWN_FILES = {
    "step01.py": f"def step1(net):\n    return type({HOSTILE_NAME!r}, (), {{}})()\n",
    "step02.py": (
        "def step2(net):\n"
        "    print('# Full marks\\n[click me](http://evil) <script>alert(1)</script>\\n'\n"
        "          '<img src=x onerror=alert(1)> **bold** ```\\n</pre><b>out</b>')\n"
        "    raise ValueError('<script>alert(2)</script> [x](http://evil) **bold**\\n# boom')\n"),
    "step15.py": ("def step15(net):\n"
                  "    return {'<script>alert(3)</script>': 1.0, '[x](http://evil)': 2.0}\n"),
}

STASH_KEY = "f'{net.x1!r},{net.x2!r}'"
STASH_ROUTES = {
    # step17's net holds every parameter gradient, step18's answer; kept where it lasts
    "scratch": ('''
import json, os

def attack(net):
    grads = {"dL_d" + p: net["dL_d" + p] for p in PARAMETERS}
    for folder in ("/tmp", "/dev/shm"):
        try:
            with open(os.path.join(folder, "bpgrade-stash-" + %s), "w") as handle:
                json.dump(grads, handle)
        except OSError:
            pass
''' % STASH_KEY, '''
import json

def step18(net):
    for folder in ("/tmp", "/dev/shm"):
        try:
            with open(folder + "/bpgrade-stash-" + %s) as handle:
                return json.load(handle)
        except OSError:
            pass
    raise LookupError("nothing kept")
''' % STASH_KEY),
    "memory": ('''
import statistics
import sys

def attack(net):
    keep = sys.modules["statistics"].__dict__.setdefault("_bpgrade_stash", {})
    keep[%s] = {"dL_d" + p: net["dL_d" + p] for p in PARAMETERS}
''' % STASH_KEY, '''
import sys

def step18(net):
    return sys.modules["statistics"].__dict__["_bpgrade_stash"][%s]
''' % STASH_KEY),
    "keyring": ('''
import ctypes, json, sys

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
ADD_KEY = {"x86_64": 248, "aarch64": 217}

def attack(net):
    import platform
    data = json.dumps({"dL_d" + p: net["dL_d" + p] for p in PARAMETERS}).encode()
    name = ("bpgrade-stash:" + %s).encode()
    libc.syscall(ADD_KEY[platform.machine()], b"user", name, data, len(data), ctypes.c_int(-4))
    sys.path.append("/nowhere")          # a changed child is retired: step18 gets a fresh one
''' % STASH_KEY, '''
import ctypes, json, platform

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
KEYCTL = {"x86_64": 250, "aarch64": 219}[platform.machine()]

def step18(net):
    import sys
    print("a fresh child:", "/nowhere" not in sys.path)
    name = ("bpgrade-stash:" + %s).encode()
    key = libc.syscall(KEYCTL, 10, ctypes.c_int(-4), b"user", name, 0)      # KEYCTL_SEARCH
    if key < 0:
        raise LookupError("no key")
    buffer = ctypes.create_string_buffer(8192)
    size = libc.syscall(KEYCTL, 11, ctypes.c_long(key), buffer, 8192)     # KEYCTL_READ
    return json.loads(buffer.raw[:size])
''' % STASH_KEY),
}


class Listener:
    """A TCP and a UDP socket on 127.0.0.1 (one ephemeral port), recording who got through."""

    def __init__(self):
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.port = self.tcp.getsockname()[1]
        self.tcp.listen(16)
        self.tcp.settimeout(0.1)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self.udp.bind(("127.0.0.1", self.port))
        except OSError:
            self.udp.close()
            self.udp = None
        else:
            self.udp.settimeout(0.1)
        self.heard, self._stop = [], threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                connection, address = self.tcp.accept()
                connection.settimeout(0.5)
                try:
                    data = connection.recv(1024)
                except OSError:
                    data = b""
                connection.close()
                self.heard.append(("tcp", address, data))
            except (socket.timeout, OSError):
                pass
            if self.udp is not None:
                try:
                    data, address = self.udp.recvfrom(1024)
                    self.heard.append(("udp", address, data))
                except (socket.timeout, OSError):
                    pass

    def close(self):
        self._stop.set()
        self._thread.join(5)
        self.tcp.close()
        if self.udp is not None:
            self.udp.close()


HONEST = ["honest_1", "honest_2", "honest_3", "honest_4"]


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    """One class: honest students graded beside a lookup table, a signal sender, two
    network attackers (graded first, at the same time), a Markdown injector and three
    students carrying step17's net to step18. Graded once, jobs=2."""
    base = tmp_path_factory.mktemp("hostile")
    submissions = base / "submissions"
    listener = Listener()
    try:
        network = NETWORK.format(port=listener.port)
        for student in ("a_net_1", "a_net_2"):            # sorted first: graded together
            make_student(submissions / student, {"step01.py": wrapped(1, network)})
        make_student(submissions / "ali", lookup_table_files("ali"))
        for student in HONEST:
            make_student(submissions / student, {})
        make_student(submissions / "killer", {f"step{n:02d}.py": wrapped(n, KILLER)
                                              for n in (1, 6, 11, 12, 17)})
        make_student(submissions / MARKDOWN_ID, MARKDOWN_FILES)
        for route, (keep, answer) in STASH_ROUTES.items():
            make_student(submissions / f"stash_{route}",
                         {"step17.py": wrapped(17, keep), "step18.py": answer})
        records = grade(submissions, base / "out", feedback=base / "out" / "feedback")
    finally:
        listener.close()
    return dict(records=records, heard=listener.heard, base=base)


# --- 4. a lookup table from the public package ---------------------------------------------

def test_public_lookup_table_is_right_on_the_visible_problem_only(hostile_class):
    seed = student_seed(SECRET, "ali")
    graded = classroom.graded_problems(SECRET, "ali")
    public = ProblemSet(seed)
    assert graded.problems[0].x.tolist() == public.problems[0].x.tolist()   # the sheet's
    assert graded.seeds[1:] == graded_seeds(SECRET, 4)       # the secret's, not the package's
    assert not set(graded.seeds[1:]) & set(trial_seeds(seed, 4))
    results = by_step(hostile_class["records"]["ali"])
    for step in ("step1", "step5", "step15"):
        assert results[step]["status"] == "failed" and results[step]["score"] == 0, step
        assert "right on your problem but not on 4 of the 4 others" in results[step]["message"]
    assert all(item["status"] == "passed" for step, item in results.items()
               if step not in ("step1", "step5", "step15"))


# --- 6. signals to classmates ------------------------------------------------------------------

def test_signals_reach_no_classmate(hostile_class):
    records = hostile_class["records"]
    for student in HONEST:
        assert full_marks(records[student]), student
    killer = by_step(records["killer"])
    for step in ("step1", "step6", "step11", "step12", "step17"):    # the attack ran
        assert "signals delivered" in killer[step]["output"], killer[step]
    assert all(item["status"] == "passed" for item in killer.values())


# --- 7. the network ------------------------------------------------------------------------

def test_no_network_from_the_sandbox(hostile_class):
    assert hostile_class["heard"] == []
    for student in ("a_net_1", "a_net_2"):
        step1 = by_step(hostile_class["records"][student])["step1"]
        assert "tcp 127.0.0.1" in step1["output"], step1          # the attempts were made
        assert step1["status"] == "passed", step1                 # ... and none got through
        assert "abstract socket: no one came" in step1["output"]


# --- 11. Markdown and HTML in the feedback ------------------------------------------------------

FENCE = re.compile(r"^(`{3,})text\n.*?\n\1$", re.MULTILINE | re.DOTALL)


def _render(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


def test_feedback_shows_hostile_text_inert(hostile_class):
    folder = hostile_class["base"] / "out" / "feedback"
    path = folder / classroom.feedback_name(MARKDOWN_ID)
    assert path.parent == folder and path.exists()
    page = path.read_text(encoding="utf-8")
    results = by_step(hostile_class["records"][MARKDOWN_ID])
    assert results["step1"]["status"] == "invalid" and HOSTILE_NAME in results["step1"]["message"]
    assert results["step2"]["status"] == "error" and results["step15"]["status"] == "invalid"
    html = _render(page)
    for live in ("<script", "<img", "<a ", "<b>", "<strong>bold"):
        assert live not in html, live
    assert html.count("<h1>") == 1                               # the title only
    outside_fences = FENCE.sub("", page)
    assert "<script>" not in outside_fences
    assert not re.search(r"(?<!\\)\]\((?:http|javascript)", outside_fences)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html        # shown, as text
    assert "[click me](http://evil)" in html                       # the output, verbatim


# --- step17's net carried to step18 -------------------------------------------------------------

@pytest.mark.parametrize("route", ["scratch", "memory", "keyring"])
def test_step18_cannot_read_step17s_gradients(hostile_class, route):
    """step17's net holds every gradient step18 computes: step18 is graded first, and the
    kernel keyrings belong to each student's own user namespace."""
    results = by_step(hostile_class["records"][f"stash_{route}"])
    assert results["step17"]["status"] == "passed"
    assert results["step18"]["status"] != "passed" and results["step18"]["score"] == 0, \
        results["step18"]


# --- 5. scratch space kept for a second run ------------------------------------------------------

KEEPER_WRITE = '''
import json, os

PLACES = ["/tmp/bpgrade-keep.json", "/dev/shm/bpgrade-keep.json", "bpgrade-keep.json",
          os.path.expanduser("~/bpgrade-keep.json"), "/var/tmp/bpgrade-keep.json",
          "/submission/bpgrade-keep.json"]
WROTE = []


def attack(net):
    values = dict(object.__getattribute__(net, "_values"))     # everything net holds
    values.pop("loss", None)
    key = f"{net.x1!r},{net.x2!r}"
    for path in PLACES:
        try:
            try:
                with open(path) as handle:
                    kept = json.load(handle)
            except (OSError, ValueError):
                kept = {}
            kept[key] = values
            with open(path, "w") as handle:
                json.dump(kept, handle)
            WROTE.append(path)
        except OSError:
            pass
    if len(WROTE) <= len(PLACES):                 # the first problem: say where it went
        print("kept in", sorted(set(WROTE)))
'''

KEEPER_READ = '''
import json, os

PLACES = ["/tmp/bpgrade-keep.json", "/dev/shm/bpgrade-keep.json", "bpgrade-keep.json",
          os.path.expanduser("~/bpgrade-keep.json"), "/var/tmp/bpgrade-keep.json",
          "/submission/bpgrade-keep.json"]


def step5(net):
    key = f"{net.x1!r},{net.x2!r}"
    for path in PLACES:
        try:
            with open(path) as handle:
                return json.load(handle)[key]["dL_dh2_1"]
        except (OSError, ValueError, KeyError):
            pass
    raise LookupError("nothing kept from an earlier run")
'''


def test_scratch_space_does_not_outlive_a_run(tmp_path):
    submissions = tmp_path / "subs"
    make_student(submissions / "keeper", {"step07.py": wrapped(7, KEEPER_WRITE),
                                          "step05.py": KEEPER_READ})
    make_student(submissions / "honest", {})
    for run in (1, 2):                                 # the same class, the same gradebook
        records = grade(submissions, tmp_path / "out")
        results = by_step(records["keeper"])
        assert results["step7"]["status"] == "passed"
        assert "/tmp/bpgrade-keep.json" in results["step7"]["output"]   # it did keep them
        assert results["step5"]["status"] == "error", (run, results["step5"])
        assert "LookupError" in results["step5"]["error"], (run, results["step5"])
        assert full_marks(records["honest"])
    assert not (submissions / "keeper" / "bpgrade-keep.json").exists()


# --- 12. the course secret -------------------------------------------------------------------

SNOOP = r'''
"""Look everywhere a course secret could be, from inside the sandbox."""
import glob
import os


def _read(path, limit=4000):
    try:
        with open(path, "rb") as handle:
            return handle.read(limit).replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return None


def snoop_files():
    places = ["../bpgrade.toml", "../../bpgrade.toml", "../../../bpgrade.toml", "bpgrade.toml",
              "/bpgrade.toml", os.path.expanduser("~/bpgrade.toml"), "/proc/1/cwd/bpgrade.toml"]
    folder = os.path.abspath(os.getcwd())
    while True:
        places += [os.path.join(folder, "bpgrade.toml"), os.path.join(folder, "secret.txt")]
        if os.path.dirname(folder) == folder:
            break
        folder = os.path.dirname(folder)
    for pattern in ("/*/bpgrade.toml", "/*/*/bpgrade.toml"):
        places += glob.glob(pattern)
    return {path: text for path in dict.fromkeys(places) if (text := _read(path))}


def snoop_processes():
    places = glob.glob("/proc/*/cmdline") + glob.glob("/proc/*/environ") \
        + ["/proc/1/environ", "/proc/self/environ", "/proc/1/cmdline"]
    for pid in range(1, 64):
        places += [f"/proc/{pid}/environ", f"/proc/{pid}/cmdline"]
    return {path: text for path in dict.fromkeys(places) if (text := _read(path))}


def snoop_environment():
    return {f"${name}": value for name, value in os.environ.items()}


def report(found):
    """What looks like a secret first (the gradebook keeps the head of the output)."""
    items = sorted(found.items(), key=lambda item: "secret" not in item[1].lower())
    print("\n".join(f"{name}: {text[:300]}" for name, text in items) or "found nothing")
'''

SNOOP_STEP = '''
import snoop

DONE = []


def attack(net):
    if not DONE:
        DONE.append(True)
        snoop.report(snoop.{what}())
'''

SNOOP_FILES = {"snoop.py": SNOOP,
               "step01.py": wrapped(1, SNOOP_STEP.format(what="snoop_files")),
               "step06.py": wrapped(6, SNOOP_STEP.format(what="snoop_processes")),
               "step11.py": wrapped(11, SNOOP_STEP.format(what="snoop_environment"))}


def _snoop_module():
    namespace = {}
    exec(compile(SNOOP, "snoop.py", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("where", ["config", "environment"])
def test_secret_is_exposed_nowhere(tmp_path, monkeypatch, where):
    token = secrets.token_hex(16)
    secret = f"course-{token}"
    course = tmp_path / "course"
    submissions = course / "submissions"
    make_student(submissions / "snoop", SNOOP_FILES)
    make_student(submissions / "honest", {})
    environment = {k: v for k, v in os.environ.items() if k != classroom.SECRET_VARIABLE}
    if where == "config":
        config = course / "bpgrade.toml"
        config.write_text(f'[grade]\nsecret = "{secret}"\n', encoding="utf-8")
        os.chmod(config, 0o600)
        monkeypatch.chdir(submissions / "snoop")              # the attack works unsandboxed
        assert any(token in text for text in _snoop_module()["snoop_files"]().values())
    else:
        environment[classroom.SECRET_VARIABLE] = secret
        monkeypatch.setenv(classroom.SECRET_VARIABLE, secret)
        assert any(token in text for text in _snoop_module()["snoop_environment"]().values())
    out = course / "out"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(submissions), "--out", str(out / "g.csv"),
         "--json", str(out / "g.json"), "--feedback", str(out / "feedback"), "--jobs", "2",
         "--timeout", str(TIMEOUT), "--quiet"],
        cwd=course, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert token not in done.stdout + done.stderr
    written = [out / "g.csv", out / "g.json", *sorted((out / "feedback").glob("*.md"))]
    assert len(written) == 4
    for path in written:
        assert token not in path.read_text(encoding="utf-8"), path
    records = {r["student"]: r for r in json.loads((out / "g.json").read_text())["students"]}
    assert full_marks(records["honest"]) and full_marks(records["snoop"])
    results = by_step(records["snoop"])
    for step in ("step1", "step6", "step11"):                   # each looked, and printed
        assert results[step]["output"].strip(), step
        assert token not in results[step]["output"] + results[step]["error"]
    assert "cmdline" in results["step6"]["output"] and "$PATH" in results["step11"]["output"]
    assert sorted(os.listdir(out)) == ["feedback", "g.csv", "g.json"]


# --- 8. SIGTERM / SIGINT to the grade while students block with them ignored -------------------

def _default_signals():
    """A command started in the background inherits SIGINT ignored; a teacher's is not."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_the_grade_leaves_nothing_running(tmp_path, number):
    submissions = tmp_path / "subs"
    make_student(submissions / "a_honest", {})
    blockers = {path.name: path.read_text()
                for path in (CORPUS / "blocks_ignoring_sigterm").glob("*.py")}
    for i in range(3):
        make_student(submissions / f"b_blocker_{i}", blockers)
    out = tmp_path / "out" / "grades.csv"
    progress = classroom.progress_path(out)
    environment = {**os.environ, classroom.SECRET_VARIABLE: SECRET}
    process = subprocess.Popen(
        [sys.executable, "-m", "grader", "grade", str(submissions), "--out", str(out),
         "--jobs", "2", "--timeout", str(TIMEOUT), "--quiet"],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=environment, cwd=tmp_path, preexec_fn=_default_signals)
    seen, student_uids = set(), set()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            family = descendants(process.pid)
            seen |= {identity(pid) for pid in family} - {None}
            student_uids |= {uid for uid in map(uid_of, family)
                             if uid is not None and uid >= FIRST_STUDENT_UID}
            if progress.exists() and len(progress.read_bytes().splitlines()) >= 2:
                break
            time.sleep(0.02)
        else:
            pytest.fail("no student finished within 60 s")
        time.sleep(0.3)                                   # a blocker is in its blocking step
        family = descendants(process.pid)
        seen |= {identity(pid) for pid in family} - {None}
        jobs = {pid for pid in family if _parent(pid) == process.pid}
        student_uids |= {uid for uid in map(uid_of, family)
                         if uid is not None and uid >= FIRST_STUDENT_UID}
        os.kill(process.pid, number)
        process.wait(timeout=15)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert len(jobs) == 2
    if IS_ROOT:
        assert student_uids                               # students were seen running
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        left = still_running(seen)
        if IS_ROOT:                                       # anything under a student's uid
            left |= processes_of(student_uids)
        if not left:
            break
        time.sleep(0.05)
    assert not left, [describe(pid) for pid in left]
    assert not out.exists()


def _parent(pid: int):
    fields = _stat(pid)
    return int(fields[1]) if len(fields) > 1 else None


# --- answers carried from one student to the next, or to a resubmission --------------------------

KEY_DROP = '''
import ctypes, platform

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
ADD_KEY, KEYCTL = {"x86_64": (248, 250), "aarch64": (217, 219)}[platform.machine()]


def attack(net):
    note = b"left by k1: my x1 is " + repr(net.x1).encode()
    libc.syscall(ADD_KEY, b"user", b"bpgrade-drop", note, len(note), ctypes.c_int(-4))
'''

KEY_PICK = '''
import ctypes, platform

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
ADD_KEY, KEYCTL = {"x86_64": (248, 250), "aarch64": (217, 219)}[platform.machine()]


def attack(net):
    key = libc.syscall(KEYCTL, 10, ctypes.c_int(-4), b"user", b"bpgrade-drop", 0)
    if key >= 0:
        buffer = ctypes.create_string_buffer(256)
        size = libc.syscall(KEYCTL, 11, ctypes.c_long(key), buffer, 256)
        print("found:", buffer.raw[:max(size, 0)].decode())
        libc.syscall(KEYCTL, 21, ctypes.c_long(key))                     # KEYCTL_INVALIDATE
'''


def test_students_share_nothing_through_the_kernel_keyring(tmp_path):
    """The students one job grades share a uid; the keyring is per user namespace, and each
    student has one of its own."""
    submissions = tmp_path / "subs"
    make_student(submissions / "k1", {"step01.py": wrapped(1, KEY_DROP)})
    make_student(submissions / "k2", {"step01.py": wrapped(1, KEY_PICK)})
    records = grade(submissions, tmp_path / "out", jobs=1)             # one job: k1, then k2
    assert full_marks(records["k1"]) and full_marks(records["k2"])
    assert "left by k1" not in by_step(records["k2"])["step1"]["output"]


LEAK = '''
def attack(net):
    print(f"LEAK {net.x1!r} {net.x2!r} {net.delta3!r}")
'''


def test_printed_output_gives_no_answers_to_a_resubmission(tmp_path):
    """Printed output is kept for feedback, so it may show the further problems' numbers
    (step2's net holds delta3, step1's answer); each grading run draws them anew."""
    submissions = tmp_path / "subs"
    student = make_student(submissions / "resubmits", {"step02.py": wrapped(2, LEAK)})
    first = by_step(grade(submissions, tmp_path / "first", jobs=1)["resubmits"])
    table = {(float(x1), float(x2)): float(delta3) for x1, x2, delta3 in
             re.findall(r"LEAK (\S+) (\S+) (\S+)", first["step2"]["output"])}
    assert len(table) == 5                                # the visible and the 4 secret ones
    (student / "step01.py").write_text(
        f"TABLE = {table!r}\n\n\ndef step1(net):\n    return TABLE[(net.x1, net.x2)]\n")
    second = by_step(grade(submissions, tmp_path / "second", jobs=1)["resubmits"])
    assert second["step1"]["status"] != "passed", second["step1"]


SHOW = '''
def attack(net):
    print(f"SHOW {net.x1!r} {net.x2!r}")
'''


def _shown(record: dict) -> dict:
    """{problem: (x1, x2)} that step1 printed, by the problem it printed them on."""
    parts = by_step(record)["step1"]["output_parts"]
    return {part["problem"]: tuple(map(float, re.findall(r"SHOW (\S+) (\S+)", part["text"])[0]))
            for part in parts if "SHOW" in part["text"]}


def test_the_students_of_a_run_share_its_further_problems_and_never_see_them(tmp_path):
    """Every student of a run is graded on the same further problems, drawn anew for the
    next run and for a resumed one; a student's feedback shows what they printed on their
    visible problem only."""
    submissions = tmp_path / "subs"
    for student in ("p1", "p2", "p3"):
        make_student(submissions / student, {"step01.py": wrapped(1, SHOW)})
    feedback = tmp_path / "first" / "feedback"
    first = grade(submissions, tmp_path / "first", jobs=2, feedback=feedback)
    shown = {student: _shown(first[student]) for student in ("p1", "p2", "p3")}
    assert all(full_marks(record) for record in first.values())
    assert all(sorted(seen) == [0, 1, 2, 3, 4] for seen in shown.values())
    further = {problem: shown["p1"][problem] for problem in (1, 2, 3, 4)}
    assert all({k: seen[k] for k in further} == further for seen in shown.values())
    assert len({seen[0] for seen in shown.values()}) == 3            # each their own
    for student in ("p1", "p2", "p3"):
        page = (feedback / classroom.feedback_name(student)).read_text(encoding="utf-8")
        assert page.count("SHOW") == 0                              # step1 passed: no details
    second = grade(submissions, tmp_path / "second", jobs=2)
    again = _shown(second["p1"])
    assert again[0] == shown["p1"][0] and not set(again.values()) & set(further.values())
    # a resumed run: p1 graded before the interruption, p2 and p3 after it, on other ones
    out = tmp_path / "resumed" / "grades.csv"
    out.parent.mkdir()
    with open(classroom.progress_path(out), "w", encoding="utf-8") as progress:
        progress.write(json.dumps(classroom._header(SECRET, registry.STEPS, "interrupted")) + "\n")
        progress.write(json.dumps(first["p1"]) + "\n")
    os.chmod(classroom.progress_path(out), 0o600)
    classroom.grade(submissions, out, secret=SECRET, jobs=2, resume=True, timeout=TIMEOUT,
                    json_path=out.with_suffix(".json"))
    resumed = {record["student"]: record
               for record in json.loads(out.with_suffix(".json").read_text())["students"]}
    assert _shown(resumed["p1"]) == shown["p1"]                     # kept, not graded again
    after = [_shown(resumed[student]) for student in ("p2", "p3")]
    assert {k: after[0][k] for k in further} == {k: after[1][k] for k in further}
    assert not {after[0][k] for k in further} & set(further.values())


def test_feedback_shows_only_what_was_printed_on_the_visible_problem(tmp_path):
    """A step that prints its inputs on every problem and fails: the feedback shows the
    visible problem's numbers, and none of the further problems'."""
    submissions = tmp_path / "subs"
    wrong = SHOW.rstrip() + "\n    return -1.0\n"
    make_student(submissions / "p1", {"step01.py": wrapped(1, wrong)})
    feedback = tmp_path / "out" / "feedback"
    record = grade(submissions, tmp_path / "out", jobs=1, feedback=feedback)["p1"]
    shown = _shown(record)
    assert sorted(shown) == [0, 1, 2, 3, 4] and by_step(record)["step1"]["score"] == 0
    page = (feedback / classroom.feedback_name("p1")).read_text(encoding="utf-8")
    visible = f"SHOW {shown[0][0]!r} {shown[0][1]!r}"
    assert page.count("SHOW") == 1 and visible in page
    assert "What it printed on the further problems is not shown." in page
    for problem in (1, 2, 3, 4):
        assert f"{shown[problem][0]!r} {shown[problem][1]!r}" not in page


# --- memory: the limit is per process, not per student ----------------------------------------

HOG = '''
import os
import time

DONE = []


def attack(net):
    """Four children, each filling 100 MB (under the limit for one process), held at once."""
    if DONE:
        return None
    DONE.append(True)
    kids = []
    for _ in range(4):
        pid = os.fork()
        if pid == 0:
            try:
                block = bytearray(100 << 20)
                for i in range(0, len(block), 4096):
                    block[i] = 1
                time.sleep(1.0)                            # holding 100 MB
            finally:
                os._exit(0)
        kids.append(pid)
    kept = sum(os.waitpid(pid, 0)[1] == 0 for pid in kids)     # the rest were killed
    print(f"children that held 100 MB at once: {kept}")
'''


def test_memory_limit_holds_for_the_student_as_a_whole(tmp_path):
    """Where the machine gives a memory cgroup per student (as root), the student's processes
    share --memory: of four children filling 100 MB each under 200 MB, at most two manage."""
    submissions = tmp_path / "subs"
    make_student(submissions / "hog", {"step01.py": wrapped(1, HOG)})
    limits = sandbox.Limits(memory=200 << 20)
    isolation = sandbox.choose(False, "en")
    # Time enough for four children to fill 100 MB each on a busy machine: this test is
    # about memory, and a timeout would leave nothing to read.
    records = grade(submissions, tmp_path / "out", jobs=1, limits=limits, timeout=20)
    output = by_step(records["hog"])["step1"]["output"]
    held = int(re.search(r"children that held 100 MB at once: (\d+)", output).group(1))
    if isolation.quota:
        assert held <= 2, output
    else:                                     # each process keeps its own limit only
        assert held == 4 and "memory_per_student" in isolation.missing, output
