"""Every tolerance the grader and its tests use, named, in one place."""

# A learner's answer is right when |answer - expected| <= RELATIVE * max(|expected|, FLOOR).
RELATIVE = 1e-6
FLOOR = 1e-9              # the absolute floor near zero (answers are drawn far from it)

# The reference against central finite differences of L (step EPSILON below).
FINITE_DIFFERENCE_STEP = 1e-5
FINITE_DIFFERENCE_RELATIVE = 1e-6
# ... plus this absolute slack for gradients near zero: the central difference's own error
# (truncation ~ STEP^2, round-off ~ 1e-16 / STEP) is about 1e-11 on these networks.
FINITE_DIFFERENCE_ABSOLUTE = 1e-9

# The reference against the exact sympy derivative: float64 round-off only.
EXACT_RELATIVE = 1e-12

# Hand calculation on a printed sheet: three significant digits.
HAND_RELATIVE = 5e-3

# A wrong answer "matches" a candidate wrong formula (grader.checking.diagnosis) within this, on
# every problem: float64 arithmetic in any order, or float32, stays well inside it.
DIAGNOSIS_RELATIVE = 1e-6

# A wrong answer within this of the right one is "right to a few digits" (at least three):
# the diagnosis names the tolerance and the usual causes (rounding, float32, a one-sided
# difference) instead of a wrong formula.
NEAR_MISS_RELATIVE = 1e-3


def close(received: float, expected: float, relative: float = RELATIVE) -> bool:
    return abs(received - expected) <= relative * max(abs(expected), FLOOR)


def relative_error(received: float, expected: float) -> float:
    return abs(received - expected) / max(abs(expected), FLOOR)
