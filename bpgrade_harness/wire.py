"""Frames between the grader and a child: a 4-byte big-endian length, then the payload.

Both directions have deadlines: a peer that stops reading or writing costs a timeout,
never a hung grade. A frame longer than the reader's limit is garbage, not a crash.
"""

from __future__ import annotations

import os
import select
import struct
import time

REPLY_LIMIT = 4 << 20         # bytes a child may send back for one step


def send(fd: int, payload: bytes, deadline: float | None = None) -> bool:
    """Write one frame; False when the deadline passed first (the peer stopped reading)."""
    data = memoryview(struct.pack(">I", len(payload)) + payload)
    while data:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            _, ready, _ = select.select([], [fd], [], remaining)
            if not ready:
                continue
            blocking = os.get_blocking(fd)
            os.set_blocking(fd, False)
            try:
                written = os.write(fd, data[:1 << 16])
            except BlockingIOError:
                written = 0
            finally:
                os.set_blocking(fd, blocking)
        else:
            written = os.write(fd, data)
        data = data[written:]
    return True


def receive(fd: int, deadline: float | None = None, limit: int = REPLY_LIMIT):
    """(payload, None) or (None, why): why is "timeout", "eof" or "garbage"."""
    buffer, need, header = bytearray(), 4, True
    while True:
        while len(buffer) < need:
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None, "timeout"
                ready, _, _ = select.select([fd], [], [], remaining)
                if not ready:
                    continue
            try:
                chunk = os.read(fd, min(1 << 16, need - len(buffer)))
            except InterruptedError:
                continue
            except OSError:
                return None, "eof"
            if not chunk:
                return None, "eof"
            buffer += chunk
        if not header:
            return bytes(buffer), None
        (size,) = struct.unpack(">I", bytes(buffer))
        if size > limit:
            return None, "garbage"
        buffer, need, header = bytearray(), size, False
        if size == 0:
            return b"", None
