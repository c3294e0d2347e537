"""Every network's backward pass against central differences (float64, relative error < 1e-6),
and the gradient checker itself: it must pass correct gradients and catch wrong ones."""

import numpy as np
import pytest

import ntkedu
from ntkedu import data, gradcheck

TOL = 1e-6


def _targets(loss, n, d_out, seed):
    if loss == "squared":
        return data.regression_targets(n, d_out, rng=seed)
    return data.class_labels(n, d_out, rng=seed)


def _assert_passes(report):
    assert report.rows, "nothing was compared"
    assert report.passed and report.max_error < TOL, str(report)


# widths, depths, d_out, both losses, trainable A/B on and off; tiny so that central differences are fast
MLP_CASES = [
    # width, depth, d_out, loss, train_all
    (3, 1, 1, "squared", False),
    (5, 2, 1, "squared", True),
    (4, 3, 2, "squared", False),
    (4, 2, 3, "cross_entropy", False),
    (6, 1, 2, "cross_entropy", True),
    (3, 4, 1, "squared", True),
]


@pytest.mark.parametrize("width, depth, d_out, loss, train_all", MLP_CASES)
def test_mlp_backward_matches_central_differences(width, depth, d_out, loss, train_all):
    net = ntkedu.MLP(4, width, depth, d_out, seed=depth, train_all=train_all)
    X = data.unit_inputs(3, 4, rng=10)
    report = gradcheck.check_network(net, X, _targets(loss, 3, d_out, 11), loss)
    assert [r.name for r in report.rows] == list(net.trainable)
    _assert_passes(report)


@pytest.mark.parametrize("tau", [0.1, 0.5, 1.0])
@pytest.mark.parametrize("loss, d_out, train_all", [("squared", 1, False), ("cross_entropy", 3, True),
                                                    ("squared", 2, True)])
def test_resnet_backward_matches_central_differences(tau, loss, d_out, train_all):
    net = ntkedu.ResNet(4, 5, 3, d_out, tau=tau, seed=1, train_all=train_all)
    X = data.unit_inputs(3, 4, rng=12)
    _assert_passes(gradcheck.check_network(net, X, _targets(loss, 3, d_out, 13), loss))


@pytest.mark.parametrize("kernel_size, width, depth, d_out, loss, train_all", [
    (1, 3, 2, 1, "squared", False),
    (3, 3, 2, 2, "squared", True),
    (3, 2, 1, 3, "cross_entropy", False),
    (5, 2, 1, 1, "squared", True),
    (5, 3, 2, 2, "cross_entropy", False),
])
def test_cnn_backward_matches_central_differences(kernel_size, width, depth, d_out, loss, train_all):
    net = ntkedu.CNN((2, 4, 3), width, depth, d_out, kernel_size=kernel_size, seed=2, train_all=train_all)
    X = data.images(2, (2, 4, 3), rng=14)
    _assert_passes(gradcheck.check_network(net, X, _targets(loss, 2, d_out, 15), loss))


def test_every_op_passes():
    report = gradcheck.check_ops(seed=3)
    names = " ".join(r.name for r in report.rows)
    for op in ("linear", "relu", "residual", "conv (im2col)", "conv (naive loops)", "squared", "cross-entropy"):
        assert op in names
    _assert_passes(report)


# --------------------------------------------------------------------------------------------------
# The checker itself
# --------------------------------------------------------------------------------------------------

def test_a_wrong_backward_is_caught():
    net = ntkedu.MLP(4, 5, 2, seed=0)
    X, Y = data.unit_inputs(3, 4, rng=0), data.regression_targets(3, rng=0)
    right = net.backward

    def forgets_the_mask(dout, cache):          # a classic bug: the ReLU mask D left out of layer 2
        grads = right(dout, cache)
        dh = dout @ net.params["B"]
        grads["W2"] = dh.T @ cache.h[1]
        return grads

    net.backward = forgets_the_mask
    report = gradcheck.check_network(net, X, Y)
    assert not report.passed
    errors = {r.name: r.rel_error for r in report.rows}
    assert errors["W2"] > 1e-2 and errors["W1"] < TOL
    assert "NO" in str(report)


def test_check_network_restores_the_parameters():
    net = ntkedu.CNN((1, 3, 3), 2, 1, seed=0, train_all=True)
    before = {k: v.copy() for k, v in net.params.items()}
    gradcheck.check_network(net, data.images(2, (1, 3, 3), rng=0), data.regression_targets(2, rng=0))
    assert all(np.array_equal(net.params[k], before[k]) for k in before)


def test_check_network_refuses_float32(bad_input):
    net = ntkedu.MLP(4, 3, 1, seed=0, dtype=np.float32)
    bad_input(lambda: gradcheck.check_network(net, data.unit_inputs(2, 4, rng=0), np.zeros((2, 1))),
              "float64", "float32")


def test_numerical_gradient_of_a_known_function(rng):
    x = rng.standard_normal((3, 4))
    x0 = x.copy()
    grad = gradcheck.numerical_gradient(lambda: float(np.sum(x**3)), x)
    assert gradcheck.rel_error(grad, 3 * x0**2) < 1e-8
    assert np.array_equal(x, x0)                  # every probed entry restored
    M = rng.standard_normal((4, 2))
    dout = rng.standard_normal((3, 2))
    assert gradcheck.rel_error(gradcheck.numerical_gradient_array(lambda: x @ M, x, dout), dout @ M.T) < 1e-8


def test_rel_error_scale():
    a = np.array([1.0, 2.0, 3.0])
    assert gradcheck.rel_error(a, a) == 0.0
    assert gradcheck.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gradcheck.rel_error(a, a * (1 + 1e-9)) == pytest.approx(1e-9, rel=1e-3)
    assert gradcheck.rel_error(a, -a) == pytest.approx(2.0)
    assert gradcheck.rel_error(a, 2 * a) == gradcheck.rel_error(2 * a, a)


def test_report_is_a_readable_table():
    net = ntkedu.MLP(4, 3, 2, seed=0)
    report = gradcheck.check_network(net, data.unit_inputs(2, 4, rng=0), data.regression_targets(2, rng=0))
    text = str(report)
    assert "MLP(d_in=4, width=3, depth=2" in text and "max relative error" in text
    lines = text.splitlines()
    assert any(line.startswith("W1") and "3x3" in line and line.rstrip().endswith("yes") for line in lines)
    assert any(line.startswith("W2") for line in lines) and not any(line.startswith("A ") for line in lines)


def test_entries_probed_across_a_relu_kink_are_left_out_and_counted_but_nothing_else():
    from ntkedu.gradcheck import GradCheckReport
    analytic = np.array([1.0, 2.0, 3.0])
    kink = np.array([False, True, False])
    report = GradCheckReport("t")
    report.add("chord across a kink", analytic, np.array([1.0, 7.0, 3.0]), kink)
    report.add("wrong elsewhere", analytic, np.array([1.5, 2.0, 3.0]), kink)
    assert report.rows[0].rel_error == 0 and report.rows[0].kinks == 1
    assert report.rows[1].rel_error > 0.1 and not report.passed
    assert "2 entries left out" in str(report)           # one in each row


def test_a_network_check_still_fails_a_wrong_backward_and_reports_kinks():
    import ntkedu
    from ntkedu import data
    from ntkedu.gradcheck import check_network
    rng = np.random.default_rng(0)
    X, Y = data.unit_inputs(3, 4, rng=rng), data.regression_targets(3, rng=rng)
    net = ntkedu.MLP(4, 6, 2, rng=rng)
    out, cache = net.forward(X)
    # move one pre-activation of layer 1 to within h of 0: its probes now switch that ReLU
    i, j = 0, int(np.argmax(cache.h[0][0] > 0))
    W1 = net.params["W1"]
    W1[0] -= (cache.g[1][0, 0] - 1e-8 * np.sign(cache.g[1][0, 0])) * cache.h[0][0] / (cache.h[0][0] @ cache.h[0][0])
    report = check_network(net, X, Y)
    assert report.passed and sum(r.kinks for r in report.rows) >= 1
    right = net.backward
    net.backward = lambda dout, cache: {k: 1.01 * v for k, v in right(dout, cache).items()}
    assert not check_network(net, X, Y).passed
