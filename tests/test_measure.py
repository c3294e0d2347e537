"""Measurements at initialisation (paper.md §3.1–3.4) and semi-smoothness (Theorem 4)."""

import numpy as np
import pytest

import ntkedu
from ntkedu import data, measure


def test_loglog_slope_recovers_a_power():
    x = np.array([1.0, 2.0, 4.0, 8.0])
    assert measure.loglog_slope(x, 3 * x**-0.5) == pytest.approx(-0.5)


def test_spectral_norm_by_power_iteration():
    A = np.random.default_rng(0).standard_normal((30, 20))
    exact = np.linalg.norm(A, 2)
    assert measure.spectral_norm(A, iterations=300) == pytest.approx(exact, rel=1e-6)
    assert measure.spectral_norm(A) <= exact * (1 + 1e-12)        # a lower bound, from below


def test_forward_norms_near_one_at_large_width():
    """Lemma 7.1: ‖h_{i,ℓ}‖ ≈ 1 at every layer for unit inputs."""
    X = data.unit_inputs(10, 16, rng=0)
    norms = measure.forward_norms(ntkedu.MLP(16, 1024, 4, seed=0), X)
    assert norms.shape == (10, 5)
    assert np.all(np.abs(norms.mean(axis=0) - 1) < 4 * np.sqrt(4 / 1024))   # 1 ± O(√(L/m))
    cnn_norms = measure.forward_norms(ntkedu.CNN((2, 4, 4), 3, 2, seed=0), data.images(4, (2, 4, 4), rng=0))
    assert cnn_norms.shape == (4, 3)


def _explicit_products(net, x, a):
    _, cache = net.forward(x[None])
    D = [d[0] for d in cache.D]
    step = (lambda W: W) if net.kind == "mlp" else (lambda W: np.eye(len(W)) + net.tau * W)
    P, out = step(net.params[f"W{a}"]), []
    out.append(np.linalg.norm(P, 2))
    for l in range(a + 1, net.depth + 1):
        P = step(net.params[f"W{l}"]) @ (D[l - 1][:, None] * P)
        out.append(np.linalg.norm(P, 2))
    return np.array(out)


@pytest.mark.parametrize("kind", ["mlp", "resnet"])
@pytest.mark.parametrize("start", [1, 2])
def test_layer_product_norms_agree_with_svd(kind, start):
    X = data.unit_inputs(1, 8, rng=1)
    net = (ntkedu.MLP(8, 40, 4, seed=2) if kind == "mlp" else ntkedu.ResNet(8, 40, 4, tau=0.5, seed=2))
    exact = _explicit_products(net, X[0], start)
    tight = measure.layer_product_norms(net, X[0], start, iterations=500, rng=0)
    assert np.array_equal(tight.ends, np.arange(start, 5))
    assert np.allclose(tight.norms, exact, rtol=1e-4)
    quick = measure.layer_product_norms(net, X[0], start, rng=0)          # default 30 iterations
    assert np.all(quick.norms <= exact * (1 + 1e-12)) and np.all(quick.norms > 0.9 * exact)


def test_backward_norms_sizes_and_identity():
    """Lemma 7.4b: backward signals are √(m/d_out)-sized; ≈ √½ of it after the last mask."""
    X = data.unit_inputs(8, 16, rng=0)
    net = ntkedu.MLP(16, 1024, 3, seed=0)
    b = measure.backward_norms(net, X)
    assert b.back.shape == b.signal.shape == b.grad_ratio.shape == (8, 3)
    assert abs(b.back[:, -1].mean() - 1) < 0.1                  # ‖Bᵀ‖/√m
    assert abs(b.signal[:, -1].mean() - np.sqrt(0.5)) < 0.1      # ‖D_L Bᵀ‖/√m
    assert np.all(b.signal <= b.back + 1e-12)                    # a mask never adds length
    # scalar output: ‖∇_{W_ℓ}F_i‖_F = |r_i|·‖D Backᵀ‖·‖h_{ℓ−1}‖, so grad_ratio = signal·‖h_{ℓ−1}‖
    h = measure.forward_norms(net, X)
    assert np.allclose(b.grad_ratio, b.signal * h[:, :-1], rtol=1e-10)


def test_backward_norms_flat_in_width_and_other_nets():
    X = data.unit_inputs(8, 16, rng=0)
    small = measure.backward_norms(ntkedu.MLP(16, 256, 3, seed=1), X).signal.mean()
    large = measure.backward_norms(ntkedu.MLP(16, 2048, 3, seed=1), X).signal.mean()
    assert abs(small - large) < 0.15
    two = measure.backward_norms(ntkedu.ResNet(16, 64, 2, d_out=2, tau=0.3, seed=0), X,
                                 Y=np.zeros((8, 2)))
    assert np.all(np.isfinite(two.grad_ratio))
    cnn = measure.backward_norms(ntkedu.CNN((1, 4, 4), 3, 2, seed=0), data.images(3, (1, 4, 4), rng=0))
    assert cnn.signal.shape == (3, 2)


def test_separation_prediction_and_limit():
    layers = np.arange(-1, 30)
    pred = measure.separation_prediction(0.1, layers)
    limit = measure.separation_limit(0.1, layers)
    assert np.all(np.diff(pred) < 0) and np.all(np.diff(limit) < 0)
    assert pred[0] == pytest.approx(0.1)
    assert limit[0] == pytest.approx(0.1 * np.sqrt(1 - 0.1**2 / 4))     # sin θ of two unit inputs δ apart
    assert np.allclose(limit[1:], pred[1:], rtol=0.05)                 # the small-angle law, δ = 0.1


def test_separation_by_layer_follows_the_limit():
    """§3.4: the angle between two inputs shrinks layer by layer as the κ₁ iteration says."""
    z = np.random.default_rng(0).standard_normal((2, 15))
    z[0] /= np.linalg.norm(z[0])
    w = z[1] - (z[0] @ z[1]) * z[0]
    z[1] = np.cos(1.2) * z[0] + np.sin(1.2) * w / np.linalg.norm(w)      # z-parts 1.2 rad apart
    X = np.hstack([z, np.ones((2, 1))]) / np.sqrt(2)
    sep = measure.separation_by_layer(ntkedu.MLP(16, 1024, 10, seed=0), X)
    assert np.array_equal(sep.layers, np.arange(-1, 11))
    assert sep.delta == pytest.approx(np.linalg.norm(X[0] - X[1]))
    limit = measure.separation_limit(sep.delta, sep.layers)
    assert sep.sin[0] == pytest.approx(limit[0])
    assert limit[-1] < 0.6 * limit[0] and sep.sin[-1] < 0.7 * sep.sin[0]   # a real decay, measured
    assert np.allclose(sep.sin, limit, rtol=0.25)                         # finite-width spread ~ 1/√m
    X5 = data.unit_inputs(5, 16, rng=0)
    one = measure.separation_by_layer(ntkedu.MLP(16, 64, 2, seed=0), X5, pair=(1, 3))
    assert np.all(one.pairs == [1, 3])


def test_random_direction_has_unit_size():
    net = ntkedu.MLP(6, 32, 2, seed=0)
    fro = measure.random_direction(net, np.random.default_rng(0), norm="frobenius")
    assert set(fro) == set(net.trainable)
    assert np.sqrt(sum(np.sum(a**2) for a in fro.values())) == pytest.approx(1.0)
    spec = measure.random_direction(net, np.random.default_rng(0))
    largest = max(np.linalg.norm(a, 2) for a in spec.values())
    assert 1.0 <= largest < 1.1


def test_semi_smoothness_gap_is_second_order():
    """Theorem 4: F(W + rW′) − F(W) − r⟨∇F, W′⟩ vanishes faster than r."""
    X, Y = data.unit_inputs(5, 8, rng=0), data.regression_targets(5, rng=1)
    net = ntkedu.MLP(8, 64, 2, seed=0)
    before = {k: v.copy() for k, v in net.params.items()}
    sizes = np.array([1e-1, 1e-2, 1e-3])
    s = measure.semi_smoothness(net, X, Y, measure.random_direction(net, 2), sizes)
    assert all(np.array_equal(before[k], net.params[k]) for k in before)
    assert s.loss0 == pytest.approx(ntkedu.losses.squared(net.forward(X)[0], Y)[0])
    assert np.allclose(s.gap, s.loss - s.first_order)
    ratio = np.abs(s.gap) / sizes
    assert np.all(np.diff(ratio) < 0) and ratio[-1] < 0.1 * ratio[0]


def test_semi_smoothness_rejects_bad_directions():
    net = ntkedu.MLP(4, 8, 2, seed=0)
    X, Y = data.unit_inputs(3, 4, rng=0), data.regression_targets(3, rng=0)
    with pytest.raises(ValueError, match="not trainable"):
        measure.semi_smoothness(net, X, Y, {"A": np.ones((8, 4))}, [0.1])
    with pytest.raises(ValueError, match="zero"):
        measure.semi_smoothness(net, X, Y, {"W1": np.zeros((8, 8))}, [0.1])
    with pytest.raises(ValueError, match="sizes"):
        measure.semi_smoothness(net, X, Y, {"W1": np.ones((8, 8))}, [-0.1])


def test_spectral_norm_of_low_rank_and_zero_matrices():
    rng = np.random.default_rng(0)
    low_rank = rng.standard_normal((50, 3)) @ np.diag([5.0, 1.0, 0.5]) @ rng.standard_normal((3, 40))
    assert measure.spectral_norm(low_rank) == pytest.approx(np.linalg.norm(low_rank, 2), rel=1e-8)
    gaussian = rng.standard_normal((60, 60))
    assert measure.spectral_norm(gaussian) == measure.spectral_norm(gaussian)     # deterministic
    assert measure.spectral_norm(np.zeros((4, 3, 2))) == 0.0


def test_first_step_below():
    loss = [10.0, 5.0, 1.0, 0.5]
    assert measure.first_step_below(loss, 0.1) == 2
    assert measure.first_step_below(loss, 0.01) is None
