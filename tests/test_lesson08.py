"""Lesson 8 helpers: the Outputs probe only observes, and the linearised prediction starts on the run."""

import numpy as np

import ntkedu
from lessons import lesson08_ntk as lesson
from ntkedu import data


def test_outputs_probe_observes_without_changing_the_run():
    rng = np.random.default_rng(3)
    X, Y = data.unit_inputs(6, 5, rng=rng), data.regression_targets(6, rng=rng)
    net = ntkedu.MLP(5, 16, 2, rng=rng)
    plain = ntkedu.train(net.copy(), X, Y, steps=3, lr_scale=1.0)
    probe = lesson.Outputs()
    trained = net.copy()
    watched = ntkedu.train(trained, X, Y, steps=3, lr_scale=1.0, probes=(probe,))
    assert watched.loss == plain.loss
    assert np.allclose(probe.values["u"][-1], trained.forward(X)[0])


def test_linearisation_gap_is_zero_at_the_start_and_small_for_a_tiny_step():
    rng = np.random.default_rng(4)
    X, Y = data.unit_inputs(6, 5, rng=rng), data.regression_targets(6, rng=rng)
    net = ntkedu.MLP(5, 64, 2, rng=rng)
    r = lesson.linearisation_run(net, X, Y, dict(steps=2, lr_scale=0.01, record_every=1))
    assert r["gap"][0] < 1e-12
    assert np.all(r["gap"] < 1e-3)            # a hundredth of the usual step: nearly linear
    assert np.allclose(r["kernel_loss"][0], r["loss"][0])
