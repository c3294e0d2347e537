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
# **The experiment.** n = 60 unit inputs x = (z/√2, 1/√2) with z uniform on the sphere in d − 1 = 5
# dimensions, L = 3, m = 384, A and B fixed, GD with η·m·λ_max(Θ̄) = 1. The dimension is low and
# the points many so that they sample the sphere densely enough for a rule of z to be "smooth" at
# the sampled points. This matters for the claims: with n = 40 points in 7 dimensions, kernel GD
# itself (with Θ̄, over 100 seeds) finds sign(z₁) faster than its shuffles by a log10 gap of
# −0.64 ± 0.19 — only 3.4 spreads from "no faster", so a few data sets in 10 000 would make the
# structured labels look random. At n = 60, d = 6 the gap is −0.69 ± 0.14, five spreads.
#
# We take the kernel Θ_0 of one network at initialisation (`ntk.empirical`), its eigenvectors v_i,
# and train copies of that one network on these targets y (each with ‖y‖² = n, i.e. RMS 1):
#
# - y = √n·v_1 (top eigenvector), y = √n·v_{n/4} (middle), y = √n·v_n (bottom);
# - y = sign(z₁): a structured label, a simple rule of the input;
# - the same values shuffled over the inputs, three different shuffles: random labels with exactly
#   the same histogram. One shuffle alone is a random comparison (it can land near the top
#   eigenvectors by chance), so the claims use the mean over the shuffles.
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
CLAIM = ("Along each eigenvector of the tangent kernel the residual shrinks like (1 − ηλ_i)^t, λ_i the "
         "kernel the network has while it trains: labels on top eigenvectors (and structured labels) are "
         "fitted fast, bottom eigenvectors and shuffled labels slowly.")

SECONDS = {"quick": 4.2, "full": 39}   # one run on one core (TEACHING.md): the longest start first
SIZES = {
    "quick": dict(n=60, d=6, depth=3, width=384, steps=150, record_every=5, lr_scale=1.0, shuffles=3),
    "full": dict(n=60, d=6, depth=3, width=1024, steps=200, record_every=4, lr_scale=1.0, shuffles=3),
}
# Bounds and their designed false-alarm rates. The spreads (half the 16–84 % range over quick
# seeds, see "Where the thresholds come from" below) put every bound at least 4 spreads from the
# median; for a normal statistic that is a false alarm below 5e-5 (1e-5 from 6 spreads on).
TOP_LOG_BOUND, TOP_FALSE_ALARM = -3.0, 1e-5            # log10 F_T/F_0 of y = v_1: −4.42 ± 0.21
BOTTOM_LOG_BOUND, BOTTOM_FALSE_ALARM = -2.0, 1e-5      # log10 F_T/F_0 of y = v_n: −0.11 ± 0.04
DRIFT_BAND, DRIFT_FALSE_ALARM = (0.5, 1.5), 5e-5       # rate over the drifted kernel's: 0.70 ± 0.05
ENERGY_GAP, ENERGY_FALSE_ALARM = 0.0, 1e-5             # top-d energy, structured − shuffled: 0.64 ± 0.04
LABEL_LOG_BOUND, LABEL_FALSE_ALARM = 0.0, 1e-5         # log10 gap, structured − shuffled: −0.76 ± 0.10


# %% [markdown]
# ## Your settings
#
# Opened as a notebook, this lesson runs cell by cell: change these and run the cells below.
# `SIZE` is "quick" or "full"; `CHANGES` overrides single settings of that size, e.g.
# `{"width": 128}` or `{"shuffles": 6}` (the keys are those of `SIZES` above). The claims are
# designed and checked at the lesson's own sizes, for any seed; at other settings they are still
# computed, and a verdict may legitimately differ.

# %%
SIZE, SEED = "quick", 0
CHANGES = {}


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
def run(size="quick", seed=0, progress=None, **changes) -> dict:
    """Targets on copies of one network: three eigenvectors of its Θ_0, sign(z₁) and S shuffles of it."""
    cfg = kit.settings(SIZES, size, changes)
    n, d, L, m, S = cfg["n"], cfg["d"], cfg["depth"], cfg["width"], cfg["shuffles"]
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
               "structured": structured}
    for s in range(S):                                           # one keyed stream per shuffle
        targets[f"shuffled {s + 1}"] = np.random.default_rng(kit.child(shuffle_seq, s)).permutation(structured)
    tick = kit.ticker(progress, len(targets))
    runs, nets = {}, {}
    for name, y in targets.items():
        nets[name] = net0.copy()
        runs[name] = eigen_run(nets[name], X, u0, y, K0, cfg)
        tick(target=name)

    T, eta = cfg["steps"], runs["top"]["lr"]
    ratio = {name: r["loss"][-1] / r["loss"][0] for name, r in runs.items()}
    index = {"top": 0, "middle": middle, "bottom": n - 1}
    rates = {name: {"predicted": float(-np.log(abs(1 - eta * eig.values[i]))),
                    "eta_lambda": float(eta * eig.values[i])} for name, i in index.items()}
    for name in ("middle", "bottom"):             # v_1 is gone in a step or two: no rate to fit
        r, i = runs[name], index[name]
        rates[name]["measured"] = decay_rate(r["steps"], r["measured"][:, i])
    # the kernel drifts while the net trains (Lesson 8): Θ_T's value along the target's own v_i
    v = eig.vectors[:, middle]
    lam_T = float(v @ ntk.empirical(nets["middle"], X) @ v)
    lam_avg = 0.5 * (eig.values[middle] + lam_T)
    rates["middle"].update(lambda_T_over_lambda_0=lam_T / eig.values[middle],
                           predicted_drift=float(-np.log(abs(1 - eta * lam_avg))))
    rate_ratio = rates["middle"]["measured"] / rates["middle"]["predicted"]
    drift_ratio = rates["middle"]["measured"] / rates["middle"]["predicted_drift"]

    shuffled = [name for name in targets if name.startswith("shuffled")]
    energy = {name: (eig.vectors.T @ targets[name]) ** 2 / n for name in ("structured", *shuffled)}
    top_d = {name: float(e[:d].sum()) for name, e in energy.items()}   # constant + linear eigenvectors
    top_d_shuffled = float(np.mean([top_d[s] for s in shuffled]))
    # faster or slower: log10 of F_T/F_0 of sign(z₁) over the geometric mean of the S shuffles'
    log_gap = float(np.log10(ratio["structured"]) - np.mean([np.log10(ratio[s]) for s in shuffled]))
    kernel_ratio = {name: r["kernel_loss"][-1] / r["kernel_loss"][0] for name, r in runs.items()}
    kernel_gap = float(np.log10(kernel_ratio["structured"]) - np.mean([np.log10(kernel_ratio[s]) for s in shuffled]))

    claims = [
        kit.claim("C12: y = top eigenvector v_1 is fitted fast; log10 F(W_T)/F(W_0) after "
                   f"T = {T} steps (kernel GD shrinks it by |1 − ηλ_1| = {abs(1 - eta * eig.values[0]):.2f} per step)",
                   np.log10(ratio["top"]), f"< {TOP_LOG_BOUND}", np.log10(ratio["top"]) < TOP_LOG_BOUND,
                   false_alarm=TOP_FALSE_ALARM),
        kit.claim("C12: y = bottom eigenvector v_n is fitted slowly; log10 F(W_T)/F(W_0)",
                   np.log10(ratio["bottom"]),
                   f"> {BOTTOM_LOG_BOUND} (kernel GD: ηλ_n = {rates['bottom']['eta_lambda']:.2g}, "
                   f"so F_T/F_0 ≈ {kernel_ratio['bottom']:.2f})", np.log10(ratio["bottom"]) > BOTTOM_LOG_BOUND,
                   false_alarm=BOTTOM_FALSE_ALARM),
        kit.claim(f"C12: along v_(n/4) the residual decays like (1 − ηλ)^t with the kernel of the run, "
                   f"λ = (λ_i(Θ_0) + v_iᵀΘ_T v_i)/2; measured per-step rate over −log|1 − ηλ| = "
                   f"{rates['middle']['predicted_drift']:.3g} (over Θ_0's rate alone: {rate_ratio:.2f})",
                   drift_ratio, f"between {DRIFT_BAND[0]} and {DRIFT_BAND[1]}",
                   DRIFT_BAND[0] <= drift_ratio <= DRIFT_BAND[1], false_alarm=DRIFT_FALSE_ALARM),
        kit.claim(f"C12: structured labels sign(z₁) put more of ‖y‖² on the top d = {d} eigenvectors "
                   f"(constant and linear functions) than shuffled ones; structured fraction minus the mean "
                   f"over {S} shuffles ({top_d_shuffled:.2f})",
                   top_d["structured"] - top_d_shuffled, f"> {ENERGY_GAP}",
                   top_d["structured"] - top_d_shuffled > ENERGY_GAP, false_alarm=ENERGY_FALSE_ALARM),
        kit.claim(f"C12: structured labels are fitted faster than shuffled ones; log10 of F(W_T)/F(W_0) of "
                   f"sign(z₁) over the geometric mean of {S} shuffles' after T = {T} steps "
                   f"(kernel GD with Θ_0 predicts {kernel_gap:.2f})",
                   log_gap, f"< {LABEL_LOG_BOUND}", log_gap < LABEL_LOG_BOUND, false_alarm=LABEL_FALSE_ALARM),
    ]
    return {"config": {**cfg, "d_out": 1, "middle_index": middle,
                       "targets": "y* = u_0 + y with ‖y‖² = n",
                       "parameterisation": "standard (He): A, W ~ N(0, 2/m), B ~ N(0, 1/d_out); A, B fixed"},
            "measurements": {"eigenvalues_over_m": eig.values / m,
                             "analytic_eigenvalues": ntk.eigen(ntk.analytic(X, L)).values,
                             "eta_m": eta * m, "runs": runs, "loss_ratio": ratio, "kernel_loss_ratio": kernel_ratio,
                             "rates": rates, "rate_ratio_theta0": rate_ratio, "rate_ratio_drift": drift_ratio,
                             "energy": energy, "top_d_energy": top_d, "top_d_energy_shuffled_mean": top_d_shuffled,
                             "label_log_gap": log_gap, "label_log_gap_kernel": kernel_gap},
            "claims": claims}


# %% [markdown]
# ## Run it
#
# **Predict, then run.** (1) ηλ_1 ≈ 1 for the top eigenvector (that is what the step-size
# normalisation does) and ηλ_n ≈ 0.002 for the bottom one. After 150 steps, roughly what fraction
# of the initial loss is left for y = v_n: 90%, 5%, or 10⁻⁶? (2) sign(z₁) and its shuffles have
# exactly the same values. How much more of the loss is left for the shuffled labels after 150
# steps: the same, about 5×, or about 100×?

# %%
if kit.interactive():
    result = kit.run_here(sys.modules[__name__], SIZE, SEED, **CHANGES)
    meas = result["measurements"]
    for name, ratio in meas["loss_ratio"].items():
        print(f"{name:12s} F_T/F_0 = {ratio:.2g}   (kernel GD with Θ_0: {meas['kernel_loss_ratio'][name]:.2g})")
    print(f"structured over shuffled, log10 of F_T/F_0: {meas['label_log_gap']:.2f} "
          f"(kernel GD: {meas['label_log_gap_kernel']:.2f})")

# %% [markdown]
# *Answers.* (1) About 90%: kernel GD predicts (1 − 0.002)^{2·150} ≈ e^{−0.6} ≈ 55% for the loss,
# and the network, whose kernel shrinks a little along the slow directions while it trains, keeps
# even more. y = v_1 loses a factor 10³–10⁵ in the same 150 steps. (2) About 5× in the median run
# (log10 gap ≈ −0.7; the printed number is this run's): sign(z₁) has most of its norm on the top d
# eigenvectors, its shuffles spread evenly, and kernel GD's own prediction (printed beside it)
# agrees closely.

# %% [markdown]
# ## The figures

# %%
COLOURS = {"top": "C0", "middle": "C1", "bottom": "C2", "structured": "C3", "shuffled": "C4"}
STYLES = {"top": "-", "middle": "--", "bottom": "-.", "structured": ":", "shuffled": (0, (5, 1))}
KERNEL_STYLE = (0, (1, 3))                     # sparse dots: not one of the cycle's styles


def _kind(name):
    return "shuffled" if name.startswith("shuffled") else name


def draw(result) -> dict:
    """Two figures from the result dict only: loss per target with where the labels lie, and the
    residual along the target's own eigenvector."""
    cfg, meas = result["config"], result["measurements"]
    runs, n, d, T = meas["runs"], cfg["n"], cfg["d"], cfg["steps"]
    shuffled = [name for name in runs if name.startswith("shuffled")]
    setting = (f"m = {cfg['width']}, n = {n}, d = {d}, L = {cfg['depth']}; standard (He) parameterisation, "
               f"A and B fixed; GD with η·m·λ_max(Θ̄) = {cfg['lr_scale']:g}; time = η × steps")
    labels = {"top": "y = v_1 (top)", "middle": f"y = v_{cfg['middle_index'] + 1} (middle)",
              "bottom": f"y = v_{n} (bottom)", "structured": "y = sign(z₁) (structured)",
              "shuffled": f"sign(z₁) shuffled ({len(shuffled)}×)"}
    figs = {}

    fig, axes = figure(3, 1, width=5.0, height=4.6)
    ax = axes[0]
    seen = set()
    for name, r in runs.items():
        kind = _kind(name)
        F0 = r["loss"][0]
        ax.semilogy(r["steps"], np.array(r["loss"]) / F0, color=COLOURS[kind], linestyle=STYLES[kind],
                    label=None if kind in seen else labels[kind])
        ax.semilogy(r["steps"], np.maximum(np.array(r["kernel_loss"]) / F0, 1e-12), color=COLOURS[kind],
                    linestyle=KERNEL_STYLE, linewidth=1.2)
        seen.add(kind)
    ax.plot([], [], color="grey", linestyle=KERNEL_STYLE, linewidth=1.2, label="kernel GD with Θ_0")
    lowest = min(min(r["loss"]) / r["loss"][0] for r in runs.values())
    ax.set_ylim(max(lowest / 1e3, 1e-12), 30)          # room below the curves for the legend
    ax.set_xlabel("steps t")
    ax.set_ylabel("F(W_t) / F(W_0)")
    gap = meas["label_log_gap"]
    ax.set_title(f"after T = {T}: shuffled labels keep\n{10 ** -gap:.1f}× more loss than sign(z₁) "
                 f"(kernel GD: {10 ** -meas['label_log_gap_kernel']:.1f}×)")
    # below the panels: the curves fill the loss panel from corner to corner
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=6)

    ax = axes[1]
    i = np.arange(1, n + 1)
    shuffled_mean = np.mean([meas["energy"][s] for s in shuffled], axis=0)
    ax.semilogy(i, np.maximum(meas["energy"]["structured"], 1e-6), "o", color=COLOURS["structured"],
                label=labels["structured"])
    ax.semilogy(i, np.maximum(shuffled_mean, 1e-6), "s", color=COLOURS["shuffled"],
                label=f"shuffled (mean of {len(shuffled)})")
    ax.axvline(d + 0.5, color="grey", linestyle=":", linewidth=1)
    ax.set_ylim(1e-6, 10)
    ax.set_xlabel("eigenvector index i (λ_i descending)")
    ax.set_ylabel("⟨v_i, y⟩² / ‖y‖²")
    ax.set_title(f"the top {d} eigenvectors hold {meas['top_d_energy']['structured']:.0%} of sign(z₁)\n"
                 f"and {meas['top_d_energy_shuffled_mean']:.0%} of a shuffle (mean; {d}/{n} = {d / n:.0%} if even)")
    ax.legend(loc="upper right")

    ax = axes[2]
    ax.semilogy(i, meas["eigenvalues_over_m"], "o", color="C0", markersize=4, label="λ_i(Θ_0)/m, this network")
    ax.semilogy(i, meas["analytic_eigenvalues"], color="C1", linestyle="--", label="λ_i(Θ̄), infinite width")
    ax.set_xlabel("eigenvector index i")
    ax.set_ylabel("eigenvalue")
    ax.set_title(f"the spectrum: λ_1/λ_n = {meas['eigenvalues_over_m'][0] / meas['eigenvalues_over_m'][-1]:.0f}\n"
                 "(the top d: constant and linear functions)")
    ax.legend(loc="upper right")
    fig.suptitle("Structured labels are fitted faster than shuffled ones (Arora et al.; paper.md §6.1, C12)\n"
                 + setting)
    figs["labels"] = fig

    fig, ax = figure(width=13.0, height=5.4)
    for name in ("top", "middle", "bottom"):
        r, rate = runs[name], meas["rates"][name]
        k = {"top": 0, "middle": cfg["middle_index"], "bottom": n - 1}[name]
        measured = np.abs(np.array(r["measured"])[:, k])
        p0 = measured[0]
        ax.semilogy(r["steps"], measured / p0, "o", markersize=4, color=COLOURS[name],
                    label=f"{labels[name]}: network, ηλ = {rate['eta_lambda']:.3g}")
        ax.semilogy(r["steps"], np.maximum(np.abs(np.array(r["predicted"])[:, k] / p0), 1e-12),
                    color=COLOURS[name], linestyle=STYLES[name], label="   (1 − ηλ_i(Θ_0))^t")
    mid = meas["rates"]["middle"]
    steps = np.array(runs["middle"]["steps"])
    ax.semilogy(steps, np.exp(-mid["predicted_drift"] * steps), color="k", linestyle=KERNEL_STYLE,
                linewidth=1.5, label="   middle, with the kernel's drift")
    ax.set_ylim(1e-7, 2)
    ax.set_xlabel("steps t  (time = η × steps)")
    ax.set_ylabel("|⟨v_i, u_t − y*⟩| / |⟨v_i, u_0 − y*⟩|")
    ax.set_title(f"middle eigenvector: {meas['rate_ratio_theta0']:.2f}× the rate Θ_0 predicts; v_iᵀΘ_t v_i falls "
                 f"to {mid['lambda_T_over_lambda_0']:.2f}·λ_i by step {cfg['steps']},\nand with that drift the "
                 f"measured rate is {meas['rate_ratio_drift']:.2f}× the predicted one")
    fig.suptitle("Residual along the target's own eigenvector of Θ_0 (Arora et al.; paper.md §6.1, C12)\n" + setting)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    figs["eigenvectors"] = fig
    return figs


# %%
if kit.interactive():
    kit.show(sys.modules[__name__], result, "labels")

# %% [markdown]
# ## Reading the labels figure
#
# - **Top eigenvector.** ηλ_1 ≈ 1, so the residual along v_1 is gone after a step or two; the loss
#   then sits at the level set by the network's small departures from the linear model.
# - **Labels.** sign(z₁) has most of its norm on the top d eigenvectors (the constant and the
#   linear functions of z, which the kernel fits first); shuffling the same values spreads them
#   evenly, about d/n on the top d. Same values, same histogram, same network — and the shuffled
#   labels keep several times more loss after T steps, as kernel GD predicts (dotted lines). One
#   shuffle against one structured labelling is a coin toss with loaded dice: a shuffle can land
#   unusually near the top eigenvectors. So the lesson compares sign(z₁) with the geometric mean
#   over several shuffles, and prints kernel GD's prediction of the same comparison.

# %%
if kit.interactive():
    kit.show(sys.modules[__name__], result, "eigenvectors")

# %% [markdown]
# ## Reading the eigenvector figure
#
# - **Middle and bottom.** The residual along v_i decays on a straight line in the log plot, the
#   geometric decay of kernel GD. The network is slower than its *initial* kernel predicts — the
#   middle one at about 0.7 of Θ_0's rate at m = 384 — because the kernel drifts while it trains
#   (Lesson 8), and the title gives how far v_iᵀΘ_t v_i has fallen by the last step. Kernel GD
#   with the average of the kernel's start and end values along v_i (the black dotted line) closes
#   part of the gap — the ratio rises by about 0.05 — and the rest comes from the
#   eigenvectors themselves turning as the kernel drifts, which leaks residual into other
#   directions. The drift shrinks as the width grows, but slowly — kernel gradient descent is the
#   m → ∞ limit, and m = 384 is far from it.
#
# **Predict, then run.** Set `CHANGES = {"width": 128}`. Will the middle eigenvector's rate be
# closer to Θ_0's prediction, or further from it?

# %% [markdown]
# *Answer.* Further (seed 0: 0.45 of Θ_0's rate at m = 128, against 0.73 at m = 384): the kernel
# changes more at a smaller width (Lesson 8). A surprise: at m = 128 the kernel's value along v_i
# hardly moves (v_iᵀΘ_T v_i ≈ 0.98·λ_i), so the drift-corrected ratio does not recover (0.45). What
# changes is the kernel's *eigenvectors*: they turn, and the residual leaks out of v_i into other,
# mostly slower, directions.
#
# **Where the thresholds come from** (quick size, each statistic's median ± half its 16–84 %
# range over seeds 0–18; `python -m lessons robustness 9` reproduces them).
#
# - Top eigenvector: log10 F_T/F_0 = −4.42 ± 0.21 against the bound −3.
# - Bottom eigenvector: log10 F_T/F_0 = −0.11 ± 0.04 against the bound −2 (a hundredfold decrease
#   would count as "fitted"; kernel GD predicts about 0.6 left).
# - Middle eigenvector, rate over the drift-corrected kernel rate: 0.70 ± 0.05 against [0.5, 1.5].
#   Against Θ_0 alone the same ratio is about 0.05 lower, since it ignores the
#   drift; at infinite width both are 1.
# - Top-d energy, structured minus the shuffles' mean: 0.64 ± 0.04 against 0.
# - Loss gap, log10 of sign(z₁)'s F_T/F_0 over the shuffles' geometric mean: −0.76 ± 0.10 against 0.
#   This is the comparison that failed for one seed (0.73 instead of < 0.5) when it used a single
#   shuffle at n = 40, d = 8: a random comparison by construction. The mean over three shuffles and
#   the denser sample (n = 60, d = 6; see the experiment above) make it a statement about the
#   labels, not about one shuffle.
#
# Each bound sits at least 4 spreads from its median (the drift ratio; the others 6.8 and more): a
# false alarm below 5e-5 per check for a normal statistic, the rate the claims state.

# %% [markdown]
# ## The verdicts

# %%
if kit.interactive():
    kit.claims_table(result)

# %%
if __name__ == "__main__" and not kit.interactive():     # a script: run, save, print the verdicts
    kit.main(sys.modules[__name__])
