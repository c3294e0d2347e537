"""The paper's MLP, ResNet and CNN (paper.md §1.2, §4, §5): formulas, initialisation, contracts, errors."""

import numpy as np
import pytest

import ntkedu
from ntkedu import data, losses, ops


def relu(z):
    return np.maximum(z, 0)


def make(kind, *, width=4, depth=2, d_out=1, seed=0, dtype=np.float64, train_all=False, **kw):
    """A small network of each kind and inputs it accepts (n = 3)."""
    if kind == "mlp":
        net = ntkedu.MLP(5, width, depth, d_out, seed=seed, dtype=dtype, train_all=train_all)
        X = data.unit_inputs(3, 5, rng=100)
    elif kind == "resnet":
        net = ntkedu.ResNet(5, width, depth, d_out, tau=kw.get("tau", 0.5), seed=seed, dtype=dtype,
                            train_all=train_all)
        X = data.unit_inputs(3, 5, rng=100)
    else:
        net = ntkedu.CNN((2, 4, 3), width, depth, d_out, kernel_size=kw.get("kernel_size", 3), seed=seed,
                         dtype=dtype, train_all=train_all)
        X = data.images(3, (2, 4, 3), rng=100)
    return net, X


KINDS = ["mlp", "resnet", "cnn"]


# --------------------------------------------------------------------------------------------------
# The formulas, checked against an independent sample-by-sample computation in the paper's notation
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("depth, d_out", [(1, 1), (3, 2)])
def test_mlp_forward_is_the_papers_recursion(depth, d_out):
    net, X = make("mlp", width=6, depth=depth, d_out=d_out)
    P = net.params
    out, cache = net.forward(X)
    for i, x in enumerate(X):                      # columns, as in the paper: h_ℓ = φ(W_ℓ h_{ℓ−1})
        h = relu(P["A"] @ x)
        np.testing.assert_allclose(cache.h[0][i], h, rtol=1e-13)
        for l in range(1, depth + 1):
            h = relu(P[f"W{l}"] @ h)
            np.testing.assert_allclose(cache.h[l][i], h, rtol=1e-13)
        np.testing.assert_allclose(out[i], P["B"] @ h, rtol=1e-12)


@pytest.mark.parametrize("tau", [0.1, 1.0])
def test_resnet_forward_is_the_papers_residual_recursion(tau):
    net, X = make("resnet", width=6, depth=3, tau=tau)
    P = net.params
    out, cache = net.forward(X)
    for i, x in enumerate(X):
        h = relu(P["A"] @ x)
        for l in range(1, 4):
            g = h + tau * P[f"W{l}"] @ h           # ReLU after the sum, no 1/√m (paper.md §4)
            np.testing.assert_allclose(cache.g[l][i], g, rtol=1e-13)
            h = relu(g)
        np.testing.assert_allclose(out[i], P["B"] @ h, rtol=1e-12)


@pytest.mark.parametrize("kernel_size", [1, 3, 5])
def test_cnn_forward_is_a_chain_of_same_padded_convolutions(kernel_size):
    net, X = make("cnn", width=3, depth=2, d_out=2, kernel_size=kernel_size)
    P = net.params
    out, cache = net.forward(X)
    h = relu(ops.conv_forward_naive(X, P["A"])[0])
    for l in (1, 2):
        g = ops.conv_forward_naive(h, P[f"W{l}"])[0]
        assert np.abs(cache.g[l] - g).max() < 1e-12
        h = relu(g)
    assert h.shape == (3, 3, 4, 3)                 # stride 1, "same" padding: every layer keeps H × W
    np.testing.assert_allclose(out, h.reshape(3, -1) @ P["B"].T, rtol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_cache_holds_every_layer(kind):
    net, X = make(kind, depth=3)
    out, cache = net.forward(X)
    assert len(cache.g) == len(cache.h) == len(cache.D) == 4
    assert cache.X is not None and cache.out is out
    for g, h, D in zip(cache.g, cache.h, cache.D):
        assert g.shape == h.shape == D.shape and D.dtype == bool
        assert np.array_equal(D, g > 0) and np.array_equal(h, np.maximum(g, 0))
    text = repr(cache)
    assert "g[0..3]" in text and "out=3x1" in text


# --------------------------------------------------------------------------------------------------
# Initialisation (paper.md §1.2 table; §5 for the CNN, reconstructed)
# --------------------------------------------------------------------------------------------------

def _within(value, expected, rel):
    return abs(value / expected - 1) < rel


@pytest.mark.parametrize("seed", range(5))
def test_mlp_initial_variances_match_the_paper(seed):
    m, d_out = 1024, 16
    net = ntkedu.MLP(64, m, 2, d_out, seed=seed)
    for name, expected in [("A", 2 / m), ("W1", 2 / m), ("W2", 2 / m), ("B", 1 / d_out)]:
        assert _within(np.var(net.params[name]), expected, 0.05), name
        assert abs(np.mean(net.params[name])) < 0.05 * np.sqrt(expected)


@pytest.mark.parametrize("seed", range(2))
def test_cnn_initial_variances_match_he_fan_in(seed):
    m, s, d_out = 1024, 3, 4
    net = ntkedu.CNN((4, 4, 4), m, 1, d_out, kernel_size=s, seed=seed)
    for name, expected in [("A", 2 / (s * s * m)), ("W1", 2 / (s * s * m)), ("B", 1 / d_out)]:
        assert _within(np.var(net.params[name]), expected, 0.05), name


@pytest.mark.parametrize("seed", [0])  # holds for seeds 0..4 (8 networks at m = 1024, L = 10 cost seconds)
def test_forward_norms_stay_near_one_at_every_layer(seed):
    """Lemma 7.1 (paper.md §3.1): with A, W ~ N(0, 2/m) and ‖x‖ = 1, ‖h_ℓ‖ ≈ 1 at every layer.

    Each layer multiplies ‖h‖² by 1 ± √(5/m) (the variance of Σ_k φ(w_k·h)² with w_k ~ N(0, 2/m)), so
    a *single* network's ‖h_ℓ‖ drifts like a random walk, ±√(5ℓ/4m) ≈ 11% at ℓ = 10, m = 1024:
    within 10% for some networks, not for others. The expectation is exactly norm-preserving, so the
    mean over independent networks is what stays within 10% at every layer.
    """
    norms = []
    for child in np.random.SeedSequence(seed).spawn(8):
        gen = np.random.default_rng(child)
        X = data.unit_inputs(4, 16, rng=gen)
        _, cache = ntkedu.MLP(16, 1024, 10, rng=gen).forward(X)
        norms.append([np.linalg.norm(h, axis=1).mean() for h in cache.h])
    mean = np.mean(norms, axis=0)
    assert mean.shape == (11,)
    assert np.all(np.abs(mean - 1) < 0.10), mean


# --------------------------------------------------------------------------------------------------
# Randomness: seeds and Generators
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_network_other_seed_other_network(kind):
    a, X = make(kind, seed=7)
    b, _ = make(kind, seed=7)
    c, _ = make(kind, seed=8)
    assert np.array_equal(a.forward(X)[0], b.forward(X)[0])          # bitwise
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert not np.array_equal(a.forward(X)[0], c.forward(X)[0])
    assert all(not np.array_equal(a.params[k], c.params[k]) for k in a.params)


def test_a_generator_works_like_its_seed_and_is_advanced():
    gen = np.random.default_rng(3)
    a = ntkedu.MLP(5, 4, 2, rng=gen)
    b = ntkedu.MLP(5, 4, 2, seed=3)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    c = ntkedu.MLP(5, 4, 2, rng=gen)                                   # the stream moved on
    assert not np.array_equal(a.params["W1"], c.params["W1"])


def test_seed_and_rng_together_is_an_error(bad_input):
    bad_input(lambda: ntkedu.MLP(5, 4, 2, seed=1, rng=np.random.default_rng(1)), "seed", "rng")
    bad_input(lambda: ntkedu.CNN((1, 4, 4), 3, 1, seed=1, rng=np.random.default_rng(1)), "seed", "rng")


def test_no_global_random_state_is_used():
    state = np.random.get_state()[1].copy()
    ntkedu.MLP(5, 4, 2, seed=0)
    ntkedu.CNN((1, 4, 4), 3, 1)
    assert np.array_equal(np.random.get_state()[1], state)


# --------------------------------------------------------------------------------------------------
# float32 on request, everywhere
# --------------------------------------------------------------------------------------------------

def _float_arrays(obj, path="", found=None):
    """Every floating array inside obj (arrays, dicts, lists, dataclasses), with where it was found."""
    found = [] if found is None else found
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind == "f":
            found.append((path, obj.dtype))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _float_arrays(v, f"{path}[{k!r}]", found)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            _float_arrays(v, f"{path}[{i}]", found)
    elif hasattr(obj, "__dict__"):
        for k, v in vars(obj).items():
            _float_arrays(v, f"{path}.{k}", found)
    return found


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("train_all", [False, True])
def test_float32_networks_stay_float32(kind, train_all):
    net, X = make(kind, d_out=2, dtype=np.float32, train_all=train_all)
    Y = data.regression_targets(3, 2, rng=0)                           # float64 targets on purpose
    loss, grads, out, cache = net.loss_and_grads(X, Y)
    dout = losses.squared(out, Y)[1]
    produced = {"params": net.params, "grads": grads, "out": out, "cache": cache, "dout": dout,
                "signals": net.backward_signals(dout, cache),
                "per_sample": net.per_sample_gradients(dout, cache),
                "cross_entropy": net.backward(losses.softmax_cross_entropy(out, np.array([0, 1, 1]))[1], cache)}
    if kind == "cnn":
        produced["windows"] = [c.cols for c in cache.conv]
    else:
        produced["factors"] = net.gradient_factors(dout, cache)
    found = _float_arrays(produced)
    assert len(found) > 20
    assert [p for p, dt in found if dt != np.float32] == []
    assert isinstance(loss, float)


# --------------------------------------------------------------------------------------------------
# Contracts: pure forward, fresh backward, replaceable params, repr
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_forward_is_pure(kind):
    net, X = make(kind, train_all=True)
    before = {k: v.copy() for k, v in net.params.items()}
    X_before = X.copy()
    out1, cache1 = net.forward(X)
    out2, cache2 = net.forward(X)
    assert np.array_equal(out1, out2)
    assert all(np.array_equal(a, b) for a, b in zip(cache1.g, cache2.g))
    assert all(np.array_equal(net.params[k], before[k]) for k in before)
    assert np.array_equal(X, X_before)
    # a backward in between changes nothing either
    net.backward(np.ones_like(out1), cache1)
    assert np.array_equal(net.forward(X)[0], out1)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("train_all", [False, True])
def test_backward_returns_fresh_arrays(kind, train_all):
    net, X = make(kind, d_out=2, train_all=train_all)
    out, cache = net.forward(X)
    dout = np.random.default_rng(1).standard_normal(out.shape)
    first = net.backward(dout, cache)
    expected = {k: v.copy() for k, v in first.items()}
    owned = [*net.params.values(), dout, X, *cache.g, *cache.h]
    for name, grad in first.items():
        assert grad.shape == net.params[name].shape
        assert not any(np.shares_memory(grad, a) for a in owned), name
        grad[...] = 1e9                                                  # a learner scribbles on it
    second = net.backward(dout, cache)
    assert all(np.array_equal(second[k], expected[k]) for k in expected)  # nothing accumulated or shared


@pytest.mark.parametrize("kind", KINDS)
def test_trainable_names_follow_the_paper_or_train_all(kind):
    net, X = make(kind, depth=3)
    assert net.trainable == ("W1", "W2", "W3")
    assert set(net.params) == {"A", "W1", "W2", "W3", "B"}
    out, cache = net.forward(X)
    assert tuple(net.backward(np.ones_like(out), cache)) == net.trainable
    assert net.backward_signals(np.ones_like(out), cache)[0] is None    # A fixed: no signal below W1 needed
    full, _ = make(kind, depth=3, train_all=True)
    assert full.trainable == ("A", "W1", "W2", "W3", "B")
    out, cache = full.forward(X)
    assert tuple(full.backward(np.ones_like(out), cache)) == full.trainable
    assert full.backward_signals(np.ones_like(out), cache)[0].shape == cache.g[0].shape


@pytest.mark.parametrize("kind", KINDS)
def test_params_can_be_read_and_replaced(kind):
    net, X = make(kind, depth=2)
    out = net.forward(X)[0]
    net.params["W1"] = np.zeros_like(net.params["W1"])   # h_1 = φ(0) = 0, so the MLP and CNN output 0
    changed = net.forward(X)[0]
    assert not np.array_equal(changed, out)
    if kind != "resnet":
        assert np.array_equal(changed, np.zeros_like(out))
    net.params["W1"] = 2 * net.params["W2"] if kind != "cnn" else net.params["W2"].copy()
    assert np.all(np.isfinite(net.forward(X)[0]))


@pytest.mark.parametrize("kind", KINDS)
def test_a_replaced_param_of_the_wrong_shape_or_dtype_is_refused(kind, bad_input):
    net, X = make(kind)
    good = net.params["W1"]
    net.params["W1"] = good[:-1]
    bad_input(lambda: net.forward(X), "W1", str(good.shape), str(good[:-1].shape))
    net.params["W1"] = good.astype(np.float32)
    bad_input(lambda: net.forward(X), "W1", "float32", "float64")
    del net.params["W1"]
    bad_input(lambda: net.forward(X), "W1")


def test_copy_is_deep():
    net, X = make("mlp")
    twin = net.copy()
    twin.params["W1"] += 1.0
    assert not np.array_equal(twin.forward(X)[0], net.forward(X)[0])
    assert twin.trainable == net.trainable and type(twin) is type(net)


@pytest.mark.parametrize("kind, signature", [("mlp", "MLP(d_in=5, width=4, depth=2"),
                                             ("resnet", "tau=0.5"),
                                             ("cnn", "CNN(in_shape=(2, 4, 3), width=4, depth=2")])
def test_repr_shows_shapes_and_what_trains(kind, signature):
    net, _ = make(kind)
    text = repr(net)
    assert signature in text
    W1 = "x".join(map(str, net.params["W1"].shape))
    assert f"W1 {W1} trained" in text
    assert "A " in text and "fixed" in text and "B " in text
    text_all = repr(make(kind, train_all=True)[0])
    assert "fixed" not in text_all and text_all.count("trained") == 4


# --------------------------------------------------------------------------------------------------
# The gradient's structure (paper.md §1.3): per-sample terms and rank-one factors
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("train_all", [False, True])
@pytest.mark.parametrize("d_out", [1, 3])
def test_per_sample_gradients_sum_to_backward(kind, train_all, d_out):
    net, X = make(kind, d_out=d_out, train_all=train_all)
    out, cache = net.forward(X)
    dout = np.random.default_rng(2).standard_normal(out.shape)
    grads = net.backward(dout, cache)
    per_sample = net.per_sample_gradients(dout, cache)
    assert tuple(per_sample) == net.trainable
    for name, g in per_sample.items():
        assert g.shape == (3, *net.params[name].shape)
        np.testing.assert_allclose(g.sum(axis=0), grads[name], rtol=1e-12, atol=1e-14)
    # sample i's gradient is the gradient of its own loss alone
    only_1 = np.zeros_like(dout)
    only_1[1] = dout[1]
    for name, g in net.backward(only_1, cache).items():
        np.testing.assert_allclose(per_sample[name][1], g, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kind", ["mlp", "resnet"])
@pytest.mark.parametrize("train_all", [False, True])
def test_gradient_factors_are_rank_one_per_sample(kind, train_all):
    net, X = make(kind, d_out=2, train_all=train_all)
    out, cache = net.forward(X)
    dout = np.random.default_rng(3).standard_normal(out.shape)
    grads = net.backward(dout, cache)
    factors = net.gradient_factors(dout, cache)
    assert tuple(factors) == net.trainable
    for name, f in factors.items():
        assert f.left.shape[0] == f.right.shape[0] == 3
        np.testing.assert_allclose(f.left.T @ f.right, grads[name], rtol=1e-12, atol=1e-14)
        assert np.linalg.matrix_rank(np.outer(f.left[0], f.right[0])) <= 1
    assert "RankOne(left=3x" in repr(factors["W1"])


def test_loss_and_grads_is_forward_loss_backward():
    net, X = make("mlp", d_out=3)
    labels = np.array([0, 2, 1])
    loss, grads, out, cache = net.loss_and_grads(X, labels, loss="cross_entropy")
    value, dout = losses.softmax_cross_entropy(net.forward(X)[0], labels)
    assert loss == value
    assert all(np.array_equal(grads[k], v) for k, v in net.backward(dout, cache).items())


# --------------------------------------------------------------------------------------------------
# Bad input: a ValueError naming the argument and what was received
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("build, fragments", [
    (lambda: ntkedu.MLP(5, 0, 2), ("width", "0")),
    (lambda: ntkedu.MLP(5, 4, 0), ("depth", "0")),
    (lambda: ntkedu.MLP(5, 4, 1.5), ("depth", "1.5")),
    (lambda: ntkedu.MLP(5, 4, 2, d_out=0), ("d_out", "0")),
    (lambda: ntkedu.MLP(0, 4, 2), ("d_in", "0")),
    (lambda: ntkedu.MLP(5, 4, 2, dtype=np.int32), ("dtype", "int32")),
    (lambda: ntkedu.MLP(5, 4, 2, dtype=np.float16), ("dtype", "float16")),
    (lambda: ntkedu.MLP(5, 4, 2, seed=-1), ("seed", "-1")),
    (lambda: ntkedu.MLP(5, 4, 2, rng=3), ("rng", "int")),
    (lambda: ntkedu.ResNet(5, 4, 2, tau=0), ("tau", "0")),
    (lambda: ntkedu.ResNet(5, 4, 2, tau=-0.5), ("tau", "-0.5")),
    (lambda: ntkedu.ResNet(5, 4, 2, tau=float("inf")), ("tau", "inf")),
    (lambda: ntkedu.CNN((1, 4, 4), 3, 1, kernel_size=2), ("kernel_size", "2")),
    (lambda: ntkedu.CNN((1, 4, 4), 3, 1, kernel_size=4), ("kernel_size", "4")),
    (lambda: ntkedu.CNN((1, 4, 4), 3, 1, kernel_size=0), ("kernel_size", "0")),
    (lambda: ntkedu.CNN((1, 4), 3, 1), ("in_shape", "(1, 4)")),
    (lambda: ntkedu.CNN((1, 0, 4), 3, 1), ("H", "0")),
    (lambda: ntkedu.CNN((1, 4, 4), 0, 1), ("width", "0")),
    (lambda: ntkedu.CNN((1, 4, 4), 3, 0), ("depth", "0")),
])
def test_bad_constructor_arguments_are_named(bad_input, build, fragments):
    bad_input(build, *fragments)


X5 = data.unit_inputs(3, 5, rng=0)


def _with(X, index, value):
    X = X.copy()
    X[index] = value
    return X


@pytest.mark.parametrize("kind, X, fragments", [
    ("mlp", X5[0], ("X", "(5,)", "(?, 5)")),                                   # one sample, 1-D
    ("mlp", X5[:, :4], ("X", "(3, 4)", "(?, 5)")),                            # wrong d_in
    ("mlp", X5[None], ("X", "(1, 3, 5)")),
    ("resnet", _with(X5, (1, 2), np.nan), ("X", "nan", "(1, 2)")),           # non-finite
    ("mlp", _with(X5, (2, 0), -np.inf), ("X", "-inf", "(2, 0)")),
    ("mlp", np.ones((3, 5), dtype=int), ("X", "int")),                        # integers
    ("cnn", np.zeros((3, 2, 4, 4)), ("X", "(3, 2, 4, 4)", "(?, 2, 4, 3)")),   # wrong image shape
    ("cnn", np.zeros((3, 24)), ("X", "(3, 24)")),
    ("cnn", np.zeros((2, 4, 3)), ("X", "(2, 4, 3)")),
])
def test_bad_inputs_are_named(bad_input, kind, X, fragments):
    net, _ = make(kind)
    bad_input(lambda: net.forward(X), *fragments)


@pytest.mark.parametrize("kind", KINDS)
def test_bad_dout_and_targets_are_named(kind, bad_input):
    net, X = make(kind)
    out, cache = net.forward(X)
    bad_input(lambda: net.backward(np.zeros(3), cache), "dout", "(3,)", "(3, 1)")   # no broadcasting
    bad_input(lambda: net.backward(np.zeros((3, 2)), cache), "dout", "(3, 2)")
    bad_input(lambda: net.backward(np.full((3, 1), np.nan), cache), "dout", "nan")
    bad_input(lambda: net.loss_and_grads(X, np.zeros(3)), "Y", "(3,)", "(3, 1)")
    bad_input(lambda: net.loss_and_grads(X, np.array([0, 1, 1]), loss="cross_entropy"), "labels", "1")
    bad_input(lambda: net.loss_and_grads(X, np.zeros(3), loss="cross_entropy"), "labels", "float64")


# --------------------------------------------------------------------------------------------------
# The speed benchmark runs (toy sizes; speed itself is reported by `ntkedu bench`, never asserted)
# --------------------------------------------------------------------------------------------------

def test_bench_runs_at_toy_sizes(bad_input):
    from ntkedu import bench

    timing = bench.bench_mlp(n=8, d=4, width=8, depth=2, repeat=2)
    assert len(timing.rounds) == 2 and timing.seconds > 0 and timing.floor > 0
    assert timing.ratio == timing.seconds / timing.floor
    assert "mlp forward+backward" in str(timing) and "target <= 1.15" in str(timing)
    report = bench.run(quick=True)
    lines = report.splitlines()
    for name in ("mlp forward+backward", "cnn forward+backward", "ntk empirical"):
        assert any(line.startswith(name) and "ratio" in line for line in lines), name
    assert "peak memory grows like n^" in report
    bad_input(lambda: bench.run(("mlp", "gpu")), "which", "gpu")
