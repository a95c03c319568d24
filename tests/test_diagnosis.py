"""Diagnosis by formula mutation: wrong answers named, right answers never flagged.

The mutants below are written by hand (table ``MUTANTS``) and, separately, generated from
``grader.checking.diagnosis.candidates``; both kinds run through the real ``checking.check``. sympy
(imported here only) proves every registry expression equals the reference quantity and
every generated candidate differs from the correct formula.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SOLUTIONS
from grader.checking import check as checking, diagnosis
from grader.steps import expression as formulas, quantities, registry
from grader import tolerances
from grader.cli import main
from grader.engine.generators import generate

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


def test_every_operator_has_hand_written_mutants_on_the_seed_steps():
    used = {code for _, code, _ in MUTANTS}
    assert used == set(diagnosis.OPERATORS)
    assert {n for n, _, _ in MUTANTS} == set(range(1, 15))


# --- generated mutants: every candidate of every step 1-14, through the real check --------

def _python(node, prefix: str = "") -> str:
    """A formula tree as Python source; ``prefix="net."`` gives code a learner could write."""
    kind, value, children = node
    if kind == "num":
        return repr(value)
    if kind == "name":
        return prefix + value
    if kind == "call":
        return f"{value}({', '.join(_python(c, prefix) for c in children)})"
    if kind == "neg":
        return f"(-{_python(children[0], prefix)})"
    if kind in ("sum", "mul"):
        return "(" + (" + " if kind == "sum" else " * ").join(_python(c, prefix) for c in children) + ")"
    if kind == "div":
        return f"({_python(children[0], prefix)} / {_python(children[1], prefix)})"
    return f"({_python(children[0], prefix)} ** {value})"


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


def operator_table(generated_results, hand_results) -> dict:
    """{operator: (steps 1-14 it applies to, mutants the check named with it)}."""
    applies, proved = {}, Counter()
    for step, key, _, candidate in _all_candidates(SEED_STEPS):
        applies.setdefault(candidate.code, set()).add(step.number)
    for code in ("other_step", "hard_coded"):
        applies[code] = {n for n, c, _ in MUTANTS if c == code}
    for (step, code, _), result in list(generated_results.items()) + list(hand_results.items()):
        if result.status == "failed" and result.diagnosis and result.diagnosis["code"] == code:
            proved[code] += 1
    return {code: (sorted(applies.get(code, ())), proved[code]) for code in diagnosis.OPERATORS}


@pytest.mark.slow
def test_every_operator_applies_and_is_proved_on_each_step(generated_results, hand_results):
    for code, (steps, proved) in operator_table(generated_results, hand_results).items():
        assert steps, f"{code} applies to no step 1-14"
        assert proved >= len(steps), code


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


@pytest.mark.parametrize("file_name, source, code, key", [
    ("step00.py", STEP0_NO_HALF, "factor_of_two", "L"),
    ("step00.py", STEP0_FLIPPED, "sign_flipped", "h1_1"),
    ("step17.py", STEP17_ASCENT, "sign_flipped", "w1_11"),
    ("step17.py", STEP17_GRADIENT, "other_step", "w1_11"),
], ids=["step0-no-half", "step0-flipped", "step17-ascent", "step17-gradient"])
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
    assert results["step1"]["diagnosis"]["formula_latex"] == "y_{target} - y"
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
