"""A built wheel, installed (not editable) in a fresh virtual environment, can init and check."""

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow      # builds and installs a wheel

ROOT = Path(__file__).resolve().parents[1]


def run(*args, cwd):
    # Without PYTHONPATH: a source tree on it would be imported instead of the wheel.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)


def test_wheel_installs_and_runs_init_and_check(tmp_path):
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                str(tmp_path / "dist"), str(ROOT), cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("bpgrade-*.whl"))
    # The dependencies come from this interpreter's site-packages (listed in a .pth file, so
    # this works from a virtual environment too); bpgrade itself from the wheel.
    venv.EnvBuilder(with_pip=True).create(tmp_path / "venv")
    python = tmp_path / "venv" / "bin" / "python"
    purelib = run(str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
                  cwd=tmp_path).stdout.strip()
    (Path(purelib) / "dependencies.pth").write_text(
        "\n".join(p for p in sys.path if p.endswith(("site-packages", "dist-packages"))) + "\n")
    installed = run(str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                    str(wheel), cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    where = run(str(python), "-c", "import grader; print(grader.__file__)", cwd=tmp_path)
    assert str(tmp_path / "venv") in where.stdout, where.stdout
    # every module of the source tree is in the wheel, the packages below packages too
    installed_root = Path(where.stdout.strip()).parents[1]
    for package in ("grader", "bpgrade_harness"):
        for source in (ROOT / package).rglob("*.py"):
            assert (installed_root / source.relative_to(ROOT)).is_file(), source

    bpgrade = tmp_path / "venv" / "bin" / "bpgrade"
    init = run(str(bpgrade), "init", "ws", "--seed", "3", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    ws = tmp_path / "ws"
    stubbed = run(str(bpgrade), "check", "step1", cwd=ws)
    assert stubbed.returncode == 1 and "not started" in stubbed.stdout
    shutil.copy(ROOT / "solutions" / "step01.py", ws / "exercises" / "step01.py")
    solved = run(str(bpgrade), "check", "step1", cwd=ws)
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert "seed 3" in solved.stdout
    # a wrong answer is diagnosed, and a sheet is made, from the wheel's own modules
    (ws / "exercises" / "step01.py").write_text(
        "def step1(net):\n    return net.y_target - net.y\n")
    wrong = run(str(bpgrade), "check", "step1", "--json", cwd=ws)
    assert wrong.returncode == 1 and '"sign_flipped"' in wrong.stdout, wrong.stdout + wrong.stderr
    sheet = run(str(bpgrade), "sheet", "--seed", "3", "--format", "md", cwd=ws)
    assert sheet.returncode == 0 and "seed 3" in sheet.stdout.lower(), sheet.stderr
