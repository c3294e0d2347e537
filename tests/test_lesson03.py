"""Lesson 3's helpers: the straight-line fit of log F_t, steps to ε, and the outputs probe."""

import numpy as np

import ntkedu
from lessons import lesson03_width as lesson
from ntkedu import data


def test_log_linear_fit_recovers_a_geometric_rate_exactly():
    t = np.arange(50)
    rate, r2 = lesson.log_linear_fit(t, 3.0 * 0.9**t)
    assert np.isclose(rate, -np.log(0.9)) and np.isclose(r2, 1.0)


def test_log_linear_fit_sees_the_bend_of_a_sum_of_exponentials():
    t = np.arange(200)
    _, r2 = lesson.log_linear_fit(t, 0.9**t + 1e-3 * 0.999**t)    # fast, then a slow floor
    assert r2 < 0.95


def test_first_step_below():
    loss = [10.0, 5.0, 1.0, 0.5]
    assert lesson.first_step_below(loss, 0.1) == 2
    assert lesson.first_step_below(loss, 0.01) is None


def test_outputs_probe_records_the_outputs_and_changes_nothing():
    X, Y = data.unit_inputs(8, 5, rng=0), data.regression_targets(8, rng=1)
    net_a, net_b = ntkedu.MLP(5, 32, 2, seed=2), ntkedu.MLP(5, 32, 2, seed=2)
    u0, _ = net_a.forward(X)
    with_probe = ntkedu.train(net_a, X, Y, steps=5, lr_scale=1.0, probes=[lesson.Outputs()])
    without = ntkedu.train(net_b, X, Y, steps=5, lr_scale=1.0)
    assert with_probe.loss == without.loss
    U = np.asarray(with_probe.probes["outputs"]["u"])
    assert U.shape == (6, 8) and np.array_equal(U[0], u0[:, 0])
    assert np.isclose(0.5 * np.sum((U[-1] - Y[:, 0]) ** 2), with_probe.loss[-1])
