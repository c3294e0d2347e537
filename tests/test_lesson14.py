"""Lesson 14's planted pair and the kernel along it."""

import numpy as np
import pytest

import ntkedu
from lessons import lesson14_separation as lesson
from ntkedu import data, ntk


@pytest.mark.parametrize("delta", [0.5, 0.1, 0.01])
def test_planted_partner_is_exactly_delta_away_and_of_the_papers_form(delta):
    rng = np.random.default_rng(0)
    x0 = data.unit_inputs(1, 9, rng=rng)[0]
    v = lesson.random_orthogonal(x0[:-1] * np.sqrt(2), rng)
    assert np.isclose(np.linalg.norm(v), 1) and np.isclose(v @ x0[:-1], 0)
    x = lesson.planted_partner(x0, v, delta)
    assert np.isclose(np.linalg.norm(x - x0), delta)
    assert np.isclose(np.linalg.norm(x), 1) and np.isclose(x[-1], 1 / np.sqrt(2))


def test_smallest_eigenvalue_of_the_analytic_kernel_halves_with_delta():
    rng = np.random.default_rng(1)
    bulk = data.separated_inputs(4, 9, 1.0, rng=rng)
    v = lesson.random_orthogonal(bulk[0, :-1] * np.sqrt(2), rng)

    def lam_min(delta):
        X = np.vstack([bulk, lesson.planted_partner(bulk[0], v, delta)])
        return ntk.eigen(ntk.analytic(X, 3)).values[-1]
    ratio = lam_min(0.01) / lam_min(0.02)
    assert 0.4 < ratio < 0.6                    # λ_min(Θ̄) ∝ δ for a close pair


def test_pair_kernel_probe_is_p_theta_p_over_m():
    X = data.unit_inputs(5, 6, rng=2)
    Y = data.regression_targets(5, rng=3)
    net = ntkedu.MLP(6, 48, 2, seed=4)
    p = np.zeros(5)
    p[0], p[-1] = 1 / np.sqrt(2), -1 / np.sqrt(2)
    expected = p @ ntk.empirical(net, X) @ p / 48
    hist = ntkedu.train(net, X, Y, steps=25, lr_scale=1.0, probes=[lesson.PairKernel(5, offset=100)])
    rec = hist.probes["pair_kernel"]
    assert rec["t"][0] == 100 and np.isclose(rec["value"][0], expected)
    assert rec["t"] == [100, 120]               # only every 20th step once past step 20
