"""Helpers of lesson 15 (real labels against random labels): labels, kernel statistics, chance band."""

import math

import numpy as np
import pytest

from lessons import lesson15_real_labels as l15
from ntkedu import ntk


def _kernel(n=12, d=6, seed=0):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, d - 1))
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    X = np.hstack([z / np.sqrt(2), np.full((n, 1), 1 / np.sqrt(2))])
    return ntk.analytic(X, 2)


def test_random_labels_balanced_within_each_class():
    labels = np.array([0] * 7 + [1] * 6)
    y = l15.random_labels(labels, 3)
    assert set(np.unique(y)) <= {-1.0, 1.0}
    assert abs(y[labels == 1].sum()) == 0          # even class: exactly half +1
    assert abs(y[labels == 0].sum()) == 1          # odd class: off by the one coin
    assert not np.array_equal(y, l15.random_labels(labels, 4))


def test_pm_labels():
    assert l15.pm_labels([0, 1, 1, 0]).tolist() == [1.0, -1.0, -1.0, 1.0]


def test_worst_case_labels_is_bottom_eigenvector_with_norm():
    K = _kernel()
    eig = ntk.eigen(K)
    y = l15.worst_case_labels(eig, 5.0)
    assert np.linalg.norm(y) == pytest.approx(5.0)
    assert K @ y == pytest.approx(eig.values[-1] * y, abs=1e-9)
    # the largest yᵀK⁻¹y for this norm: ‖y‖²/λ_min
    assert l15.inverse_quadratic(K, y) == pytest.approx(25.0 / eig.values[-1], rel=1e-8)


def test_projections_sum_to_one_and_top_fraction():
    K = _kernel()
    eig = ntk.eigen(K)
    y = eig.vectors[:, 0] + 2 * eig.vectors[:, 3]
    p = l15.projections(eig, y)
    assert p.sum() == pytest.approx(1.0)
    assert l15.top_fraction(eig, y, 1) == pytest.approx(0.2)
    assert l15.top_fraction(eig, y, 4) == pytest.approx(1.0)


def test_arora_measure_matches_formula():
    K = _kernel()
    y = np.where(np.arange(12) % 2, 1.0, -1.0)
    assert l15.arora_measure(K, y) == pytest.approx(math.sqrt(2 * y @ np.linalg.inv(K) @ y / 12), rel=1e-8)


def test_binomial_band_tails():
    lo, hi = l15.binomial_band(90, 1 / 2000)
    assert (lo, hi) == (90 - hi, hi)               # symmetric for p = ½
    pmf = [math.comb(90, k) / 2**90 for k in range(91)]
    assert sum(pmf[:lo]) <= 1 / 4000 < sum(pmf[:lo + 1])
    assert l15.binomial_band(10, 0.5) == (4, 6)
    with pytest.raises(ValueError):
        l15.binomial_band(0, 0.1)


def test_binomial_tail_above():
    assert l15.binomial_tail_above(3, 1, 0.5) == pytest.approx(0.5)
    assert l15.binomial_tail_above(5, 5, 0.3) == 0.0


def test_steps_to_full():
    assert l15.steps_to_full([0.5, 1.0, 0.9, 1.0, 1.0]) == 3
    assert l15.steps_to_full([1.0, 1.0]) == 0
    assert l15.steps_to_full([0.5, 1.0, 0.9]) is None
