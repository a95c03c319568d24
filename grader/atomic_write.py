"""Write a file whole or not at all: a temporary file beside it, then one rename.

Learners' stubs, gradebooks, feedback files, sheets and the problem cache all go through
:func:`write_atomically`, so a crash or kill never leaves half a file behind.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path, data) -> None:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` via a temporary file and rename."""
    import tempfile

    path = Path(path)
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
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
