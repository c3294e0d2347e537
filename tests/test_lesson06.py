"""Lesson 6 helpers on a tiny network: what lazy_run measures is what the probes define."""

import numpy as np

import ntkedu
from lessons import lesson06_lazy_training as lesson
from ntkedu import data


def test_lazy_run_measures_the_final_weights_and_masks():
    rng = np.random.default_rng(0)
    X, y = data.unit_inputs(6, 5, rng=rng), data.regression_targets(6, rng=rng)
    net = ntkedu.MLP(5, 16, 2, rng=rng)
    W0 = {k: net.params[k].copy() for k in net.trainable}
    _, cache0 = net.forward(X)
    cfg = dict(steps=4, lr_scale=1.0, record_every=2)
    r = lesson.lazy_run(net, X, y, cfg)

    # the run trains on u_0 + y: the initial residual is exactly −y
    assert np.isclose(r["loss"][0], 0.5 * np.sum(y**2))
    dW = {k: net.params[k] - W0[k] for k in W0}
    assert np.isclose(r["total_frobenius"], np.sqrt(sum(np.sum(d**2) for d in dW.values())))
    assert np.allclose(r["rel_frobenius"], [np.linalg.norm(dW[k]) / np.linalg.norm(W0[k]) for k in W0])
    _, cache = net.forward(X)
    flipped = [np.mean(cache.D[l] != cache0.D[l]) for l in (1, 2)]   # layers W1, W2 only
    assert np.allclose(r["flips"], flipped)
    assert r["flips_curve"][0] == 0 and r["total_frobenius_curve"][0] == 0
    assert r["steps"] == [0, 2, 4]
