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
# polynomial in n, L, the number of positions q and 1/δ (the shape of the result: unchecked).
# **The network used here is ntkedu's reconstruction** (paper.md §5): it keeps the fully-connected
# recipe, and the paper's own CNN may differ in details such as padding (`ntkedu.CNN`'s docstring
# says the same):
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
# **Two kinds of images.** Random unit-norm images (`ntkedu.data.images`, Gaussian targets) and
# real ones: two classes of the UCI hand-written digits as 1×8×8 images of unit norm
# (`ntkedu.data.digits(..., format="images")`, the mean training image subtracted), with targets
# +1 and −1. Real images are far from random — neighbouring pixels are strongly correlated, and two
# images of the same digit are close — so this is where a reconstruction could have broken down.
#
# **What to look at.** Loss curves for m = 8 … 64 channels (straight lines on the log axis), the
# relative distance from initialisation and the flip fraction against m with their fitted slopes —
# for random images and for digits — and loss curves for L = 1 … 8 at fixed m. Time = η × steps.

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
TITLE = "CNN: width and depth trends on random and digit images (§5, reconstructed)"
CLAIM = ("For the (reconstructed) CNN, on random images and on real digits, loss decays geometrically for "
         "every channel count with normalised η, the weights move less and fewer ReLUs flip as channels "
         "grow, and deeper CNNs still train.")

SECONDS = {"quick": 4.9, "full": 63}   # one run on one core (TEACHING.md): the longest start first
SIZES = {
    "quick": dict(n=16, image=[1, 6, 6], kernel_size=3, widths=[8, 16, 32, 64], depth=2, nets=1,
                  depths=[1, 2, 4, 8], depth_width=16, steps=80, lr_scale=1.0,
                  digit_classes=[0, 1], digit_n=16, digit_nets=2),
    "full": dict(n=24, image=[1, 8, 8], kernel_size=3, widths=[8, 16, 32, 64, 128], depth=2, nets=2,
                 depths=[1, 2, 4, 8, 16], depth_width=32, steps=150, lr_scale=1.0,
                 digit_classes=[0, 1], digit_n=24, digit_nets=2),
}
# Thresholds, from the spread of each statistic over seeds 0–49 (quick) with `python -m lessons
# robustness 13`; the prose under "Where the thresholds come from" gives the numbers.
TRAIN_FACTOR = {"random": 1e-2,      # log10(worst F_T/F_0): median −4.6, slow-side spread 0.6
                "digits": 1e-2}      # geometric mean of 2 nets: median −3.4, spread 0.3
DEPTH_TRAIN_FACTOR = 1e-1            # log10(worst F_T/F_0): median −4.7, slow-side spread 0.8
REL_FROBENIUS_RANGE = (-1.5, -0.5)   # holds the MLP's −1; slope medians −1.04 / −1.06, spreads 0.095 / 0.097
FLIP_SLOPE_MAX = 0.0                 # slope medians −0.46 / −0.53, spreads 0.10 / 0.14
FALSE_ALARM = {"decay": 1e-5, "slope": 3e-5, "flips": 1e-4, "depth": 1e-5}


# %% [markdown]
# ## Your settings
#
# Opened as a notebook, this lesson runs cell by cell: change these and run the cells below.
# `SIZE` is "quick" or "full"; `CHANGES` overrides single settings of that size, e.g.
# `{"widths": [4, 8, 16, 32, 64, 128]}` or `{"digit_classes": [3, 8]}` (the keys are those of
# `SIZES` above). The claims are designed and checked at the lesson's own sizes, for any seed; at
# other settings they are still computed, and a verdict may legitimately differ.

# %%
SIZE, SEED = "quick", 0
CHANGES = {}


# %% [markdown]
# ## One run
#
# Each run computes η from the kernel at init (`normalised_lr`), then trains with that η and the
# `distance` and `flips` probes (recorded every few steps; the last record is what we compare).

# %%
def train_cnn(cfg, X, Y, width, depth, rng, progress=None):
    """Train one CNN on images X (n, C, H, W); returns its curve, η and the final distance and flips."""
    net = ntkedu.CNN(tuple(X.shape[1:]), width, depth, kernel_size=cfg["kernel_size"], rng=rng)
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


def digit_images(classes, n, rng):
    """n digit images (n, 1, 8, 8) of two classes, unit norm, with targets (n, 1): +1 first class, −1 second."""
    d = data.digits(tuple(classes), n_train=n, held_out=0, format="images", rng=rng)
    return d.X, np.where(d.labels == 0, 1.0, -1.0)[:, None]


# %% [markdown]
# ## The experiment
#
# Two data sets: random images with Gaussian targets, and digits with ±1 targets. For each, a width
# sweep: `nets` independent CNNs per channel count (their statistics averaged before fitting).
# Then a depth sweep on the random images: one CNN per depth at `depth_width` channels.

# %%
def width_sweep(cfg, X, Y, stream, progress, name, nets):
    """``nets`` CNNs of depth cfg["depth"] per channel count; their runs, mean statistics and fitted slopes.

    A width's loss reduction is the geometric mean of its nets' F_T/F_0; ``worst_reduction`` is the
    largest of these over the widths."""
    runs = {}
    for m in cfg["widths"]:
        child = kit.child(stream, m)                                               # one stream per m
        if progress is not None:
            progress.label = f"lesson 13 ({name}, m = {m} channels)"
        runs[str(m)] = [train_cnn(cfg, X, Y, m, cfg["depth"], np.random.default_rng(g), progress)
                        for g in child.spawn(nets)]
    ms = cfg["widths"]
    summary = {key: [_mean(runs[str(m)], key) for m in ms]
               for key in ("rel_frobenius", "rel_spectral", "abs_frobenius", "flip_fraction", "lr_times_m")}
    slopes = {key: loglog_slope(ms, summary[key])
              for key in ("rel_frobenius", "rel_spectral", "abs_frobenius", "flip_fraction")}
    worst = max(float(np.exp(np.mean(np.log([r["reduction"] for r in rs])))) for rs in runs.values())
    return {"runs": runs, "summary": summary, "slopes": slopes, "worst_reduction": worst}


def width_claims(cfg, sweep, label, key):
    """The three width claims of one data set (``key`` "random" or "digits" picks the decay threshold)."""
    lo, hi = REL_FROBENIUS_RANGE
    slope, flips = sweep["slopes"]["rel_frobenius"], sweep["slopes"]["flip_fraction"]
    return [
        kit.claim(f"{label}: loss decays geometrically for every channel count m ∈ {cfg['widths']} "
                  f"(normalised η): largest F(W_T)/F(W_0) after {cfg['steps']} steps", sweep["worst_reduction"],
                  f"<= {TRAIN_FACTOR[key]:g}", sweep["worst_reduction"] <= TRAIN_FACTOR[key],
                  false_alarm=FALSE_ALARM["decay"]),
        kit.claim(f"{label}: lazy training, fitted log-log slope of ‖ΔW_ℓ‖_F/‖W_ℓ⁰‖_F against channels m",
                  slope, f"between {lo} and {hi} (MLP theory −1)", lo <= slope <= hi, false_alarm=FALSE_ALARM["slope"]),
        kit.claim(f"{label}: fewer ReLUs flip in wider CNNs, fitted log-log slope of the flip fraction against m",
                  flips, f"< {FLIP_SLOPE_MAX:g} (MLP: between −½ and −⅓)", flips < FLIP_SLOPE_MAX,
                  false_alarm=FALSE_ALARM["flips"]),
    ]


def run(size="quick", seed=0, progress=None, **changes) -> dict:
    """Width sweeps on random and digit images (loss, distance, flips against channels) and a depth sweep."""
    cfg = kit.settings(SIZES, size, changes)
    n = cfg["n"]
    X = data.images(n, tuple(cfg["image"]), rng=np.random.default_rng(kit.stream(seed, "inputs")))
    Y = data.regression_targets(n, rng=np.random.default_rng(kit.stream(seed, "targets")))
    Xd, Yd = digit_images(cfg["digit_classes"], cfg["digit_n"], np.random.default_rng(kit.stream(seed, "digits")))

    random_sweep = width_sweep(cfg, X, Y, kit.stream(seed, "width"), progress, "random images", cfg["nets"])
    digit_sweep = width_sweep(cfg, Xd, Yd, kit.stream(seed, "digit width"), progress, "digits", cfg["digit_nets"])
    depths = {}
    for L in cfg["depths"]:
        child = kit.child(kit.stream(seed, "depth"), L)                            # one stream per L
        if progress is not None:
            progress.label = f"lesson 13 (L = {L})"
        depths[str(L)] = train_cnn(cfg, X, Y, cfg["depth_width"], L, np.random.default_rng(child), progress)
    worst_depth = max(r["reduction"] for r in depths.values())

    claims = (width_claims(cfg, random_sweep, "random images", "random")
              + width_claims(cfg, digit_sweep, f"digits {cfg['digit_classes'][0]} vs {cfg['digit_classes'][1]} "
                             f"(mean of {cfg['digit_nets']} nets per m)", "digits")
              + [kit.claim(f"deeper CNNs still train (random images): largest F(W_T)/F(W_0) over L ∈ "
                           f"{cfg['depths']} at m = {cfg['depth_width']}", worst_depth, f"<= {DEPTH_TRAIN_FACTOR:g}",
                           worst_depth <= DEPTH_TRAIN_FACTOR, false_alarm=FALSE_ALARM["depth"])])
    return {"config": {**cfg, "d_out": 1, "network": "CNN reconstructed from paper.md §5",
                       "targets": "random images: Gaussian (RMS 1); digits: +1 first class, −1 second",
                       "parameterisation": "standard/He; A, B fixed; only W trained",
                       "step_size": "η = lr_scale/(m·λ_max(Θ_0/m)), empirical kernel at init"},
            "measurements": {"random": random_sweep, "digits": digit_sweep, "depths": depths,
                             "worst_depth_reduction": worst_depth},
            "claims": claims}


# %% [markdown]
# ## Run it
#
# **Predict, then run.** Real digits are nothing like random images: neighbouring pixels agree,
# and two zeros look alike. With the same normalised step, will the CNN fit 16 digits with ±1
# targets more slowly, as fast, or faster than 16 random images — and will its weights move more?

# %%
if kit.interactive():
    result = kit.run_here(sys.modules[__name__], SIZE, SEED, **CHANGES)
    for key in ("random", "digits"):
        sweep = result["measurements"][key]
        print(f"{key:7s}: worst F_T/F_0 = {sweep['worst_reduction']:.2g}, slope of ‖ΔW‖_F/‖W⁰‖_F = "
              f"{sweep['slopes']['rel_frobenius']:+.2f}, slope of the flip fraction = "
              f"{sweep['slopes']['flip_fraction']:+.2f}")

# %% [markdown]
# *Answer.* About as fast, and the weights move about as little: the worst F_T/F_0 and the slope of
# the relative movement (near −1, as for the MLP) printed above are of the same size for both data
# sets. With η normalised by the network's own kernel, what sets the speed is the kernel's spectrum
# on the n inputs, and 16 unit-norm digits of two classes are well enough separated for it. The
# movement at a given m depends on the data only through that kernel.

# %% [markdown]
# ## The figures
#
# *width* (random images) and *digits*: loss curves per channel count, the relative movement of the
# weights against m, and the fraction of flipped ReLUs against m, each with its fitted slope.
# *depth*: loss curves for L = 1 … 8 at m = 16 channels.

# %%
def _width_figure(cfg, sweep, what):
    fig, axes = figure(ncols=3, width=4.8, height=4.2)
    ms = np.array(cfg["widths"], float)
    ax = axes[0]
    for j, m in enumerate(cfg["widths"]):
        r = sweep["runs"][str(m)][0]
        ax.semilogy(r["steps"], r["loss"], color=f"C{j}", label=f"m = {m} (η·m = {r['lr_times_m']:.2g})")
    ax.set_xlabel(f"steps t (time = η × steps; η·m·λ_max(Θ_0/m) = {cfg['lr_scale']:g})")
    ax.set_ylabel("loss F(W_t) (sum over samples)")
    drawn = max(sweep["runs"][str(m)][0]["reduction"] for m in cfg["widths"])
    nets = len(sweep["runs"][str(cfg["widths"][0])])
    ax.set_title(f"every m: F_T/F_0 ≤ {drawn:.0e}" + (f" (net 1 of {nets} drawn)" if nets > 1 else ""))
    ax.legend(loc="lower left")

    ax = axes[1]
    s1 = loglog_fit(ax, ms, sweep["summary"]["rel_frobenius"], "Frobenius", color="C0")
    loglog_fit(ax, ms, sweep["summary"]["rel_spectral"], "spectral", color="C1", marker="s")
    ax.set_xlabel("channels m")
    ax.set_ylabel(f"‖ΔW_ℓ‖/‖W_ℓ⁰‖ after T = {cfg['steps']}")
    ax.set_title(f"weights move ∝ m^{s1:.2f} (MLP: m^−1)")
    ax.legend(loc="upper right")

    ax = axes[2]
    s2 = loglog_fit(ax, ms, sweep["summary"]["flip_fraction"], "flipped", color="C2", marker="^")
    ax.set_xlabel("channels m")
    ax.set_ylabel(f"fraction of ReLUs flipped by T = {cfg['steps']}")
    ax.set_title(f"fewer flips: ∝ m^{s2:.2f}")
    ax.legend(loc="upper right")
    fig.suptitle(f"§5 CNN (ntkedu's reconstruction) on {what}: depth L = {cfg['depth']}, "
                 f"He init, A and B fixed, only W trained")
    return fig


def draw(result) -> dict:
    """'width' and 'digits': loss, movement and flips against channels; 'depth': loss per L."""
    cfg, meas = result["config"], result["measurements"]
    C, H, W = cfg["image"]
    a, b = cfg["digit_classes"]
    figs = {"width": _width_figure(cfg, meas["random"], f"n = {cfg['n']} random {C}×{H}×{W} images, Gaussian targets"),
            "digits": _width_figure(cfg, meas["digits"], f"n = {cfg['digit_n']} digit images 1×8×8 ({a} → +1, {b} → −1)")}

    fig, ax = figure(width=6.0, height=4.2)
    for j, L in enumerate(cfg["depths"]):
        r = meas["depths"][str(L)]
        ax.semilogy(r["steps"], r["loss"], color=f"C{j}", label=f"L = {L} (F_T/F_0 = {r['reduction']:.0e})")
    ax.set_xlabel(f"steps t (time = η × steps; η·m·λ_max(Θ_0/m) = {cfg['lr_scale']:g})")
    ax.set_ylabel("loss F(W_t) (sum over samples)")
    ax.set_title(f"§5 CNN (reconstruction), random images, m = {cfg['depth_width']} channels: every depth "
                 f"reaches F_T/F_0 ≤ {meas['worst_depth_reduction']:.0e}")
    ax.legend(loc="lower left")
    figs["depth"] = fig
    return figs


# %%
if kit.interactive():
    kit.show(sys.modules[__name__], result, "width", "digits")

# %% [markdown]
# **Predict, then run.** The deepest CNN (L = 8) has only 16 channels, so L/m = ½: far from the
# paper's m ≫ L. Will it still reduce the loss 10× in 80 steps?

# %%
if kit.interactive():
    kit.show(sys.modules[__name__], result, "depth")
    print({L: f"{r['reduction']:.1e}" for L, r in result["measurements"]["depths"].items()})

# %% [markdown]
# *Answer.* Yes, by far (the printed F_T/F_0 for L = 8; over seeds 0–19 the worst depth's median
# is about 10⁻⁴·⁷). But its curve is not a straight line: it starts slowly and speeds up — the
# least wide network for its depth is the least lazy (finite-width effects grow with L/m,
# paper.md §9.9, lesson 5), and its kernel changes while it trains. Which depth is slowest changes
# from seed to seed, because η is set from each network's own kernel at init.

# %% [markdown]
# ## Reading the verdict
#
# - *Decay*: on random images, nearly straight lines on the log axis for every channel count: the
#   CNN is also in the regime where gradient descent behaves like kernel gradient descent. The
#   rates differ more between widths than for the MLP because η is set from each network's own
#   finite-width kernel, which fluctuates at a few channels.
# - *Digits* bend: a fast drop in the first few steps, then a slower straight-ish decline. Kernel GD
#   explains it: ±1 labels of two classes lie mostly on the kernel's top eigenvectors (lesson 15),
#   which are fitted at once; what is left sits on small eigenvalues — two images of the same digit
#   are close, and close inputs make small eigenvalues (lesson 14). So the digits' claim asks for a
#   10× reduction in 80 steps, where random images get 100× (the thresholds below).
# - *Lazy training*: relative Frobenius movement falls about like 1/m, as for the MLP (lesson 6);
#   the flip fraction falls more slowly. Narrow CNNs (8 channels) are the least lazy.
# - *Depth*: with the normalised step every depth trains; the deepest is the least wide for its depth.
#
# ## Where the thresholds come from
#
# Each band is set from the spread of its statistic over seeds 0–19 at the quick size (run
# `python -m lessons robustness 13 --seeds 0-19`), so that one check fails less than once in 2000
# (a normal tail beyond the stated number of spreads; "spread" = standard deviation over seeds):
#
# - *Decay, random images*: log10 of the worst F_T/F_0 has median −4.6; its slow side (the one
#   that matters) spreads 0.6 decades. 10⁻² is 4.3 spreads above the median: false alarm ≈ 1e-5.
# - *Decay, digits*: with one network per m the worst F_T/F_0 spread 0.6 decades around 10⁻³·⁴, too
#   close to 10⁻². The geometric mean of two networks per m spreads 0.3: 10⁻² is ≥ 4.5 spreads
#   above. So the quick size trains 2 nets per width on digits (`digit_nets`).
# - *Relative movement*: fitted slopes −1.04 (random, spread 0.095) and −1.06 (digits, spread
#   0.097) over seeds 0–49. The band −1.5 … −0.5 holds the MLP's −1 and is ≥ 4.5 spreads from
#   either median: ≈ 3e-5 for both edges and both data sets, allowing for tails.
# - *Flips*: slopes −0.46 (spread 0.10) and −0.53 (spread 0.14); "< 0" is ≥ 3.8 spreads: ≈ 1e-4.
# - *Depth*: log10 of the worst F_T/F_0 over L has median −4.7 and a slow-side spread of 0.8;
#   10⁻¹ is 4.6 spreads above (the L = 8 network, L/m = ½, is far from lazy): ≈ 1e-5.

# %% [markdown]
# ## The verdicts

# %%
if kit.interactive():
    kit.claims_table(result)

# %% [markdown]
# ## Outside a notebook
#
# `python lessons/lesson13_cnn.py` (or `python -m lessons run 13`) runs the quick size, prints the
# verdicts, and writes `lesson-output/lesson13.json` and the PNGs.

# %%
if __name__ == "__main__" and not kit.interactive():     # a script: run, save, print the verdicts
    kit.main(sys.modules[__name__])
