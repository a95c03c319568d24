"""grader.engine.losses: each loss against its definition written out, stable where its output
saturates, and its gradients against difference quotients."""

from __future__ import annotations

import math

import numpy as np
import pytest

from grader import notation
from grader.engine import losses
from grader.engine.forward import sigmoid, softmax

Y = np.array([0.2, 0.7, 0.55])
T = np.array([0.25, 0.5, 0.25])          # sums to 1: a softmax target too


def written_out(name: str, y, t) -> float:
    """Each loss as its docstring defines it, one output at a time."""
    n = len(y)
    if name == "half_squared_error":
        return 0.5 * sum((yi - ti) ** 2 for yi, ti in zip(y, t))
    if name == "mean_squared_error":
        return sum((yi - ti) ** 2 for yi, ti in zip(y, t)) / n
    if name == "binary_cross_entropy":
        return -sum(ti * math.log(yi) + (1 - ti) * math.log(1 - yi) for yi, ti in zip(y, t))
    return -sum(ti * math.log(yi) for yi, ti in zip(y, t))


def output(name: str, z):
    return softmax(z) if notation.LOSSES[name] == "softmax" else sigmoid(z)


def test_every_loss_name_is_computed_and_no_other():
    assert list(notation.LOSSES)[0] == notation.SEED_LOSS == "half_squared_error"
    assert set(notation.LOSSES.values()) == {"sigmoid", "softmax"}
    assert set(losses.CROSS_ENTROPIES) <= set(notation.LOSSES)
    for name in notation.LOSSES:
        assert np.isfinite(losses.value(name, Y / Y.sum(), T))
    for compute in (lambda: losses.value("hinge", Y, T), lambda: losses.gradient("hinge", Y, T)):
        with pytest.raises(KeyError, match="hinge"):
            compute()


@pytest.mark.parametrize("name", list(notation.LOSSES))
def test_value_is_the_definition_from_y_and_from_z(name):
    z = np.array([-0.8, 0.4, 1.3])
    y = output(name, z)
    expected = written_out(name, y.tolist(), T.tolist())
    assert losses.value(name, y, T) == pytest.approx(expected, rel=1e-13)
    assert losses.value(name, y, T, z) == pytest.approx(expected, rel=1e-13)


def test_mean_squared_error_is_the_mean_over_the_outputs():
    assert losses.value("mean_squared_error", Y, T) == \
        pytest.approx(2 / len(Y) * losses.value("half_squared_error", Y, T), rel=1e-15)


def test_half_squared_error_is_the_lessons():
    assert losses.value("half_squared_error", np.array([0.25, 1.0]), np.array([0.75, 0.0])) \
        == 0.5 * (0.25 + 1.0)


@pytest.mark.parametrize("name", list(losses.CROSS_ENTROPIES))
def test_cross_entropy_from_z_is_stable_where_y_rounds_to_0_or_1(name):
    """At |z| = 40 the rounded y is 1.0 or ~1e-18: the log of y would lose every digit or be
    infinite; from z, L stays finite and equals its asymptote."""
    z = np.array([40.0, -40.0])
    t = np.array([0.3, 0.7])
    value = losses.value(name, output(name, z), t, z)
    # BCE: -log σ(40) = -log(1 - σ(-40)) ≈ e^-40 and -log(1 - σ(40)) = -log σ(-40) ≈ 40, so
    # L ≈ 0.7·40 + 0.7·40; softmax: log softmax(z) ≈ (0, -80), so L ≈ 0.7·80
    assert value == pytest.approx(56.0, rel=1e-12)
    assert losses.value(name, output(name, z), t, z) == losses.value(name, None, t, z)


@pytest.mark.parametrize("name", list(notation.LOSSES))
def test_gradient_is_dL_dy(name):
    y = Y / Y.sum() if name == "softmax_cross_entropy" else Y
    eps = 1e-6
    numeric = np.empty_like(y)
    for i in range(len(y)):
        up, down = y.copy(), y.copy()
        up[i] += eps
        down[i] -= eps
        numeric[i] = (losses.value(name, up, T) - losses.value(name, down, T)) / (2 * eps)
    assert np.allclose(losses.gradient(name, y, T), numeric, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", list(notation.LOSSES))
def test_output_gradient_is_dL_dz(name):
    """The cross-entropies give dL/dz = y - t; the squared errors leave it to the chain rule."""
    z = np.array([-0.8, 0.4, 1.3])
    y = output(name, z)
    eps = 1e-6
    numeric = np.empty_like(z)
    for i in range(len(z)):
        up, down = z.copy(), z.copy()
        up[i] += eps
        down[i] -= eps
        numeric[i] = (losses.value(name, output(name, up), T, up)
                      - losses.value(name, output(name, down), T, down)) / (2 * eps)
    dz = losses.output_gradient(name, y, T)
    if name in losses.CROSS_ENTROPIES:
        assert np.array_equal(dz, y - T)
    else:
        assert dz is None
        dz = losses.gradient(name, y, T) * y * (1 - y)        # dL/dy · σ′(z)
    assert np.allclose(dz, numeric, rtol=1e-8, atol=1e-10)


def test_softmax_is_stable_and_sums_to_one():
    y = softmax(np.array([1000.0, 999.0, -1000.0]))
    assert np.isfinite(y).all() and y.sum() == pytest.approx(1.0, rel=1e-15)
    assert y[0] / y[1] == pytest.approx(math.e, rel=1e-12)
