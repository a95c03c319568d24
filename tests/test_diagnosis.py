"""grader.checking.diagnosis: wrong answers named, near misses explained, right answers never
flagged.

The mutants below are written by hand (``MUTANTS``, ``DICT_SLIPS``, the fixtures under
``tests/fixtures/diagnoses``) and, separately, generated: every candidate of
``grader.checking.diagnosis.candidates`` for every step and answer key, every answer rounded,
every finite difference made one-sided. All run through the real check (``checking.check`` on
files, ``checking.check_function`` on functions). sympy (imported here only) proves every
registry expression equals the reference quantity and every generated candidate differs from
the correct formula.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, SOLUTIONS
from grader.checking import check as checking, diagnosis
from grader.steps import expression as formulas, quantities, registry
from grader import notation, tolerances
from grader.cli import main
from grader.engine.generators import generate
from grader.records import Record

SEED = 5
SEED_STEPS = [step for step in registry.STEPS if 1 <= step.number <= 14]

# (step number, the code the mistake must be named by, the learner's return expression).
# Written by hand in several styles (scalars, numpy arrays, recomputed values), not derived
# from the mutation machinery.
MUTANTS = [
    (1, "sign_flipped", "net.y_target - net.y"),
    (1, "factor_of_two", "2 * (net.y - net.y_target)"),
    (1, "other_step", "net.L"),
    (2, "sign_flipped", "(net.y_target - net.y) * net.y * (1 - net.y) * net.h2_1"),
    (2, "factor_of_two", "2 * net.delta3 * net.y * (1 - net.y) * net.h2_1"),
    (2, "missing_activation_derivative", "net.delta3 * net.h2_1"),
    (2, "derivative_at_preactivation", "net.delta3 * net.z3 * (1 - net.z3) * net.h2_1"),
    (2, "wrong_index", "net.delta3 * net.y * (1 - net.y) * net.h2[1]"),
    (2, "wrong_quantity", "net.delta3 * net.y * (1 - net.y) * net.v1"),
    (2, "other_step", "net.delta3 * net.y * (1 - net.y) * net.v2"),
    (3, "sign_flipped", "-net.delta3 * net.y * (1 - net.y) * net.h2_2"),
    (3, "factor_of_two", "net.delta3 * net.y * (1 - net.y) * net.h2_2 / 2"),
    (3, "missing_activation_derivative", "net.delta3 * net.h2_2"),
    (3, "derivative_at_preactivation", "net.delta3 * net.z3 * (1.0 - net.z3) * net.h2_2"),
    (3, "wrong_index", "net.delta3 * net.y * (1 - net.y) * net.h2_1"),
    (3, "wrong_quantity", "net.delta3 * net.y * (1 - net.y) * net.W3[0, 1]"),
    (3, "other_step", "net.delta3 * net.y * (1 - net.y) * net.v1"),
    (4, "sign_flipped", "-(net.delta3 * net.y * (1 - net.y))"),
    (4, "factor_of_two", "(net.y - net.y_target) * 2 * net.y * (1 - net.y)"),
    (4, "missing_activation_derivative", "net.delta3"),
    (4, "derivative_at_preactivation", "net.delta3 * (net.z3 - net.z3 ** 2)"),
    (4, "other_step", "net.delta3 * net.y * (1 - net.y) * net.h2_1"),
    (5, "sign_flipped", "net.delta3 * net.y * (net.y - 1) * net.v1"),
    (5, "factor_of_two", "0.5 * net.delta3 * net.y * (1 - net.y) * net.v1"),
    (5, "missing_activation_derivative", "net.delta3 * net.v[0]"),
    (5, "derivative_at_preactivation", "net.delta3 * net.z3 * (1 - net.z3) * net.v1"),
    (5, "wrong_index", "net.delta3 * net.y * (1 - net.y) * net.v2"),
    (5, "wrong_quantity", "net.delta3 * net.y * (1 - net.y) * net.h2_1"),
    (5, "other_step", "net.delta3 * net.y * (1 - net.y)"),
    (6, "sign_flipped", "-net.delta3 * net.y * (1 - net.y) * net.v2"),
    (6, "factor_of_two", "2 * net.delta3 * net.y * (1 - net.y) * net.v2"),
    (6, "missing_activation_derivative", "net.delta3 * net.v2"),
    (6, "derivative_at_preactivation", "net.delta3 * net.z3 * (1 - net.z3) * net.v2"),
    (6, "wrong_index", "net.dL_dh2_1"),
    (6, "wrong_quantity", "net.delta3 * net.y * (1 - net.y) * net.h2_2"),
    (6, "other_step", "net.delta3 * net.y * (1 - net.y) * net.h2_1"),
    (7, "sign_flipped", "-net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_1"),
    (7, "factor_of_two", "2 * net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_1"),
    (7, "missing_activation_derivative", "net.dL_dh2_1 * net.h1_1"),
    (7, "derivative_at_preactivation", "net.dL_dh2_1 * net.z2_1 * (1 - net.z2_1) * net.h1_1"),
    (7, "wrong_index", "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1[1]"),
    (7, "wrong_quantity", "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.W2[0][0]"),
    (7, "other_step", "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1)"),
    (8, "sign_flipped", "net.dL_dh2_1 * net.h2_1 * (net.h2_1 - 1) * net.h1_2"),
    (8, "factor_of_two", "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_2 * 2"),
    (8, "missing_activation_derivative", "net.dL_dh2_1 * net.h1_2"),
    (8, "derivative_at_preactivation", "net.dL_dh2_1 * net.z2_1 * (1 - net.z2_1) * net.h1_2"),
    (8, "transposed_weight", "net.dL_dh2[1] * net.h2[1] * (1 - net.h2[1]) * net.h1[0]"),
    (8, "wrong_index", "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_3"),
    (8, "wrong_quantity", "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.w2_12"),
    (8, "other_step", "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1)"),
    (9, "sign_flipped", "-net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_3"),
    (9, "factor_of_two", "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_3 / 2"),
    (9, "missing_activation_derivative", "net.dL_dh2_1 * net.h1_3"),
    (9, "derivative_at_preactivation", "net.dL_dh2_1 * net.z2_1 * (1 - net.z2_1) * net.h1_3"),
    (9, "wrong_index", "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_1"),
    (9, "wrong_quantity", "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.w2_13"),
    (9, "other_step", "net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.h1_3"),
    (10, "sign_flipped", "-(net.dL_dh2 * net.h2 * (1 - net.h2)) @ net.W2[:, 0]"),
    (10, "factor_of_two", "2 * float((net.dL_dh2 * net.h2 * (1 - net.h2)) @ net.W2[:, 0])"),
    (10, "missing_activation_derivative", "net.dL_dh2 @ net.W2[:, 0]"),
    (10, "derivative_at_preactivation",
     "net.dL_dh2_1 * net.z2_1 * (1 - net.z2_1) * net.w2_11"
     " + net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.w2_21"),
    (10, "transposed_weight", "(net.dL_dh2 * net.h2 * (1 - net.h2)) @ net.W2[0, :2]"),
    (10, "wrong_index",
     "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.w2_12"
     " + net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.w2_21"),
    (10, "wrong_quantity",
     "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_1"
     " + net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.w2_21"),
    (10, "missing_path_term", "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.w2_11"),
    (10, "other_step", "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_1"),
    (11, "sign_flipped",
     "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.w2_12"
     " - net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.w2_22"),
    (11, "factor_of_two", "(net.dL_dh2 * net.h2 * (1 - net.h2)) @ net.W2[:, 1] / 2"),
    (11, "missing_activation_derivative",
     "net.dL_dh2_1 * net.w2_12 + net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.w2_22"),
    (11, "derivative_at_preactivation",
     "sum(d * z * (1 - z) * w for d, z, w in zip(net.dL_dh2, net.z2, net.W2[:, 1]))"),
    (11, "transposed_weight", "(net.dL_dh2 * net.h2 * (1 - net.h2)) @ net.W2[1, :2]"),
    (11, "wrong_index", "(net.dL_dh2 * net.h2 * (1 - net.h2)) @ net.W2[:, 2]"),
    (11, "wrong_quantity",
     "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.w2_12"
     " + net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.h1_2"),
    (11, "missing_path_term", "net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.w2_22"),
    (11, "other_step", "net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2)"),
    (12, "sign_flipped", "-((net.dL_dh2 * net.h2 * (1 - net.h2)) @ net.W2[:, 2])"),
    (12, "factor_of_two", "2 * ((net.dL_dh2 * net.h2 * (1 - net.h2)) @ net.W2[:, 2])"),
    (12, "missing_activation_derivative",
     "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.w2_13 + net.dL_dh2_2 * net.w2_23"),
    (12, "derivative_at_preactivation",
     "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.w2_13"
     " + net.dL_dh2_2 * net.z2_2 * (1 - net.z2_2) * net.w2_23"),
    (12, "wrong_index", "(net.dL_dh2 * net.h2 * (1 - net.h2)) @ net.W2[:, 0]"),
    (12, "wrong_quantity",
     "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_3"
     " + net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.w2_23"),
    (12, "missing_path_term", "net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.w2_23"),
    (12, "other_step", "net.dL_dh2_1"),
    (13, "sign_flipped", "-net.dL_dh1_1 * net.h1_1 * (1 - net.h1_1) * net.x1"),
    (13, "factor_of_two", "2 * net.dL_dh1_1 * net.h1_1 * (1 - net.h1_1) * net.x1"),
    (13, "missing_activation_derivative", "net.dL_dh1_1 * net.x[0]"),
    (13, "derivative_at_preactivation", "net.dL_dh1_1 * net.z1_1 * (1 - net.z1_1) * net.x1"),
    (13, "wrong_index", "net.dL_dh1_1 * net.h1_1 * (1 - net.h1_1) * net.x2"),
    (13, "wrong_quantity", "net.dL_dh1_1 * net.h1_1 * (1 - net.h1_1) * net.w1_11"),
    (13, "other_step", "net.dL_dh1_1"),
    (14, "sign_flipped", "net.dL_dh1_1 * net.h1_1 * (net.h1_1 - 1) * net.x2"),
    (14, "factor_of_two", "net.dL_dh1_1 * net.h1_1 * (1 - net.h1_1) * net.x2 * 0.5"),
    (14, "missing_activation_derivative", "net.dL_dh1_1 * net.x2"),
    (14, "derivative_at_preactivation", "net.dL_dh1_1 * net.z1_1 * (1 - net.z1_1) * net.x2"),
    (14, "transposed_weight", "net.dL_dh1[1] * net.h1[1] * (1 - net.h1[1]) * net.x[0]"),
    (14, "wrong_index", "net.dL_dh1_1 * net.h1_1 * (1 - net.h1_1) * net.x1"),
    (14, "wrong_quantity", "net.dL_dh1_1 * net.h1_1 * (1 - net.h1_1) * net.h1_1"),
    (14, "other_step", "net.dL_dh1_1 * net.h1_1 * (1 - net.h1_1)"),
    # Slips learners make, written as they wrote them.
    (2, "wrong_upstream", "net.L*net.y*(1-net.y)*net.h2_1"),
    (5, "wrong_upstream", "net.L * net.y * (1 - net.y) * net.v1"),
    (7, "wrong_upstream", "net.delta3*net.h2_1*(1-net.h2_1)*net.h1_1"),
    (13, "wrong_upstream", "net.dL_dh2_1*net.h1_1*(1-net.h1_1)*net.x1"),
    (11, "wrong_upstream", "(net.delta3 * net.h2 * (1 - net.h2)) @ net.W2[:, 1]"),
    (7, "extra_factor", "net.dL_dh2_1*net.h2_1*(1-net.h2_1)*net.h1_1*net.w2_11"),
    (4, "extra_factor", "net.delta3*net.y*(1-net.y)*net.b3"),
    (6, "extra_factor", "net.delta3 * net.y * (1 - net.y) * net.v2 * net.h2_2"),
    (9, "learning_rate_in_gradient",
     "net.eta * net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_3"),
    (1, "learning_rate_in_gradient", "net.eta * (net.y - net.y_target)"),
    (8, "wrong_activation_derivative",
     "net.dL_dh2_1 * (1 - net.h2_1) * net.h2_1 * net.h2_1 * net.h1_2"),
    (5, "wrong_activation_derivative", "net.delta3*net.y*net.v1"),
    (3, "wrong_activation_derivative", "net.delta3 * (1 - net.y) * net.h2_2"),
    (7, "wrong_activation_derivative", "net.dL_dh2_1 * net.h2_2 * (1 - net.h2_2) * net.h1_1"),
    (14, "wrong_activation_derivative", "net.dL_dh1_1 * (1 - net.h1_1 ** 2) * net.x2"),
    (10, "product_not_sum",
     "(net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.w2_11)"
     " * (net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.w2_21)"),
    (12, "product_not_sum", "np.prod(net.dL_dh2 * net.h2 * (1 - net.h2) * net.W2[:, 2])"),
    (14, "rounded", "round(net.dL_dh1_1 * net.h1_1 * (1 - net.h1_1) * net.x2, 4)"),
    (9, "rounded", "float(np.round(net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_3, 6))"),
    (2, "rounded", "float(f'{net.delta3 * net.y * (1 - net.y) * net.h2_1:.5f}')"),
] + [(n, "hard_coded", None) for n in range(1, 15)]   # the visible answer typed in

PRELUDE = "import math\n\nimport numpy as np\n\n\n"


def _write(folder: Path, step, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / step.file_name).write_text(
        f"{PRELUDE}def {step.function_name}(net):\n{body}\n", encoding="utf-8")


def _returning(expression: str) -> str:
    return f"    return {expression}\n"


def _by_case(cases, tmp_path_factory, name: str) -> dict:
    """Run every case through the real check, one folder per round, one check per folder."""
    rounds = {}
    for case in cases:
        step, _, body = case
        placed = False
        for folder_cases in rounds.values():
            if step.id not in {c[0].id for c in folder_cases}:
                folder_cases.append(case)
                placed = True
                break
        if not placed:
            rounds[len(rounds)] = [case]
    results = {}
    for index, folder_cases in rounds.items():
        folder = tmp_path_factory.mktemp(f"{name}{index}")
        for step, _, body in folder_cases:
            _write(folder, step, body)
        report = checking.check([c[0].id for c in folder_cases], folder, seed=SEED)
        by_step = {result.step: result for result in report.results}
        for case in folder_cases:
            results[case] = by_step[case[0].id]
    return results


@pytest.fixture(scope="module")
def visible_reference():
    return quantities.reference(generate(SEED))


@pytest.fixture(scope="module")
def hand_results(tmp_path_factory, visible_reference):
    cases = []
    for number, code, expression in MUTANTS:
        step = registry.STEPS[number]
        if expression is None:
            expression = repr(visible_reference[step.answer])
        cases.append((step, code, _returning(expression)))
    return _by_case(cases, tmp_path_factory, "hand")


@pytest.mark.parametrize("number, code, expression", MUTANTS,
                         ids=[f"step{n}-{c}-{i}" for i, (n, c, _) in enumerate(MUTANTS)])
def test_hand_written_mutant_is_named(number, code, expression, hand_results):
    step = registry.STEPS[number]
    matches = [result for (s, c, body), result in hand_results.items()
               if s is step and c == code and (expression is None or expression in body)]
    assert matches
    for result in matches:
        assert result.status == "failed", result.message
        assert result.diagnosis is not None, f"{step.id}: no diagnosis for {code}"
        assert result.diagnosis["code"] == code, result.diagnosis


def test_every_code_has_hand_written_mutants():
    used = {code for _, code, _ in MUTANTS} | {code for _, _, code, _ in DICT_SLIPS}
    assert used == set(diagnosis.OPERATORS)
    assert {n for n, _, _ in MUTANTS} == set(range(1, 15))


# --- generated mutants: every candidate of every step 1-14, through the real check --------

def _python(node, prefix: str = "", local: dict | None = None) -> str:
    """A formula tree as Python source; ``prefix="net."`` gives code a learner could write,
    ``local`` the names the learner's own variables hold (step 0's h1_1 for its h2_1)."""
    kind, value, children = node
    local = local or {}

    def go(child):
        return _python(child, prefix, local)

    if kind == "num":
        return repr(value)
    if kind == "name":
        return local.get(value, prefix + value)
    if kind == "call":
        return f"{value}({', '.join(go(c) for c in children)})"
    if kind == "neg":
        return f"(-{go(children[0])})"
    if kind in ("sum", "mul"):
        return "(" + (" + " if kind == "sum" else " * ").join(go(c) for c in children) + ")"
    if kind == "div":
        return f"({go(children[0])} / {go(children[1])})"
    return f"({go(children[0])} ** {value})"


def _available(step, key=None) -> frozenset:
    keys = [k or diagnosis.SINGLE for k, _ in step.answer_items]
    names = set(step.context)
    if step.returns_dict:
        names |= {k for k in keys[:keys.index(key)] if k not in step.context}
    return frozenset(names)


def _all_candidates(steps):
    for step in steps:
        for key, (source, quantity) in diagnosis.expressions(step).items():
            for candidate in diagnosis.candidates(source, _available(step, key), quantity):
                yield step, key, source, candidate


@pytest.fixture(scope="module")
def generated_results(tmp_path_factory):
    cases = []
    for step, _, _, candidate in _all_candidates(SEED_STEPS):
        body = _returning(_python(candidate.tree, "net."))
        cases.append((step, candidate.code, body))
    return _by_case(cases, tmp_path_factory, "generated")


@pytest.mark.slow
def test_every_generated_mutant_is_named(generated_results):
    wrong = [(step.id, code, body.strip(), result.status, result.diagnosis)
             for (step, code, body), result in generated_results.items()
             if result.status != "failed" or (result.diagnosis or {}).get("code") != code]
    assert not wrong
    assert len(generated_results) >= 150


# --- generated mutants of every step, through check_function ------------------------------
# Each mutant is a learner's stepN(net): every answer key computed from net as the formula
# says, except one key, which is a slip made from that key's formula (a candidate of the
# operators), the right value rounded, or - step 18 - a one-sided difference.

LEARNER_PRELUDE = "import math\n\nimport numpy as np\n\n\ndef sigmoid(z):\n" \
                  "    return 1 / (1 + math.exp(-z))\n\n\n"
ROUNDINGS = ("round({}, 4)", "round({}, 6)")
ONE_SIDED = {                    # (L(p + ε) − L(p)) / ε and (L(p) − L(p − ε)) / ε
    "forward": "(net.loss(**{{{p!r}: net.{p} + {eps}}}) - net.loss()) / {eps}",
    "backward": "(net.loss() - net.loss(**{{{p!r}: net.{p} - {eps}}})) / {eps}",
}
CENTRAL = "(net.loss(**{{{p!r}: net.{p} + 1e-5}}) - net.loss(**{{{p!r}: net.{p} - 1e-5}})) / 2e-5"


class Mutant(Record, frozen=True):
    code: str           # the code the check must name it by
    step: object
    key: str            # the answer key that is wrong
    source: str         # the learner's file


def _learner(step, written: dict) -> str:
    """The source of stepN(net) returning ``written[key]`` (Python source of each key's value;
    ``{name}`` where an earlier key's own variable goes)."""
    keys = [k or diagnosis.SINGLE for k, _ in step.answer_items]
    if not step.returns_dict:
        return f"{LEARNER_PRELUDE}def {step.function_name}(net):\n" \
               f"    return {written[diagnosis.SINGLE]}\n"
    lines = [f"    a{i} = {written[key]}" for i, key in enumerate(keys)]
    answer = ", ".join(f"{key!r}: a{i}" for i, key in enumerate(keys))
    return f"{LEARNER_PRELUDE}def {step.function_name}(net):\n" + "\n".join(lines) \
        + f"\n    return {{{answer}}}\n"


def _right(step) -> dict:
    """{key: Python source of the right value}, earlier keys read from the learner's own."""
    keys = [k or diagnosis.SINGLE for k, _ in step.answer_items]
    if step.offers_loss:
        return {key: CENTRAL.format(p=notation.base(quantity))
                for key, (_, quantity) in zip(keys, step.answer_items)}
    local = {}
    out = {}
    for i, key in enumerate(keys):
        out[key] = _python(formulas.parse(diagnosis.expressions(step)[key][0]), "net.", local)
        if key not in step.context:
            local[key] = f"a{i}"
    return out


def _local(step, key) -> dict:
    keys = [k or diagnosis.SINGLE for k, _ in step.answer_items]
    return {k: f"a{i}" for i, k in enumerate(keys[:keys.index(key)]) if k not in step.context}


def generated_mutants() -> list:
    mutants = []
    for step in registry.STEPS:
        if step.arrays:              # a matrix step's slips: tests/test_matrix.py
            continue
        right = _right(step)
        for key, (source, quantity) in diagnosis.expressions(step).items():
            for candidate in diagnosis.candidates(source, _available(step, key), quantity):
                slip = _python(candidate.tree, "net.", _local(step, key))
                mutants.append(Mutant(candidate.code, step, key,
                                      _learner(step, {**right, key: slip})))
        for key in right:
            for rounding in ROUNDINGS:
                mutants.append(Mutant("rounded", step, key,
                                      _learner(step, {**right, key: rounding.format(right[key])})))
        if step.offers_loss:
            for key, quantity in step.answer_items:
                for eps in (1e-4, 1e-5):
                    for slip in ONE_SIDED.values():
                        written = slip.format(p=notation.base(quantity), eps=eps)
                        mutants.append(Mutant("one_sided_difference", step, key,
                                              _learner(step, {**right, key: written})))
    return mutants


def _function(source: str, step):
    namespace = {}
    exec(compile(source, f"<{step.file_name}>", "exec"), namespace)
    return namespace[step.function_name]


@pytest.fixture(scope="module")
def shared_problems():
    """check_function draws the same problems for every mutant: drawn once here."""
    drawn = {}
    original = checking.ProblemSet

    def problem_set(seed, *args, **kwargs):
        if (seed, args, tuple(sorted(kwargs.items()))) not in drawn:
            drawn[seed, args, tuple(sorted(kwargs.items()))] = original(seed, *args, **kwargs)
        return drawn[seed, args, tuple(sorted(kwargs.items()))]

    patch = pytest.MonkeyPatch()
    patch.setattr(checking, "ProblemSet", problem_set)
    yield
    patch.undo()


@pytest.fixture(scope="module")
def mutant_results(shared_problems):
    return [(mutant, checking.check_function(mutant.step.id, _function(mutant.source, mutant.step),
                                             seed=SEED, lang="en"))
            for mutant in generated_mutants()]


NEAR_MISS_CODES = ("rounded", "one_sided_difference")


def _verdict(mutant, result) -> str:
    """"named" (failed, named by its code at its key), "missed", "passed" (within the
    tolerance on every problem), or "later key" (step 0: the rounded key itself is within the
    tolerance, a later key computed from it is not, and is a near miss of its own)."""
    if result.status == "passed":
        return "passed"
    found = result.diagnosis or {}
    if mutant.step.returns_dict:
        per_key = found.get("per_key") or {}
        if mutant.key not in per_key and mutant.code in NEAR_MISS_CODES \
                and found.get("code") in (None, "rounded") and "relative_error" in found:
            return "later key"
        found = per_key.get(mutant.key) or {}
    return "named" if result.status == "failed" and found.get("code") == mutant.code \
        else "missed"


def test_every_generated_mutant_of_every_step_is_named(mutant_results):
    """Every formula slip fails and is named; a rounded value or a one-sided difference is
    named whenever it fails (rounding to 6 places or ε = 1e-5 may stay within 1e-6)."""
    verdicts = Counter()
    for mutant, result in mutant_results:
        verdict = _verdict(mutant, result)
        verdicts[verdict] += 1
        assert verdict == "named" or mutant.code in NEAR_MISS_CODES and verdict != "missed", \
            (mutant.step.id, mutant.key, mutant.code, verdict, result.diagnosis)
    assert len(mutant_results) > 1400 and verdicts["named"] > 1400


def test_a_dict_mutant_is_reported_at_its_own_key(mutant_results):
    """One wrong key: the diagnosis is that key's, and step 0's later keys follow from it."""
    for mutant, result in mutant_results:
        if not mutant.step.returns_dict or _verdict(mutant, result) != "named":
            continue
        found = result.diagnosis
        assert found["key"] == mutant.key, (mutant.step.id, mutant.key, found["message"])
        assert found["message"].startswith(f"[{mutant.key}]")
        assert [k for k, v in found["per_key"].items() if v] == [mutant.key]
        assert set(found.get("follows", {})) == set(found["per_key"]) - {mutant.key}
        assert all(roots == [mutant.key] for roots in found.get("follows", {}).values())


def operator_table(mutant_results) -> dict:
    """{code: {step id: [mutants generated, those whose own key failed, those named]}}."""
    table = {}
    for mutant, result in mutant_results:
        row = table.setdefault(mutant.code, {}).setdefault(mutant.step.id, [0, 0, 0])
        verdict = _verdict(mutant, result)
        row[0] += 1
        row[1] += verdict in ("named", "missed")
        row[2] += verdict == "named"
    return table


def test_every_code_of_a_slip_is_generated_and_named_on_a_step(mutant_results):
    table = operator_table(mutant_results)
    assert set(table) == set(diagnosis.OPERATORS) - {"other_step", "hard_coded"}
    for code, steps in table.items():
        assert sum(named for _, _, named in steps.values()) > 0, code
        for step_id, (generated, failed, named) in steps.items():
            assert named == failed, (code, step_id)
    assert set(table["one_sided_difference"]) == {"step18"}
    assert set(table["missing_bias"]) == {"step0"}
    assert set(table["missing_learning_rate"]) == {"step17"}
    assert set(table["product_not_sum"]) == {"step10", "step11", "step12"}
    assert set(table["rounded"]) == {step.id for step in registry.STEPS if not step.arrays}


# --- the formulas themselves, against sympy --------------------------------------------------

def _sympy_of(source: str):
    import sympy

    names = {n: sympy.Symbol(n) for n in formulas.names_in(formulas.parse(source))}
    names["sigmoid"] = sympy.Function("sigmoid")
    return sympy.sympify(source, locals=names)


@pytest.mark.parametrize("step", [s for s in registry.STEPS if s.expression],
                         ids=lambda s: s.id)
@pytest.mark.parametrize("seed", (0, 1, 42, 2024))
def test_registry_expression_equals_reference(step, seed):
    import sympy

    reference = quantities.reference(generate(seed))
    sigmoid = sympy.Lambda(sympy.Symbol("t"), 1 / (1 + sympy.exp(-sympy.Symbol("t"))))
    for key, (source, quantity) in diagnosis.expressions(step).items():
        expression = _sympy_of(source).replace(sympy.Function("sigmoid"), sigmoid)
        values = {s: sympy.Float(reference[s.name], 30) for s in expression.free_symbols}
        exact = float(expression.evalf(30, subs=values))
        assert math.isclose(exact, reference[quantity], rel_tol=tolerances.EXACT_RELATIVE,
                            abs_tol=1e-15), (step.id, key)


@pytest.mark.parametrize("step", [s for s in registry.STEPS if s.expression],
                         ids=lambda s: s.id)
def test_every_candidate_differs_from_the_formula(step):
    import sympy

    for key, (source, quantity) in diagnosis.expressions(step).items():
        correct = _sympy_of(source)
        for candidate in diagnosis.candidates(source, _available(step, key), quantity):
            mutant = _sympy_of(_python(candidate.tree))
            assert sympy.expand(mutant - correct) != 0, (step.id, key, candidate.code)


def test_candidates_only_use_what_net_holds():
    for step in registry.STEPS:
        for key, (source, quantity) in diagnosis.expressions(step).items():
            available = _available(step, key)
            assert formulas.names_in(formulas.parse(source)) <= available, (step.id, key)
            for candidate in diagnosis.candidates(source, available, quantity):
                assert formulas.names_in(candidate.tree) <= available


# --- no false alarms --------------------------------------------------------------------------

def _sigma_from_z(source: str) -> str:
    """The correct formula with every activation recomputed from its pre-activation."""
    tree = formulas.parse(source)
    code = _python(tree, "net.")
    for name in formulas.names_in(tree):
        if name == "y" or re.fullmatch(r"h\d_\d", name):
            z = "z3" if name == "y" else "z" + name[1:]
            code = re.sub(rf"\bnet\.{name}\b", f"(1 / (1 + math.exp(-net.{z})))", code)
    return code


STYLES = {
    "float": lambda code: code,
    "np.float64": lambda code: f"np.float64({code})",
    "0-d array": lambda code: f"np.array({code})",
    "float32": lambda code: f"np.float32({code})",
}


@pytest.fixture(scope="module")
def correct_results(tmp_path_factory):
    cases = []
    for step in SEED_STEPS:
        source = diagnosis.expressions(step)[diagnosis.SINGLE][0]
        code = _python(formulas.parse(source), "net.")
        for style, dress in STYLES.items():
            cases.append((step, style, _returning(dress(code))))
        cases.append((step, "sigma from z", _returning(_sigma_from_z(source))))
    cases += [
        (registry.STEPS[10], "numpy dot",
         _returning("np.dot(net.dL_dh2 * net.h2 * (1 - net.h2), net.W2[:, 0])")),
        (registry.STEPS[12], "loop", "    total = 0.0\n    for i in range(2):\n"
         "        s = 1 / (1 + math.exp(-net.z2[i]))\n"
         "        total += net.dL_dh2[i] * s * (1 - s) * net.W2[i][2]\n    return total\n"),
        (registry.STEPS[1], "recomputed y", _returning(
            "1 / (1 + math.exp(-(net.v1 * net.h2_1 + net.v2 * net.h2_2 + net.b3)))"
            " - net.y_target")),
    ]
    return _by_case(cases, tmp_path_factory, "correct")


def test_correct_answers_in_any_style_are_never_flagged(correct_results):
    assert len(correct_results) == len(SEED_STEPS) * (len(STYLES) + 1) + 3
    flagged = [(step.id, style, result.status, result.diagnosis)
               for (step, style, _), result in correct_results.items()
               if result.status != "passed" or result.diagnosis is not None]
    assert not flagged


def test_a_wrong_answer_no_operator_explains_is_not_named(tmp_path):
    for step in SEED_STEPS:
        source = diagnosis.expressions(step)[diagnosis.SINGLE][0]
        code = _python(formulas.parse(source), "net.")
        _write(tmp_path, step, _returning(f"1.37 * {code} + 0.001 * net.x1"))
    report = checking.check([s.id for s in SEED_STEPS], tmp_path, seed=SEED)
    assert [r.status for r in report.results] == ["failed"] * len(SEED_STEPS)
    assert [r.diagnosis for r in report.results] == [None] * len(SEED_STEPS)


def test_a_passed_answer_is_never_diagnosed(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("diagnose called for a passed answer")

    monkeypatch.setattr(diagnosis, "diagnose", refuse)
    report = checking.check([], SOLUTIONS, seed=SEED)
    assert report.passed


def test_right_formula_on_the_learners_own_upstream_is_not_flagged():
    """In chain mode the context holds the learner's upstream; the formula is still right."""
    step = registry.get("step7")
    problem_set = checking.ProblemSet(SEED)
    upstream = [{"dL_dh2_1": ref["dL_dh2_1"] * 1.5} for ref in problem_set.references]
    contexts = [values for values, _, _ in checking.contexts_for(step, problem_set, "en", upstream)]
    received = [{"value": c["dL_dh2_1"] * c["h2_1"] * (1 - c["h2_1"]) * c["h1_1"]}
                for c in contexts]
    expected = [checking.expected_values(step, ref) for ref in problem_set.references]
    assert diagnosis.diagnose(step, contexts, received, expected, "en",
                              references=problem_set.references) is None


# --- dict steps, per key ------------------------------------------------------------------------

STEP0_NO_HALF = (SOLUTIONS / "step00.py").read_text().replace("0.5 * (y - net.y_target) ** 2",
                                                              "(y - net.y_target) ** 2")
STEP0_FLIPPED = (SOLUTIONS / "step00.py").read_text().replace(
    "sigmoid(net.w1_11 * net.x1", "sigmoid(-net.w1_11 * net.x1")
STEP17_ASCENT = (SOLUTIONS / "step17.py").read_text().replace("- net.eta", "+ net.eta")
STEP17_GRADIENT = (SOLUTIONS / "step17.py").read_text().replace(
    "net[name] - net.eta * net[\"dL_d\" + name]", "net[\"dL_d\" + name]")


STEP0_NO_B1 = (SOLUTIONS / "step00.py").read_text().replace(
    "net.w1_12 * net.x2 + net.b1_1)", "net.w1_12 * net.x2)")
STEP0_NO_B3 = (SOLUTIONS / "step00.py").read_text().replace(" + net.b3)", ")")
STEP17_NO_ETA = (SOLUTIONS / "step17.py").read_text().replace("- net.eta * net[", "- net[")
STEP18_FORWARD = (SOLUTIONS / "step18.py").read_text().replace(
    "down = net.loss(**{name: net[name] - EPSILON})", "down = net.loss()").replace(
    "(2 * EPSILON)", "EPSILON")

# (file, its source, the code, the first wrong key): slips in the steps that return a dict.
DICT_SLIPS = [
    ("step00.py", STEP0_NO_HALF, "factor_of_two", "L"),
    ("step00.py", STEP0_FLIPPED, "sign_flipped", "h1_1"),
    ("step00.py", STEP0_NO_B1, "missing_bias", "h1_1"),
    ("step00.py", STEP0_NO_B3, "missing_bias", "y"),
    ("step17.py", STEP17_ASCENT, "sign_flipped", "w1_11"),
    ("step17.py", STEP17_GRADIENT, "other_step", "w1_11"),
    ("step17.py", STEP17_NO_ETA, "missing_learning_rate", "w1_11"),
    ("step18.py", STEP18_FORWARD, "one_sided_difference", "dL_dw1_11"),
]


@pytest.mark.parametrize("file_name, source, code, key", DICT_SLIPS,
                         ids=["step0-no-half", "step0-flipped", "step0-no-b1_1", "step0-no-b3",
                              "step17-ascent", "step17-gradient", "step17-no-eta",
                              "step18-one-sided"])
def test_dict_steps_are_diagnosed_per_key(tmp_path, file_name, source, code, key):
    assert source != (SOLUTIONS / file_name).read_text(), "the mutation did not apply"
    (tmp_path / file_name).write_text(source, encoding="utf-8")
    step_id = f"step{int(file_name[4:6])}"
    result = checking.check([step_id], tmp_path, seed=SEED).results[0]
    assert result.status == "failed"
    assert result.diagnosis["code"] == code
    assert result.diagnosis["key"] == key
    assert result.diagnosis["message"].startswith(f"[{key}]")


@pytest.mark.parametrize("step_id, key, expression, code", [
    ("step15", "dL_db2_1", "net.dL_dh2_1", "missing_activation_derivative"),
    ("step15", "dL_dw2_22", "-net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.h1_2", "sign_flipped"),
    ("step16", "dL_dw1_31", "2 * net.dL_dh1_3 * net.h1_3 * (1 - net.h1_3) * net.x1",
     "factor_of_two"),
    ("step16", "dL_db1_2", "net.dL_dh1_2 * net.z1_2 * (1 - net.z1_2)",
     "derivative_at_preactivation"),
    ("step15", "dL_db2_1", "net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.b2_1", "extra_factor"),
    ("step15", "dL_dw2_23", "net.eta * net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.h1_3",
     "learning_rate_in_gradient"),
    ("step16", "dL_db1_1", "net.dL_dh2_1 * net.h1_1 * (1 - net.h1_1)", "wrong_upstream"),
    ("step16", "dL_dw1_22", "net.dL_dh1_2 * net.h1_2 * net.h1_2 * (1 - net.h1_2) * net.x2",
     "wrong_activation_derivative"),
])
def test_layer_rest_keys(tmp_path, step_id, key, expression, code):
    step = registry.get(step_id)
    lines = []
    for k, (source, _) in diagnosis.expressions(step).items():
        value = expression if k == key else _python(formulas.parse(source), "net.")
        lines.append(f"        {k!r}: {value},")
    _write(tmp_path, step, "    return {\n" + "\n".join(lines) + "\n    }\n")
    result = checking.check([step_id], tmp_path, seed=SEED).results[0]
    assert result.status == "failed"
    assert (result.diagnosis["code"], result.diagnosis["key"]) == (code, key)
    assert result.score > 0                   # the other keys still earn their share


def _dict_answer(step, written: dict) -> str:
    """A stepN returning every key's right formula, except ``written`` {key: expression}."""
    lines = [f"        {k!r}: {written.get(k, _python(formulas.parse(source), 'net.'))},"
             for k, (source, _) in diagnosis.expressions(step).items()]
    return "    return {\n" + "\n".join(lines) + "\n    }\n"


def test_every_wrong_key_is_diagnosed_and_the_first_in_the_steps_order_leads(tmp_path):
    step = registry.get("step15")
    _write(tmp_path, step, _dict_answer(step, {   # written last, first in the step's order
        "dL_db2_2": "2 * net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2)",
        "dL_dw2_21": "-net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.h1_1",
        "dL_dw2_23": "-net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.h1_3"}))
    (result,) = checking.check([step.id], tmp_path, seed=SEED).results
    found = result.diagnosis
    assert (found["code"], found["key"]) == ("sign_flipped", "dL_dw2_21")
    assert {k: v["code"] for k, v in found["per_key"].items()} == {
        "dL_dw2_21": "sign_flipped", "dL_dw2_23": "sign_flipped", "dL_db2_2": "factor_of_two"}
    assert found["message"].startswith("[dL_dw2_21] the sign is flipped")
    assert "(the same in 1 more answers)" in found["message"]
    assert "also [dL_db2_2] off by a factor of two" in found["message"]
    assert found["per_key"]["dL_db2_2"]["formula_text"] == "2 · ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾)"


@pytest.mark.parametrize("lang, words", [
    ("en", ["[h1_1] the bias b₁⁽¹⁾ is missing from z₁⁽¹⁾",
            "h₁⁽²⁾, h₂⁽²⁾, y, L follow from it", "right for your h₁⁽¹⁾"]),
    ("zh", ["[h1_1] z₁⁽¹⁾ 里漏掉了偏置 b₁⁽¹⁾", "h₁⁽²⁾、h₂⁽²⁾、y、L 的错误都由它而来"]),
])
def test_step0_says_where_the_forward_pass_starts_to_go_wrong(tmp_path, lang, words):
    (tmp_path / "step00.py").write_text(STEP0_NO_B1, encoding="utf-8")
    (result,) = checking.check(["step0"], tmp_path, seed=SEED, lang=lang).results
    found = result.diagnosis
    assert (found["code"], found["key"]) == ("missing_bias", "h1_1")
    assert found["per_key"] == {"h1_1": found["per_key"]["h1_1"], "h2_1": None, "h2_2": None,
                                "y": None, "L": None}
    assert found["per_key"]["h1_1"]["code"] == "missing_bias"
    assert found["follows"] == {key: ["h1_1"] for key in ("h2_1", "h2_2", "y", "L")}
    assert found["formula_text"] == "σ(w₁₁⁽¹⁾x₁ + w₁₂⁽¹⁾x₂)"
    assert all(word in found["message"] for word in words), found["message"]


def test_step0_names_where_it_starts_even_when_no_slip_explains_it(tmp_path):
    source = (SOLUTIONS / "step00.py").read_text().replace(
        "h1_2 = sigmoid(net.w1_21", "h1_2 = 0.9 * sigmoid(net.w1_21")
    (tmp_path / "step00.py").write_text(source, encoding="utf-8")
    (result,) = checking.check(["step0"], tmp_path, seed=SEED).results
    found = result.diagnosis
    assert found["code"] is None and found["key"] == "h1_2"
    assert found["message"] == ("[h1_2] this is where it goes wrong; h₁⁽²⁾, h₂⁽²⁾, y, L follow "
                                "from it: they are right for your h₂⁽¹⁾")
    assert found["per_key"] == dict.fromkeys(("h1_2", "h2_1", "h2_2", "y", "L"))


def test_step0_with_two_slips_names_both(tmp_path):
    source = STEP0_NO_B3.replace("0.5 * (y - net.y_target) ** 2", "(y - net.y_target) ** 2")
    (tmp_path / "step00.py").write_text(source, encoding="utf-8")
    (result,) = checking.check(["step0"], tmp_path, seed=SEED).results
    found = result.diagnosis
    assert (found["code"], found["key"]) == ("missing_bias", "y")
    assert {k: (v or {}).get("code") for k, v in found["per_key"].items()} == {
        "y": "missing_bias", "L": "factor_of_two"}
    assert "also [L] off by a factor of two" in found["message"]
    assert "follows" not in found


def test_a_problem_on_which_the_slip_is_right_does_not_hide_it():
    """η = 1 on one problem: η·∂L/∂w is right there, and still named on all five."""
    step = registry.get("step9")
    problem_set = checking.ProblemSet(SEED)
    contexts = checking.upstream_contexts(step, problem_set, None)
    contexts[2] = {**contexts[2], "eta": 1.0}
    source = diagnosis.expressions(step)[diagnosis.SINGLE][0]
    right = [formulas.evaluate(formulas.parse(source), c) for c in contexts]
    received = [{"value": c["eta"] * r} for c, r in zip(contexts, right)]
    expected = [checking.expected_values(step, ref) for ref in problem_set.references]
    assert tolerances.close(received[2]["value"], expected[2]["value"])
    found = diagnosis.diagnose(step, contexts, received, expected, "en",
                               references=problem_set.references)
    assert found["code"] == "learning_rate_in_gradient"
    assert found["formula_text"] == "η · ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₃⁽¹⁾"


# --- near misses: right to a few digits, not to the tolerance ----------------------------------

def _diagnose_numbers(step_id: str, answer, problem_set=None):
    """diagnose() on ``answer(right value, net's values)`` per problem of SEED."""
    step = registry.get(step_id)
    problem_set = problem_set or checking.ProblemSet(SEED)
    contexts = checking.upstream_contexts(step, problem_set, None)
    expected = [checking.expected_values(step, ref) for ref in problem_set.references]
    received = [{key: answer(value, context) for key, value in want.items()}
                for want, context in zip(expected, contexts)]
    return diagnosis.diagnose(step, contexts, received, expected, "en",
                              references=problem_set.references)


def test_a_near_miss_names_the_tolerance_and_the_usual_causes(tmp_path):
    source = diagnosis.expressions(registry.get("step7"))[diagnosis.SINGLE][0]
    _write(tmp_path, registry.get("step7"), _returning(
        f"{_python(formulas.parse(source), 'net.')} * (1 + 4e-5 * net.x1 ** 2)"))
    for lang, words in (("en", ["right to about 4 significant digits", "1e-6", "rounding",
                                "float32", "one-sided difference"]),
                        ("zh", ["4 位有效数字", "1e-6", "四舍五入", "float32", "单侧差分"])):
        (result,) = checking.check(["step7"], tmp_path, seed=SEED, lang=lang).results
        found = result.diagnosis
        assert result.status == "failed" and found["code"] is None
        assert found["tolerance"] == tolerances.RELATIVE
        assert 1e-6 < found["relative_error"] <= tolerances.NEAR_MISS_RELATIVE
        assert all(word in found["message"] for word in words), found["message"]


@pytest.mark.parametrize("scale", [1.002, 1.37, 0.5])
def test_an_answer_further_off_is_no_near_miss(scale):
    assert _diagnose_numbers("step7", lambda value, net: value * scale * (1 + 1e-3 * net["x1"])) \
        is None


def test_float32_numbers_that_miss_the_tolerance_are_rounded():
    """What float32 arithmetic with cancellation gives: float32 numbers a few 1e-6 off."""
    import numpy as np

    found = _diagnose_numbers("step10", lambda value, _: float(np.float32(value * (1 + 3e-6))))
    assert found["code"] == "rounded" and found["precision"] == "float32"
    assert found["formula_text"].startswith("float32(")
    assert "float64" in found["message"] and "1e-6" in found["message"]
    # The same error in float64 numbers is a near miss, not float32's.
    assert _diagnose_numbers("step10", lambda value, _: value * (1 + 3e-6))["code"] is None


def test_rounding_is_told_by_its_places_whatever_the_error():
    for places in (3, 5, 7):
        found = _diagnose_numbers("step13", lambda value, _: round(value, places))
        assert (found["code"], found["places"]) == ("rounded", places)
        assert found["formula_text"] == f"round(∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · x₁, {places})"
        assert found["relative_error"] > tolerances.RELATIVE


def test_rounded_answers_in_chain_mode_are_judged_on_the_learners_own_inputs():
    """Fed a wrong ∂L/∂h₁⁽²⁾, a right formula rounded is still "rounded", not "far off"."""
    step = registry.get("step7")
    problem_set = checking.ProblemSet(SEED)
    upstream = [{"dL_dh2_1": ref["dL_dh2_1"] * 1.5} for ref in problem_set.references]
    contexts = checking.upstream_contexts(step, problem_set, upstream)
    own = [c["dL_dh2_1"] * c["h2_1"] * (1 - c["h2_1"]) * c["h1_1"] for c in contexts]
    expected = [checking.expected_values(step, ref) for ref in problem_set.references]
    found = diagnosis.diagnose(step, contexts, [{"value": round(v, 6)} for v in own], expected,
                               "en", references=problem_set.references)
    assert (found["code"], found["places"]) == ("rounded", 6)
    near = diagnosis.diagnose(step, contexts, [{"value": v * (1 + 1e-5)} for v in own],
                              expected, "en", references=problem_set.references)
    assert near["code"] is None
    right = diagnosis.diagnose(step, contexts, [{"value": v} for v in own], expected, "en",
                               references=problem_set.references)
    assert right is None


@pytest.mark.parametrize("lang, words", [
    ("en", ["(L(w₁₁⁽¹⁾ + ε) − L(w₁₁⁽¹⁾)) / ε", "ε = 1e-5", "1e-6",
            "(L(w₁₁⁽¹⁾ + ε) − L(w₁₁⁽¹⁾ − ε)) / (2ε)"]),
    ("zh", ["单侧差分", "ε = 1e-5", "1e-6", "中心差分"]),
])
def test_a_one_sided_difference_says_what_to_change(tmp_path, lang, words):
    (tmp_path / "step18.py").write_text(STEP18_FORWARD, encoding="utf-8")
    (result,) = checking.check(["step18"], tmp_path, seed=SEED, lang=lang).results
    found = result.diagnosis
    assert (found["code"], found["epsilon"], found["direction"]) == \
        ("one_sided_difference", 1e-5, "forward")
    assert all(word in found["message"] for word in words), found["message"]
    wrong = [key for key, value in found["per_key"].items() if value]
    assert wrong and all(found["per_key"][k]["code"] == "one_sided_difference" for k in wrong)


def test_a_central_difference_with_a_large_step_is_no_one_sided_difference():
    step = registry.get("step18")
    found = _diagnose_numbers("step18", lambda value, net: value)   # right: nothing to say
    assert found is None
    problem_set = checking.ProblemSet(SEED)
    contexts = checking.upstream_contexts(step, problem_set, None)

    def central(values, parameter, eps):
        up = diagnosis.near_miss.loss(values, {parameter: values[parameter] + eps})
        down = diagnosis.near_miss.loss(values, {parameter: values[parameter] - eps})
        return (up - down) / (2 * eps)

    received = [{key: central(c, notation.base(q), 2e-2) for key, q in step.answer_items}
                for c in contexts]
    expected = [checking.expected_values(step, ref) for ref in problem_set.references]
    found = diagnosis.diagnose(step, contexts, received, expected, "en",
                               references=problem_set.references)
    assert found is None or found["code"] != "one_sided_difference"


# --- one fixture per code of a slip --------------------------------------------------------------

DIAGNOSIS_FIXTURES = FIXTURES / "diagnoses"


@pytest.mark.parametrize("code", sorted(p.name for p in DIAGNOSIS_FIXTURES.iterdir()))
def test_each_diagnosis_fixture_is_named_by_its_code(code):
    (path,) = (DIAGNOSIS_FIXTURES / code).glob("step*.py")
    step = registry.get(path.stem)
    for lang in ("en", "zh"):
        (result,) = checking.check([step.id], DIAGNOSIS_FIXTURES / code, seed=SEED,
                                   lang=lang).results
        assert result.status == "failed" and result.diagnosis["code"] == code, result.diagnosis
        assert bool(re.search(r"[\u4e00-\u9fff]", result.diagnosis["message"])) == (lang == "zh")
        assert result.diagnosis["formula_latex"] and result.diagnosis["formula_text"]


def test_every_code_a_slip_formula_gives_has_a_fixture():
    assert {p.name for p in DIAGNOSIS_FIXTURES.iterdir()} == set(diagnosis.OPERATORS) - {
        "sign_flipped", "factor_of_two", "missing_activation_derivative",
        "derivative_at_preactivation", "transposed_weight", "wrong_index", "wrong_quantity",
        "missing_path_term", "other_step", "hard_coded"}      # hand-written above


# --- what the learner reads --------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_message_names_the_mistake_in_the_seed_notation_without_the_value(tmp_path, lang,
                                                                         visible_reference):
    _write(tmp_path, registry.get("step7"), _returning("net.dL_dh2_1 * net.h1_1"))
    result = checking.check(["step7"], tmp_path, seed=SEED, lang=lang).results[0]
    found = result.diagnosis
    assert found["code"] == "missing_activation_derivative"
    assert "h₁⁽²⁾(1−h₁⁽²⁾)" in found["message"]
    assert "∂L/∂h₁⁽²⁾ · h₁⁽¹⁾" in found["message"]
    assert found["formula_latex"] == r"\frac{\partial L}{\partial h_1^{(2)}} \cdot h_1^{(1)}"
    correct = visible_reference["dL_dw2_11"]
    for shown in (f"{correct:.10g}", f"{correct:.6g}", f"{correct:.4g}"):
        assert shown not in found["message"]
    assert ("σ′" in found["message"]) and (("漏掉" in found["message"]) == (lang == "zh"))


def test_json_carries_the_diagnosis_and_terminal_one_sentence(tmp_path):
    _write(tmp_path, registry.get("step1"), _returning("net.y_target - net.y"))
    _write(tmp_path, registry.get("step2"), _returning(
        "net.delta3 * net.y * (1 - net.y) * net.h2_1"))
    runner = CliRunner()
    out = runner.invoke(main, ["check", "1", "2", "--exercises", str(tmp_path), "--seed",
                               str(SEED), "--json", "--lang", "en"])
    assert out.exit_code == 1, out.output
    results = {r["step"]: r for r in json.loads(out.output)["results"]}
    assert results["step1"]["diagnosis"]["code"] == "sign_flipped"
    assert results["step1"]["diagnosis"]["formula_latex"] == r"y_{\text{target}} - y"
    assert results["step2"]["diagnosis"] is None
    text = runner.invoke(main, ["check", "1", "--exercises", str(tmp_path), "--seed", str(SEED),
                                "--lang", "en"]).output
    lines = [line for line in text.splitlines() if "likely mistake" in line]
    assert len(lines) == 1 and "y_target − y" in lines[0]


def test_rendering_the_registry_formulas_matches_the_seed_text():
    """The printer, fed the registry's expression, gives back the seed's own formula text."""
    for step in SEED_STEPS:
        source = diagnosis.expressions(step)[diagnosis.SINGLE][0]
        shown = formulas.render(formulas.parse(source), latex=False)
        assert shown in step.formula_text, (step.id, shown)
