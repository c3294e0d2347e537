"""The check of every exercise, registered by name (see :mod:`ntkedu.exercises`).

Each check is a function ``run(case)`` that draws one random case with ``case.rng``, calls the
student's function(s) with ``case.call`` and compares the answer with ntkedu's own implementation
(and, for gradients, central differences) with ``case.compare``. Next to the right answer it
computes the wrong answers students really write — a transposed gradient, a missing ReLU mask, the
mask of the layer below, a mean where the paper sums, a missing n/b or τ — so that a failed answer
that matches one of them gets a hint naming the mistake.

Sizes are tiny (a few samples, widths of 3–10): every mistake shows at these sizes, central
differences stay cheap, and a whole check runs in a few milliseconds. Every case has at least two
samples (a mean and a sum differ) and the cases include square shapes, so that a transposed answer
has the right shape and is recognised by its values.
"""

from __future__ import annotations

import numpy as np

from .. import ntk, ops
from ..gradcheck import numerical_gradient, numerical_gradient_array
from ..networks import MLP
from ._core import Abort, exercise

# --------------------------------------------------------------------------------------------------
# Shared pieces
# --------------------------------------------------------------------------------------------------

MASK_BELOW = ("the mask was taken from the layer below (h_{ℓ−1} > 0): the ReLU of layer ℓ acts on "
              "g_ℓ, so D_ℓ = 1[g_ℓ > 0]")
NO_MASK = "missing ReLU mask: multiply by D_ℓ = 1[g_ℓ > 0], the gradient is zero where the unit is off"
MEAN = "you used a mean over the samples where the paper sums: F = Σ_i F_i, so ∇F = Σ_i ∇F_i (no 1/n)"
BACK_WT = ("backward through g_ℓ = W_ℓ h_{ℓ−1} multiplies by W_ℓᵀ, which for rows is `dg @ W` "
           "(you wrote `dg @ W.T`)")


def _pick(case, options):
    """The case's sizes: option ``index mod len(options)``, so the first cases cover every option."""
    return options[case.index % len(options)]


def _unit_rows(rng, n, d):
    X = rng.standard_normal((n, d))
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def _mlp(case, n, d_in, m, L, d_out):
    """A paper MLP (random init from the case's stream), unit inputs and a random dout."""
    net = MLP(d_in, m, L, d_out, rng=case.rng)
    X = _unit_rows(case.rng, n, d_in)
    out, cache = net.forward(X)
    dout = case.rng.standard_normal(out.shape)
    return net, X, cache, dout


def _copy_list(arrays):
    return [None if a is None else a.copy() for a in arrays]


def _mlp_backward_variant(dout, h, D, params, *, mask="own", back="W", pair="prev", scale=1.0,
                          transpose=False):
    """The paper's backward pass (rows are samples) with one switch per classic mistake.

    mask: "own" D_ℓ, "none", or "below" D_{ℓ−1};  back: "W" (right) or "WT";  pair: "prev" h_{ℓ−1}
    (right) or "same" h_ℓ;  scale: 1 (sum) or 1/n (mean);  transpose: return each ∇W_ℓ transposed.
    Returns (grads dict, dg list).
    """
    L = len(h) - 1
    dg = [None] * (L + 1)
    grads = {}
    dh = dout @ params["B"]
    for l in range(L, 0, -1):
        M = {"own": D[l], "none": True, "below": D[l - 1]}[mask]
        dg[l] = dh * M
        G = dg[l].T @ (h[l - 1] if pair == "prev" else h[l]) * scale
        grads[f"W{l}"] = G.T if transpose else G
        W = params[f"W{l}"]
        dh = dg[l] @ (W if back == "W" else W.T)
    return grads, dg


def _expect_dict(case, what, got, keys):
    """``got`` must be a dict with exactly ``keys``; else the case fails here."""
    if not isinstance(got, dict):
        case.fail(f"{what}: expected a dict with keys {', '.join(keys)}, got {type(got).__name__}")
        raise Abort
    missing = [k for k in keys if k not in got]
    extra = [k for k in got if k not in keys]
    if missing:
        dropped = [k for k in missing if k in ("A", "B")]
        case.fail(f"{what}: the dict lacks {', '.join(map(repr, missing))} (expected keys "
                  f"{', '.join(keys)})", "dropped_fixed" if dropped else None,
                  "return every parameter: A and B unchanged, only W_1..W_L take the step")
    if extra:
        fixed = [k for k in extra if k in ("A", "B")]
        hint = ("A and B are fixed in the paper (only W_1..W_L train), so they get no gradient"
                if fixed else None)
        case.fail(f"{what}: unexpected keys {', '.join(map(repr, extra))} (expected "
                  f"{', '.join(keys)})", "fixed_layers" if fixed else None, hint)
    if missing:
        raise Abort


def _expect_sequence(case, what, got, length, entry="entries"):
    if not isinstance(got, (list, tuple)) or len(got) != length:
        have = (f"a {type(got).__name__} of length {len(got)}" if isinstance(got, (list, tuple))
                else f"a {type(got).__name__}")
        case.fail(f"{what}: expected a list or tuple of {length} {entry}, got {have}")
        raise Abort


# --------------------------------------------------------------------------------------------------
# 1. ReLU backward
# --------------------------------------------------------------------------------------------------

@exercise(1, "relu_backward", ["relu_backward"], lesson="Lesson 1: Backprop by hand",
          paper="paper.md §1.3", title="ReLU backward: dg = D ⊙ dh with D = 1[g > 0]")
def _relu_backward(case):
    n, m = _pick(case, [(3, 5), (4, 4), (2, 6), (5, 5)])
    case.about(f"n={n}, m={m}")
    g = case.rng.standard_normal((n, m))
    dh = case.rng.standard_normal((n, m))
    got = case.call("relu_backward", dh=dh, g=g)
    expected = ops.relu_backward(dh, ops.relu_forward(g)[1])
    g_probe = g.copy()
    numeric = numerical_gradient_array(lambda: ops.relu_forward(g_probe)[0], g_probe, dh)
    wrong = [
        ("no_mask", NO_MASK, dh),
        ("transposed_mask", "the mask looks transposed: D = 1[g > 0] has g's shape (n, m), one row "
                            "per sample", (dh * (g.T > 0)) if n == m else None),
        ("mask_from_dh", "the mask came from dh; it must come from the forward pre-activation, "
                         "D = 1[g > 0]", dh * (dh > 0)),
        ("mask_inverted", "the mask is inverted: the gradient passes where g > 0, not where g ≤ 0",
         dh * (g <= 0)),
        ("times_g", "you multiplied by g itself; the derivative of φ(g) = max(g, 0) is the 0/1 "
                    "mask 1[g > 0]", dh * g),
        ("times_h", "you multiplied by h = φ(g); the derivative of φ is the 0/1 mask 1[g > 0], "
                    "not φ itself", dh * np.maximum(g, 0)),
    ]
    case.compare("dg", got, expected, wrong=wrong, numeric=numeric)


# --------------------------------------------------------------------------------------------------
# 2. Linear layer backward
# --------------------------------------------------------------------------------------------------

@exercise(2, "linear_backward", ["linear_backward"], lesson="Lesson 1: Backprop by hand",
          paper="paper.md §1.3", title="Linear layer backward: dx = dout·W, dW = doutᵀ·x")
def _linear_backward(case):
    n, d_in, d_out = _pick(case, [(3, 4, 5), (3, 4, 4), (5, 2, 3), (2, 6, 6)])
    case.about(f"n={n}, d_in={d_in}, d_out={d_out}")
    x = case.rng.standard_normal((n, d_in))
    W = case.rng.standard_normal((d_out, d_in))
    dout = case.rng.standard_normal((n, d_out))
    got = case.call("linear_backward", dout=dout, x=x, W=W)
    _expect_sequence(case, "linear_backward", got, 2, "arrays (dx, dW)")
    dx, dW = ops.linear_backward(dout, ops.linear_forward(x, W)[1])
    xp, Wp = x.copy(), W.copy()
    num_x = numerical_gradient_array(lambda: xp @ Wp.T, xp, dout)
    num_W = numerical_gradient_array(lambda: xp @ Wp.T, Wp, dout)
    swapped = "you returned (dW, dx); the order is (dx, dW)"
    case.compare("dx", got[0], dx, numeric=num_x, wrong=[
        ("swapped", swapped, dW),
        ("dx_WT", "dx = dout W in rows (each row is Wᵀ applied to dout_i); you multiplied by Wᵀ",
         (dout @ W.T) if d_in == d_out else None),
    ])
    case.compare("dW", got[1], dW, numeric=num_W, wrong=[
        ("swapped", swapped, dx),
        ("transposed", "dW looks transposed: it has W's shape (d_out, d_in), dW = doutᵀ x", x.T @ dout),
        ("mean", MEAN, dW / n),
    ])


# --------------------------------------------------------------------------------------------------
# 3. The paper's MLP backward
# --------------------------------------------------------------------------------------------------

@exercise(3, "mlp_backward", ["mlp_backward"], lesson="Lesson 1: Backprop by hand",
          paper="paper.md §1.2–1.3", title="The paper's MLP backward: every ∇W_ℓ from the forward pass")
def _mlp_backward(case):
    n, d_in, m, L, d_out = _pick(case, [(3, 4, 5, 2, 1), (4, 3, 6, 3, 2), (2, 5, 4, 1, 1),
                                        (3, 3, 5, 2, 3)])
    case.about(f"n={n}, d_in={d_in}, m={m}, L={L}, d_out={d_out}")
    net, X, cache, dout = _mlp(case, n, d_in, m, L, d_out)
    h, D, params = _copy_list(cache.h), _copy_list(cache.D), {k: v.copy() for k, v in net.params.items()}
    got = case.call("mlp_backward", dout=dout, h=h, D=D, params=params)
    keys = list(net.layer_names)
    _expect_dict(case, "mlp_backward", got, keys)
    expected = net.backward(dout, cache)
    probe = net.copy()
    args = (dout, cache.h, cache.D, net.params)
    variants = {
        "transposed": ("each ∇W_ℓ looks transposed: in rows ∇W_ℓ = dg_ℓᵀ h_{ℓ−1}, shape (m_out, m_in)",
                       dict(transpose=True)),
        "no_mask": (NO_MASK, dict(mask="none")),
        "mask_below": (MASK_BELOW, dict(mask="below")),
        "mean": (MEAN, dict(scale=1.0 / n)),
        "back_WT": (BACK_WT, dict(back="WT")),
        "pair_same": ("∇W_ℓ pairs dg_ℓ with the layer's input h_{ℓ−1}, not its output h_ℓ",
                      dict(pair="same")),
    }
    wrong_grads = {key: (hint, _mlp_backward_variant(*args, **kw)[0]) for key, (hint, kw) in variants.items()}
    for name in keys:
        numeric = numerical_gradient(lambda: float(np.sum(probe.forward(X)[0] * dout)), probe.params[name])
        case.compare(f"∇{name}", got[name], expected[name], numeric=numeric,
                     wrong=[(key, hint, grads[name]) for key, (hint, grads) in wrong_grads.items()])


# --------------------------------------------------------------------------------------------------
# 4. Backward vectors and the rank-one per-sample gradient
# --------------------------------------------------------------------------------------------------

def _forward_from(l, g_l, params, L):
    """ŷ from the pre-activation g_ℓ upwards (to differentiate with respect to g_ℓ)."""
    h = np.maximum(g_l, 0)
    for j in range(l + 1, L + 1):
        h = np.maximum(h @ params[f"W{j}"].T, 0)
    return h @ params["B"].T


@exercise(4, "backward_vectors", ["backward_vectors", "per_sample_gradients"],
          lesson="Lesson 1: Backprop by hand (rank one); Lesson 8: NTK", paper="paper.md §1.3",
          title="Backward vectors D_ℓ Back_ℓᵀ(ŷ − y*) and the rank-one per-sample gradient")
def _backward_vectors(case):
    n, d_in, m, L, d_out = _pick(case, [(3, 4, 5, 2, 1), (4, 3, 4, 3, 2), (2, 5, 6, 1, 1),
                                        (3, 3, 5, 2, 2)])
    case.about(f"n={n}, d_in={d_in}, m={m}, L={L}, d_out={d_out}")
    net, X, cache, dout = _mlp(case, n, d_in, m, L, d_out)
    D, params = _copy_list(cache.D), {k: v.copy() for k, v in net.params.items()}
    got = case.call("backward_vectors", dout=dout, D=D, params=params)
    _expect_sequence(case, "backward_vectors", got, L + 1, "entries b[0..L] (b[0] may be None)")
    expected = net.backward_signals(dout, cache)
    args = (dout, cache.h, cache.D, net.params)
    wrong = {key: (hint, _mlp_backward_variant(*args, **kw)[1]) for key, hint, kw in [
        ("no_mask", NO_MASK, dict(mask="none")),
        ("mask_below", MASK_BELOW, dict(mask="below")),
        ("back_WT", BACK_WT, dict(back="WT")),
    ]}
    for l in range(1, L + 1):
        g_probe = cache.g[l].copy()
        numeric = numerical_gradient_array(lambda: _forward_from(l, g_probe, net.params, L), g_probe, dout)
        case.compare(f"b[{l}]", got[l], expected[l], numeric=numeric,
                     wrong=[(key, hint, dg[l]) for key, (hint, dg) in wrong.items()])

    # the per-sample gradient of one layer, from the right backward vectors
    l = int(case.rng.integers(1, L + 1))
    b_l, h_prev = expected[l].copy(), cache.h[l - 1].copy()
    G = case.call("per_sample_gradients", b_l=b_l, h_prev=h_prev)
    G_expected = net.per_sample_gradients(dout, cache)[f"W{l}"]
    one = net.copy()  # sample 0 alone: the gradient of ⟨dout_0, ŷ_0⟩ by central differences
    numeric0 = numerical_gradient(lambda: float(np.sum(one.forward(X[:1])[0] * dout[:1])), one.params[f"W{l}"])
    numeric = G_expected.copy()
    numeric[0] = numeric0
    ok = case.compare(f"per-sample ∇W{l}", G, G_expected, numeric=numeric, wrong=[
        ("transposed", "each G_i looks transposed: G_i = b_i h_iᵀ = np.outer(b[i], h_prev[i]), "
                       "shape (m_out, m_in)", np.einsum("iq,ip->ipq", b_l, h_prev)),
        ("full_batch", "every sample got the whole batch's gradient Σ_j b_j h_jᵀ; sample i's own "
                       "gradient is the outer product of row i of b and row i of h_prev",
         np.broadcast_to(b_l.T @ h_prev, G_expected.shape)),
    ])
    if ok:
        s = np.linalg.svd(G, compute_uv=False)
        # σ₂ of every G_i relative to the size of them all (a sample whose b_i is 0 has G_i = 0).
        # 1e-6: an answer within the 1e-7 tolerance may carry σ₂ of that order; rank two gives O(1).
        ratio = float(np.max(s[:, 1]) / max(np.linalg.norm(G), 1e-300))
        case.require(ratio <= 1e-6, f"every G_i has rank one (max σ₂ / ‖G‖ = {ratio:.1e})",
                     f"some G_i has rank above one (max σ₂ / ‖G‖ = {ratio:.1e})")


# --------------------------------------------------------------------------------------------------
# 5. One GD step and one SGD step
# --------------------------------------------------------------------------------------------------

CONVENTION = "the update rule of ntkedu.train"


@exercise(5, "sgd_step", ["gd_step", "sgd_step"], lesson="Lesson 11: SGD",
          paper="paper.md §1.4, §2.2", title="One GD step and one SGD step: W ← W − η (n/b) Σ_{i∈S} ∇F_i")
def _sgd_step(case):
    n, m, L, b = _pick(case, [(5, 4, 2, 2), (6, 3, 1, 4), (4, 4, 2, 1), (6, 3, 3, 4)])
    case.about(f"n={n}, m={m}, L={L}, b={b}")
    net, X, cache, dout = _mlp(case, n, 3, m, L, 1)
    per_sample = {k: v.copy() for k, v in net.per_sample_gradients(dout, cache).items()}
    grads = net.backward(dout, cache)
    lr = float(case.rng.uniform(0.01, 0.1))
    keys = list(net.params)
    trained = list(net.layer_names)
    params = {k: v.copy() for k, v in net.params.items()}

    def step(direction):  # W − η·direction on the trained names, everything else unchanged
        return {k: (params[k] - lr * direction[k]) if k in trained else params[k] for k in keys}

    got = case.call("gd_step", params=params, grads={k: v.copy() for k, v in grads.items()}, lr=lr)
    _expect_dict(case, "gd_step", got, keys)
    expected = step(grads)
    ascent = step({k: -g for k, g in grads.items()})
    for k in keys:
        case.compare(f"gd_step[{k!r}]", got[k], expected[k], reference=CONVENTION, wrong=[
            ("sign", "the step went up the gradient: W ← W − η ∇F subtracts", ascent[k])])

    batch = case.rng.choice(n, size=b, replace=False)   # S, in random order
    got = case.call("sgd_step", params=params, per_sample_grads=per_sample, batch=batch.copy(), lr=lr)
    _expect_dict(case, "sgd_step", got, keys)

    def on(scale, samples):
        return step({k: scale * per_sample[k][samples].sum(axis=0) for k in trained})

    everyone = np.arange(n)
    expected = on(n / b, batch)
    wrong = [
        ("missing_n_over_b", "missing factor n/b: SGD steps by η (n/b) Σ_{i∈S} ∇F_i, an unbiased "
                             "estimate of the GD step", on(1.0, batch)),
        ("mean", "you averaged over the batch (1/b); the convention sums over S and multiplies by "
                 "n/b", on(1.0 / b, batch)),
        ("b_over_n", "the factor is n/b, not b/n", on(b / n, batch)),
        ("int_division", "n // b rounds down; the factor is the float n / b", on(n // b, batch)),
        ("all_samples", "you summed over all n samples; SGD uses only the batch S", on(n / b, everyone)),
        ("gd_step", "that is the full GD step; SGD uses only the batch S (times n/b)", on(1.0, everyone)),
        ("sign", "the step went up the gradient: W ← W − η (n/b) Σ ∇F_i subtracts", on(-n / b, batch)),
    ]
    for k in keys:
        case.compare(f"sgd_step[{k!r}]", got[k], expected[k], reference=CONVENTION, wrong=[(key, hint, v[k]) for key, hint, v in wrong])


# --------------------------------------------------------------------------------------------------
# 6. The ResNet layer's backward
# --------------------------------------------------------------------------------------------------

@exercise(6, "resnet_backward", ["resnet_layer_backward"], lesson="Lesson 12: ResNet",
          paper="paper.md §4", title="ResNet layer backward: h_ℓ = φ(h_{ℓ−1} + τ W_ℓ h_{ℓ−1})")
def _resnet_backward(case):
    n, m = _pick(case, [(3, 5), (4, 4), (2, 6), (5, 3)])
    tau = float(case.rng.uniform(0.2, 0.8))
    case.about(f"n={n}, m={m}, τ={tau:.3f}")
    h_prev = np.maximum(case.rng.standard_normal((n, m)), 0)
    W = case.rng.standard_normal((m, m)) * np.sqrt(2 / m)
    g, rcache = ops.residual_forward(h_prev, W, tau)
    dh = case.rng.standard_normal((n, m))
    got = case.call("resnet_layer_backward", dh=dh, g=g.copy(), h_prev=h_prev.copy(), W=W.copy(), tau=tau)
    _expect_sequence(case, "resnet_layer_backward", got, 2, "arrays (dh_prev, dW)")
    dg = ops.relu_backward(dh, ops.relu_forward(g)[1])
    dh_prev, dW = ops.residual_backward(dg, rcache)
    hp, Wp = h_prev.copy(), W.copy()

    def layer():
        return ops.relu_forward(ops.residual_forward(hp, Wp, tau)[0])[0]

    num_h = numerical_gradient_array(layer, hp, dh)
    num_W = numerical_gradient_array(layer, Wp, dh)
    dg_nomask, dg_below = dh, dh * (h_prev > 0)
    case.compare("dh_prev", got[0], dh_prev, numeric=num_h, wrong=[
        ("no_identity", "the identity path is missing: ∂/∂h_{ℓ−1} = dg + τ dg W_ℓ (the skip "
                        "connection passes dg straight down)", tau * dg @ W),
        ("missing_tau", "missing factor τ on the branch: ∂/∂h_{ℓ−1} = dg + τ dg W_ℓ", dg + dg @ W),
        ("back_WT", BACK_WT, dg + tau * dg @ W.T),
        ("no_mask", NO_MASK, dg_nomask + tau * dg_nomask @ W),
        ("mask_below", MASK_BELOW, dg_below + tau * dg_below @ W),
    ])
    case.compare("dW", got[1], dW, numeric=num_W, wrong=[
        ("missing_tau", "missing factor τ: the branch is τ W_ℓ h_{ℓ−1}, so ∇W_ℓ = τ dgᵀ h_{ℓ−1}", dg.T @ h_prev),
        ("transposed", "dW looks transposed: ∇W_ℓ = τ dgᵀ h_{ℓ−1} (rows are samples)", tau * h_prev.T @ dg),
        ("no_mask", NO_MASK, tau * dg_nomask.T @ h_prev),
        ("mask_below", MASK_BELOW, tau * dg_below.T @ h_prev),
        ("mean", MEAN, tau * dg.T @ h_prev / n),
    ])


# --------------------------------------------------------------------------------------------------
# 7. Naive convolution backward
# --------------------------------------------------------------------------------------------------

def _conv_loops(dout, x, w, pad, *, accumulate=True, crop=True):
    """The naive backward loops, with `=` in place of `+=` or without cropping the padding."""
    s = w.shape[-1]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    N, F, Ho, Wo = dout.shape
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    if accumulate:
                        dw[f] += dout[n, f, i, j] * xp[n, :, i:i + s, j:j + s]
                        dxp[n, :, i:i + s, j:j + s] += dout[n, f, i, j] * w[f]
                    else:
                        dw[f] = dout[n, f, i, j] * xp[n, :, i:i + s, j:j + s]
                        dxp[n, :, i:i + s, j:j + s] = dout[n, f, i, j] * w[f]
    H, W = x.shape[2:]
    return (dxp[:, :, pad:pad + H, pad:pad + W] if crop else dxp), dw


@exercise(7, "conv_backward", ["conv_backward"], lesson="Lesson 13: CNN",
          paper="paper.md §5", title="Naive convolution backward: (dx, dw) by loops")
def _conv_backward(case):
    N, C, H, Wd, F, s, pad = _pick(case, [(2, 2, 4, 4, 3, 3, 1), (1, 3, 5, 4, 3, 3, 1),
                                          (2, 1, 4, 5, 2, 3, 0), (2, 2, 3, 3, 2, 3, 2)])
    case.about(f"x {N}×{C}×{H}×{Wd}, w {F}×{C}×{s}×{s}, pad={pad}")
    x = case.rng.standard_normal((N, C, H, Wd))
    w = case.rng.standard_normal((F, C, s, s))
    out, ccache = ops.conv_forward(x, w, pad)
    dout = case.rng.standard_normal(out.shape)
    got = case.call("conv_backward", dout=dout, x=x, w=w, pad=pad)
    _expect_sequence(case, "conv_backward", got, 2, "arrays (dx, dw)")
    dx, dw = ops.conv_backward(dout, ccache)
    xp, wp = x.copy(), w.copy()
    num_x = numerical_gradient_array(lambda: ops.conv_forward(xp, wp, pad)[0], xp, dout)
    num_w = numerical_gradient_array(lambda: ops.conv_forward(xp, wp, pad)[0], wp, dout)
    dx_set, dw_set = _conv_loops(dout, x, w, pad, accumulate=False)
    dx_pad, _ = _conv_loops(dout, x, w, pad, crop=False)
    no_flip = ops.conv_forward(dout, w.transpose(1, 0, 2, 3), pad=s - 1 - pad)[0] if s - 1 - pad >= 0 else None
    overwrite = ("windows overlap: accumulate with `+=`; with `=` each position overwrites the "
                 "contributions of the ones before it")
    case.compare("dx", got[0], dx, numeric=num_x, wrong=[
        ("no_crop", f"dx still includes the zero padding: return dx_pad[:, :, {pad}:{pad}+H, "
                    f"{pad}:{pad}+W], of x's shape", dx_pad),
        ("overwrite", overwrite, dx_set),
        ("no_flip", "written as a convolution of dout, dx needs the filters flipped in space "
                    "(w[:, :, ::-1, ::-1]) as well as their channel axes swapped", no_flip),
    ])
    case.compare("dw", got[1], dw, numeric=num_w, wrong=[
        ("overwrite", overwrite, dw_set),
        ("mean", "you divided dw by the number of images; the loss is a sum over samples, so dw "
                 "sums too", dw / N),
        ("channels_swapped", "dw's channel axes look swapped: dw has w's shape (F, C, s, s)",
         dw.transpose(1, 0, 2, 3) if F == C else None),
        ("flipped", "dw looks flipped in space: dw[f, c, a, b] = Σ dout[n, f, i, j] · "
                    "x_pad[n, c, i + a, j + b]", dw[:, :, ::-1, ::-1]),
    ])


# --------------------------------------------------------------------------------------------------
# 8. The empirical NTK from the rank-one factors
# --------------------------------------------------------------------------------------------------

def _psd_and_symmetric(case, K, what="Θ"):
    """Properties every kernel has. Asymmetry tolerance 1e-10: round-off in a symmetric formula is
    ~1e-16, a non-symmetric formula is off by O(1). PSD tolerance λ_min ≥ −1e-6 λ_max: a Gram matrix
    is PSD up to round-off, but answers within the checks' 1e-7 tolerance may move λ_min by
    ~1e-7·√n·λ_max."""
    scale = np.linalg.norm(K)
    asym = 0.0 if scale == 0 else float(np.linalg.norm(K - K.T) / scale)
    case.require(asym <= 1e-10, f"{what} is symmetric (‖K − Kᵀ‖/‖K‖ = {asym:.1e})",
                 f"{what} is not symmetric: ‖K − Kᵀ‖/‖K‖ = {asym:.1e} (a kernel is K_ij = ⟨∇ŷ_i, ∇ŷ_j⟩)",
                 "not_symmetric", "a kernel is symmetric; an entrywise product of two Gram matrices "
                                  "stays symmetric, a matrix product does not")
    if asym <= 1e-10:
        w = np.linalg.eigvalsh((K + K.T) / 2)
        case.require(w[0] >= -1e-6 * max(w[-1], 0.0), f"{what} is positive semi-definite "
                     f"(λ_min = {w[0]:.3g})", f"{what} is not positive semi-definite: λ_min = {w[0]:.3g}",
                     "not_psd", "a Gram matrix of gradients is positive semi-definite")


@exercise(8, "empirical_ntk", ["empirical_ntk"], lesson="Lesson 8: Neural tangent kernel",
          paper="paper.md §6.1, §9.4",
          title="Empirical NTK Θ = Σ_ℓ (b_ℓ b_ℓᵀ) ⊙ (h_{ℓ−1} h_{ℓ−1}ᵀ) without a Jacobian")
def _empirical_ntk(case):
    n, d_in, m, L = _pick(case, [(4, 3, 6, 2), (5, 4, 5, 3), (3, 5, 8, 1), (6, 3, 4, 2)])
    case.about(f"n={n}, d_in={d_in}, m={m}, L={L}, d_out=1")
    net = MLP(d_in, m, L, 1, rng=case.rng)
    X = _unit_rows(case.rng, n, d_in)
    out, cache = net.forward(X)
    ones = np.ones_like(out)
    b = net.backward_signals(ones, cache)
    h = cache.h
    got = case.call("empirical_ntk", h=_copy_list(h), b=_copy_list(b))
    expected = ntk.empirical(net, X, verbose_memory=False)
    J = np.concatenate([G.reshape(n, -1) for G in net.per_sample_gradients(ones, cache).values()], axis=1)

    def total(term):
        return sum(term(l) for l in range(1, L + 1))

    wrong = [
        ("pair_same", "b_ℓ goes with the layer's input h_{ℓ−1} (∇W_ℓ ŷ = b_ℓ h_{ℓ−1}ᵀ), not with h_ℓ",
         total(lambda l: (b[l] @ b[l].T) * (h[l] @ h[l].T))),
        ("matmul", "⟨u vᵀ, u' v'ᵀ⟩_F = ⟨u, u'⟩⟨v, v'⟩ entry by entry: combine the two Gram matrices "
                   "with `*` (Hadamard), not `@`", total(lambda l: (b[l] @ b[l].T) @ (h[l - 1] @ h[l - 1].T))),
        ("sum_grams", "the two Gram matrices multiply entrywise (⟨u, u'⟩⟨v, v'⟩), they do not add",
         total(lambda l: b[l] @ b[l].T + h[l - 1] @ h[l - 1].T)),
        ("divided_by_m", "you divided by m: this exercise asks for Θ_m itself (Θ_m/m → Θ̄ is the "
                         "next exercise)", expected / m),
        ("last_layer_only", "only the top layer counted: Θ sums over every trained layer ℓ = 1..L",
         (b[L] @ b[L].T) * (h[L - 1] @ h[L - 1].T) if L > 1 else None),
        ("first_layer_only", "only layer 1 counted: Θ sums over every trained layer ℓ = 1..L",
         (b[1] @ b[1].T) * (h[0] @ h[0].T) if L > 1 else None),
    ]
    if case.compare("Θ", got, expected, wrong=wrong, numeric=J @ J.T,
                    numeric_name="the direct Jacobian product") or _as_square(got, n):
        _psd_and_symmetric(case, got)


def _as_square(K, n):
    return isinstance(K, np.ndarray) and K.shape == (n, n) and K.dtype == np.float64 and np.all(np.isfinite(K))


# --------------------------------------------------------------------------------------------------
# 9. The infinite-width kernel Θ̄
# --------------------------------------------------------------------------------------------------

def _theta_variant(X, L, d_out, *, kappa0=ntk.kappa0, kappa1=ntk.kappa1, A_layer=True, start=0,
                   normalise=True, factor=True):
    """paper.md §6.2 with switches: start=1 begins the product Π K̇_j at j = ℓ + 1."""
    def layer(K):
        if not normalise:
            return kappa1(K), kappa0(K)
        norms = np.sqrt(np.diag(K))
        scale = np.outer(norms, norms)
        rho = K / scale
        return scale * kappa1(rho), kappa0(rho)

    K = [X @ X.T]
    Kdot = []
    if A_layer:
        K_next, Kd = layer(K[0])
        K.append(K_next)
        Kdot.append(Kd)
    else:
        K.append(K[0])
        Kdot.append(None)
    for _ in range(L):
        K_next, Kd = layer(K[-1])
        K.append(K_next)
        Kdot.append(Kd)
    # K[l] is K_{ℓ−1}; Kdot[j] is K̇_j
    total = np.zeros_like(K[0])
    for l in range(1, L + 1):
        prod = np.ones_like(K[0])
        for j in range(l + start, L + 1):
            prod = prod * Kdot[j]
        total += K[l] * prod
    return total / (2 * d_out) if factor else total


@exercise(9, "analytic_ntk", ["kappa0", "kappa1", "theta_bar"], lesson="Lesson 8: Neural tangent kernel",
          paper="paper.md §6.2", title="The infinite-width kernel Θ̄: arc-cosine maps κ₀, κ₁ and the recursion")
def _analytic_ntk(case):
    # the ends, 0, and the neighbours of ±1 that round-off produces (ρ = K_ij/√(K_ii K_jj) ≈ 1 + 2e-16)
    ends = [-1.0, 0.0, 1.0, np.nextafter(1.0, 2.0), np.nextafter(-1.0, -2.0)]
    rho = np.concatenate([ends, case.rng.uniform(-1, 1, 7)])
    case.rng.shuffle(rho)
    rho = rho.reshape(3, 4)
    acos = np.arccos(np.clip(rho, -1, 1))
    clip = ("nan from arccos: round-off gives ρ slightly outside [−1, 1] (e.g. 1 + 2e-16 on a "
            "kernel's diagonal); clip ρ to [−1, 1] first")
    got0 = case.call("kappa0", rho=rho.copy())
    case.compare("κ₀(ρ)", got0, ntk.kappa0(rho), wrong=[
        ("kappa0_times_rho", "κ₀(ρ) = (π − arccos ρ)/π with no factor ρ (that is a misprint in one "
                             "secondary source; κ₀(1) = 1 and κ₀(0) = ½)", ntk.kappa0(rho) * rho),
        ("arccos_over_pi", "κ₀(ρ) = (π − arccos ρ)/π, the probability that both units are on "
                           "(times 2); arccos ρ / π is its complement", acos / np.pi),
        ("no_clip", clip, lambda: _unclipped(_kappa0_unclipped, rho)),
    ])
    got1 = case.call("kappa1", rho=rho.copy())
    case.compare("κ₁(ρ)", got1, ntk.kappa1(rho), wrong=[
        ("kappa1_no_sqrt", "κ₁(ρ) = (√(1 − ρ²) + (π − arccos ρ) ρ)/π: the √(1 − ρ²) term is missing",
         (np.pi - acos) * rho / np.pi),
        ("kappa1_is_kappa0", "that is κ₀; κ₁(ρ) = (√(1 − ρ²) + (π − arccos ρ) ρ)/π", ntk.kappa0(rho)),
        ("no_clip", clip, lambda: _unclipped(_kappa1_unclipped, rho)),
    ])

    n, d, L, d_out, unit = _pick(case, [(4, 3, 2, 1, True), (5, 4, 3, 2, True), (3, 5, 1, 1, False),
                                        (6, 3, 4, 1, True)])
    case.about(f"n={n}, d={d}, L={L}, d_out={d_out}, {'unit' if unit else 'non-unit'} inputs")
    X = _unit_rows(case.rng, n, d)
    if not unit:
        X = X * case.rng.uniform(0.5, 2.0, (n, 1))
    got = case.call("theta_bar", X=X.copy(), depth=L, d_out=d_out)
    expected = ntk.analytic(X, L, d_out)
    with np.errstate(all="ignore"):
        wrong = [
            ("missing_factor", "missing factor 1/(2 d_out): E‖row of B‖²/m = 1/d_out, and each "
                               "ReLU passes half the units (paper.md §6.2)", expected * (2 * d_out)),
            ("no_A_layer", "the fixed layer A has a ReLU too: K_0 = κ₁(K_{−1}) with K_{−1} = X Xᵀ",
             _theta_variant(X, L, d_out, A_layer=False)),
            ("product_off_by_one", "the product Π_{j=ℓ}^{L} K̇_j starts at j = ℓ, the layer of W_ℓ itself",
             _theta_variant(X, L, d_out, start=1)),
            ("not_normalised", "these inputs are not unit vectors: apply κ to the correlation "
                               "ρ = K_ij/√(K_ii K_jj) and multiply κ₁ by √(K_ii K_jj)",
             None if unit else _theta_variant(X, L, d_out, normalise=False)),
            ("kappa0_times_rho", "κ₀(ρ) = (π − arccos ρ)/π with no factor ρ",
             _theta_variant(X, L, d_out, kappa0=lambda r: ntk.kappa0(r) * r)),
            ("no_clip", clip, _theta_variant(X, L, d_out, kappa0=_kappa0_unclipped,
                                             kappa1=_kappa1_unclipped)),
        ]
    ok = case.compare("Θ̄", got, expected, wrong=wrong)
    if isinstance(got, np.ndarray) and got.dtype == np.float64 and np.any(np.isnan(got)) and "no_clip" not in case.mistakes:
        case.mistake("no_clip", wrong[-1][1])
    if ok or _as_square(got, n):
        _psd_and_symmetric(case, got, "Θ̄")
        if unit:
            diag = np.diag(got)
            case.require(np.allclose(diag, L / (2 * d_out), rtol=1e-6, atol=0),   # as loose as PSD's
                         f"diagonal = L/(2 d_out) = {L / (2 * d_out):g} for unit inputs",
                         f"diagonal should be L/(2 d_out) = {L / (2 * d_out):g} for unit inputs, got "
                         f"{_preview_list(diag)}")


def _unclipped(kappa, rho):
    with np.errstate(invalid="ignore"):
        return kappa(rho)


def _kappa0_unclipped(rho):
    return (np.pi - np.arccos(rho)) / np.pi


def _kappa1_unclipped(rho):
    return (np.sqrt(1.0 - rho**2) + (np.pi - np.arccos(rho)) * rho) / np.pi


def _preview_list(a):
    return "[" + ", ".join(f"{v:.6g}" for v in np.ravel(a)[:4]) + (", …]" if np.size(a) > 4 else "]")


# --------------------------------------------------------------------------------------------------
# 10. Kernel gradient descent and the residual along eigenvectors
# --------------------------------------------------------------------------------------------------

@exercise(10, "kernel_gd", ["kernel_gd_outputs", "residual_along_eigenvectors"],
          lesson="Lesson 9: Labels and eigenvectors", paper="paper.md §6.1",
          title="Kernel-GD prediction u_t and the residual along the kernel's eigenvectors")
def _kernel_gd(case):
    n, L = _pick(case, [(5, 2), (6, 3), (4, 1), (7, 2)])
    X = _unit_rows(case.rng, n, 4)
    K = ntk.analytic(X, L)
    lam_max = ntk.eigen(K).values[0]
    lr = float(case.rng.uniform(0.5, 1.5) / lam_max)
    t = int(case.rng.integers(3, 12))
    case.about(f"n={n}, η·λ_max={lr * lam_max:.3f}, t={t}")
    u0, y = case.rng.standard_normal(n), case.rng.standard_normal(n)
    got = case.call("kernel_gd_outputs", K=K.copy(), u0=u0.copy(), y=y.copy(), lr=lr, t=t)
    expected = ntk.kernel_gd_prediction(K, u0, y, lr, np.array([t]), return_outputs=True).outputs[0, :, 0]
    u = u0.copy()
    for _ in range(t):  # the definition, step by step
        u = u - lr * K @ (u - y)
    e = ntk.eigen(K)

    def along(decay):
        return e.vectors @ (decay * (e.vectors.T @ (u0 - y)))

    d = 1.0 - lr * e.values
    case.compare("u_t", got, expected, numeric=u, numeric_name=f"{t} steps of u ← u − ηK(u − y)", wrong=[
        ("forgot_y", "it is the residual u_t − y that decays: u_t = y + (I − ηΘ)^t (u_0 − y)",
         e.vectors @ (d**t * (e.vectors.T @ u0))),
        ("residual", "that is the residual u_t − y; the outputs are u_t = y + (I − ηΘ)^t (u_0 − y)",
         along(d**t)),
        ("off_by_one", "off by one step: u_t has the factor (1 − ηλ_i)^t", y + along(d**(t + 1))),
        ("off_by_one", "off by one step: u_t has the factor (1 − ηλ_i)^t", y + along(d**(t - 1))),
        ("loss_exponent", "(1 − ηλ_i)^{2t} is the decay of the loss; the outputs decay like "
                          "(1 − ηλ_i)^t", y + along(d**(2 * t))),
        ("gradient_flow", "e^{−ηλt} is gradient flow; gradient descent takes discrete steps, "
                          "(1 − ηλ_i)^t", y + along(np.exp(-lr * e.values * t))),
    ])

    r = u - y
    got = case.call("residual_along_eigenvectors", K=K.copy(), r=r.copy())
    _expect_sequence(case, "residual_along_eigenvectors", got, 2, "arrays (eigenvalues, coefficients)")
    values, coeffs = e.values, e.vectors.T @ r
    ascending = "np.linalg.eigh returns eigenvalues in ascending order; reverse them (and the eigenvector columns) to get λ_1 ≥ λ_2 ≥ …"
    case.compare("eigenvalues", got[0], values, wrong=[("ascending", ascending, values[::-1])])
    ok = case.compare("⟨v_i, r⟩ (up to each v_i's sign)", got[1], coeffs, absolute=True, wrong=[
        ("ascending", ascending, coeffs[::-1]),
        ("rows", "the eigenvectors are the columns of V (V[:, i]), so the coefficients are Vᵀ r; you "
                 "used its rows", e.vectors @ r),
        ("rows", "the eigenvectors are the columns of V (V[:, i]), so the coefficients are Vᵀ r; you "
                 "used its rows", e.vectors[:, ::-1] @ r),
    ])
    if ok:
        energy = float(np.sum(np.asarray(got[1]) ** 2))   # Parseval: the v_i are an orthonormal basis
        case.require(abs(energy - r @ r) <= 1e-6 * (r @ r), "Σ_i ⟨v_i, r⟩² = ‖r‖²",
                     f"Σ_i ⟨v_i, r⟩² = {energy:.6g} but ‖r‖² = {r @ r:.6g}")


# --------------------------------------------------------------------------------------------------
# 11. Flipped ReLUs and the normalised step
# --------------------------------------------------------------------------------------------------

@exercise(11, "flips_and_step", ["flipped_fraction", "normalised_lr"],
          lesson="Lesson 6: Lazy training; Lesson 4: Step size", paper="paper.md §3.5, §9.5, §6.2",
          title="Fraction of flipped ReLUs per layer, and η = s/(m·λ_max(Θ̄))")
def _flips_and_step(case):
    n, d_in, m, L = _pick(case, [(4, 3, 8, 2), (5, 4, 6, 3), (3, 5, 10, 1), (6, 3, 5, 2)])
    case.about(f"n={n}, m={m}, L={L}")
    net = MLP(d_in, m, L, 1, rng=case.rng)
    X = _unit_rows(case.rng, n, d_in)
    D0 = net.forward(X)[1].D
    moved = net.copy()
    for name in moved.layer_names:  # a sizeable move, so that some units flip at these small widths
        moved.params[name] = moved.params[name] + 0.5 * case.rng.standard_normal((m, m)) * np.sqrt(2 / m)
    D = moved.forward(X)[1].D
    got = case.call("flipped_fraction", D0=_copy_list(D0), D=_copy_list(D))
    expected = np.array([np.mean(a != b) for a, b in zip(D0, D)])
    counts = np.array([np.count_nonzero(a != b) for a, b in zip(D0, D)], dtype=np.float64)
    case.compare("fraction flipped per layer", got, expected, reference="mean(D != D0)", wrong=[
        ("counts", "those are counts; the fraction divides by the n·m units of a layer", counts),
        ("active_fraction", "that is the fraction of active units; a flip is a unit whose sign "
                            "changed, D ≠ D0", np.array([np.mean(a) for a in D])),
        ("off_only", "you counted only units that switched off; a flip is any change, D ≠ D0",
         np.array([np.mean(a & ~b) for a, b in zip(D0, D)])),
        ("per_sample_count", "divide by n·m (all units of all samples), not by n",
         counts / n),
    ])

    Kbar = ntk.analytic(X, L)
    lr_scale = float(case.rng.uniform(0.5, 2.0))
    got = case.call("normalised_lr", Kbar=Kbar.copy(), width=m, lr_scale=lr_scale)
    w = ntk.eigen(Kbar).values
    expected = np.asarray(lr_scale / (m * w[0]))
    case.compare("η", got, expected, wrong=[
        ("no_width", "η = s/(m·λ_max(Θ̄)): the width m is missing (Θ_m ≈ m·Θ̄ grows with m)",
         np.asarray(lr_scale / w[0])),
        ("lambda_min", "use the largest eigenvalue λ_max(Θ̄): it sets the stability limit",
         np.asarray(lr_scale / (m * w[-1]))),
        ("max_entry", "λ_max is the largest eigenvalue, not the largest entry of Θ̄",
         None if np.isclose(np.max(Kbar), 1.0) else np.asarray(lr_scale / (m * np.max(Kbar)))),  # else s/m
        ("trace", "λ_max is the largest eigenvalue, not the trace", np.asarray(lr_scale / (m * np.trace(Kbar)))),
    ])
