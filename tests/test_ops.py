"""The ops of ntkedu.ops and the two losses: central differences, naive vs fast convolution, contracts."""

import numpy as np
import pytest

from ntkedu import losses, ops
from ntkedu.gradcheck import numerical_gradient, numerical_gradient_array, rel_error

TOL = 1e-6  # float64 central differences (paper.md §9: gradient checks)


def _check(forward, analytic, inputs, dout):
    """Every analytic gradient against central differences of Σ forward() ⊙ dout, one input at a time."""
    for x, grad in zip(inputs, analytic):
        numeric = numerical_gradient_array(forward, x, dout)
        assert grad.shape == x.shape
        assert rel_error(grad, numeric) < TOL


# --------------------------------------------------------------------------------------------------
# linear, relu, residual
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, d_in, d_out", [(1, 3, 2), (4, 5, 3), (6, 2, 7)])
def test_linear_matches_central_differences(rng, n, d_in, d_out):
    x, W = rng.standard_normal((n, d_in)), rng.standard_normal((d_out, d_in))
    dout = rng.standard_normal((n, d_out))
    out, cache = ops.linear_forward(x, W)
    np.testing.assert_allclose(out, np.array([W @ xi for xi in x]), rtol=1e-13)  # g = W x per row
    _check(lambda: ops.linear_forward(x, W)[0], ops.linear_backward(dout, cache), (x, W), dout)


def test_relu_matches_central_differences_and_its_mask_is_strict(rng):
    g = rng.standard_normal((5, 7))
    dh = rng.standard_normal((5, 7))
    h, cache = ops.relu_forward(g)
    assert cache.D.dtype == bool and np.array_equal(cache.D, g > 0)
    assert np.array_equal(h, np.maximum(g, 0))
    _check(lambda: ops.relu_forward(g)[0], (ops.relu_backward(dh, cache),), (g,), dh)
    # at g = 0 exactly the unit counts as inactive (D = 1[g > 0]) and passes no gradient
    h0, c0 = ops.relu_forward(np.array([[0.0, -0.0, 1.0]]))
    assert c0.D.tolist() == [[False, False, True]]
    assert ops.relu_backward(np.ones((1, 3)), c0).tolist() == [[0.0, 0.0, 1.0]]


@pytest.mark.parametrize("tau", [0.05, 0.5, 1.0])
def test_residual_matches_central_differences(rng, tau):
    h, W = rng.standard_normal((4, 6)), rng.standard_normal((6, 6))
    dg = rng.standard_normal((4, 6))
    g, cache = ops.residual_forward(h, W, tau)
    np.testing.assert_allclose(g, np.array([hi + tau * W @ hi for hi in h]), rtol=1e-13)
    _check(lambda: ops.residual_forward(h, W, tau)[0], ops.residual_backward(dg, cache), (h, W), dg)


# --------------------------------------------------------------------------------------------------
# convolution: naive loops and im2col
# --------------------------------------------------------------------------------------------------

# (N, C, H, W, F, s, pad): square and oblong images, kernels 1/3/5, "same" (None), zero and large padding
CONV_CASES = [
    (2, 3, 5, 5, 4, 3, None),
    (2, 3, 5, 6, 4, 3, 0),
    (1, 2, 4, 4, 3, 1, None),
    (1, 2, 4, 3, 3, 1, 2),
    (2, 2, 6, 6, 3, 5, None),
    (1, 3, 5, 7, 2, 5, 1),
    (2, 1, 6, 5, 2, 3, 3),
    (3, 4, 3, 3, 5, 3, None),
]


@pytest.mark.parametrize("case", CONV_CASES)
def test_naive_and_fast_convolution_agree(rng, case):
    N, C, H, W, F, s, pad = case
    x, w = rng.standard_normal((N, C, H, W)), rng.standard_normal((F, C, s, s))
    slow, slow_cache = ops.conv_forward_naive(x, w, pad)
    fast, fast_cache = ops.conv_forward(x, w, pad)
    p = (s - 1) // 2 if pad is None else pad
    assert fast.shape == slow.shape == (N, F, H + 2 * p - s + 1, W + 2 * p - s + 1)
    assert np.abs(fast - slow).max() < 1e-12
    dout = rng.standard_normal(slow.shape)
    (dx_slow, dw_slow), (dx_fast, dw_fast) = ops.conv_backward_naive(dout, slow_cache), ops.conv_backward(dout, fast_cache)
    assert dx_fast.shape == x.shape and dw_fast.shape == w.shape
    assert np.abs(dx_fast - dx_slow).max() < 1e-12
    assert np.abs(dw_fast - dw_slow).max() < 1e-12


def test_naive_convolution_is_the_textbook_sum(rng):
    # out[n, f, i, j] = Σ_{c,a,b} w[f, c, a, b] x_pad[n, c, i + a, j + b], checked entry by entry
    x, w = rng.standard_normal((1, 2, 4, 4)), rng.standard_normal((3, 2, 3, 3))
    out, _ = ops.conv_forward_naive(x, w)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    for f, i, j in [(0, 0, 0), (2, 3, 1), (1, 2, 3)]:
        expected = sum(w[f, c, a, b] * xp[0, c, i + a, j + b] for c in range(2) for a in range(3) for b in range(3))
        assert out[0, f, i, j] == pytest.approx(expected, rel=1e-12)


# small enough for the naive loops inside central differences (2 forward passes per entry)
GRAD_CASES = [(2, 2, 4, 4, 3, 3, None), (1, 2, 4, 3, 2, 1, 2), (1, 2, 5, 5, 2, 5, 1)]


@pytest.mark.parametrize("case", GRAD_CASES)
@pytest.mark.parametrize("version", ["fast", "naive"])
def test_convolution_matches_central_differences(rng, case, version):
    N, C, H, W, F, s, pad = case
    x, w = rng.standard_normal((N, C, H, W)), rng.standard_normal((F, C, s, s))
    fwd, bwd = ((ops.conv_forward, ops.conv_backward) if version == "fast"
                else (ops.conv_forward_naive, ops.conv_backward_naive))
    out, cache = fwd(x, w, pad)
    dout = rng.standard_normal(out.shape)
    _check(lambda: fwd(x, w, pad)[0], bwd(dout, cache), (x, w), dout)


def test_conv_split_backward_equals_the_pair(rng):
    x, w = rng.standard_normal((2, 3, 5, 5)), rng.standard_normal((4, 3, 3, 3))
    out, cache = ops.conv_forward(x, w)
    dout = rng.standard_normal(out.shape)
    dx, dw = ops.conv_backward(dout, cache)
    assert np.array_equal(ops.conv_backward_x(dout, cache), dx)
    assert np.array_equal(ops.conv_backward_w(dout, cache), dw)


def test_conv_cache_windows_are_the_receptive_fields(rng):
    # cols row (n, i, j) holds x_pad[n, :, i:i+s, j:j+s] in (a, b, c) order; out = cols @ w_mat.T
    x, w = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((2, 3, 3, 3))
    out, cache = ops.conv_forward(x, w)
    cols = cache.cols
    assert cols.shape == (2 * 4 * 5, 9 * 3)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    row = (1 * 4 + 2) * 5 + 3                                  # sample 1, position (2, 3)
    np.testing.assert_array_equal(cols[row], xp[1, :, 2:5, 3:6].transpose(1, 2, 0).ravel())
    w_mat = w.transpose(0, 2, 3, 1).reshape(2, -1)
    np.testing.assert_allclose(cols @ w_mat.T, out.transpose(0, 2, 3, 1).reshape(-1, 2), rtol=1e-13)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ops_keep_the_input_dtype(rng, dtype):
    x = rng.standard_normal((2, 3, 5, 5)).astype(dtype)
    w = rng.standard_normal((4, 3, 3, 3)).astype(dtype)
    out, cache = ops.conv_forward(x, w)
    dx, dw = ops.conv_backward(out, cache)
    assert out.dtype == dx.dtype == dw.dtype == cache.cols.dtype == dtype
    h, W = x.reshape(2, -1), rng.standard_normal((6, 75)).astype(dtype)
    g, lc = ops.linear_forward(h, W)
    assert g.dtype == dtype and all(a.dtype == dtype for a in ops.linear_backward(g, lc))
    r, rc = ops.relu_forward(g)
    assert r.dtype == ops.relu_backward(g, rc).dtype == dtype


def test_backward_returns_fresh_arrays(rng):
    """Backward never hands back (a view of) an input, the cache or dout: mutating its result is safe."""
    x, W = rng.standard_normal((3, 4)), rng.standard_normal((4, 4))
    dout = rng.standard_normal((3, 4))
    results = [*ops.linear_backward(dout, ops.linear_forward(x, W)[1]),
               *ops.residual_backward(dout, ops.residual_forward(x, W, 0.3)[1]),
               ops.relu_backward(dout, ops.relu_forward(x)[1])]
    xc, wc = rng.standard_normal((2, 2, 4, 4)), rng.standard_normal((3, 2, 3, 3))
    dc = rng.standard_normal((2, 3, 4, 4))
    results += [*ops.conv_backward(dc, ops.conv_forward(xc, wc)[1]),
                *ops.conv_backward_naive(dc, ops.conv_forward_naive(xc, wc)[1])]
    for r in results:
        for owned in (x, W, dout, xc, wc, dc):
            assert not np.shares_memory(r, owned)


def test_caches_show_shapes_not_values(rng):
    x, W = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    text = repr(ops.linear_forward(x, W)[1])
    assert "LinearCache" in text and "3x4" in text and "5x4" in text
    conv = repr(ops.conv_forward(rng.standard_normal((2, 1, 4, 4)), rng.standard_normal((3, 1, 3, 3)))[1])
    assert "ConvCache" in conv and "2x1x4x4" in conv and "3x1x3x3" in conv and "pad=1" in conv


# --------------------------------------------------------------------------------------------------
# losses (paper.md §1.4: sums over samples)
# --------------------------------------------------------------------------------------------------

def test_squared_loss_is_a_sum_and_its_gradient_is_the_residual(rng):
    out, Y = rng.standard_normal((6, 2)), rng.standard_normal((6, 2))
    loss, dout = losses.squared(out, Y)
    assert loss == pytest.approx(sum(0.5 * np.sum((out[i] - Y[i]) ** 2) for i in range(6)), rel=1e-13)
    np.testing.assert_array_equal(dout, out - Y)
    assert rel_error(dout, numerical_gradient(lambda: losses.squared(out, Y)[0], out)) < TOL


def test_cross_entropy_matches_its_definition_and_central_differences(rng):
    out, labels = rng.standard_normal((7, 4)), rng.integers(0, 4, size=7)
    loss, dout = losses.softmax_cross_entropy(out, labels)
    p = np.exp(out) / np.exp(out).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.sum(np.log(p[np.arange(7), labels])), rel=1e-12)
    np.testing.assert_allclose(dout, p - np.eye(4)[labels], atol=1e-14)
    assert rel_error(dout, numerical_gradient(lambda: losses.softmax_cross_entropy(out, labels)[0], out)) < TOL


def test_cross_entropy_is_stable_for_huge_logits():
    out = np.array([[1000.0, 0.0, -1000.0], [-800.0, 900.0, 900.0]])
    loss, dout = losses.softmax_cross_entropy(out, np.array([2, 1]))
    assert np.isfinite(loss) and np.all(np.isfinite(dout))
    assert loss == pytest.approx(2000.0 + np.log(2), rel=1e-12)  # −log p: 2000 for the first, log 2 for the second
    np.testing.assert_allclose(dout, [[1, 0, -1], [0, -0.5, 0.5]], atol=1e-12)


def test_squared_loss_keeps_float32(rng):
    out = rng.standard_normal((4, 1)).astype(np.float32)
    loss, dout = losses.squared(out, rng.standard_normal((4, 1)))
    assert dout.dtype == np.float32 and isinstance(loss, float)


@pytest.mark.parametrize("Y_shape", [(5,), (5, 2), (1, 1), (5, 1, 1)])
def test_squared_loss_never_broadcasts(bad_input, Y_shape):
    out = np.zeros((5, 1))
    bad_input(lambda: losses.squared(out, np.zeros(Y_shape)), "Y", str(Y_shape), "(5, 1)")


@pytest.mark.parametrize("labels, fragments", [
    (np.array([0, 1, 3]), ("labels", "3", "[0, 3)")),
    (np.array([0, -1, 2]), ("labels", "-1")),
    (np.array([0.0, 1.0, 2.0]), ("labels", "float64")),
    (np.array([[0], [1], [2]]), ("labels", "(3, 1)")),
    (np.array([0, 1]), ("labels", "(2,)")),
])
def test_cross_entropy_refuses_bad_labels(bad_input, labels, fragments):
    bad_input(lambda: losses.softmax_cross_entropy(np.zeros((3, 3)), labels), *fragments)


def test_losses_refuse_integer_outputs_and_unknown_names(bad_input):
    bad_input(lambda: losses.squared(np.zeros((2, 1), dtype=int), np.zeros((2, 1))), "out", "int")
    bad_input(lambda: losses.squared(np.zeros((2, 1)), np.array([[np.nan], [0.0]])), "Y", "nan")
    bad_input(lambda: losses.get("hinge"), "loss", "hinge")
