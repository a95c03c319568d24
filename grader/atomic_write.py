"""Write a file whole or not at all: a temporary file beside it, then one rename.

Learners' stubs, gradebooks, feedback files, sheets and the problem cache all go through
:func:`write_atomically`, so a crash or kill never leaves half a file behind. Files that belong
together (a class set of sheets) go through :func:`write_all_atomically`: all of them or none.
"""

from __future__ import annotations

import os
from pathlib import Path


def _staged(path: Path, data) -> str:
    """``data`` (bytes, or text as UTF-8) in a temporary file beside ``path``, on disk."""
    import tempfile

    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    except OSError as exc:          # name the file asked for, not the temporary
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
    except BaseException:
        _remove(temporary)
        raise
    return temporary


def _remove(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def write_atomically(path, data) -> None:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` via a temporary file and rename."""
    path = Path(path)
    temporary = _staged(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        _remove(temporary)
        raise


def _kept(path: Path, temporary: str) -> str:
    """The file at ``path`` as it is now, under another name beside it: a second link to it
    (no copy), or where the file system has no links, a copy."""
    name = temporary + ".old"       # free: the temporary's name is unique
    try:
        os.link(path, name)
    except OSError:
        return _staged(path, path.read_bytes())
    return name


def write_all_atomically(files: dict) -> None:
    """Write every ``{path: data}`` or none: each is first written whole to a temporary beside
    it, and only then are they renamed into place. Should a rename fail, the files already
    renamed are put back as they were (a file that existed from a copy kept beside it, a new
    one removed), so the folder is left as it was found."""
    staged = []
    try:
        for path, data in files.items():
            path = Path(path)
            staged.append((path, _staged(path, data)))
    except BaseException:
        for _, temporary in staged:
            _remove(temporary)
        raise
    kept, done = {}, []
    try:
        for path, temporary in staged:
            if path.exists():
                kept[path] = _kept(path, temporary)
            os.replace(temporary, path)
            done.append(path)
    except BaseException:
        for path in reversed(done):
            if path in kept:
                os.replace(kept.pop(path), path)
            else:
                _remove(path)
        for _, temporary in staged:
            _remove(temporary)
        for copy in kept.values():
            _remove(copy)
        raise
    for copy in kept.values():
        _remove(copy)
