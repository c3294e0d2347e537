"""Kernels: the layer-wise empirical NTK, the analytic limits, and the kernel-GD helpers (paper.md §6)."""

import numpy as np
import pytest

import ntkedu
from ntkedu import data, ntk
from ntkedu.measure import loglog_slope
from ntkedu.ntk import kernel_distance


# ------------------------------------------------------------------------------------------------
# Arc-cosine maps
# ------------------------------------------------------------------------------------------------

def test_kappa_known_values():
    assert ntk.kappa0(1.0) == pytest.approx(1.0)
    assert ntk.kappa0(0.0) == pytest.approx(0.5)
    assert ntk.kappa1(1.0) == pytest.approx(1.0)
    assert ntk.kappa1(0.0) == pytest.approx(1 / np.pi)
    assert ntk.kappa1(-1.0) == pytest.approx(0.0, abs=1e-15)
    rho = np.linspace(-1, 1, 201)
    assert np.all(ntk.kappa1(rho) >= 0)
    assert np.all(np.diff(ntk.kappa1(rho)) > 0) and np.all(np.diff(ntk.kappa0(rho)) > 0)
    assert np.all(ntk.kappa1(rho) >= rho - 1e-15)      # a ReLU layer never decreases correlations


def test_kappas_are_relu_expectations():
    rng = np.random.default_rng(0)
    rho = 0.3
    u = rng.standard_normal(400_000)
    v = rho * u + np.sqrt(1 - rho**2) * rng.standard_normal(u.size)
    assert 2 * np.mean(np.maximum(u, 0) * np.maximum(v, 0)) == pytest.approx(ntk.kappa1(rho), abs=0.01)
    assert 2 * np.mean((u > 0) & (v > 0)) == pytest.approx(ntk.kappa0(rho), abs=0.01)


# ------------------------------------------------------------------------------------------------
# Empirical kernel: layer-wise factorisation against brute-force per-sample gradients
# ------------------------------------------------------------------------------------------------

def _net(kind, d_out, train_all):
    if kind == "mlp":
        return ntkedu.MLP(6, 12, 3, d_out, seed=3, train_all=train_all), data.unit_inputs(9, 6, rng=1)
    if kind == "resnet":
        net = ntkedu.ResNet(6, 12, 3, d_out, tau=0.6, seed=3, train_all=train_all)
        return net, data.unit_inputs(9, 6, rng=1)
    return ntkedu.CNN((2, 4, 5), 4, 2, d_out, seed=3, train_all=train_all), data.images(7, (2, 4, 5), rng=1)


def _brute_force(net, X):
    """(d_out, d_out, n, n) Gram of per-sample gradients of each output (same backward pass)."""
    out, cache = net.forward(X)
    n, d_out = out.shape
    J = []
    for k in range(d_out):
        dout = np.zeros_like(out)
        dout[:, k] = 1.0
        pg = net.per_sample_gradients(dout, cache)
        J.append(np.concatenate([pg[name].reshape(n, -1) for name in net.trainable], axis=1))
    return np.array([[J[k] @ J[k2].T for k2 in range(d_out)] for k in range(d_out)])


@pytest.mark.parametrize("kind", ["mlp", "resnet", "cnn"])
@pytest.mark.parametrize("d_out", [1, 2])
@pytest.mark.parametrize("train_all", [False, True])
def test_empirical_equals_brute_force(kind, d_out, train_all):
    net, X = _net(kind, d_out, train_all)
    full = _brute_force(net, X)
    K = ntk.empirical(net, X)
    want = full[0, 0] if d_out == 1 else np.stack([full[k, k] for k in range(d_out)])
    assert K.shape == want.shape
    assert np.max(np.abs(K - want)) <= 1e-10 * np.max(np.abs(want))
    cross = ntk.empirical(net, X, cross_outputs=True)
    assert cross.shape == (d_out, d_out, len(X), len(X))
    assert np.max(np.abs(cross - full)) <= 1e-10 * np.max(np.abs(full))


def test_empirical_does_not_change_the_network():
    net, X = _net("resnet", 2, False)
    before = {k: v.copy() for k, v in net.params.items()}
    ntk.empirical(net, X)
    assert all(np.array_equal(before[k], net.params[k]) for k in before)


def test_memory_warning_goes_to_stderr(monkeypatch, capsys):
    net, X = _net("mlp", 1, False)
    ntk.empirical(net, X)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(ntk, "MEMORY_WARNING_BYTES", 0)
    ntk.empirical(net, X)
    assert "MB" in capsys.readouterr().err
    ntk.empirical(net, X, verbose_memory=False)
    assert capsys.readouterr().err == ""


def test_memory_estimate_is_the_right_size():
    import tracemalloc
    net = ntkedu.MLP(16, 256, 3, seed=0)
    X = data.unit_inputs(64, 16, rng=0)
    tracemalloc.start()
    ntk.empirical(net, X)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    estimate = ntk.memory_estimate(net, 64)
    assert estimate / 3 < peak < 3 * estimate
    assert ntk.memory_estimate(net, 128) > estimate


# ------------------------------------------------------------------------------------------------
# Analytic kernels
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [1, 3, 7])
@pytest.mark.parametrize("d_out", [1, 3])
def test_analytic_diagonal_is_L_over_2dout(depth, d_out):
    X = data.unit_inputs(6, 5, rng=depth)
    assert np.allclose(np.diag(ntk.analytic(X, depth, d_out)), depth / (2 * d_out))
    assert np.allclose(np.diag(ntk.analytic(X, depth, d_out, train_all=True)), (depth + 1) / (2 * d_out))


def test_analytic_is_a_kernel_and_homogeneous():
    X = data.unit_inputs(8, 5, rng=0)
    K = ntk.analytic(X, 4)
    assert np.allclose(K, K.T) and np.linalg.eigvalsh(K)[0] > -1e-12
    # general norms: K_ℓ scale like ‖x‖‖x'‖, the masks not at all, so Θ̄ scales like c²
    assert np.allclose(ntk.analytic(3.0 * X, 4), 9.0 * K)
    c = np.linspace(0.5, 2.0, 8)[:, None]
    assert np.allclose(ntk.analytic(c * X, 4), np.outer(c, c) * K)


@pytest.mark.parametrize("bad", [np.ones((3, 2), dtype=int), np.ones(3), np.array([[1.0, np.nan]])])
def test_analytic_rejects_bad_inputs(bad):
    with pytest.raises(ValueError, match="X"):
        ntk.analytic(bad, 2)


def test_empirical_over_m_approaches_analytic():
    """Θ_m/m → Θ̄ (paper.md §6.2, claim C9): the error falls with the width.

    The error of one net fluctuates a lot (a common scale factor of all ‖h_ℓ‖ drifts, §3.1), so
    the per-seed check spans a 16× range of widths and the average is over 4 nets.
    """
    X = data.unit_inputs(20, 16, rng=0)
    Kbar = ntk.analytic(X, 3)
    widths = (64, 256, 1024)
    errors = np.array([[kernel_distance(ntk.empirical(ntkedu.MLP(16, m, 3, seed=s), X) / m, Kbar)
                        for m in widths] for s in range(4)])
    assert np.all(errors[:, 2] < errors[:, 0])
    mean = errors.mean(axis=0)
    assert mean[2] < mean[1] and mean[2] < 0.5 * mean[0]           # ∝ m^{-1/2} predicts 0.25


def test_error_to_analytic_falls_over_widths_128_to_1024():
    """Over m ∈ {128, 256, 512, 1024} the seed-averaged ‖Θ_m/m − Θ̄‖/‖Θ̄‖ falls: its log-log slope is
    clearly negative (theory −½; one doubling can be flat, as single nets scatter widely)."""
    X = data.unit_inputs(20, 16, rng=0)
    Kbar = ntk.analytic(X, 3)
    widths = (128, 256, 512, 1024)
    errors = np.array([[kernel_distance(ntk.empirical(ntkedu.MLP(16, m, 3, seed=s), X) / m, Kbar)
                        for m in widths] for s in range(8)])
    mean = errors.mean(axis=0)
    assert loglog_slope(widths, mean) < -0.2
    assert mean[-1] < mean[0]


def test_coordinate_process_without_identity_is_the_mlp_kernel():
    """The simulation behind analytic_resnet, run without the skip, reproduces the closed form."""
    X = data.unit_inputs(10, 8, rng=0)
    K = ntk._coordinate_process_ntk(X, 3, 1.0, 1, 2**14, np.random.default_rng(0), identity=False)
    assert kernel_distance(K, ntk.analytic(X, 3)) < 0.06


def test_resnet_empirical_approaches_analytic_resnet():
    X = data.unit_inputs(10, 8, rng=0)
    Kbar = ntk.analytic_resnet(X, 3, 0.5, samples=2**15)
    assert np.allclose(Kbar, Kbar.T)
    assert np.array_equal(Kbar, ntk.analytic_resnet(X, 3, 0.5, samples=2**15))   # seeded
    errors = np.array([[kernel_distance(ntk.empirical(ntkedu.ResNet(8, m, 3, tau=0.5, seed=s), X) / m, Kbar)
                        for m in (64, 1024)] for s in range(3)])
    assert np.all(errors[:, 1] < errors[:, 0])
    assert errors[:, 1].mean() < 0.6 * errors[:, 0].mean()


# ------------------------------------------------------------------------------------------------
# Eigen helpers and kernel gradient descent
# ------------------------------------------------------------------------------------------------

def _tiny_kernel(n=6, seed=0):
    G = np.random.default_rng(seed).standard_normal((n, n + 2))
    return G @ G.T / n


def test_eigen_sorted_and_reconstructs():
    K = _tiny_kernel()
    e = ntk.eigen(K)
    assert np.all(np.diff(e.values) <= 0)
    assert np.allclose(e.vectors @ np.diag(e.values) @ e.vectors.T, K)
    with pytest.raises(ValueError, match="symmetric"):
        ntk.eigen(K + np.triu(np.ones_like(K), 1))


def _explicit_gd(K, r0, lr, steps):
    """u_{t+1} − y = (I − ηK)(u_t − y), iterated; K (n, n) or one block per output column."""
    r, losses, residuals = r0.copy(), [], []
    for _ in range(steps + 1):
        losses.append(0.5 * np.sum(r**2))
        residuals.append(r.copy())
        step = K @ r if K.ndim == 2 else np.stack([K[k] @ r[:, k] for k in range(r.shape[1])], axis=1)
        r = r - lr * step
    return np.array(losses), np.array(residuals)


@pytest.mark.parametrize("blocks", [False, True])
def test_kernel_gd_prediction_matches_explicit_iteration(blocks):
    rng = np.random.default_rng(1)
    K = np.stack([_tiny_kernel(seed=2), _tiny_kernel(seed=3)]) if blocks else _tiny_kernel(seed=2)
    u0, Y = rng.standard_normal((6, 2)), rng.standard_normal((6, 2))
    lr = 0.9 * ntk.max_learning_rate(K, 1)
    want_loss, want_r = _explicit_gd(K, u0 - Y, lr, 40)
    pred = ntk.kernel_gd_prediction(K, u0, Y, lr, 40, return_outputs=True)
    assert np.array_equal(pred.steps, np.arange(41))
    assert np.allclose(pred.loss, want_loss, rtol=1e-10, atol=0)
    assert np.allclose(pred.outputs - Y, want_r, rtol=1e-8, atol=1e-12)
    some = ntk.kernel_gd_prediction(K, u0, Y, lr, np.array([0, 7, 40]))
    assert np.allclose(some.loss, want_loss[[0, 7, 40]], rtol=1e-10)


def test_max_learning_rate_is_the_stability_threshold():
    K, m = _tiny_kernel(), 64
    eta = ntk.max_learning_rate(K, m)
    assert eta == pytest.approx(2 / (m * np.linalg.eigvalsh(K)[-1]))
    r0 = np.random.default_rng(0).standard_normal((6, 1))
    below, _ = _explicit_gd(m * K, r0, 0.98 * eta, 400)
    above, _ = _explicit_gd(m * K, r0, 1.02 * eta, 400)
    assert below[-1] < below[0] and above[-1] > 10 * above[0]


def test_residual_along_eigenvectors_follows_kernel_gd():
    K = _tiny_kernel(seed=4)
    r0 = np.random.default_rng(5).standard_normal(6)
    lr = ntk.max_learning_rate(K, 1) / 2
    _, R = _explicit_gd(K, r0[:, None], lr, 30)
    steps = np.arange(3, 31, 3)
    proj = ntk.residual_along_eigenvectors(K, R[steps, :, 0], lr, steps)
    assert proj.measured.shape == proj.predicted.shape == (len(steps), 6, 1)
    assert np.allclose(proj.measured, proj.predicted, rtol=1e-8, atol=1e-12)
    # the residual along the top eigenvector shrinks fastest
    shrink = np.abs(proj.measured[-1, :, 0] / proj.measured[0, :, 0])
    assert shrink[0] < shrink[-1]


def test_kernel_distance():
    K = _tiny_kernel()
    assert kernel_distance(K, K) == 0.0
    assert kernel_distance(1.1 * K, K) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="same shape"):
        kernel_distance(K, K[:3, :3])
