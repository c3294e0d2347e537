# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 1 — Backprop by hand
#
# **What the paper states** (paper.md §1.2–§1.3). The network is
#
#     g_0 = A x,          h_0 = φ(g_0)                 A   ~ N(0, 2/m), fixed
#     g_ℓ = W_ℓ h_{ℓ−1},  h_ℓ = φ(g_ℓ),  ℓ = 1..L      W_ℓ ~ N(0, 2/m), trained
#     ŷ   = B h_L                                      B   ~ N(0, 1/d_out), fixed
#
# with φ = ReLU, and the loss is a *sum* over samples, F = Σ_i ½‖ŷ_i − y_i*‖². Writing the ReLU
# as a 0/1 diagonal mask D_ℓ = diag(1[g_ℓ > 0]), the gradient of one sample's loss is
#
#     ∇_{W_ℓ} F_i = D_ℓ Back_ℓᵀ (ŷ_i − y_i*) · h_{ℓ−1}ᵀ,   Back_ℓ = B D_L W_L ⋯ D_{ℓ+1} W_{ℓ+1},
#
# a column times a row: **every per-sample gradient is a rank-one matrix**. The whole proof of the
# paper is about the sizes of these two factors (forward vectors h, backward vectors D Backᵀ).
#
# **What to look at.** We run one forward and one backward pass of a tiny MLP (d = 4, m = 6,
# L = 2) one sample at a time, in the paper's column-vector notation, every line one formula.
# Then we check three things with numbers:
#
# 1. our hand-written per-sample pass gives exactly what `net.backward` gives (it works on all
#    samples at once, as rows);
# 2. `net.backward` agrees with central finite differences, for the MLP, the ResNet and the CNN;
# 3. each per-sample gradient of the MLP really has rank one (one non-zero singular value).

# %%
from __future__ import annotations

import pdb
import sys
from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Patch

import ntkedu
from lessons import kit
from ntkedu import data, gradcheck
from ntkedu.plotting import figure

NUMBER = 1
TITLE = "Backprop by hand (paper §1.2–1.3)"
CLAIM = ("The hand-written backward pass equals finite differences, and each sample's gradient "
         "∇_{W_ℓ}F_i = D_ℓ Back_ℓᵀ(ŷ_i − y_i*) h_{ℓ−1}ᵀ has rank one.")

# The sizes of the two runs: quick is the tiny network of the walk-through.
SECONDS = {"quick": 0.1, "full": 0.6}   # one run on one core (TEACHING.md): the longest start first
SIZES = {
    "quick": dict(d=4, m=6, L=2, n=3, cnn_shape=(1, 5, 5), cnn_m=3, cnn_L=2),
    "full": dict(d=8, m=16, L=3, n=6, cnn_shape=(2, 6, 6), cnn_m=4, cnn_L=3),
}
GRADCHECK_TOL = 1e-6      # central differences in float64 (ntkedu.gradcheck)
HAND_TOL = 1e-12          # two exact computations that differ only in round-off
RESNET_TAU = 0.5


# %% [markdown]
# ## Your settings
#
# Opened as a notebook, this lesson runs cell by cell: change these and run the cells below.
# `SIZE` is "quick" or "full"; `CHANGES` overrides single settings of that size, e.g.
# `{"m": 12, "L": 4}` (the keys are those of `SIZES` above). The claims are designed and checked at
# the lesson's own sizes, for any seed; at other settings they are still computed, and a verdict
# may legitimately differ.

# %%
SIZE, SEED = "quick", 0
CHANGES = {}


# %% [markdown]
# ## The problem
#
# Inputs from `ntkedu.data.unit_inputs`: ‖x_i‖ = 1 with last coordinate 1/√2 (paper §1.1), targets
# Gaussian with RMS 1. `net.params` holds A, W1 … WL, B as plain NumPy arrays.

# %%
@dataclass
class Problem:
    """A network with its data: X (n, d_in), Y (n, d_out)."""
    net: object
    X: np.ndarray
    Y: np.ndarray


def tiny_problem(d=4, m=6, L=2, n=3, *, rng=0) -> Problem:
    """The walk-through's MLP (d_in = d, width m, depth L, d_out = 1) and n samples."""
    rng = np.random.default_rng(rng)
    X = data.unit_inputs(n, d, rng=rng)
    Y = data.regression_targets(n, 1, rng=rng)
    return Problem(ntkedu.MLP(d, m, L, rng=rng), X, Y)


# %% [markdown]
# ## Forward, one sample, the paper's formulas
#
# Column vectors, exactly as in the paper. (The library stores samples as *rows* and computes
# `g = h_prev @ W.T` for all samples at once; it is the same number.)

# %%
@dataclass
class SampleForward:
    """One sample's forward pass: g[ℓ], h[ℓ] (m,) for ℓ = 0..L, and ŷ (d_out,)."""
    x: np.ndarray
    g: list
    h: list
    y_hat: np.ndarray


def forward_by_hand(params: dict, x: np.ndarray) -> SampleForward:
    """ŷ = B φ(W_L ⋯ φ(W_1 φ(A x))) for one input x (d_in,), keeping every g_ℓ and h_ℓ (paper §1.2)."""
    L = len(params) - 2
    g = [params["A"] @ x]                              # g_0 = A x
    h = [np.maximum(g[0], 0.0)]                        # h_0 = φ(g_0)
    for l in range(1, L + 1):
        g.append(params[f"W{l}"] @ h[l - 1])           # g_ℓ = W_ℓ h_{ℓ−1}
        h.append(np.maximum(g[l], 0.0))                # h_ℓ = φ(g_ℓ)
    y_hat = params["B"] @ h[L]                         # ŷ = B h_L
    return SampleForward(x, g, h, y_hat)


# %% [markdown]
# ## Backward, one sample
#
# Start from the residual ŷ − y* (the derivative of ½‖ŷ − y*‖²), go through B, then down the
# layers: a mask D_ℓ at each ReLU, a transpose W_ℓᵀ at each matrix. The gradient of W_ℓ is the
# outer product of the backward vector at g_ℓ with the forward vector h_{ℓ−1} that entered W_ℓ.

# %%
@dataclass
class SampleBackward:
    """One sample's backward pass: residual (d_out,), dh[ℓ] = ∂F_i/∂h_ℓ, dg[ℓ] = ∂F_i/∂g_ℓ (m,),
    D[ℓ] the masks (m, m) and grads["Wℓ"] = ∇_{W_ℓ} F_i (m, m), for ℓ = 1..L (index 0 unused)."""
    residual: np.ndarray
    dh: list
    dg: list
    D: list
    grads: dict


def backward_by_hand(params: dict, fwd: SampleForward, y: np.ndarray) -> SampleBackward:
    """∇_{W_ℓ} F_i for F_i = ½‖ŷ_i − y_i*‖², one sample, every line one formula (paper §1.3)."""
    L = len(params) - 2
    dh, dg, D = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
    residual = fwd.y_hat - y                           # ∂F_i/∂ŷ = ŷ − y*
    dh[L] = params["B"].T @ residual                   # ∂F_i/∂h_L = Bᵀ (ŷ − y*)
    grads = {}
    for l in range(L, 0, -1):
        D[l] = np.diag((fwd.g[l] > 0).astype(float))   # D_ℓ = diag(1[g_ℓ > 0])
        dg[l] = D[l] @ dh[l]                           # ∂F_i/∂g_ℓ = D_ℓ ∂F_i/∂h_ℓ
        grads[f"W{l}"] = np.outer(dg[l], fwd.h[l - 1])  # ∇_{W_ℓ} F_i = ∂F_i/∂g_ℓ · h_{ℓ−1}ᵀ  (rank one)
        dh[l - 1] = params[f"W{l}"].T @ dg[l]          # ∂F_i/∂h_{ℓ−1} = W_ℓᵀ ∂F_i/∂g_ℓ
    return SampleBackward(residual, dh, dg, D, grads)


def back_operator(params: dict, fwd: SampleForward, l: int) -> np.ndarray:
    """Back_ℓ = B D_L W_L ⋯ D_{ℓ+1} W_{ℓ+1} (d_out, m), the paper's backward operator, as one product."""
    L = len(params) - 2
    back = params["B"]
    for k in range(L, l, -1):
        back = back @ np.diag((fwd.g[k] > 0).astype(float)) @ params[f"W{k}"]
    return back


# %% [markdown]
# ## Stepping through `net.backward` in a debugger
#
# The library's pass is short enough to read line by line. From a shell:
#
#     python -c "import lessons; lessons.load(1).debug_backward()"
#
# stops at the first line of `MLP.backward`. Its argument check is one line; two more name the
# pieces (`L, W, h, D` and the empty `grads, dg, dh`); the next `n` lands on the first formula,
# `dh[L] = dout @ W["B"]`, and every line of the loop after it is one formula of the recursion
# above, now on all samples at once: `dg[l] = D[l] * dh[l]`, `dW = dg[l].T @ h[l - 1]`,
# `dh[l - 1] = dg[l] @ W[f"W{l}"]`. `n` runs one line, `p dW`, `p dg[l]`, `p dh[l].shape` print
# what you want, `where` shows the call stack and `c` continues. In your own script, put
# `breakpoint()` on the line before `net.backward(dout, cache)`, run it with plain `python` and
# press `s` five times to reach the same first formula. `ntkedu trace`
# prints the same pass without a debugger.

# %%
def debug_backward(seed: int = 0):
    """Run the tiny problem's ``net.backward`` under pdb, stopping at its first line."""
    p = tiny_problem(rng=seed)
    out, cache = p.net.forward(p.X)
    dout = out - p.Y                                   # ∂F/∂ŷ for the squared loss
    return pdb.runcall(p.net.backward, dout, cache)


# %% [markdown]
# ## The experiment
#
# `hand_vs_library` sums the per-sample gradients of our hand pass (F = Σ_i F_i, so
# ∇F = Σ_i ∇F_i) and compares with `net.backward`; it also checks that D_ℓ Back_ℓᵀ(ŷ − y*) — the
# paper's closed form — is the ∂F/∂g_ℓ the recursion produced. `per_sample_ranks` computes each
# sample's gradient independently (a backward pass on that sample alone) and counts its singular
# values above round-off. For contrast, a CNN sample's gradient sums one outer product per
# pixel position, so it is *not* rank one.

# %%
def rel_error(a, b) -> float:
    return gradcheck.rel_error(a, b)


def hand_vs_library(p: Problem) -> dict:
    """Largest relative errors: hand gradients vs net.backward, and the recursion vs D_ℓ Back_ℓᵀ r."""
    params, L = p.net.params, p.net.depth
    forwards = [forward_by_hand(params, x) for x in p.X]
    passes = [backward_by_hand(params, f, y) for f, y in zip(forwards, p.Y)]
    out, cache = p.net.forward(p.X)
    library = p.net.backward(out - p.Y, cache)
    rows = []
    for l in range(1, L + 1):
        hand = sum(bp.grads[f"W{l}"] for bp in passes)               # ∇_{W_ℓ} F = Σ_i ∇_{W_ℓ} F_i
        closed = max(rel_error(np.diag((f.g[l] > 0).astype(float)) @ back_operator(params, f, l).T
                               @ bp.residual, bp.dg[l]) for f, bp in zip(forwards, passes))
        rows.append({"layer": f"W{l}", "hand_norm": float(np.linalg.norm(hand)),
                     "library_norm": float(np.linalg.norm(library[f"W{l}"])),
                     "rel_error": rel_error(hand, library[f"W{l}"]), "back_form_error": closed})
    forward_error = max(rel_error(np.array([f.h[l] for f in forwards]), cache.h[l]) for l in range(L + 1))
    return {"layers": rows, "forward_error": forward_error}


def _singular_values(G: np.ndarray) -> list:
    return np.linalg.svd(G, compute_uv=False).tolist()


def numerical_rank(sv) -> int:
    """Singular values above round-off, σ_k > 64 ε σ_1 (ε = float64 machine epsilon; 0 for a zero matrix)."""
    sv = np.asarray(sv)
    return int(np.sum(sv > sv[0] * 64 * np.finfo(float).eps)) if sv.size and sv[0] > 0 else 0


def per_sample_ranks(p: Problem) -> list:
    """Singular values of every per-sample gradient ∇_{W_ℓ} F_i, each from its own backward pass."""
    rows = []
    for i in range(len(p.X)):
        out, cache = p.net.forward(p.X[i:i + 1])
        grads = p.net.backward(out - p.Y[i:i + 1], cache)
        for name, G in grads.items():
            sv = _singular_values(G)
            rows.append({"sample": i, "layer": name, "singular_values": sv, "rank": numerical_rank(sv)})
    return rows


def cnn_sample_ranks(net, X) -> list:
    """Singular values of CNN per-sample gradients, each W_ℓ (m, m, s, s) read as an m × (m·s·s) matrix."""
    out, cache = net.forward(X)
    dout = np.ones_like(out)                           # any residual: the rank does not depend on it
    rows = []
    for name, G in net.per_sample_gradients(dout, cache).items():
        for i, Gi in enumerate(G):
            sv = _singular_values(Gi.reshape(Gi.shape[0], -1))
            rows.append({"sample": i, "layer": name, "singular_values": sv, "rank": numerical_rank(sv)})
    return rows


def _report_rows(report) -> list:
    return [{"name": r.name, "shape": list(r.shape), "analytic_norm": r.analytic_norm,
             "numeric_norm": r.numeric_norm, "rel_error": r.rel_error} for r in report.rows]


def gradient_checks(cfg: dict, children) -> dict:
    """Central-difference checks of MLP, ResNet and CNN, with A and B trained too (every parameter)."""
    rngs = [np.random.default_rng(c) for c in children]
    d, m, L, n = cfg["d"], cfg["m"], cfg["L"], cfg["n"]
    X, Y = data.unit_inputs(n, d, rng=rngs[0]), data.regression_targets(n, 1, rng=rngs[0])
    mlp = ntkedu.MLP(d, m, L, rng=rngs[0], train_all=True)
    res = ntkedu.ResNet(d, m, L, tau=RESNET_TAU, rng=rngs[1], train_all=True)
    Xc = data.images(n, cfg["cnn_shape"], rng=rngs[2])
    cnn = ntkedu.CNN(cfg["cnn_shape"], cfg["cnn_m"], cfg["cnn_L"], rng=rngs[2], train_all=True)
    Yc = data.regression_targets(n, 1, rng=rngs[2])
    reports = {"MLP": gradcheck.check_network(mlp, X, Y), "ResNet": gradcheck.check_network(res, X, Y),
               "CNN": gradcheck.check_network(cnn, Xc, Yc)}
    return {"reports": {k: _report_rows(r) for k, r in reports.items()},
            "tables": {k: str(r) for k, r in reports.items()},
            "cnn_ranks": cnn_sample_ranks(cnn, Xc)}


# %%
def run(size="quick", seed=0, progress=None, **changes) -> dict:
    """Hand pass vs library, gradient checks of the three networks, ranks of per-sample gradients."""
    cfg = kit.settings(SIZES, size, changes)
    children = [kit.stream(seed, "problem"), *(kit.stream(seed, "gradcheck", j) for j in range(3))]
    tick = kit.ticker(progress, 2)
    p = tiny_problem(cfg["d"], cfg["m"], cfg["L"], cfg["n"], rng=np.random.default_rng(children[0]))
    hand = hand_vs_library(p)
    ranks = per_sample_ranks(p)
    tick(part="hand pass and ranks")
    checks = gradient_checks(cfg, children[1:])
    tick(part="gradient checks")

    hand_error = max(max(r["rel_error"], r["back_form_error"]) for r in hand["layers"])
    claims = [kit.claim("hand-written per-sample pass (summed over samples) equals net.backward, "
                         "and ∂F/∂g_ℓ equals D_ℓ Back_ℓᵀ(ŷ − y*): max relative error",
                         hand_error, f"< {HAND_TOL:g}", hand_error < HAND_TOL)]
    for name, rows in checks["reports"].items():
        worst = max(r["rel_error"] for r in rows)
        claims.append(kit.claim(f"{name}: backward vs central differences, max relative error over "
                                 f"{', '.join(r['name'] for r in rows)}",
                                 worst, f"< {GRADCHECK_TOL:g}", worst < GRADCHECK_TOL))
    max_rank = max(r["rank"] for r in ranks)
    claims.append(kit.claim("MLP per-sample gradients ∇_{W_ℓ}F_i are rank one: largest numerical "
                             "rank over samples and layers", max_rank, "== 1", max_rank == 1))
    return {"config": {**cfg, "d_out": 1, "resnet_tau": RESNET_TAU, "loss": "squared (sum)"},
            "measurements": {"hand": hand, "gradcheck": checks["reports"],
                             "gradcheck_tables": checks["tables"],
                             "mlp_ranks": ranks, "cnn_ranks": checks["cnn_ranks"]},
            "claims": claims}


# %% [markdown]
# ## Run it
#
# **Predict, then run.** (1) Central differences with h = 1e-6 in float64: how small can the
# relative error of a *correct* backward pass be — 1e-16, 1e-9 or 1e-3? (2) A sample's gradient
# ∇_{W_ℓ}F_i is an m × m matrix. What is its rank?

# %%
if kit.interactive():
    result = kit.run_here(sys.modules[__name__], SIZE, SEED, **CHANGES)
    for name, table in result["measurements"]["gradcheck_tables"].items():
        print(table, end="\n\n")
    print("largest rank of a per-sample MLP gradient:", max(r["rank"] for r in result["measurements"]["mlp_ranks"]))

# %% [markdown]
# *Answers.* (1) About 1e-9 to 1e-10: the truncation error of a central difference is O(h²) ≈ 1e-12
# and the round-off O(ε/h) ≈ 1e-10, so nothing smaller can be seen; 1e-3 would be a bug. (2) One:
# ∇_{W_ℓ}F_i = dg_{i,ℓ} h_{i,ℓ−1}ᵀ is an outer product of two vectors (paper §1.3), whatever m is.

# %% [markdown]
# ## The figures
#
# Left of each bar is good: a correct backward pass in float64 shows relative errors around
# 1e-8 or below (round-off of the differences, not of the gradient); a wrong one shows ~1.

# %%
def draw(result) -> dict:
    """Figures from the result dict only: gradient-check errors, singular values of per-sample gradients."""
    meas = result["measurements"]
    figs = {}

    fig, ax = figure(width=7.5, height=4.2)
    labels, errors, colours = [], [], []
    for k, (net, rows) in enumerate(meas["gradcheck"].items()):
        for r in rows:
            labels.append(f"{net}: {r['name']}")
            errors.append(max(r["rel_error"], 1e-18))      # an exact match would vanish on a log axis
            colours.append(f"C{k}")
    y = np.arange(len(labels))[::-1]
    ax.barh(y, errors, color=colours)
    ax.set_yticks(y, labels, fontsize="small")
    ax.set_xscale("log")
    ax.axvline(GRADCHECK_TOL, color="k", linestyle="--", label=f"tolerance {GRADCHECK_TOL:g}")
    ax.axvline(np.finfo(float).eps, color="grey", linestyle=":", label="float64 machine ε")
    handles = [Patch(color=f"C{k}", label=net) for k, net in enumerate(meas["gradcheck"])]
    ax.set_xlabel("relative error ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖)  (dimensionless)")
    ax.set_title("Gradient check (paper §1.3): net.backward vs central differences, float64")
    ax.legend(handles=handles + ax.get_legend_handles_labels()[0], fontsize="small", loc="lower right")
    figs["gradcheck"] = fig

    fig, ax = figure(width=6.5, height=4.2)
    floor = 1e-20
    for k, r in enumerate(meas["mlp_ranks"]):
        sv = np.asarray(r["singular_values"])
        if sv[0] > 0:
            ax.semilogy(np.arange(1, sv.size + 1), np.maximum(sv / sv[0], floor), "o-", color="C0",
                        alpha=0.6, label=r"MLP $\nabla_{W_\ell}F_i$ (each sample i, layer $\ell$)" if k == 0 else None)
    for k, r in enumerate(meas["cnn_ranks"]):
        sv = np.asarray(r["singular_values"])
        if sv[0] > 0:
            ax.semilogy(np.arange(1, sv.size + 1), np.maximum(sv / sv[0], floor), "s--", color="C3",
                        alpha=0.6, label=r"CNN $\nabla_{W_\ell}F_i$ as an $m \times m s^2$ matrix (not rank one)" if k == 0 else None)
    ax.axhline(64 * np.finfo(float).eps, color="grey", linestyle=":", label="round-off threshold")
    ax.set_xlabel("index k of the singular value")
    ax.set_ylabel("σ_k / σ_1  (exact zeros drawn at 1e-20)")
    ax.set_title("Per-sample gradients are rank one (paper §1.3)")
    ax.legend(fontsize="small")
    figs["rank_one"] = fig
    return figs


# %%
if kit.interactive():
    kit.show(sys.modules[__name__], result)

# %% [markdown]
# **Predict, then run.** Change `CHANGES` to `{"cnn_m": 6}` and run the cells again: does the CNN's
# per-sample gradient become rank one when it has more channels?
#
# *Answer.* No: a convolution's per-sample gradient sums one outer product per pixel position, so
# its rank grows with the number of positions, not with the channels. Rank one is a property of
# the fully-connected layer.

# %% [markdown]
# ## The verdicts

# %%
if kit.interactive():
    kit.claims_table(result)

# %% [markdown]
# ## Outside a notebook
#
# `python lessons/lesson01_backprop.py` (or `python -m lessons run 1`) runs the quick size, prints
# the gradient-check tables and the verdicts, and writes `lesson-output/lesson01.json` and the
# PNGs.

# %%
if __name__ == "__main__" and not kit.interactive():     # a script: run, save, print the verdicts
    _result = kit.main(sys.modules[__name__])
    for _table in _result["measurements"]["gradcheck_tables"].values():
        print(_table)
