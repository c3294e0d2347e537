"""Probes observe a run and never change it (paper.md §3.5–3.7, Theorem 3; issue 3)."""

import numpy as np
import pytest

import ntkedu
from ntkedu import data, ntk, probes
from ntkedu.training import train


def regression(n=12, d=6, width=48, depth=3, d_out=1, seed=0):
    X = data.unit_inputs(n, d, rng=seed)
    Y = data.regression_targets(n, d_out, rng=seed + 100)
    return ntkedu.MLP(d, width, depth, d_out, seed=seed), X, Y


@pytest.mark.parametrize("batch_size", [None, 5])
def test_all_probes_leave_the_run_bitwise_unchanged(batch_size):
    net, X, Y = regression(d_out=2)
    watched = net.copy()
    plain = train(net, X, Y, steps=15, lr_scale=1.0, batch_size=batch_size, seed=4, record_every=3)
    probed = train(watched, X, Y, steps=15, lr_scale=1.0, batch_size=batch_size, seed=4, record_every=3,
                   probes="all")
    assert plain.loss == probed.loss and plain.grad_norm_sq == probed.grad_norm_sq
    assert all(np.array_equal(net.params[k], watched.params[k]) for k in net.params)
    assert sorted(probed.probes) == sorted(probes.PROBES)
    for values in probed.probes.values():         # one entry per record (besides fixed descriptions)
        assert all(len(v) == len(probed.steps) for k, v in values.items() if k != "layers")


def test_probes_also_leave_cnn_and_resnet_runs_unchanged():
    X = data.unit_inputs(6, 5, rng=0)
    Y = data.regression_targets(6, rng=1)
    images = data.images(6, (1, 4, 4), rng=2)
    for net, inputs in [(ntkedu.ResNet(5, 16, 2, tau=0.5, seed=0), X), (ntkedu.CNN((1, 4, 4), 3, 2, seed=0), images)]:
        runs = [train(net.copy(), inputs, Y, steps=6, lr=1e-3, probes=p) for p in ((), "all")]
        assert runs[0].loss == runs[1].loss
        assert runs[1].probes["kernel_drift"]["drift"][-1] > 0


# ---- Distance ----------------------------------------------------------------------------------

def test_distance_matches_the_norms_of_the_weight_change():
    net, X, Y = regression()
    W0 = net.copy()
    hist = train(net, X, Y, steps=30, lr_scale=1.0, probes="distance", record_every=10)
    dist = hist.probes["distance"]
    assert dist["layers"] == ["W1", "W2", "W3"]
    assert dist["abs_frobenius"][0] == [0.0, 0.0, 0.0] and dist["total_frobenius"][0] == 0.0
    dW = [net.params[k] - W0.params[k] for k in dist["layers"]]
    fro = [np.linalg.norm(d) for d in dW]
    np.testing.assert_allclose(dist["abs_frobenius"][-1], fro, rtol=1e-12)
    np.testing.assert_allclose(dist["rel_frobenius"][-1],
                               [f / np.linalg.norm(W0.params[k]) for f, k in zip(fro, dist["layers"])], rtol=1e-12)
    assert dist["total_frobenius"][-1] == pytest.approx(np.sqrt(np.sum(np.square(fro))), rel=1e-12)
    exact = [np.linalg.norm(d, 2) / np.linalg.norm(W0.params[k], 2) for d, k in zip(dW, dist["layers"])]
    np.testing.assert_allclose(dist["rel_spectral"][-1], exact, rtol=0.05)
    assert all(f > 0 for f in dist["abs_frobenius"][-1])


# ---- Flips -------------------------------------------------------------------------------------

def test_flips_count_sign_changes_on_the_full_data_also_for_sgd():
    net, X, Y = regression(n=15)
    D0 = net.forward(X)[1].D
    hist = train(net, X, Y, steps=20, lr_scale=1.0, batch_size=4, seed=0, probes="flips", record_every=5)
    flips = hist.probes["flips"]
    D = net.forward(X)[1].D
    expected = [np.mean(a != b) for a, b in zip(D, D0)]
    assert flips["layers"] == [0, 1, 2, 3]
    assert flips["fraction"][0] == [0.0] * 4
    np.testing.assert_allclose(flips["fraction"][-1], expected, rtol=1e-12)
    assert flips["fraction"][-1][0] == 0.0                 # A is fixed: layer 0 cannot flip
    assert sum(flips["fraction"][-1][1:]) > 0
    assert flips["total_fraction"][-1] == pytest.approx(np.mean(expected), rel=1e-12)


def test_fewer_relus_flip_in_a_wider_network():
    """Lemma 8.2 (paper.md §3.5): the flipped fraction falls with m at a fixed normalised step."""
    X = data.unit_inputs(20, 8, rng=0)
    Y = data.regression_targets(20, rng=1)
    total = {m: train(ntkedu.MLP(8, m, 2, seed=0), X, Y, steps=40, lr_scale=1.0, probes="flips",
                      record_every=40).probes["flips"]["total_fraction"][-1] for m in (32, 512)}
    assert total[512] < total[32]


# ---- KernelDrift -------------------------------------------------------------------------------

def test_kernel_drift_is_the_relative_change_of_the_empirical_kernel():
    net, X, Y = regression(d_out=2)
    K0 = ntk.empirical(net, X)
    hist = train(net, X, Y, steps=20, lr_scale=1.0, probes="kernel_drift", record_every=10)
    drift = hist.probes["kernel_drift"]["drift"]
    assert drift[0] == 0.0
    K = ntk.empirical(net, X)
    assert drift[-1] == pytest.approx(np.linalg.norm(K - K0) / np.linalg.norm(K0), rel=1e-10)
    assert 0 < drift[-1] < 1


# ---- GradLossRatio -----------------------------------------------------------------------------

def test_grad_ratio_is_the_theorem_3_ratio():
    net, X, Y = regression(d_out=2)
    hist = train(net, X, Y, steps=10, lr_scale=1.0, probes=[probes.GradLossRatio()], record_every=10)
    g = hist.probes["grad_ratio"]
    F, grads, _, _ = net.loss_and_grads(X, Y)
    ratio = sum(np.sum(grads[k] ** 2) for k in net.layer_names) / F
    assert g["ratio"][-1] == pytest.approx(ratio, rel=1e-12)
    assert g["ratio_normalised"][-1] == pytest.approx(ratio / (net.width / net.d_out), rel=1e-12)
    assert g["last_layer_ratio"][-1] == pytest.approx(np.sum(grads["W3"] ** 2) / F, rel=1e-12)
    assert g["ratio"][-1] == pytest.approx(hist.grad_norm_sq[-1] / hist.loss[-1], rel=1e-12)
    assert all(0 < last < total for last, total in zip(g["last_layer_ratio"], g["ratio"]))


# ---- resolving the probes argument ---------------------------------------------------------------

def test_resolve():
    assert [p.name for p in probes.resolve("all")] == list(probes.PROBES)
    assert probes.resolve(None) == [] and probes.resolve(()) == []
    mine = probes.Distance(n_iter=5)
    resolved = probes.resolve([mine, "flips"])
    assert resolved[0] is mine and isinstance(resolved[1], probes.Flips)
    with pytest.raises(ValueError, match="'speed'"):
        probes.resolve("speed")
    with pytest.raises(ValueError, match="once"):
        probes.resolve(["all", "distance"])
    with pytest.raises(ValueError, match="3"):
        probes.resolve([3])


def test_a_probe_instance_starts_afresh_in_each_run_and_custom_probes_work():
    class OutputNorm(probes.Probe):
        name = "output_norm"

        def measure(self, step, net, X, Y, out, cache, grads, loss):
            return {"norm": float(np.linalg.norm(out))}

    net, X, Y = regression()
    mine = OutputNorm()
    first = train(net, X, Y, steps=4, lr_scale=1.0, probes=[mine])
    second = train(net, X, Y, steps=2, lr_scale=1.0, probes=[mine])
    assert len(first.probes["output_norm"]["norm"]) == 5
    assert len(second.probes["output_norm"]["norm"]) == 3
    assert second.probes["output_norm"]["norm"][0] == first.probes["output_norm"]["norm"][-1]


# ---- Outputs -----------------------------------------------------------------------------------

def test_outputs_probe_records_the_outputs_and_changes_nothing():
    X, Y = data.unit_inputs(8, 5, rng=0), data.regression_targets(8, rng=1)
    net_a, net_b = ntkedu.MLP(5, 32, 2, seed=2), ntkedu.MLP(5, 32, 2, seed=2)
    u0, _ = net_a.forward(X)
    with_probe = ntkedu.train(net_a, X, Y, steps=5, lr_scale=1.0, probes=["outputs"])
    without = ntkedu.train(net_b, X, Y, steps=5, lr_scale=1.0)
    assert with_probe.loss == without.loss
    U = np.asarray(with_probe.probes["outputs"]["u"])
    assert U.shape == (6, 8, 1) and np.array_equal(U[0], u0)
    assert np.isclose(0.5 * np.sum((U[-1] - Y) ** 2), with_probe.loss[-1])
