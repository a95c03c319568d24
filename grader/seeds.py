"""Per-student problems: the seed derived from HMAC(secret, student id).

Classroom grading and roster sheets both call :func:`student_seed`, so the sheet a
student practises on and the problem they are graded on are the same.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata


def student_seed(secret: str, student_id: str) -> int:
    """A non-negative 63-bit seed, stable for (secret, id); ids are NFC-normalised."""
    key = secret.encode("utf-8")
    message = unicodedata.normalize("NFC", student_id).encode("utf-8")
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> 1
