"""Lesson 4's stability test and its search for the edge of stability."""

import math

import numpy as np

import ntkedu
from lessons import lesson04_step_size as lesson
from ntkedu import data, ntk

CFG = dict(edge_top=64.0, edge_steps=15)


def problem(width=32):
    X, Y = data.unit_inputs(10, 6, rng=0), data.regression_targets(10, rng=1)
    net = ntkedu.MLP(6, width, 2, seed=3)
    lam_max = float(ntk.eigen(ntk.analytic(X, 2)).values[0])
    return net, X, Y, lam_max


def test_train_calls_a_tiny_step_stable_and_a_huge_one_not():
    net, X, Y, lam_max = problem()
    small = lesson._train(net, X, Y, 15, lr_scale=0.5)
    huge = lesson._train(net, X, Y, 15, lr=1e4 / (net.width * lam_max))
    assert small["stable"] and small["diverged"] is None and small["final_ratio"] < 1
    assert not huge["stable"] and huge["diverged"] is not None
    assert np.array_equal(net.params["W1"], problem()[0].params["W1"])   # net0 itself never trains


def test_edge_search_walks_down_a_sqrt2_ladder_and_stops_at_the_first_stable_step():
    net, X, Y, lam_max = problem()
    edge, found, trials, edge_run = lesson.edge_of_stability(net, X, Y, lam_max, CFG)
    scales = [t["lr_scale"] for t in trials]
    assert np.allclose(scales, [CFG["edge_top"] / math.sqrt(2) ** k for k in range(len(trials))])
    assert all(not t["stable"] for t in trials[:-1]) and trials[-1]["stable"]
    assert edge == scales[-1] and found == (len(trials) > 1)
    assert edge >= lesson.KERNEL_EDGE
    assert edge_run["lr_scale"] == edge and edge_run["loss"][-1] < edge_run["loss"][0]


def test_refined_edge_lies_between_the_stable_rung_and_the_unstable_one_above():
    net, X, Y, lam_max = problem()
    rung, found, ladder, _ = lesson.edge_of_stability(net, X, Y, lam_max, CFG)
    edge, _, trials, edge_run = lesson.edge_of_stability(net, X, Y, lam_max, {**CFG, "edge_refine": 2})
    assert found and trials[:len(ladder)] == ladder               # the same ladder first
    halvings = trials[len(ladder):]
    assert len(halvings) == 2
    assert all(rung < t["lr_scale"] < rung * math.sqrt(2) for t in halvings)
    assert rung <= edge < rung * math.sqrt(2)
    assert edge == max([rung] + [t["lr_scale"] for t in halvings if t["stable"]])
    assert edge_run["lr_scale"] == edge
