"""Lesson 7 helpers: the semi-smoothness gap of a tiny network is second order along −∇F."""

import numpy as np

import ntkedu
from lessons import lesson07_no_critical_points as lesson
from ntkedu import data


def test_gap_is_far_below_the_first_order_change_for_small_moves():
    rng = np.random.default_rng(1)
    X, Y = data.unit_inputs(8, 5, rng=rng), data.regression_targets(8, rng=rng)
    net = ntkedu.MLP(5, 32, 2, rng=rng)
    s = lesson.semi_smooth(net, X, Y, np.array([1e-4, 1e-3]))
    assert np.all(s["first_order"] > 0)
    # at r = 1e-4 the error of the linear prediction is a tiny fraction of the linear change itself
    assert abs(s["gap"][0]) < 1e-2 * s["first_order"][0]
    # and it shrinks faster than r: gap/r falls by more than 3× when r falls 10×
    assert abs(s["gap"][0]) / 1e-4 < abs(s["gap"][1]) / 1e-3 / 3


def test_ratio_run_matches_the_definition():
    rng = np.random.default_rng(2)
    X, Y = data.unit_inputs(6, 5, rng=rng), data.regression_targets(6, rng=rng)
    net = ntkedu.MLP(5, 16, 2, rng=rng)
    F, grads, _, _ = net.loss_and_grads(X, Y)
    r = lesson.ratio_run(net, X, Y, dict(steps=2, lr_scale=1.0))
    expected = sum(np.sum(g**2) for g in grads.values()) / F
    assert np.isclose(r["ratio"][0], expected)
    assert np.isclose(r["ratio_normalised"][0], expected / 16)
