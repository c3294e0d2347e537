"""Data that meets the paper's assumptions (paper.md §1.1): unit norm, last coordinate 1/√2, δ-separation."""

import itertools

import numpy as np
import pytest

from ntkedu import data


@pytest.mark.parametrize("seed", range(5))
def test_unit_inputs_have_unit_norm_and_constant_last_coordinate(seed):
    X = data.unit_inputs(50, 7, rng=seed)
    assert X.shape == (50, 7) and X.dtype == np.float64
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(X[:, -1], 1 / np.sqrt(2), rtol=0, atol=1e-15)
    # correlations x_i·x_j = (1 + z_i·z_j)/2 lie in [0, 1]
    G = X @ X.T
    assert G.min() >= -1e-12 and G.max() <= 1 + 1e-12


def test_unit_inputs_directions_are_spread_over_the_sphere():
    # z uniform on S^{d-2}: its mean is near 0 and its covariance near I/(d-1)
    X = data.unit_inputs(4000, 5, rng=0)
    Z = X[:, :-1] * np.sqrt(2)
    assert np.abs(Z.mean(axis=0)).max() < 0.05
    np.testing.assert_allclose(Z.T @ Z / len(Z), np.eye(4) / 4, atol=0.03)


def test_inputs_are_reproducible_and_accept_a_generator():
    a = data.unit_inputs(5, 4, rng=3)
    b = data.unit_inputs(5, 4, rng=np.random.default_rng(3))
    c = data.unit_inputs(5, 4, rng=4)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def _separation_by_loops(X):
    F = np.asarray(X, dtype=float).reshape(len(X), -1)
    return min(np.linalg.norm(F[i] - F[j]) for i, j in itertools.combinations(range(len(F)), 2))


@pytest.mark.parametrize("shape", [(12, 5), (9, 2, 3, 3), (2, 4)])
def test_separation_agrees_with_a_brute_force_loop(shape, rng):
    X = rng.standard_normal(shape)
    assert data.separation(X) == pytest.approx(_separation_by_loops(X), rel=1e-9)


def test_separation_of_a_duplicated_point_is_zero(rng):
    X = data.unit_inputs(6, 4, rng=rng)
    X[4] = X[1]
    assert data.separation(X) == pytest.approx(0.0, abs=1e-7)


@pytest.mark.parametrize("n, d, delta", [(20, 10, 0.5), (20, 10, 0.7), (50, 5, 0.3), (30, 16, 0.6)])
@pytest.mark.parametrize("seed", range(3))
def test_separated_inputs_meet_their_delta(n, d, delta, seed):
    X = data.separated_inputs(n, d, delta, rng=seed)
    assert X.shape == (n, d)
    assert data.separation(X) >= delta
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(X[:, -1], 1 / np.sqrt(2), atol=1e-15)


def test_impossible_delta_is_refused_and_named(bad_input):
    # two unit inputs with last coordinate 1/√2 are at most 1 apart once n > d
    message = bad_input(lambda: data.separated_inputs(10, 3, 1.5, rng=0), "delta", "1.5")
    assert "at most" in message
    # a δ below the bound that random packing cannot reach within the draws allowed
    bad_input(lambda: data.separated_inputs(20, 10, 0.99, rng=0, max_candidates=500), "delta=0.99", "n=20", "d=10")


@pytest.mark.parametrize("delta", [0, -0.1, float("nan")])
def test_non_positive_delta_is_refused(bad_input, delta):
    bad_input(lambda: data.separated_inputs(5, 4, delta, rng=0), "delta", str(float(delta)))


@pytest.mark.parametrize("n, d_out", [(200, 1), (50, 3)])
def test_regression_targets_have_rms_one(n, d_out):
    Y = data.regression_targets(n, d_out, rng=0)
    assert Y.shape == (n, d_out) and Y.dtype == np.float64
    assert np.sqrt(np.mean(Y**2)) == pytest.approx(1.0, rel=1e-12)


def test_random_labels_are_ints_in_range_and_use_every_class():
    y = data.class_labels(300, 4, rng=0)
    assert y.shape == (300,) and np.issubdtype(y.dtype, np.integer)
    assert set(np.unique(y)) == {0, 1, 2, 3}


def test_linear_labels_are_a_function_of_x():
    X = data.unit_inputs(60, 6, rng=1)
    y = data.class_labels(60, 3, rng=7, X=X, rule="linear")
    assert y.shape == (60,) and y.min() >= 0 and y.max() < 3
    assert len(np.unique(y)) > 1
    # same rule (same rng) on permuted inputs gives the permuted labels: labels follow x, not the index
    perm = np.random.default_rng(2).permutation(60)
    assert np.array_equal(data.class_labels(60, 3, rng=7, X=X[perm], rule="linear"), y[perm])
    # other inputs, same rule: other labels
    X2 = data.unit_inputs(60, 6, rng=2)
    assert not np.array_equal(data.class_labels(60, 3, rng=7, X=X2, rule="linear"), y)


def test_linear_labels_need_x_and_a_known_rule(bad_input):
    bad_input(lambda: data.class_labels(5, 2, rng=0, rule="linear"), "X")
    bad_input(lambda: data.class_labels(5, 2, rng=0, rule="parity"), "rule", "parity")
    bad_input(lambda: data.class_labels(5, 2, rng=0, X=np.ones((4, 3)), rule="linear"), "X", "(4, 3)")


@pytest.mark.parametrize("shape", [(1, 8, 8), (3, 4, 5)])
def test_images_have_unit_frobenius_norm(shape):
    X = data.images(10, shape, rng=0)
    assert X.shape == (10, *shape) and X.dtype == np.float64
    np.testing.assert_allclose(np.linalg.norm(X.reshape(10, -1), axis=1), 1.0, atol=1e-12)


@pytest.mark.parametrize("make, fragments", [
    (lambda: data.unit_inputs(0, 4, rng=0), ("n", "0")),
    (lambda: data.unit_inputs(2.5, 4, rng=0), ("n", "2.5")),
    (lambda: data.unit_inputs(5, 1, rng=0), ("d", ">= 2", "1")),
    (lambda: data.unit_inputs(5, -3, rng=0), ("d", "-3")),
    (lambda: data.separated_inputs(1, 4, 0.1, rng=0), ("n", "1")),
    (lambda: data.regression_targets(0, rng=0), ("n", "0")),
    (lambda: data.regression_targets(4, 0, rng=0), ("d_out", "0")),
    (lambda: data.class_labels(-2, 3, rng=0), ("n", "-2")),
    (lambda: data.class_labels(5, 1, rng=0), ("n_classes", "1")),
    (lambda: data.images(0, rng=0), ("n", "0")),
    (lambda: data.images(3, (1, 0, 4), rng=0), ("H", "0")),
    (lambda: data.images(3, (8, 8), rng=0), ("shape", "(8, 8)")),
    (lambda: data.unit_inputs(5, 4, rng=None), ("rng",)),
    (lambda: data.unit_inputs(5, 4, rng=-1), ("seed", "-1")),
    (lambda: data.separation(np.ones((1, 4))), ("X", "(1, 4)")),
])
def test_bad_sizes_are_refused_with_the_value(bad_input, make, fragments):
    bad_input(make, *fragments)
