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
# # Lesson 13 — CNN: the width and depth trends carry over (§5)
#
# **What the paper states** (paper.md §5). The abstract says the theory covers convolutional
# networks too: the same GD/SGD conclusions with a width (here: the number of channels m)
# polynomial in n, L, the number of positions q and 1/δ. The CNN section itself could not be
# consulted, so **the network used here is a reconstruction** that keeps the fully-connected
# recipe (`ntkedu.CNN`'s docstring says the same):
#
#     g_0 = A ⋆ x,   h_0 = φ(g_0);   g_ℓ = W_ℓ ⋆ h_{ℓ−1},  h_ℓ = φ(g_ℓ),  ℓ = 1..L;   ŷ = B vec(h_L)
#
# with ⋆ a 3×3 "same" convolution (stride 1, zero padding), m channels in every hidden layer,
# A and W_ℓ ~ N(0, 2/(s²m)) (He fan-in), B ~ N(0, 1/d_out) on the flattened last layer; A and B
# fixed, only W_1..W_L trained, squared sum loss, unit-norm images. The exponents are unknown, so
# this lesson claims only the *qualitative* trends the MLP lessons measured:
#
# - **Width (lesson 3, Theorem 1).** With the step normalised, η = lr_scale/(m·λ_max(Θ̄)), the loss
#   decays geometrically for every channel count m.
# - **Lazy training (lesson 6, §3.5–3.6).** The wider the net, the less its weights move and the
#   fewer ReLUs flip: relative Frobenius movement ‖ΔW_ℓ‖_F/‖W_ℓ⁰‖_F ∝ m^{−1} in the MLP (absolute
#   ∝ m^{−½} and ‖W_ℓ⁰‖_F = √(2m) here too), flip fraction between m^{−½} and m^{−⅓}.
# - **Depth (lesson 5).** Deeper CNNs still train with the normalised step.
#
# **The step size.** There is no closed-form infinite-width kernel for this CNN in ntkedu, so
# `ntkedu.train(..., lr_scale=...)` uses the empirical tangent kernel of the network at its
# initialisation, λ_max(Θ_0)/m, in place of λ_max(Θ̄). Its cost: one forward pass, one backward
# pass and, layer by layer, the n per-sample gradients (n × m·s²·m numbers) and their Gram matrix.
# At these sizes that is a few training steps' worth, a negligible part of a run (time it with
# `%timeit ntkedu.ntk.empirical(net, X)` in a notebook; wall-clock times are not results, so the
# lesson's JSON keeps none).
#
# **What to look at.** Loss curves for m = 8 … 64 channels (straight lines on the log axis), the
# distance from initialisation and the flip fraction against m with their fitted slopes, and loss
# curves for L = 1 … 8 at fixed m. Time = η × steps.

# %%
from __future__ import annotations

import sys

import numpy as np

import ntkedu
from lessons import kit
from ntkedu import data
from ntkedu.measure import loglog_slope
from ntkedu.plotting import figure, loglog_fit

NUMBER = 13
TITLE = "CNN: width and depth trends (§5, reconstructed)"
CLAIM = ("For the (reconstructed) CNN, loss decays geometrically for every channel count with "
         "normalised η, the weights move less and fewer ReLUs flip as channels grow, and deeper CNNs still train.")

SIZES = {
    "quick": dict(n=16, image=[1, 6, 6], kernel_size=3, widths=[8, 16, 32, 64], depth=2, nets=1,
                  depths=[1, 2, 4, 8], depth_width=16, steps=80, lr_scale=1.0),
    "full": dict(n=24, image=[1, 8, 8], kernel_size=3, widths=[8, 16, 32, 64, 128], depth=2, nets=2,
                 depths=[1, 2, 4, 8, 16], depth_width=32, steps=150, lr_scale=1.0),
}
TRAIN_FACTOR = 1e-2                  # "decays geometrically": F(W_T) ≤ 10⁻²·F(W_0) within T steps
DEPTH_TRAIN_FACTOR = 0.1             # "still trains": deep *narrow* nets (L/m up to ½) are slower
REL_FROBENIUS_RANGE = (-1.5, -0.5)   # MLP theory −1 (paper.md §3.6); wide margin for a reconstruction


# %% [markdown]
# ## One run
#
# Each run computes η from the kernel at init (`normalised_lr`), then trains with that η and the
# `distance` and `flips` probes (recorded every few steps; the last record is what we compare).

# %%
def train_cnn(cfg, X, Y, width, depth, rng, progress=None):
    """Train one CNN; returns its curve, η and the final distance and flip statistics."""
    net = ntkedu.CNN(tuple(cfg["image"]), width, depth, kernel_size=cfg["kernel_size"], rng=rng)
    lr = ntkedu.training.normalised_lr(net, X, cfg["lr_scale"])    # empirical kernel at init
    hist = ntkedu.train(net, X, Y, steps=cfg["steps"], lr=lr, probes=["distance", "flips"],
                        record_every=max(1, cfg["steps"] // 20), progress=progress)
    dist, flips = hist.probes["distance"], hist.probes["flips"]
    return {"steps": hist.steps, "loss": hist.loss, "lr": lr, "lr_times_m": lr * width,
            "reduction": hist.loss[-1] / hist.loss[0], "diverged": hist.diverged,
            "rel_frobenius": float(np.mean(dist["rel_frobenius"][-1])),
            "rel_spectral": float(np.mean(dist["rel_spectral"][-1])),
            "abs_frobenius": dist["total_frobenius"][-1],
            "flip_fraction": flips["total_fraction"][-1]}


def _mean(runs, key):
    return float(np.mean([r[key] for r in runs]))


# %% [markdown]
# ## The experiment
#
# One set of images and targets. Width sweep: `nets` independent CNNs per channel count (their
# distances averaged before fitting). Depth sweep: one CNN per depth at `depth_width` channels.

# %%
def run(size="quick", seed=0, progress=None) -> dict:
    """Width sweep (loss, distance, flips against channels) and depth sweep of the CNN."""
    cfg = SIZES[kit.check_size(size)]
    n = cfg["n"]
    inputs_seq, targets_seq, width_seq, depth_seq = (kit.stream(seed, key) for key in ("inputs", "targets", "width", "depth"))
    X = data.images(n, tuple(cfg["image"]), rng=np.random.default_rng(inputs_seq))
    Y = data.regression_targets(n, rng=np.random.default_rng(targets_seq))

    widths = {}
    for m in cfg["widths"]:
        child = kit.child(width_seq, m)                                            # one stream per m
        if progress is not None:
            progress.label = f"lesson 13 (m = {m} channels)"
        widths[str(m)] = [train_cnn(cfg, X, Y, m, cfg["depth"], np.random.default_rng(g), progress)
                          for g in child.spawn(cfg["nets"])]
    depths = {}
    for L in cfg["depths"]:
        child = kit.child(depth_seq, L)                                            # one stream per L
        if progress is not None:
            progress.label = f"lesson 13 (L = {L})"
        depths[str(L)] = train_cnn(cfg, X, Y, cfg["depth_width"], L, np.random.default_rng(child), progress)

    ms = cfg["widths"]
    summary = {key: [_mean(widths[str(m)], key) for m in ms]
               for key in ("rel_frobenius", "rel_spectral", "abs_frobenius", "flip_fraction",
                           "lr_times_m")}
    slopes = {key: loglog_slope(ms, summary[key])
              for key in ("rel_frobenius", "rel_spectral", "abs_frobenius", "flip_fraction")}
    worst_width = max(r["reduction"] for runs in widths.values() for r in runs)
    worst_depth = max(r["reduction"] for r in depths.values())
    lo, hi = REL_FROBENIUS_RANGE
    claims = [
        kit.claim(f"loss decays geometrically for every channel count m ∈ {ms} (normalised η): "
                   f"largest F(W_T)/F(W_0) after {cfg['steps']} steps", worst_width,
                   f"<= {TRAIN_FACTOR:g}", worst_width <= TRAIN_FACTOR),
        kit.claim("lazy training: fitted log-log slope of ‖ΔW_ℓ‖_F/‖W_ℓ⁰‖_F against channels m",
                   slopes["rel_frobenius"], f"between {lo} and {hi} (MLP theory −1)",
                   lo <= slopes["rel_frobenius"] <= hi),
        kit.claim("fewer ReLUs flip in wider CNNs: fitted log-log slope of the flip fraction against m",
                   slopes["flip_fraction"], "< 0 (MLP: between −½ and −⅓)", slopes["flip_fraction"] < 0),
        kit.claim(f"deeper CNNs still train: largest F(W_T)/F(W_0) over L ∈ {cfg['depths']} at "
                   f"m = {cfg['depth_width']}", worst_depth, f"<= {DEPTH_TRAIN_FACTOR:g}",
                   worst_depth <= DEPTH_TRAIN_FACTOR),
    ]
    return {"config": {**cfg, "d_out": 1, "network": "CNN reconstructed from paper.md §5",
                       "parameterisation": "standard/He; A, B fixed; only W trained",
                       "step_size": "η = lr_scale/(m·λ_max(Θ_0/m)), empirical kernel at init"},
            "measurements": {"widths": widths, "depths": depths, "summary": summary, "slopes": slopes},
            "claims": claims}


# %% [markdown]
# ## The figures

# %%
def draw(result) -> dict:
    """'width': loss curves per channel count and distance/flips against m; 'depth': loss per L."""
    cfg, meas = result["config"], result["measurements"]
    widths, depths, summary = meas["widths"], meas["depths"], meas["summary"]
    xlabel = f"steps t (time = η × steps; η·m·λ_max(Θ_0/m) = {cfg['lr_scale']:g})"
    C, H, W = cfg["image"]
    figs = {}

    fig, axes = figure(ncols=2, width=5.6, height=4.2)
    ax = axes[0]
    for j, m in enumerate(cfg["widths"]):
        r = widths[str(m)][0]
        ax.semilogy(r["steps"], r["loss"], color=f"C{j}", label=f"m = {m} channels (η·m = {r['lr_times_m']:.3g})")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss F(W_t) (sum over samples)")
    ax.set_title(f"GD, L = {cfg['depth']}, n = {cfg['n']} images {C}×{H}×{W}")
    ax.legend(fontsize="x-small")

    ax = axes[1]
    ms = np.array(cfg["widths"], float)
    loglog_fit(ax, ms, summary["rel_frobenius"], "‖ΔW_ℓ‖_F/‖W_ℓ⁰‖_F", color="C0")
    loglog_fit(ax, ms, summary["rel_spectral"], "‖ΔW_ℓ‖₂/‖W_ℓ⁰‖₂ (im2col matrix)", color="C1", marker="s")
    loglog_fit(ax, ms, summary["flip_fraction"], "fraction of flipped ReLUs", color="C2", marker="^")
    ax.set_xlabel("channels m")
    ax.set_ylabel(f"after T = {cfg['steps']} steps (mean over layers)")
    ax.set_title("lazy training: movement and flips fall with m")
    ax.legend(fontsize="x-small")
    fig.suptitle("§5 CNN (reconstruction): Theorem 1's width trends — He init, A and B fixed, only W trained")
    figs["width"] = fig

    fig, ax = figure(width=6.0, height=4.2)
    for j, L in enumerate(cfg["depths"]):
        r = depths[str(L)]
        ax.semilogy(r["steps"], r["loss"], color=f"C{j}", label=f"L = {L} (F_T/F_0 = {r['reduction']:.1e})")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss F(W_t) (sum over samples)")
    ax.set_title(f"§5 CNN (reconstruction): deeper still trains, m = {cfg['depth_width']} channels")
    ax.legend(fontsize="x-small")
    figs["depth"] = fig
    return figs


# %% [markdown]
# ## Reading the verdict
#
# - *Geometric decay*: straight lines on the log axis, for every channel count: the CNN is also in
#   the regime where gradient descent behaves like kernel gradient descent. The rates differ more
#   between widths than for the MLP because η is set from each network's own finite-width kernel,
#   which fluctuates at a few channels.
# - *Lazy training*: relative Frobenius movement falls about like 1/m, as for the MLP (lesson 6);
#   the flip fraction falls more slowly. Narrow CNNs (8 channels) are the least lazy.
# - *Depth*: with the normalised step every depth trains. The deepest run is the slowest here
#   because it is also the least wide for its depth (L/m = ½ at L = 8, m = 16): finite-width effects
#   grow with L/m (paper.md §9.9, lesson 5), and its kernel at init has a stray large eigenvalue
#   that makes η small. The claim for depth therefore asks only for a 10× reduction.

# %%
if __name__ == "__main__":
    kit.main(sys.modules[__name__])
