"""What an autograding platform is given of bpgrade: its source and its pinned libraries.

bpgrade is on no package index, so the Gradescope zip and the GitHub Classroom template carry
the grader itself (:func:`package_files`: the packages ``grader`` and ``bpgrade_harness``, run
with the folder holding them on ``PYTHONPATH``) and install the libraries it needs pinned to
the versions installed where they are exported (:func:`requirements`), read from bpgrade's own
metadata: the grader they carry is this one, so it gets the libraries it was exported with.

A pinned version must install on every Python bpgrade supports (3.10 on): Gradescope's image
and a runner may have an older Python than the one exporting. Where the installed version
needs a newer Python (its own ``Requires-Python``, e.g. numpy 2.4 needs 3.11), the pin is
split by an environment marker, and the older Pythons get :data:`OLDER_PYTHON`'s version.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from ..errors import UsageError
from ..i18n import text

PACKAGES = ("grader", "bpgrade_harness")   # the grader, and what runs beside student code

REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")     # PEP 508's name, at the start
LOWER_BOUND = re.compile(r">=\s*3\.(\d+)")                         # ">=3.11" in Requires-Python

# The version for Pythons older than what the installed one needs, where that differs; each
# was run with bpgrade's whole check (every solution passes) on Python 3.10.13.
OLDER_PYTHON = {
    "numpy": "2.2.6",        # the last numpy for Python 3.10 (2.3 needs 3.11); wheels 3.10-3.13
}

MESSAGES = {
    "not_installed": {
        "en": "bpgrade is not installed here, and its metadata gives the library versions "
              "an export pins: pip install bpgrade (or pip install -e . in its source), then "
              "export again",
        "zh": "此处没有安装 bpgrade，而导出的文件所固定的库版本取自它的元数据：请先 pip install "
              "bpgrade（或在源码目录中 pip install -e .），再重新导出"},
}


def package_files(packages=PACKAGES, python_only: bool = False):
    """(file, its name in the bundle) for every file of ``packages``, in a stable order
    (``python_only``: the .py files alone, for a library copied to another Python, whose
    compiled parts would not load there)."""
    for package in packages:
        root = Path(importlib.import_module(package).__file__).resolve().parent
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc" \
                    and (path.suffix == ".py" or not python_only):
                yield path, Path(package) / path.relative_to(root)


def _oldest_minor(requires_python: str | None) -> int | None:
    """The lowest Python 3 minor version a ``Requires-Python`` admits (None: any)."""
    found = [int(minor) for minor in LOWER_BOUND.findall(requires_python or "")]
    return max(found) if found else None


def _and(marker: str, extra: str) -> str:
    """Both PEP 508 markers (the declared one may be empty)."""
    return " ".join((f"({marker})", "and", extra)) if marker else extra


def requirements(lang: str = "en") -> list:
    """What bpgrade needs installed, pinned to the versions installed here (pip requirement
    strings). The list comes from bpgrade's own metadata (it lives in pyproject.toml alone); a
    requirement's marker is kept for pip to judge there, and one not installed here (its
    marker is false here: tomli on Python 3.11+) stays as declared. A version that needs a
    newer Python than bpgrade does is split in two by ``python_version`` markers."""
    from importlib import metadata

    try:
        declared = metadata.requires("bpgrade") or ()
        oldest = _oldest_minor(metadata.metadata("bpgrade")["Requires-Python"]) or 0
    except metadata.PackageNotFoundError:
        raise UsageError(text(MESSAGES, "not_installed", lang)) from None
    pinned = []
    for requirement in declared:
        marker = requirement.partition(";")[2].strip()
        if "extra ==" in marker:
            continue
        name = REQUIREMENT_NAME.match(requirement).group()
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            pinned.append(requirement)
            continue
        needs = _oldest_minor(metadata.metadata(name)["Requires-Python"])
        if needs is None or needs <= oldest:
            pinned.append(f"{name}=={version}" + (f"; {marker}" if marker else ""))
            continue
        newer = f'python_version >= "3.{needs}"'
        older = f'python_version < "3.{needs}"'
        pinned.append(f"{name}=={version}; {_and(marker, newer)}")
        fallback = OLDER_PYTHON.get(name.lower())
        base = requirement.partition(";")[0].strip()
        pinned.append(f"{name}=={fallback}; {_and(marker, older)}" if fallback
                      else f"{base}; {_and(marker, older)}")   # pip picks one for that Python
    return pinned
