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
# # Lesson 11 — SGD: the step count scales like 1/b (Theorem 2)
#
# **What the paper states** (paper.md §2.2, Theorem 2, claim C14). Minibatch SGD with batch size
# b ∈ [n] converges linearly too, with
#
#     η = Θ( b·δ·d_out / (poly(n, L) · m · log² m) ),    T = Θ( poly(n, L) · log² m / (δ² b) · log(1/ε) ).
#
# The constants are recalled, not verified, but the message is safe to teach: **η grows like b, the
# number of steps T falls like 1/b, and the total work T·b (gradients of single samples) does not
# depend on b**, up to logarithms. One pass over the data (an *epoch*, n/b steps) does about as much
# as one full gradient step.
#
# **The update and the fair step size.** `ntkedu.train` implements the paper's SGD step (§1.4)
#
#     W ← W − η (n/b) Σ_{i ∈ S_t} ∇F_i(W),     S_t a uniform batch of b samples,
#
# in which the factor n/b makes the step an unbiased estimate of the full gradient step −η∇F. With
# the *same* η for every b, a batch of one sample would push with n times that sample's gradient —
# n times too hard for the one output it moves most. Theorem 2 instead takes η ∝ b: we use
#
#     η_b = (b/n) · η_GD,   so the step is   W ← W − η_GD Σ_{i ∈ S_t} ∇F_i(W).
#
# Every sample's gradient then enters with the weight η_GD, as in GD, and one epoch of n/b steps
# applies each sample about once: **one epoch of SGD ≈ one step of GD**. In the units of the
# kernel dynamics, time = η_b × steps = η_GD × epochs, so curves plotted against epochs share one
# time axis. The normalised GD step is η_GD = lr_scale / (m · λ_max(Θ̄)) (paper.md §7), i.e.
# `lr_scale_b = (b/n) · lr_scale` in `ntkedu.train`.
#
# **What to look at.** Against epochs the loss curves of all batch sizes lie on top of each other
# (SGD's noise shows as wiggles; it vanishes as the loss does, because the network interpolates the
# data). Against steps the same curves are shifted by n/b, and the steps needed to reach ε·F(W_0)
# fall on a line of slope −1 in log-log axes.

# %%
from __future__ import annotations

import math
import sys

import numpy as np

import ntkedu
from lessons import kit
from ntkedu import data
from ntkedu.measure import loglog_slope
from ntkedu.plotting import figure, loglog_fit

NUMBER = 11
TITLE = "SGD: steps to ε scale like 1/b (Theorem 2)"
CLAIM = ("With η_b = (b/n)·η_GD, SGD's loss per epoch matches GD's for every batch size b, so the "
         "steps needed to reach ε fall like 1/b.")

SIZES = {
    "quick": dict(n=20, d=16, width=128, depth=2, batch_sizes=[1, 2, 5, 10, 20], lr_scale=1.5,
                  eps=1e-2, max_epochs=400, budget_factor=2.0),
    "full": dict(n=40, d=16, width=256, depth=3, batch_sizes=[1, 2, 4, 5, 8, 10, 20, 40], lr_scale=1.5,
                 eps=1e-2, max_epochs=600, budget_factor=2.0),
}
EPOCH_RATIO_BOUND = 2.0      # "per-epoch curves similar": epochs to ε within this factor of GD's
SLOPE_RANGE = (-1.3, -0.7)   # Theorem 2: T ∝ 1/b, slope −1 with room for SGD noise


# %% [markdown]
# ## The experiment
#
# One data set and one initial network W⁰. First full-batch GD (b = n) for up to `max_epochs` steps:
# the epochs E_GD it needs to reach ε·F(W_0) set the budget of the SGD runs
# (`budget_factor` × E_GD epochs, so a run that is up to twice as slow per epoch still gets there).
# Then SGD from the same W⁰ for each b, with its own batch stream, recording the full-data loss
# once per epoch.

# %%
def train_with_batch(net, X, Y, cfg, b, epochs, seed_seq, progress):
    """Train with batch size b (b = n: GD) and η_b = (b/n)·η_GD for ``epochs`` epochs; one record per epoch."""
    n = len(X)
    hist = ntkedu.train(net, X, Y, steps=epochs * n // b, lr_scale=cfg["lr_scale"] * b / n,
                        batch_size=b, record_every=n // b, seed=seed_seq, progress=progress)
    steps_to = hist.steps_to(cfg["eps"])
    return {"batch_size": b, "steps": hist.steps, "epochs": [t * b / n for t in hist.steps],
            "loss": hist.loss, "lr": hist.lr, "steps_to_eps": steps_to,
            "epochs_to_eps": None if steps_to is None else steps_to * b / n, "diverged": hist.diverged}


def run(size="quick", seed=0, progress=None) -> dict:
    """GD, then SGD for each batch size with η_b = (b/n)·η_GD; steps and epochs to ε."""
    cfg = SIZES[kit.check_size(size)]
    n, d, bs = cfg["n"], cfg["d"], cfg["batch_sizes"]
    if any(n % b for b in bs) or bs[-1] != n:
        raise ValueError(f"batch sizes must divide n = {n} and end with n, got {bs}")
    inputs_seq, targets_seq, net_seq, batches_seq = (kit.stream(seed, key) for key in ("inputs", "targets", "net", "batches"))
    X = data.unit_inputs(n, d, rng=np.random.default_rng(inputs_seq))
    Y = data.regression_targets(n, rng=np.random.default_rng(targets_seq))
    net0 = ntkedu.MLP(d, cfg["width"], cfg["depth"], rng=np.random.default_rng(net_seq))

    streams = [kit.child(batches_seq, "b", b) for b in bs]       # one batch stream per b
    gd = train_with_batch(net0.copy(), X, Y, cfg, n, cfg["max_epochs"], streams[-1], progress)
    e_gd = gd["epochs_to_eps"]
    budget = cfg["max_epochs"] if e_gd is None else math.ceil(cfg["budget_factor"] * e_gd)
    keep = sum(1 for e in gd["epochs"] if e <= budget)          # draw GD over the same epochs
    gd.update({k: gd[k][:keep] for k in ("steps", "epochs", "loss")})

    runs = []
    for b, child in zip(bs[:-1], streams):
        if progress is not None:
            progress.label = f"lesson 11 (b = {b})"
        runs.append(train_with_batch(net0.copy(), X, Y, cfg, b, budget, child, progress))
    runs.append(gd)

    reached = all(r["steps_to_eps"] is not None for r in runs)
    if reached:
        steps_to = [r["steps_to_eps"] for r in runs]
        slope = loglog_slope(bs, steps_to)
        epoch_ratio = max(max(r["epochs_to_eps"] / e_gd, e_gd / r["epochs_to_eps"]) for r in runs)
    else:
        slope = epoch_ratio = float("nan")
    claims = [
        kit.claim(f"every batch size b ∈ {bs} reaches ε = {cfg['eps']:g}·F(W_0) within "
                   f"{cfg['budget_factor']:g}× GD's epochs (1 = yes)", float(reached), "= 1", reached),
        kit.claim("per-epoch curves similar: largest ratio of epochs to ε, SGD(b) against GD (either way)",
                   epoch_ratio, f"< {EPOCH_RATIO_BOUND:g} (one epoch of SGD ≈ one GD step)",
                   bool(reached and epoch_ratio < EPOCH_RATIO_BOUND)),
        kit.claim("C14 (Theorem 2): fitted log-log slope of steps to ε against batch size b", slope,
                   f"between {SLOPE_RANGE[0]} and {SLOPE_RANGE[1]} (theory −1)",
                   bool(reached and SLOPE_RANGE[0] <= slope <= SLOPE_RANGE[1])),
    ]
    return {"config": {**cfg, "step_size_rule": "η_b = (b/n)·η_GD, η_GD = lr_scale/(m·λ_max(Θ̄))",
                       "sgd_update": "W ← W − η_b (n/b) Σ_{i∈S_t} ∇F_i(W)",
                       "parameterisation": "standard/He; A, B fixed; only W trained"},
            "measurements": {"runs": runs, "gd_epochs_to_eps": e_gd, "budget_epochs": budget,
                             "slope": slope, "epoch_ratio": epoch_ratio},
            "claims": claims}


# %% [markdown]
# ## The figure

# %%
def draw(result) -> dict:
    """Loss against epochs, loss against steps, and steps to ε against b (log-log, fitted slope)."""
    cfg, meas = result["config"], result["measurements"]
    runs = meas["runs"]
    n = cfg["n"]
    fig, axes = figure(ncols=3, width=4.6, height=3.9)
    colors = {r["batch_size"]: f"C{k}" for k, r in enumerate(runs)}

    def label(r):
        return f"GD (b = n = {n})" if r["batch_size"] == n else f"SGD b = {r['batch_size']}"

    ax = axes[0]
    for r in runs:
        ax.semilogy(r["epochs"], r["loss"], color=colors[r["batch_size"]], label=label(r))
    ax.axhline(cfg["eps"] * runs[-1]["loss"][0], color="k", linestyle=":", label=f"ε = {cfg['eps']:g}·F(W_0)")
    ax.set_xlabel("epochs = steps × b/n  (time = η_b × steps = η_GD × epochs)")
    ax.set_ylabel("loss F(W_t) (full data, sum)")
    ax.set_title("per epoch: all batch sizes alike")
    ax.legend(fontsize="x-small")

    ax = axes[1]
    for r in runs:
        steps = np.maximum(r["steps"], 1)         # step 0 drawn at 1 on the log axis
        ax.loglog(steps, r["loss"], color=colors[r["batch_size"]], label=label(r))
    ax.axhline(cfg["eps"] * runs[-1]["loss"][0], color="k", linestyle=":")
    ax.set_xlabel("steps t (log scale; step 0 drawn at 1)")
    ax.set_ylabel("loss F(W_t) (full data, sum)")
    ax.set_title("per step: shifted by n/b")
    ax.legend(fontsize="x-small")

    ax = axes[2]
    reached = [r for r in runs if r["steps_to_eps"] is not None]
    if len(reached) >= 2:
        bs = np.array([r["batch_size"] for r in reached], float)
        steps_to = np.array([r["steps_to_eps"] for r in reached], float)
        loglog_fit(ax, bs, steps_to, "steps to ε")
        ax.loglog(bs, steps_to[-1] * n / bs, ":", color="k", label="∝ 1/b (Theorem 2)")
        epochs_to = np.array([r["epochs_to_eps"] for r in reached], float)
        ax.loglog(bs, epochs_to, "s", color="C1", label="epochs to ε (flat)")
    ax.set_xlabel("batch size b")
    ax.set_ylabel("steps (or epochs) to reach ε·F(W_0)")
    ax.set_title("Theorem 2: T ∝ 1/b")
    ax.legend(fontsize="x-small")

    fig.suptitle(f"Theorem 2 (C14): SGD with η_b = (b/n)·η_GD, η_GD·m·λ_max(Θ̄) = {cfg['lr_scale']:g} — "
                 f"n = {n}, m = {cfg['width']}, L = {cfg['depth']}; He init, A and B fixed")
    return {"sgd": fig}


# %% [markdown]
# ## Reading the verdict
#
# - *Epoch ratio*: one epoch of SGD with η_b = (b/n)η_GD does what one GD step does. Small batches
#   can even be a little faster per epoch: their n/b updates inside an epoch each use the latest
#   weights (a Gauss–Seidel sweep rather than GD's Jacobi step).
# - *Slope −1*: steps to ε = epochs to ε × n/b, and the first factor does not depend on b. So the
#   number of per-sample gradients, steps × b, is the same for every b: what Theorem 2's T ∝ 1/b and
#   η ∝ b say. A larger batch buys fewer, bigger steps — not less work.
# - Try it: give every batch size the same η (`lr_scale` without the b/n factor). Then b = 1 pushes
#   one output n times harder than GD does, far beyond the stable step for that output.

# %%
if __name__ == "__main__":
    kit.main(sys.modules[__name__])
