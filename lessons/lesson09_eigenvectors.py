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
# # Lesson 9 — Labels and eigenvectors: what the network learns first
#
# **What the theory states** (paper.md §6.1, §8 "Arora et al."; claim C12). Near initialisation a
# wide network trains like kernel gradient descent with its tangent kernel Θ (Lesson 8):
#
#     u_{t+1} − y* = (I − ηΘ)(u_t − y*).
#
# Write Θ = Σ_i λ_i v_i v_iᵀ with λ_1 ≥ … ≥ λ_n. Along each eigenvector the residual simply shrinks
# geometrically,
#
#     ⟨v_i, u_t − y*⟩ = (1 − ηλ_i)^t ⟨v_i, u_0 − y*⟩,    F(W_t) = ½ Σ_i (1 − ηλ_i)^{2t} ⟨v_i, u_0 − y*⟩²,
#
# so the part of the labels along the top eigenvectors is fitted in a few steps and the part along
# the bottom ones takes about 1/(ηλ_i) steps. Labels with *structure* (a simple rule of the input)
# lie mostly along the top eigenvectors; *random* labels spread evenly over all of them, including
# the slow ones. This is Arora et al.'s answer to "why do true labels train faster than random
# labels?" — and Zhang et al.'s observation that random labels can still be fitted, only later.
#
# **The experiment.** n = 40 unit inputs x = (z/√2, 1/√2) with z uniform on the sphere in d − 1 = 7
# dimensions (a low dimension, so that n = 40 points sample it densely enough for a rule of z to
# be "smooth"), L = 3, A and B fixed, GD with η·m·λ_max(Θ̄) = 1. We take the kernel Θ_0 of one
# network at initialisation (`ntk.empirical`), its eigenvectors v_i, and train copies of that one
# network on five targets y (each with ‖y‖² = n, i.e. RMS 1):
#
# - y = √n·v_1 (top eigenvector), y = √n·v_{n/4} (middle), y = √n·v_n (bottom);
# - y = sign(z₁): a structured label, a simple rule of the input;
# - the same values shuffled over the inputs: random labels with exactly the same histogram.
#
# To make the residual start exactly at −y we shift every target by the network's own random
# initial output u_0: the network is asked to move its outputs by y (targets y* = u_0 + y). Then
# ⟨v_i, u_0 − y*⟩ = −⟨v_i, y⟩, the setting of Arora et al.'s formula, in which u_0 ≈ 0.

# %%
from __future__ import annotations

import sys

import numpy as np

import ntkedu
from lessons import kit
from ntkedu import data, ntk
from ntkedu.plotting import figure
from ntkedu.probes import Probe

NUMBER = 9
TITLE = "Labels and eigenvectors: residual decays as (1 − ηλ_i)^t (Arora et al., §6.1)"
CLAIM = ("Along each eigenvector of the tangent kernel the residual shrinks like (1 − ηλ_i)^t: labels on "
         "top eigenvectors (and structured labels) are fitted fast, bottom eigenvectors and shuffled labels slowly.")

SIZES = {
    "quick": dict(n=40, d=8, depth=3, width=512, steps=150, record_every=5, lr_scale=1.0),
    "full": dict(n=40, d=8, depth=3, width=1024, steps=200, record_every=4, lr_scale=1.0),
}
TARGETS = ("top", "middle", "bottom", "structured", "shuffled")


# %% [markdown]
# ## Recording the residual
#
# A probe observes the run at every recorded step; this one keeps the residual u_t − y*.
# `ntk.residual_along_eigenvectors` then projects it on the v_i and puts kernel GD's prediction
# (1 − ηλ_i)^t ⟨v_i, u_0 − y*⟩ beside it.

# %%
class Residuals(Probe):
    """Records the residual u_t − y* (n,) of a single-output network at every recorded step."""

    name = "residuals"

    def measure(self, step, net, X, Y, out, cache, grads, loss) -> dict:
        return {"r": (out - Y)[:, 0].tolist()}


def eigen_run(net, X, u0, y, K0, cfg, progress=None) -> dict:
    """Train ``net`` on y* = u_0 + y; return the loss, kernel GD's loss and the residual along each v_i."""
    Y = (u0 + y)[:, None]
    hist = ntkedu.train(net, X, Y, steps=cfg["steps"], lr_scale=cfg["lr_scale"], probes=(Residuals(),),
                        record_every=cfg["record_every"], progress=progress)
    steps = np.array(hist.steps)
    proj = ntk.residual_along_eigenvectors(K0, np.array(hist.probes["residuals"]["r"]), hist.lr, steps)
    pred = ntk.kernel_gd_prediction(K0, u0, Y[:, 0], hist.lr, steps)
    return {"steps": steps, "loss": hist.loss, "kernel_loss": pred.loss, "lr": hist.lr,
            "measured": proj.measured[:, :, 0], "predicted": proj.predicted[:, :, 0]}


def decay_rate(steps, p) -> float:
    """Per-step rate k in |p_t| ≈ |p_0| e^{−k t}: least squares of log|p_t| on t over the run."""
    return float(-np.polyfit(steps, np.log(np.abs(p)), 1)[0])


# %% [markdown]
# ## The experiment

# %%
def run(size="quick", seed=0, progress=None) -> dict:
    """Five targets on copies of one network; projections on the eigenvectors of its Θ_0."""
    cfg = SIZES[kit.check_size(size)]
    n, d, L, m = cfg["n"], cfg["d"], cfg["depth"], cfg["width"]
    data_seq, net_seq, shuffle_seq = (kit.stream(seed, key) for key in ("data", "net", "shuffle"))
    X = data.unit_inputs(n, d, rng=np.random.default_rng(data_seq))
    net0 = ntkedu.MLP(d, m, L, rng=np.random.default_rng(net_seq))
    K0 = ntk.empirical(net0, X)                                  # Θ_0 of this very network
    eig = ntk.eigen(K0)                                          # λ_i descending, v_i columns
    u0 = net0.forward(X)[0][:, 0]

    middle = n // 4
    structured = np.sign(X[:, 0])                                # sign(z₁), z₁ = √2·x₁
    targets = {"top": np.sqrt(n) * eig.vectors[:, 0],
               "middle": np.sqrt(n) * eig.vectors[:, middle],
               "bottom": np.sqrt(n) * eig.vectors[:, -1],
               "structured": structured,
               "shuffled": np.random.default_rng(shuffle_seq).permutation(structured)}
    runs = {}
    for name, y in targets.items():
        if progress is not None:
            progress.label = f"lesson 09 (target {name})"
        runs[name] = eigen_run(net0.copy(), X, u0, y, K0, cfg, progress)

    T, eta = cfg["steps"], runs["top"]["lr"]
    ratio = {name: r["loss"][-1] / r["loss"][0] for name, r in runs.items()}
    index = {"top": 0, "middle": middle, "bottom": n - 1}
    rates = {name: {"predicted": float(-np.log(abs(1 - eta * eig.values[i]))),
                    "eta_lambda": float(eta * eig.values[i])} for name, i in index.items()}
    for name in ("middle", "bottom"):             # v_1 is gone in a step or two: no rate to fit
        r, i = runs[name], index[name]
        rates[name]["measured"] = decay_rate(r["steps"], r["measured"][:, i])
    rate_ratio = rates["middle"]["measured"] / rates["middle"]["predicted"]
    energy = {name: (eig.vectors.T @ targets[name]) ** 2 / n for name in ("structured", "shuffled")}
    top_d = {name: float(e[:d].sum()) for name, e in energy.items()}   # constant + linear eigenvectors

    claims = [
        kit.claim("C12: y = top eigenvector v_1 is fitted fast; F(W_T)/F(W_0) after "
                   f"T = {T} steps (kernel GD shrinks it by |1 − ηλ_1| = {abs(1 - eta * eig.values[0]):.2f} per step)",
                   ratio["top"], "< 1e-3", ratio["top"] < 1e-3),
        kit.claim("C12: y = bottom eigenvector v_n is fitted slowly; its F(W_T)/F(W_0) over the top one's",
                   ratio["bottom"] / ratio["top"],
                   f"> 100 (kernel GD: ηλ_n = {rates['bottom']['eta_lambda']:.2g} against ηλ_1 = "
                   f"{rates['top']['eta_lambda']:.2g})", ratio["bottom"] / ratio["top"] > 100),
        kit.claim(f"C12: along v_(n/4) the residual decays like (1 − ηλ_i)^t; measured per-step rate over "
                   f"−log|1 − ηλ_i| = {rates['middle']['predicted']:.3g}", rate_ratio,
                   "between 0.5 and 1.25 (1 at infinite width; the finite-width kernel drifts, Lesson 8)",
                   0.5 <= rate_ratio <= 1.25),
        kit.claim(f"C12: structured labels sign(z₁) put more of ‖y‖² on the top d = {d} eigenvectors "
                   "(constant and linear functions) than the same labels shuffled; structured fraction",
                   top_d["structured"], f"> shuffled fraction {top_d['shuffled']:.2f}",
                   top_d["structured"] > top_d["shuffled"]),
        kit.claim(f"C12: structured labels are fitted faster than shuffled ones; F(W_T)/F(W_0) of "
                   f"sign(z₁) over that of the shuffled labels after T = {T} steps",
                   ratio["structured"] / ratio["shuffled"], "< 0.5",
                   ratio["structured"] / ratio["shuffled"] < 0.5),
    ]
    return {"config": {**cfg, "d_out": 1, "middle_index": middle,
                       "targets": "y* = u_0 + y with ‖y‖² = n",
                       "parameterisation": "standard (He): A, W ~ N(0, 2/m), B ~ N(0, 1/d_out); A, B fixed"},
            "measurements": {"eigenvalues_over_m": eig.values / m,
                             "analytic_eigenvalues": ntk.eigen(ntk.analytic(X, L)).values,
                             "eta_m": eta * m, "runs": runs, "loss_ratio": ratio, "rates": rates,
                             "energy": energy, "top_d_energy": top_d},
            "claims": claims}


# %% [markdown]
# ## The figures

# %%
def draw(result) -> dict:
    """Two figures from the result dict only: loss per target, and residual along eigenvectors."""
    cfg, meas = result["config"], result["measurements"]
    runs, n, d = meas["runs"], cfg["n"], cfg["d"]
    setting = (f"m = {cfg['width']}, n = {n}, d = {d}, L = {cfg['depth']}; standard (He) parameterisation, "
               f"A and B fixed; GD with η·m·λ_max(Θ̄) = {cfg['lr_scale']:g}")
    time_label = "steps t  (time = η × steps)"
    labels = {"top": "y = v_1 (top)", "middle": f"y = v_{cfg['middle_index'] + 1} (middle)",
              "bottom": f"y = v_{n} (bottom)", "structured": "y = sign(z₁) (structured)",
              "shuffled": "y = sign(z₁) shuffled (random)"}
    figs = {}

    fig, axes = figure(2, 1, width=5.6, height=4.4)
    ax = axes[0]
    for j, name in enumerate(TARGETS):
        r = runs[name]
        F0 = r["loss"][0]
        ax.semilogy(r["steps"], np.array(r["loss"]) / F0, "-", color=f"C{j}", label=f"{labels[name]}: network")
        ax.semilogy(r["steps"], np.maximum(np.array(r["kernel_loss"]) / F0, 1e-12), "--", color=f"C{j}",
                    label="   kernel GD with Θ_0")
    ax.set_ylim(1e-8, 2)
    ax.set_xlabel(time_label)
    ax.set_ylabel("F(W_t) / F(W_0)")
    ax.set_title("Loss for five targets of the same RMS")
    ax.legend(fontsize="xx-small", ncol=2, loc="lower left")

    ax = axes[1]
    i = np.arange(1, n + 1)
    for j, name in enumerate(("structured", "shuffled"), start=3):
        ax.semilogy(i, np.maximum(meas["energy"][name], 1e-6), "o", ms=4, color=f"C{j}",
                    label=f"{labels[name]}: top {d} hold {meas['top_d_energy'][name]:.0%}")
    ax.axvline(d + 0.5, color="grey", ls=":", lw=1)
    ax.set_xlabel("eigenvector index i (λ_i descending)")
    ax.set_ylabel("⟨v_i, y⟩² / ‖y‖²")
    ax.set_title("Where the labels lie in the eigenbasis of Θ_0")
    twin = ax.twinx()
    twin.semilogy(i, meas["eigenvalues_over_m"], "k-", lw=1, label="λ_i(Θ_0)/m")
    twin.semilogy(i, meas["analytic_eigenvalues"], "k:", lw=1, label="λ_i(Θ̄)")
    twin.set_ylabel("eigenvalue: λ_i(Θ_0)/m and λ_i(Θ̄)")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = twin.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize="x-small", loc="lower left")
    fig.suptitle("Structured labels are fitted faster than random ones (Arora et al.; paper.md §6.1, C12)\n"
                 + setting, fontsize="small")
    figs["labels"] = fig

    fig, ax = figure(width=7.6, height=5.0)
    for j, name in enumerate(("top", "middle", "bottom")):
        r, rate = runs[name], meas["rates"][name]
        k = {"top": 0, "middle": cfg["middle_index"], "bottom": n - 1}[name]
        p0 = r["measured"][0][k]
        ax.semilogy(r["steps"], np.abs(np.array(r["measured"])[:, k] / p0), "o", ms=3, color=f"C{j}",
                    label=f"{labels[name]}: network, ηλ = {rate['eta_lambda']:.3g}")
        ratio = (f"; measured rate / predicted = {rate['measured'] / rate['predicted']:.2f}"
                 if "measured" in rate else "")
        ax.semilogy(r["steps"], np.maximum(np.abs(np.array(r["predicted"])[:, k] / p0), 1e-12), "-",
                    color=f"C{j}", label=f"   (1 − ηλ)^t{ratio}")
    ax.set_ylim(1e-7, 2)
    ax.set_xlabel(time_label)
    ax.set_ylabel("|⟨v_i, u_t − y*⟩| / |⟨v_i, u_0 − y*⟩|")
    ax.set_title("§6.1 (Arora et al.): residual along the target's own eigenvector of Θ_0")
    fig.suptitle(setting, fontsize="small")
    ax.legend(fontsize="x-small")
    figs["eigenvectors"] = fig
    return figs


# %% [markdown]
# ## What you should see
#
# - **Top eigenvector.** ηλ_1 ≈ 1 for the top eigenvector (that is what the step-size normalisation
#   does), so the residual along v_1 is gone after a step or two; the loss then sits at the level
#   set by the network's small departures from the linear model.
# - **Middle and bottom.** The residual along v_i decays on a straight line in the log plot, with
#   a slope close to the one predicted by (1 − ηλ_i)^t. The network is somewhat slower than its
#   initial kernel predicts: the kernel drifts while it trains (Lesson 8), most visibly along the
#   slow directions the target asks for, and the smallest eigenvalues are the most sensitive to
#   that. The shortfall shrinks as the width grows, but slowly — kernel gradient descent is the
#   m → ∞ limit, and m = 512 is far from it.
# - **Labels.** sign(z₁) has most of its norm on the top d eigenvectors (the constant and the
#   linear functions of z, which the kernel fits first); shuffling the same values spreads them
#   evenly. Same values, same histogram, same network — and the random labels are fitted several
#   times more slowly, exactly as kernel GD predicts (dashed lines).

# %%
if __name__ == "__main__":
    kit.main(sys.modules[__name__])
