"""Per-student problems: the seed derived from HMAC(secret, student id).

Classroom grading and roster sheets both call :func:`student_seed`, so the sheet a
student practises on and the problem they are graded on are the same. The further problems
a grade uses come from :func:`graded_seeds`, another HMAC of the secret and the grading run:
knowing one's own seed and the package is not enough to compute them, nor is what an earlier
run let a submission print (practice checks derive theirs publicly).
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata


def _digest(secret: str, message: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8", "surrogatepass"),
                    hashlib.sha256).digest()


def student_seed(secret: str, student_id: str) -> int:
    """A non-negative 63-bit seed, stable for (secret, id); ids are NFC-normalised."""
    digest = _digest(secret, unicodedata.normalize("NFC", student_id))
    return int.from_bytes(digest[:8], "big") >> 1


def graded_seeds(secret: str, student_id: str, count: int, run: str = "") -> list:
    """The seeds of the further problems a student is graded on, ``count`` of them; ``run``
    (a grading run's nonce) draws them anew for each run, so what a submission printed in
    one run is no key to the next."""
    digest = _digest(secret, f"graded\0{run}\0" + unicodedata.normalize("NFC", student_id))
    return [int.from_bytes(digest[4 * i:4 * i + 4], "big") for i in range(count)]
