"""Lesson 9 helpers: the decay-rate fit, and a residual that starts exactly at −y."""

import numpy as np

import ntkedu
from lessons import lesson09_eigenvectors as lesson
from ntkedu import data, ntk


def test_decay_rate_recovers_a_geometric_rate():
    steps = np.arange(0, 50, 5)
    p = -3.0 * 0.95**steps
    assert np.isclose(lesson.decay_rate(steps, p), -np.log(0.95))


def test_eigen_run_starts_at_minus_y_along_the_eigenvectors():
    rng = np.random.default_rng(5)
    X = data.unit_inputs(6, 5, rng=rng)
    net = ntkedu.MLP(5, 32, 2, rng=rng)
    K0 = ntk.empirical(net, X)
    eig = ntk.eigen(K0)
    u0 = net.forward(X)[0][:, 0]
    y = np.sqrt(6) * eig.vectors[:, 2]
    r = lesson.eigen_run(net.copy(), X, u0, y, K0, dict(steps=2, lr_scale=1.0, record_every=1))
    assert np.allclose(r["measured"][0], -(eig.vectors.T @ y))
    assert np.isclose(abs(r["measured"][0, 2]), np.sqrt(6))
    assert np.allclose(r["measured"][0, [0, 1, 3, 4, 5]], 0, atol=1e-10)
