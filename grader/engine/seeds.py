"""Per-student problems: the seed derived from HMAC(secret, student id).

Classroom grading and roster sheets both call :func:`student_seed`, so the sheet a
student practises on and the problem they are graded on are the same. The further problems
a grade uses come from :func:`graded_seeds`, another HMAC of the secret and the grading run
alone: every student of a run is graded on the same further problems, drawn anew for each run
(practice checks derive theirs publicly). That keeps what they are for:

* a student cannot compute them: without the secret, neither their own seed nor the package
  gives them;
* what an earlier run let a submission print is no key to them: each run draws its own, and a
  resumed run (``--resume``) draws its own again for the students it grades;
* no student can hand them to a classmate during the run: student code runs in a sandbox of
  its own that reaches no other student, no file and no network. The feedback shows what a
  step printed on the visible problem only, but code that reads the further problems while
  it runs can print them there: feedback, like the gradebooks, is for after the run, when
  everyone graded on them is graded (and a resumed run draws new ones).
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


def graded_seeds(secret: str, count: int, run: str = "") -> list:
    """The seeds of the further problems every student of a grading run is graded on,
    ``count`` of them (at most 8); ``run`` (the run's nonce) draws them anew for each run, so
    what a submission printed in one run is no key to the next."""
    digest = _digest(secret, f"graded\0{run}")
    return [int.from_bytes(digest[4 * i:4 * i + 4], "big") for i in range(count)]
