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
from ntkedu.plotting import figure, loglog_fit, width_axis

NUMBER = 6
TITLE = "Lazy training: distance from init and flipped ReLUs (§2.1a, §3.5–3.6)"
CLAIM = ("After the same normalised GD run, ‖W_T − W_0‖_F and ‖ΔW_ℓ‖_2/‖W_ℓ⁰‖_2 fall like m^{−1/2}, "
         "‖ΔW_ℓ‖_F/‖W_ℓ⁰‖_F like m^{−1}, and the fraction of flipped ReLUs like m^{−1/2}…m^{−1/3}.")

SIZES = {
    # nets: networks averaged per width (narrow nets are cheap and noisier, so they get more)
    "quick": dict(n=40, d=16, depth=3, widths=[128, 256, 512, 1024], nets=[4, 4, 2, 1],
                  steps=60, record_every=10, lr_scale=1.0, fit_min=256),
    "full": dict(n=40, d=16, depth=3, widths=[128, 256, 512, 1024, 2048], nets=[6, 4, 3, 2, 1],
                 steps=200, record_every=20, lr_scale=1.0, fit_min=256),
}

# Slope ranges: the theory's exponent with a margin for a 3–4 point fit at finite width.
RANGES = {
    "abs_frobenius": (-0.65, -0.35, "−½"),
    "rel_spectral": (-0.65, -0.35, "−½"),
    "rel_frobenius": (-1.2, -0.8, "−1"),
    "flips": (-0.6, -0.25, "between −½ (generic move) and −⅓ (Lemma 8.2 worst case)"),
}


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
def run(size="quick", seed=0, progress=None) -> dict:
    """Train every width, average per width, fit the log-log slopes (claims C7, C8)."""
    cfg = SIZES[kit.check_size(size)]
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
    for key, (lo, hi, theory) in RANGES.items():
        s = slopes[key]
        claims.append(kit.claim(f"{words[key]}; fitted log-log slope over {fitted}", s,
                                 f"between {lo} and {hi} (theory {theory})", lo <= s <= hi))
    worst = max(max(v) for v in layer_slopes.values())
    claims.append(kit.claim(f"every layer's relative distances and flip fraction fall with m; "
                             f"largest per-layer slope over {fitted}", worst, "< 0", worst < 0))

    return {"config": {**cfg, "d_out": 1, "targets": "u_0 + y, y Gaussian with RMS 1",
                       "parameterisation": "standard (He): A, W ~ N(0, 2/m), B ~ N(0, 1/d_out); A, B fixed"},
            "measurements": {"per_width": per_width, "series": series, "slopes": slopes,
                             "layer_slopes": layer_slopes},
            "claims": claims}


# %% [markdown]
# ## The figures

# %%
def draw(result) -> dict:
    """Two figures from the result dict only: distances against m, and flips (against m and steps)."""
    cfg, meas = result["config"], result["measurements"]
    widths = np.array(cfg["widths"], float)
    per_width, series, slopes = meas["per_width"], meas["series"], meas["slopes"]
    L, fit_min = cfg["depth"], cfg["fit_min"]
    subtitle = (f"GD, T = {cfg['steps']} steps at η·m·λ_max(Θ̄) = {cfg['lr_scale']:g}, n = {cfg['n']}, "
                f"d = {cfg['d']}, L = {L}; standard (He) parameterisation, A and B fixed; "
                f"dashed fits use m ≥ {fit_min} only")
    figs = {}

    fig, axes = figure(3, 1, width=4.6, height=4.2)
    ax = axes[0]
    loglog_fit(ax, widths, series["abs_frobenius"], "‖W_T − W_0‖_F", fit_min=fit_min)
    _reference(ax, widths, series["abs_frobenius"], -0.5, fit_min, "∝ m^(−1/2)")
    ax.set_ylabel("‖W_T − W_0‖_F  (tuple norm over W_1..W_L)")
    ax.set_title("§2.1(a): absolute Frobenius distance")
    for ax, key, label, theory, text in ((axes[1], "rel_spectral", "‖ΔW_ℓ‖₂ / ‖W_ℓ⁰‖₂", -0.5, "−1/2"),
                                         (axes[2], "rel_frobenius", "‖ΔW_ℓ‖_F / ‖W_ℓ⁰‖_F", -1.0, "−1")):
        for l in range(L):
            loglog_fit(ax, widths, [w[key][l] for w in per_width], f"layer {l + 1}", fit_min=fit_min,
                       color=f"C{l}")
        _reference(ax, widths, series[key], theory, fit_min,
                   f"∝ m^({text}); mean over layers: slope {slopes[key]:+.2f}")
        ax.set_ylabel(label)
        ax.set_title(f"§3.6: relative {'spectral' if key == 'rel_spectral' else 'Frobenius'} distance")
    for ax in axes:
        width_axis(ax, widths)
        ax.legend(fontsize="x-small")
    fig.suptitle("Lazy training (Theorem 1, §2.1a, §3.6): distance from initialisation against width\n"
                 + subtitle, fontsize="small")
    figs["distance"] = fig

    fig, axes = figure(2, 1, width=5.4, height=4.2)
    ax = axes[0]
    for l in range(L):
        loglog_fit(ax, widths, [w["flips"][l] for w in per_width], f"layer {l + 1}", fit_min=fit_min,
                   color=f"C{l}")
    _reference(ax, widths, series["flips"], -0.5, fit_min, "∝ m^(−1/2) (generic)", style=":")
    _reference(ax, widths, series["flips"], -1 / 3, fit_min,
               f"∝ m^(−1/3) (worst case); mean over layers: slope {slopes['flips']:+.2f}", style="-.")
    width_axis(ax, widths)
    ax.set_ylabel("fraction of ReLUs with D_ℓ(W_T) ≠ D_ℓ(W_0)")
    ax.set_title("Lemma 8.2: flipped ReLUs after T steps")
    ax.legend(fontsize="x-small")
    ax = axes[1]
    for j, (m, w) in enumerate(zip(cfg["widths"], per_width)):
        c = w["curves"]
        steps = np.array(c["steps"])
        after = steps > 0                                   # both are 0 at t = 0: off a log axis
        ax.plot(steps[after], np.array(c["flips_curve"])[after], "o-", ms=3, color=f"C{j}",
                label=f"m = {m} (F_T/F_0 = {w['loss_ratio']:.2g})")
        ax.plot(steps[after], np.array(c["rel_spectral_curve"])[after], "--", color=f"C{j}")
    ax.plot([], [], "o-", ms=3, color="k", label="solid: fraction of flipped ReLUs")
    ax.plot([], [], "--", color="k", label="dashed: ‖ΔW_ℓ‖₂ / ‖W_ℓ⁰‖₂")
    ax.set_yscale("log")
    ax.set_xlabel(f"steps t  (time = η × steps; η·m·λ_max(Θ̄) = {cfg['lr_scale']:g})")
    ax.set_ylabel("mean over layers ℓ = 1..L")
    ax.set_title("During training (first network of each width)")
    ax.legend(fontsize="x-small", loc="lower right")
    fig.suptitle("Few ReLUs flip (Lemma 8.2, claim C8)\n" + subtitle, fontsize="small")
    figs["flips"] = fig
    return figs


def _reference(ax, widths, values, slope, fit_min, label, style=":"):
    """A black line of the theory's slope through the geometric mean of the fitted points."""
    widths, values = np.asarray(widths, float), np.asarray(values, float)
    keep = widths >= fit_min
    x0, y0 = np.exp(np.mean(np.log(widths[keep]))), np.exp(np.mean(np.log(values[keep])))
    ax.loglog(widths, y0 * (widths / x0) ** slope, style, color="k", lw=1, label=label)


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
# - During training (right panel of the second figure) movement and flips grow fast while the
#   loss is large and slower as it falls (the step is η∇F, and ∇F shrinks with F): the run stays
#   in the small ball the proof of Theorem 1 needs, and the wider the net, the smaller the ball.
#
# Points with m < 256 are drawn but left out of the fits; at small m the network is not lazy yet.

# %%
if __name__ == "__main__":
    kit.main(sys.modules[__name__])
