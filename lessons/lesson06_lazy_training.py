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
# # Lesson 6 — Lazy training: the weights hardly move, and few ReLUs flip
#
# **What the paper states** (paper.md §2.1(a), §3.5, §3.6; claims C7, C8). The proof of Theorem 1
# keeps every gradient-descent iterate in a small ball around the random initialisation:
#
#     ‖W^(t) − W^(0)‖_F ≤ ω = O( n³ √d_out · log m / (δ √m) ),     so the distance shrinks like m^{−1/2}.
#
# Inside that ball only a few ReLUs change sign (Lemma 8.2): at most O(m ω^{2/3} L) of the m units
# of a layer, a fraction ∝ ω^{2/3} ∝ m^{−1/3} in the worst case; a generic (not adversarial) move
# flips a fraction ∝ ω ∝ m^{−1/2}.
#
# **Which norm?** "The weights move by m^{−1/2}" is true in some norms and not in others. At He
# initialisation ‖W_ℓ⁰‖_2 ≈ 2√2 does not grow with m, while ‖W_ℓ⁰‖_F ≈ √(2m) does. So (§3.6)
#
# | quantity                                   | expected ∝ |
# |--------------------------------------------|------------|
# | absolute ‖W_T − W_0‖_F (all layers)        | m^{−1/2}   |
# | relative spectral ‖ΔW_ℓ‖_2 / ‖W_ℓ⁰‖_2      | m^{−1/2}   |
# | relative Frobenius ‖ΔW_ℓ‖_F / ‖W_ℓ⁰‖_F     | m^{−1}     |
# | fraction of flipped ReLUs per layer        | between m^{−1/2} and m^{−1/3} |
#
# A wide network reaches a small loss while each weight matrix changes by a vanishing fraction:
# this is *lazy training*.
#
# **The experiment.** Paper setting D0 (paper.md §7): n = 40 unit inputs in d = 16, L = 3, A and B
# fixed, only W_1..W_L trained, full-batch GD on the sum loss with the normalised step
# η·m·λ_max(Θ̄) = 1, the same number of steps T for every width. With η normalised the outputs
# follow the same kernel dynamics at every width, so every width reduces the loss by about the
# same factor in those T steps (the figure prints F(W_T)/F(W_0) for each width).
#
# **The same task for every width.** The network's own random output u_0 = f(W⁰; X) differs from
# one initialisation to the next, and with it the distance the outputs must travel. To compare
# widths on exactly the same task we ask each network to move its outputs by the same vector y
# (RMS 1): the targets are y* = u_0 + y, so the initial residual u_0 − y* = −y is identical for
# every network. (With plain targets y* = y the same slopes appear, but each network has a
# different residual to remove and the points scatter more.)
#
# **What to look at.** Log-log plots of each quantity against the width m, with the least-squares
# slope in the legend (fitted on m ≥ 256, paper.md §7: narrower nets are not lazy yet).

# %%
from __future__ import annotations

import sys

import numpy as np

import ntkedu
from lessons import kit
from ntkedu import data
from ntkedu.measure import loglog_slope
from ntkedu.plotting import THETA_BAR, figure, loglog_fit, width_axis

NUMBER = 6
TITLE = "Lazy training: distance from init and flipped ReLUs (§2.1a, §3.5–3.6)"
CLAIM = ("After the same normalised GD run, ‖W_T − W_0‖_F and ‖ΔW_ℓ‖_2/‖W_ℓ⁰‖_2 fall like m^{−1/2}, "
         "‖ΔW_ℓ‖_F/‖W_ℓ⁰‖_F like m^{−1}, and the fraction of flipped ReLUs like m^{−1/2}…m^{−1/3}.")

SECONDS = {"quick": 6.1, "full": 41}   # one run on one core (TEACHING.md): the longest start first
SIZES = {
    # nets: networks averaged per width (narrow nets are cheap and noisier, so they get more)
    "quick": dict(n=40, d=16, depth=3, widths=[128, 256, 512, 1024], nets=[4, 4, 3, 2],
                  steps=60, record_every=10, lr_scale=1.0, fit_min=256),
    "full": dict(n=40, d=16, depth=3, widths=[128, 256, 512, 1024, 2048], nets=[6, 4, 3, 2, 1],
                 steps=200, record_every=20, lr_scale=1.0, fit_min=256),
}

# Slope bands: the theory's exponent ± a margin, checked against each slope's spread over seeds
# 0–9 at the quick size (half the 16–84 % range): distances −0.48 ± 0.008, −0.45 ± 0.012,
# −0.98 ± 0.008 (every edge ≥ 8 spreads away); flips −0.36 ± 0.05 with one network at m = 1024,
# so the quick size now averages two there: −0.37 ± 0.046 over seeds 0–14, edges ≥ 3.6 spreads away.
RANGES = {
    "abs_frobenius": (-0.65, -0.35, "−½", 1e-6),
    "rel_spectral": (-0.65, -0.35, "−½", 1e-6),
    "rel_frobenius": (-1.2, -0.8, "−1", 1e-6),
    "flips": (-0.6, -0.2, "between −½ (generic move) and −⅓ (Lemma 8.2 worst case)", 2e-4),
}


# %% [markdown]
# ## Your settings
#
# Opened as a notebook, this lesson runs cell by cell: change these and run the cells below.
# `SIZE` is "quick" or "full"; `CHANGES` overrides single settings of that size, e.g.
# `{"steps": 120}` or `{"depth": 5}` (the keys are those of `SIZES` above). The claims are designed
# and checked at the lesson's own sizes, for any seed; at other settings they are still computed,
# and a verdict may legitimately differ.

# %%
SIZE, SEED = "quick", 0
CHANGES = {}


# %% [markdown]
# ## One run
#
# `ntkedu.train` with the probes `"distance"` (‖ΔW_ℓ‖ in three norms, per layer) and `"flips"`
# (fraction of (sample, unit) pairs whose mask D_ℓ = 1[g_ℓ > 0] differs from the one at W⁰).
# The probes only observe: the run is the same with or without them.

# %%
def lazy_run(net, X, y, cfg, progress=None) -> dict:
    """Train ``net`` on targets u_0 + y and return the final distances, flips and the curves.

    Returns a dict of plain lists: "steps", "loss", per-layer final values "abs_frobenius",
    "rel_frobenius", "rel_spectral", "flips" (layers 1..L), the tuple norm "total_frobenius", and
    the curves "total_frobenius_curve", "rel_spectral_curve" (mean over layers) and "flips_curve"
    (mean over layers 1..L) at the recorded steps.
    """
    u0, _ = net.forward(X)
    hist = ntkedu.train(net, X, u0 + y, steps=cfg["steps"], lr_scale=cfg["lr_scale"],
                        probes=("distance", "flips"), record_every=cfg["record_every"],
                        progress=progress)
    dist, flips = hist.probes["distance"], hist.probes["flips"]
    trained = np.array(flips["fraction"])[:, 1:]            # layer 0 (A) is fixed: never flips
    return {"steps": hist.steps, "loss": hist.loss, "lr": hist.lr,
            "total_frobenius": dist["total_frobenius"][-1],
            "abs_frobenius": dist["abs_frobenius"][-1],
            "rel_frobenius": dist["rel_frobenius"][-1],
            "rel_spectral": dist["rel_spectral"][-1],
            "flips": trained[-1].tolist(),
            "total_frobenius_curve": dist["total_frobenius"],
            "rel_spectral_curve": np.mean(dist["rel_spectral"], axis=1).tolist(),
            "flips_curve": trained.mean(axis=1).tolist()}


# %% [markdown]
# ## The sweep over widths
#
# One data set (X, y) for all widths; every width gets its own random stream (so adding a width
# changes nothing else), split further into the networks averaged at that width.

# %%
def run(size="quick", seed=0, progress=None, **changes) -> dict:
    """Train every width, average per width, fit the log-log slopes (claims C7, C8)."""
    cfg = kit.settings(SIZES, size, changes)
    data_seq, width_seqs = kit.stream(seed, "data"), [kit.stream(seed, "width", m) for m in cfg["widths"]]
    rng = np.random.default_rng(data_seq)
    X = data.unit_inputs(cfg["n"], cfg["d"], rng=rng)
    y = data.regression_targets(cfg["n"], rng=rng)

    per_width = []
    for m, k, seq in zip(cfg["widths"], cfg["nets"], width_seqs):
        runs = []
        for j, child in enumerate(seq.spawn(k)):
            if progress is not None:
                progress.label = f"lesson 06 (m = {m}, net {j + 1}/{k})"
            net = ntkedu.MLP(cfg["d"], m, cfg["depth"], rng=np.random.default_rng(child))
            runs.append(lazy_run(net, X, y, cfg, progress))
        mean = {key: np.mean([r[key] for r in runs], axis=0).tolist()
                for key in ("total_frobenius", "abs_frobenius", "rel_frobenius", "rel_spectral", "flips")}
        mean["loss_ratio"] = float(np.mean([r["loss"][-1] / r["loss"][0] for r in runs]))
        mean["eta_m"] = runs[0]["lr"] * m
        mean["curves"] = {key: runs[0][key] for key in
                          ("steps", "loss", "total_frobenius_curve", "rel_spectral_curve", "flips_curve")}
        per_width.append(mean)

    widths = np.array(cfg["widths"], float)
    fit = widths >= cfg["fit_min"]
    series = {"abs_frobenius": [w["total_frobenius"] for w in per_width],
              "rel_spectral": [np.mean(w["rel_spectral"]) for w in per_width],
              "rel_frobenius": [np.mean(w["rel_frobenius"]) for w in per_width],
              "flips": [np.mean(w["flips"]) for w in per_width]}
    slopes = {key: loglog_slope(widths[fit], np.array(vals)[fit]) for key, vals in series.items()}
    layer_slopes = {key: [loglog_slope(widths[fit], np.array([w[key][l] for w in per_width])[fit])
                          for l in range(cfg["depth"])]
                    for key in ("rel_spectral", "rel_frobenius", "flips")}

    fitted = f"m = {cfg['widths'][int(np.argmax(fit))]}..{cfg['widths'][-1]}"
    words = {"abs_frobenius": "C7 (§2.1a): absolute distance ‖W_T − W_0‖_F (all layers) ∝ m^{−1/2}",
             "rel_spectral": "C7 (§3.6): relative spectral distance ‖ΔW_ℓ‖_2/‖W_ℓ⁰‖_2 (mean over ℓ) ∝ m^{−1/2}",
             "rel_frobenius": "C7 (§3.6): relative Frobenius distance ‖ΔW_ℓ‖_F/‖W_ℓ⁰‖_F (mean over ℓ) ∝ m^{−1}",
             "flips": "C8 (Lemma 8.2): fraction of flipped ReLUs (mean over ℓ = 1..L)"}
    claims = []
    for key, (lo, hi, theory, false_alarm) in RANGES.items():
        s = slopes[key]
        claims.append(kit.claim(f"{words[key]}; fitted log-log slope over {fitted}", s,
                                 f"between {lo} and {hi} (theory {theory})", lo <= s <= hi,
                                 false_alarm=false_alarm))
    worst = max(max(v) for v in layer_slopes.values())
    claims.append(kit.claim(f"every layer's relative distances and flip fraction fall with m; "
                             f"largest per-layer slope over {fitted}", worst, "< 0 (typical −0.32 ± 0.05)",
                             worst < 0, false_alarm=1e-6))

    return {"config": {**cfg, "d_out": 1, "targets": "u_0 + y, y Gaussian with RMS 1",
                       "parameterisation": "standard (He): A, W ~ N(0, 2/m), B ~ N(0, 1/d_out); A, B fixed"},
            "measurements": {"per_width": per_width, "series": series, "slopes": slopes,
                             "layer_slopes": layer_slopes},
            "claims": claims}


# %% [markdown]
# ## Run it
#
# **Predict, then run.** Quadruple the width from 256 to 1024. By what factor does the distance
# travelled, ‖W_T − W_0‖_F, change? And the relative Frobenius distance ‖ΔW_ℓ‖_F/‖W_ℓ⁰‖_F?

# %%
if kit.interactive():
    result = kit.run_here(sys.modules[__name__], SIZE, SEED, **CHANGES)
    for m, w in zip(result["config"]["widths"], result["measurements"]["per_width"]):
        print(f"m = {m:5d}: ‖W_T − W_0‖_F = {w['total_frobenius']:.3f}, relative Frobenius "
              f"{np.mean(w['rel_frobenius']):.2e}, flipped ReLUs {100 * np.mean(w['flips']):.2f} %, "
              f"F_T/F_0 = {w['loss_ratio']:.2g}")

# %% [markdown]
# *Answer.* The distance halves (slope −½: 4^{−½} = ½) and the relative Frobenius distance falls
# four times (slope −1), while every width reaches about the same F_T/F_0 (the printed lines;
# the printed slopes are in the verdicts at the end). The second factor of 2 is ‖W_ℓ⁰‖_F ≈ √(2m)
# in the denominator: the matrix gets bigger while the move gets smaller.

# %% [markdown]
# ## The figures

# %%
def draw(result) -> dict:
    """Two figures from the result dict only: distances against m, and flips (against m and steps)."""
    cfg, meas = result["config"], result["measurements"]
    widths = np.array(cfg["widths"], float)
    per_width, series, slopes = meas["per_width"], meas["series"], meas["slopes"]
    L, fit_min = cfg["depth"], cfg["fit_min"]
    subtitle = (f"GD, T = {cfg['steps']} steps at η·m·λ_max({THETA_BAR}) = {cfg['lr_scale']:g}, n = {cfg['n']}, "
                f"d = {cfg['d']}, L = {L}; standard (He) parameterisation, A and B fixed; "
                f"dashed fits use m ≥ {fit_min} only")
    figs = {}

    fig, axes = figure(3, 1, width=5.4, height=4.6)
    ax = axes[0]
    loglog_fit(ax, widths, series["abs_frobenius"], "fit", fit_min=fit_min)
    _reference(ax, widths, series["abs_frobenius"], -0.5, fit_min, "∝ m^(−1/2)")
    ax.set_ylabel("‖W_T − W_0‖_F  (tuple norm over W_1..W_L)")
    ax.set_title(f"§2.1(a): absolute Frobenius distance\nslope {slopes['abs_frobenius']:+.2f} (theory −½)")
    for ax, key, label, theory, text in ((axes[1], "rel_spectral", "‖ΔW_ℓ‖₂ / ‖W_ℓ⁰‖₂", -0.5, "−1/2"),
                                         (axes[2], "rel_frobenius", "‖ΔW_ℓ‖_F / ‖W_ℓ⁰‖_F", -1.0, "−1")):
        for l in range(L):
            loglog_fit(ax, widths, [w[key][l] for w in per_width], f"ℓ = {l + 1}", fit_min=fit_min,
                       color=f"C{l}")
        _reference(ax, widths, series[key], theory, fit_min, f"∝ m^({text})")
        ax.set_ylabel(label)
        ax.set_title(f"§3.6: relative {'spectral' if key == 'rel_spectral' else 'Frobenius'} distance\n"
                     f"mean over layers: slope {slopes[key]:+.2f} (theory {text})")
    for ax in axes:
        width_axis(ax, widths)
        ax.legend(loc="lower left")
    fig.suptitle("Lazy training (Theorem 1, §2.1a, §3.6): distance from initialisation against width\n"
                 + subtitle)
    figs["distance"] = fig

    fig, axes = figure(3, 1, width=5.4, height=4.6)
    ax = axes[0]
    for l in range(L):
        loglog_fit(ax, widths, [w["flips"][l] for w in per_width], f"ℓ = {l + 1}", fit_min=fit_min,
                   color=f"C{l}")
    _reference(ax, widths, series["flips"], -0.5, fit_min, "∝ m^(−1/2)", style=":")
    _reference(ax, widths, series["flips"], -1 / 3, fit_min, "∝ m^(−1/3)", style="-.")
    width_axis(ax, widths)
    ax.set_ylabel("flipped fraction, D_ℓ(W_T) ≠ D_ℓ(W_0)")
    ax.set_title(f"Lemma 8.2: flipped ReLUs after T steps\nmean over layers: slope {slopes['flips']:+.2f} "
                 "(−½ generic … −⅓ worst case)")
    ax.legend(loc="lower left")
    for ax, key, ylabel, title in (
            (axes[1], "flips_curve", "fraction of flipped ReLUs (mean over ℓ)", "flips during training"),
            (axes[2], "rel_spectral_curve", "‖ΔW_ℓ‖₂ / ‖W_ℓ⁰‖₂ (mean over ℓ)", "distance during training")):
        for j, (m, w) in enumerate(zip(cfg["widths"], per_width)):
            c = w["curves"]
            steps = np.array(c["steps"])
            after = steps > 0                               # both are 0 at t = 0: off a log axis
            ax.semilogy(steps[after], np.array(c[key])[after], "o-", ms=4, color=f"C{j}",
                        label=f"m = {m}" + (f" (F_T/F_0 = {w['loss_ratio']:.2g})" if key == "flips_curve" else ""))
        ax.set_xlabel("steps t  (time = η × steps)")
        ax.set_ylabel(ylabel)
        ax.set_title(f"{title}\n(first network of each width)")
        ax.legend(loc="lower right")
    fig.suptitle("Few ReLUs flip (Lemma 8.2, claim C8)\n" + subtitle)
    figs["flips"] = fig
    return figs


def _reference(ax, widths, values, slope, fit_min, label, style=":"):
    """A black line of the theory's slope through the geometric mean of the fitted points."""
    widths, values = np.asarray(widths, float), np.asarray(values, float)
    keep = widths >= fit_min
    x0, y0 = np.exp(np.mean(np.log(widths[keep]))), np.exp(np.mean(np.log(values[keep])))
    ax.loglog(widths, y0 * (widths / x0) ** slope, style, color="k", lw=1, label=label)


# %%
if kit.interactive():
    kit.show(sys.modules[__name__], result, "distance")

# %% [markdown]
# **Predict, then run.** At m = 1024, after the loss has fallen by the printed factor, what
# fraction of the ReLUs have changed sign: about 50 %, 5 % or 0.5 %?

# %%
if kit.interactive():
    kit.show(sys.modules[__name__], result, "flips")

# %% [markdown]
# *Answer.* A few per cent, and fewer the wider the net (the lines printed above; seed 0 at the
# quick size gives about 2–3 % at m = 1024 and 4–5 % at m = 128): the pre-activations g_ℓ move by
# O(ω) while a typical one is O(1) away from zero, so only the units already near zero flip
# (Lemma 8.2). Half would mean the network left the kernel regime; no width here comes close.

# %% [markdown]
# ## What you should see
#
# - The absolute distance ‖W_T − W_0‖_F and the *relative spectral* distance fall with slope close
#   to −½: a four times wider network moves half as far, although it reaches the same loss.
# - The *relative Frobenius* distance falls with slope close to −1: it divides by ‖W_ℓ⁰‖_F ≈ √(2m),
#   which grows. Quoting "the relative change is m^{−1/2}" without naming the norm is wrong half
#   the time.
# - The flipped fraction is small (a few per cent) and falls with a slope between −½ and −⅓:
#   steeper than the paper's worst case m^{−1/3}, as a generic move should be.
# - During training (middle and right panels of the second figure) movement and flips grow fast while the
#   loss is large and slower as it falls (the step is η∇F, and ∇F shrinks with F): the run stays
#   in the small ball the proof of Theorem 1 needs, and the wider the net, the smaller the ball.
#
# Points with m < 256 are drawn but left out of the fits; at small m the network is not lazy yet.
#
# **Where the thresholds come from.** Each band is the theory's exponent with a margin, checked
# against the slope's own spread over seeds 0–9 at the quick size (`python -m lessons robustness 6`,
# median ± half the 16–84 % range): the three distances −0.48 ± 0.008, −0.45 ± 0.012 and
# −0.98 ± 0.008 sit ≥ 8 spreads from their bands' edges, and the largest per-layer slope
# −0.32 ± 0.05 is 6 spreads below 0 (designed false alarm < 1e-6 each). The flip fraction was the
# weak one: −0.36 ± 0.05 with a single network at m = 1024, only 2.2 spreads from the old edge
# −0.25. The fraction is a count of rare events in one network, so the quick size now averages two
# networks at m = 1024 and three at m = 512, and the band is [−0.6, −0.2], the generic −½ and the
# worst case −⅓ inside. Over seeds 0–14 at this size the slope is −0.37 ± 0.046, so each edge is
# ≥ 3.6 spreads away (designed false alarm 2e-4).

# %% [markdown]
# ## The verdicts

# %%
if kit.interactive():
    kit.claims_table(result)

# %%
if __name__ == "__main__" and not kit.interactive():
    kit.main(sys.modules[__name__])
