"""grader.steps.context: ``net``, read-only, exactly the step's values, helpful when a name is missing."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from grader.checking import check as checking

from grader.steps import registry
from bpgrade_harness.net import COUNTS
from grader.steps.context import ARRAYS, Context


@pytest.fixture(scope="module")
def problem_set():
    return checking.ProblemSet(0, further=1)


def net_for(step_id: str, problem_set, lang: str = "en") -> Context:
    values, step, hidden = checking.contexts_for(registry.get(step_id), problem_set, lang)[0]
    return Context(values, step, hidden, lang)


@pytest.mark.parametrize("step", registry.STEPS, ids=lambda s: s.id)
def test_holds_exactly_the_registry_names(step, problem_set):
    net = net_for(step.id, problem_set)
    reference = problem_set.references_for(step)[0]
    if step.per_problem:           # tuples of read-only arrays, one per layer, and names
        assert set(net.keys()) == set(step.context)
        for name in step.context:
            held, sent = net[name], reference[name]
            if isinstance(sent, str):
                assert held == sent
            else:
                parts = held if isinstance(sent, dict) else (held,)
                sent = sent["layers"] if isinstance(sent, dict) else [sent]
                assert isinstance(held, tuple) == isinstance(reference[name], dict)
                assert all(not part.flags.writeable and part.tolist() == value
                           for part, value in zip(parts, sent))
        return
    if step.arrays:                # a matrix step holds arrays only, each read-only
        held = step.held(reference)
        arrays = [name for name in step.context if isinstance(held[name], list)
                  and name not in COUNTS]      # step22 holds numbers and counts beside them
        assert set(net.keys()) == set(step.context)
        assert all(not net[name].flags.writeable and net[name].tolist() == held[name]
                   for name in arrays)
        assert all(net[name] == held[name] or list(net[name]) == held[name]
                   for name in step.context if name not in arrays)
        return
    scalars = {name for name in net.keys() if isinstance(net[name], float)}
    assert scalars == set(step.context)
    assert all(net[name] == reference[name] for name in step.context)


def test_assignment_is_refused(problem_set):
    net = net_for("step7", problem_set)
    before = net.h1_1
    with pytest.raises(AttributeError, match="read-only"):
        net.h1_1 = 0.5
    with pytest.raises(AttributeError, match="read-only"):
        net.new_name = 1.0
    with pytest.raises(AttributeError, match="read-only"):
        del net.h1_1
    with pytest.raises(TypeError):
        net["h1_1"] = 0.5
    assert net.h1_1 == before


@pytest.mark.parametrize("name", sorted(ARRAYS))
def test_arrays_are_not_writable(name, problem_set):
    net = net_for("step17", problem_set)
    array = getattr(net, name)
    assert not array.flags.writeable
    with pytest.raises(ValueError):
        array[(0,) * array.ndim] = 1.0


@pytest.mark.parametrize("name,layout", sorted(ARRAYS.items()))
def test_arrays_match_the_scalars(name, layout, problem_set):
    net = net_for("step17", problem_set)
    array = getattr(net, name)
    expected = np.array([[net[n] for n in row] for row in layout] if isinstance(layout[0], tuple)
                        else [net[n] for n in layout])
    assert array.shape == expected.shape and np.array_equal(array, expected)


def test_arrays_follow_the_seed_layout(problem_set):
    net = net_for("step13", problem_set)
    assert net.W1.shape == (3, 2) and net.W1[2, 1] == net.w1_32
    assert net.W2.shape == (2, 3) and net.W2[0, 2] == net.w2_13
    assert net.W3.shape == (1, 2) and tuple(net.v) == (net.v1, net.v2)
    assert np.allclose(net.h1, 1 / (1 + np.exp(-(net.W1 @ net.x + net.b1))), rtol=1e-14)


def test_no_array_without_all_its_values(problem_set):
    net = net_for("step0", problem_set)
    assert "W1" in net and "x" in net
    for name in ("h1", "z1", "h2", "dL_dh2", "dL_dh1"):
        assert name not in net


@pytest.mark.parametrize("step_id,name,reason", [
    ("step7", "dL_dw2_11", "is what this step asks you to compute"),
    ("step1", "delta3", "is what this step asks you to compute"),
    ("step0", "y", "is what this step asks you to compute"),
    ("step0", "z1_1", "step0 computes the forward pass itself"),
    ("step7", "dL_dv1", "only step17 is given them"),
    ("step5", "dL_dh1_1", "computed in a later step"),
])
def test_missing_names_say_why(step_id, name, reason, problem_set):
    net = net_for(step_id, problem_set)
    with pytest.raises(AttributeError) as caught:
        getattr(net, name)
    message = str(caught.value)
    assert f"net.{name}" in message and step_id in message and reason in message
    with pytest.raises(KeyError, match=reason):
        net[name]


def test_missing_names_in_chinese(problem_set):
    net = net_for("step7", problem_set, "zh")
    with pytest.raises(AttributeError, match="这正是本步要你计算的量"):
        net.dL_dw2_11


def test_a_typo_gets_suggestions(problem_set):
    net = net_for("step7", problem_set)
    with pytest.raises(AttributeError, match=r"did you mean net\.h1_1"):
        net.h11_1
    with pytest.raises(AttributeError, match="no value named 'zzz'"):
        net.zzz


def test_the_helpers(problem_set):
    net = net_for("step2", problem_set)
    assert "delta3" in net and "dL_dv1" not in net
    assert net.keys() == sorted(net.keys()) == dir(net)
    assert "step2" in repr(net) and "delta3=" in repr(net)
    assert copy.copy(net) is net and copy.deepcopy(net) is net


def test_values_are_plain_floats():
    net = Context({"x1": np.float32(0.5), "x2": 2})
    assert type(net.x1) is float and type(net.x2) is float
    assert np.array_equal(net.x, [0.5, 2.0])


def test_the_learners_loss_is_the_reference_forward_pass():
    from grader.steps.context import seed_loss
    from grader.engine.forward import run
    from grader.engine.generators import generate
    from grader.steps.quantities import reference

    for seed in range(40):
        problem = generate(seed)
        values = reference(problem)
        assert seed_loss(values) == pytest.approx(run(problem).loss, rel=1e-14)


def test_the_whole_missing_name_message_is_translated(problem_set):
    net = net_for("step8", problem_set, "zh")
    with pytest.raises(AttributeError) as caught:
        net.dL_dw2_12
    assert str(caught.value).startswith("step8 中没有 net.dL_dw2_12")
    with pytest.raises(AttributeError, match="net 中没有名为 'zzz' 的值（step8）") as caught:
        net.zzz
    assert "did you mean" not in str(caught.value)
    with pytest.raises(AttributeError, match=r"是否想写 net\.h1_1") as caught:
        net.h11_1
    assert "did you mean" not in str(caught.value)
    with pytest.raises(AttributeError, match="net 是只读的"):
        net.x1 = 0.0


def test_an_english_learner_reads_english_only(problem_set):
    net = net_for("step7", problem_set, "en")
    with pytest.raises(AttributeError) as caught:
        net.h11_1
    message = str(caught.value)
    assert message.startswith("net has no value named 'h11_1' in step7; did you mean net.h1_1")
    assert not any("\u4e00" <= c <= "\u9fff" for c in message)        # no Chinese in it


@pytest.mark.parametrize("lang, shown", [("en", "L with those parameters replaced"),
                                         ("zh", "把这些参数换成给定值后的 L")])
def test_net_loss_describes_itself_in_the_learners_language(problem_set, lang, shown):
    net = net_for("step18", problem_set, lang)
    assert shown in repr(net.loss)
