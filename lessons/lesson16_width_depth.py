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
# # Lesson 16 — The width × depth map: where gradient descent succeeds
#
# **What the paper states** (paper.md §2.1, §9.8). Theorem 1 asks for a width, a step and a number
# of steps that are all polynomial in the depth L. In the explicit form of the later arXiv
# versions [Restated: Basri et al. 2020]: m ≥ Ω(n^24 L^12 log^5 m / δ^8), η = Θ(δ/(n^4 L^2 m)),
# T = Θ(n^6 L^2/δ^2 · log(1/ε)). Read literally, a deeper network needs a wider one and more steps.
# These are sufficient conditions with astronomically pessimistic constants (paper.md §9.8).
#
# **What lesson 5 found** [ntkedu, measured]. With the *normalised* step η·m·λ_max(Θ̄_L) fixed,
# the infinite-width kernel Θ̄ gets better conditioned with depth, so kernel gradient descent gets
# *faster* with L; what grows with depth are the finite-width effects, which scale with L/m
# (paper.md §9.9). The two pull in opposite directions. This lesson draws the whole (m, L) plane at
# once, so you can see which one wins where.
#
# **What to look at.** For the paper's MLP and for its ResNet with τ = 1/√L (paper.md §4: as Zhang
# et al. 2019 restate it, the paper assumes a small τ of order 1/L; 1/√L is the sharp threshold
# Zhang et al. prove, lesson 12) we train `nets` networks in every cell of a grid of widths and
# depths, all with the same normalised step, and draw heat maps of
#
# 1. log10(F_T/F_0), the loss after T steps, with the contour F_T/F_0 = ε of where training succeeds;
# 2. the steps to reach ε·F_0;
# 3. the relative weight movement ‖W_T − W_0‖_F/‖W_0‖_F over all trained layers (the "distance"
#    probe of `ntkedu.probes`);
# 4. the fraction of hidden ReLUs whose sign flipped (the "flips" probe; layers 1..L, since A is
#    fixed and layer 0 never flips);
# 5. the relative movement of the tangent kernel ‖Θ_T − Θ_0‖_F/‖Θ_0‖_F (the "kernel_drift" probe).
#
# Setting: n = 20 unit inputs in d = 16 (paper.md §7.1, D0 with fewer samples), Gaussian targets,
# one output, A and B fixed, only W_1..W_L trained, full-batch GD on ½Σ(ŷ − y)² with
# η = lr_scale/(m·λ_max(Θ̄_L)), lr_scale = 1; Θ̄_L is the closed form for the MLP and a simulated
# infinite-width kernel for the ResNet (`ntk.analytic_resnet` with 2¹² units, λ_max to about 4 %).
# Time = η × steps.

# %%
from __future__ import annotations

import math
import sys

import matplotlib
import numpy as np

import ntkedu
from lessons import kit
from ntkedu import data, ntk
from ntkedu.measure import first_step_below
from ntkedu.plotting import figure
from ntkedu.probes import Distance, Flips, KernelDrift

NUMBER = 16
TITLE = "The width × depth map: where GD succeeds, and which lazy statistics grow with L/m"
CLAIM = ("At one normalised step the loss after T steps falls with the width at every depth; the "
         "tangent kernel and the gap to kernel GD grow with L/m, while each layer's weights move ∝ 1/(mL).")

SECONDS = {"quick": 4.3, "full": 21}   # one run on one core (TEACHING.md): the longest start first
SIZES = {
    "quick": dict(n=20, d=16, widths=[16, 32, 64, 128], depths=[1, 2, 4, 8, 16], steps=100,
                  lr_scale=1.0, eps=0.01, nets=3),
    "full": dict(n=20, d=16, widths=[16, 32, 64, 128, 256], depths=[1, 2, 4, 8, 16], steps=200,
                 lr_scale=1.0, eps=0.01, nets=3),
}
ARCHS = ("mlp", "resnet")
ARCH_NAMES = {"mlp": "MLP", "resnet": "ResNet, τ = 1/√L"}
RESNET_SAMPLES = 2**12      # simulated units for the ResNet's Θ̄: λ_max to about 4 %

# Claim bands. Each spread is the standard deviation over seeds 0-19 of the quick run (3 nets per
# cell); the designed false-alarm rate is the normal tail beyond the band's nearest edge.
MOVEMENT_L_EXPONENT = (-1.25, -0.75)   # predicted -1; measured -1.018, sd 0.046 (seeds 0-19) -> edges 5.0 sd away


# %% [markdown]
# ## Your settings
#
# Opened as a notebook, this lesson runs cell by cell: change these and run the cells below.
# `SIZE` is "quick" or "full"; `CHANGES` overrides single settings of that size, e.g.
# `{"steps": 200}` or `{"widths": [16, 64, 256]}` (the keys are those of `SIZES` above). The claims
# are designed and checked at the lesson's own sizes, for any seed; at other settings they are still
# computed, and a verdict may legitimately differ. The quick map takes about 6 s of one core.

# %%
SIZE, SEED = "quick", 0
CHANGES = {}


# %% [markdown]
# ## One cell of the map
#
# `train_cell` builds one network, starts the three probes at W_0 by hand, trains T steps, and lets
# the probes measure W_T once: they observe and never change the run (paper.md §3.5–3.7). Beside
# the network it computes what kernel GD with m·Θ̄ — the infinitely wide network — reaches from
# the same outputs u_0 in the same T steps.
#
# A run can die: at m = 16, L = 16 a step may switch off every ReLU of a layer for every sample
# (about one network in 50 in the quick grid). `ntkedu.train` stops such a run and says so; its loss
# stays where it is (so F_T is exact), but its weight movement and flips describe a dead network,
# so the cell's movement, flips and kernel drift are medians over the living networks only, and
# the map marks the cell.

# %%
def build(arch, d, m, L, rng):
    """The paper's MLP, or its ResNet with τ = 1/√L (paper.md §4)."""
    if arch == "mlp":
        return ntkedu.MLP(d, m, L, rng=rng)
    return ntkedu.ResNet(d, m, L, tau=L ** -0.5, rng=rng)


def limit_kernel(arch, X, L, seq):
    """Θ̄ for this depth: closed form (MLP, paper.md §6.2) or the seeded infinite-width simulation (ResNet, §6.3)."""
    if arch == "mlp":
        return ntk.analytic(X, L)
    return ntk.analytic_resnet(X, L, L ** -0.5, samples=RESNET_SAMPLES, seed=np.random.default_rng(seq))


def train_cell(arch, X, Y, m, L, Kbar, lam_max, cfg, seq) -> dict:
    """Train one network of width m and depth L with η = lr_scale/(m·λ_max(Θ̄)); measure it at T.

    Returns log10(F_T/F_0), the steps to ε·F_0 (None if not reached), the relative movement
    ‖W_T − W_0‖_F/‖W_0‖_F, the flipped fraction of layers 1..L, ‖Θ_T − Θ_0‖_F/‖Θ_0‖_F, kernel GD's
    log10(F_T/F_0) from the same u_0, and the run's diverged/stalled messages.
    """
    T = cfg["steps"]
    net = build(arch, X.shape[1], m, L, np.random.default_rng(seq))
    out, cache = net.forward(X)
    probes = [Distance(n_iter=2), Flips(), KernelDrift()]     # only Frobenius norms are used here
    for p in probes:
        p.start(net, X, Y, out, cache)
    u0 = out[:, 0].copy()
    lr = cfg["lr_scale"] / (m * lam_max)
    hist = ntkedu.train(net, X, Y, steps=T, lr=lr)
    kernel = ntk.kernel_gd_prediction(Kbar, u0, Y, lr * m, [0, T]).loss
    row = {"diverged": hist.diverged, "stalled": hist.stalled,
           "kernel_log_ratio": float(np.log10(kernel[-1] / kernel[0]))}
    if hist.diverged is not None:             # no F_T to speak of: reported, never fitted
        return {**row, "log_ratio": float("nan"), "steps_to_eps": None, "movement": float("nan"),
                "flips": float("nan"), "kernel_drift": float("nan")}
    loss = np.asarray(hist.loss)
    out, cache = net.forward(X)
    dist, flips, drift = (p.measure(T, net, X, Y, out, cache, None, loss[-1]) for p in probes)
    return {**row, "log_ratio": float(np.log10(loss[-1] / loss[0])),   # a stalled run keeps its last loss
            "steps_to_eps": first_step_below(loss, cfg["eps"]),
            "movement": dist["total_frobenius"] / np.sqrt(sum(f * f for f in probes[0].fro0.values())),
            "flips": float(np.mean(flips["fraction"][1:])),
            "kernel_drift": drift["drift"]}


# %% [markdown]
# ## From cells to maps
#
# A cell's loss is the mean over its networks of log10(F_T/F_0) (a geometric mean of the ratio);
# its steps to ε the median (∞ when most networks never got there); movement, flips and kernel
# drift the median over living networks. The helpers below turn the maps into the lesson's numbers:
#
# - `width_slopes`: along each depth, the least-squares slope of log10(F_T/F_0) against log2 m
#   (decades of loss per doubling of the width);
# - `power_fit`: exponents a, b of a quantity ∝ m^a L^b, fitted over the whole grid;
# - `ratio_slope`: the slope of a quantity against log(L/m) over the whole grid;
# - `boundary`: where along each depth the fitted line of claim 1 crosses log10 ε, i.e. the width
#   m*(L) that training needs to succeed in T steps (beyond the grid it is an extrapolation).

# %%
def cell_table(cells, widths, depths, key, how="mean") -> np.ndarray:
    """(len(depths), len(widths)) array of ``key`` reduced over each cell's networks.

    how : "mean" over finite values; "median" over living (not stalled, not diverged) networks;
    "steps" the median with None as ∞ (∞ when more than half never reached ε).
    """
    table = np.full((len(depths), len(widths)), np.nan)
    for i, L in enumerate(depths):
        for j, m in enumerate(widths):
            runs = cells[f"{m},{L}"]
            if how == "steps":
                v = [np.inf if r[key] is None else r[key] for r in runs if r["diverged"] is None]
                table[i, j] = np.median(v) if v else np.nan
                continue
            if how == "median":
                runs = [r for r in runs if r["diverged"] is None and r["stalled"] is None]
            v = [r[key] for r in runs if r[key] is not None and np.isfinite(r[key])]
            if v:
                table[i, j] = np.mean(v) if how == "mean" else np.median(v)
    return table


def width_slopes(table, widths) -> list:
    """Per depth (row), the least-squares slope of the row against log2(width); nan cells left out."""
    x = np.log2(np.asarray(widths, float))
    slopes = []
    for row in np.asarray(table, float):
        ok = np.isfinite(row)
        slopes.append(float(np.polyfit(x[ok], row[ok], 1)[0]) if ok.sum() >= 2 else float("nan"))
    return slopes


def _grid(widths, depths):
    M, L = np.meshgrid(np.asarray(widths, float), np.asarray(depths, float))
    return M.ravel(), L.ravel()


def power_fit(table, widths, depths) -> tuple:
    """Exponents (a, b) of table ≈ c·m^a·L^b, least squares on the logs of the finite positive cells."""
    m, L = _grid(widths, depths)
    v = np.asarray(table, float).ravel()
    ok = np.isfinite(v) & (v > 0)
    A = np.column_stack([np.log(m[ok]), np.log(L[ok]), np.ones(ok.sum())])
    a, b, _ = np.linalg.lstsq(A, np.log(v[ok]), rcond=None)[0]
    return float(a), float(b)


def ratio_slope(table, widths, depths, *, log_values=True) -> float:
    """Slope of log(table) (or of the table itself) against log(L/m), over the finite cells."""
    m, L = _grid(widths, depths)
    v = np.asarray(table, float).ravel()
    ok = np.isfinite(v) & ((v > 0) if log_values else True)
    y = np.log(v[ok]) if log_values else v[ok]
    return float(np.polyfit(np.log(L[ok] / m[ok]), y, 1)[0])


def boundary(table, widths, log_eps) -> list:
    """Per depth, log2 of the width where the row's least-squares line in log2 m crosses ``log_eps``.

    nan when the row does not fall with m (no crossing ahead). Values outside
    [log2 widths[0], log2 widths[-1]] are extrapolations.
    """
    x = np.log2(np.asarray(widths, float))
    out = []
    for row in np.asarray(table, float):
        ok = np.isfinite(row)
        if ok.sum() < 2:
            out.append(float("nan"))
            continue
        slope, intercept = np.polyfit(x[ok], row[ok], 1)
        out.append(float((log_eps - intercept) / slope) if slope < 0 else float("nan"))
    return out


# %% [markdown]
# ## The experiment
#
# One data set per seed (stream "data"). For every architecture, depth and width, `nets` networks,
# network j of width m and depth L drawing from the stream keyed ("width", m, "depth", L, "net", j)
# under the architecture's stream: adding a width or a depth changes no other cell.

# %%
def sweep(arch, X, Y, cfg, seed, tick=None) -> dict:
    """Every (width, depth) cell of one architecture, ``nets`` networks each, plus the cell tables."""
    widths, depths = cfg["widths"], cfg["depths"]
    arch_seq = kit.stream(seed, arch)
    cells, lam = {}, []
    for L in depths:
        Kbar = limit_kernel(arch, X, L, kit.child(arch_seq, "kernel", "depth", L))
        lam_max = float(np.linalg.eigvalsh(Kbar)[-1])
        lam.append(lam_max)
        for m in widths:
            cells[f"{m},{L}"] = [train_cell(arch, X, Y, m, L, Kbar, lam_max, cfg,
                                            kit.child(arch_seq, "width", m, "depth", L, "net", j))
                                 for j in range(cfg["nets"])]
            if tick is not None:
                tick(arch=arch, width=m, depth=L)
    tables = {"log_ratio": cell_table(cells, widths, depths, "log_ratio"),
              "kernel_log_ratio": cell_table(cells, widths, depths, "kernel_log_ratio"),
              "steps_to_eps": cell_table(cells, widths, depths, "steps_to_eps", "steps"),
              "movement": cell_table(cells, widths, depths, "movement", "median"),
              "flips": cell_table(cells, widths, depths, "flips", "median"),
              "kernel_drift": cell_table(cells, widths, depths, "kernel_drift", "median")}
    dead = {k: sum(r["stalled"] is not None or r["diverged"] is not None for r in v) for k, v in cells.items()}
    slopes = width_slopes(tables["log_ratio"], widths)
    excess = tables["log_ratio"] - tables["kernel_log_ratio"]          # decades above kernel GD
    return {"cells": cells, "tables": tables, "lambda_max": lam,
            "dead": {k: v for k, v in dead.items() if v},
            "width_slopes": slopes, "mean_width_slope": float(np.mean(slopes)),
            "movement_exponents": power_fit(tables["movement"], widths, depths),
            "flips_exponents": power_fit(tables["flips"], widths, depths),
            "drift_exponents": power_fit(tables["kernel_drift"], widths, depths),
            "drift_ratio_slope": ratio_slope(tables["kernel_drift"], widths, depths),
            "movement_ratio_slope": ratio_slope(tables["movement"], widths, depths),
            "excess_ratio_slope": ratio_slope(excess, widths, depths, log_values=False) * np.log(2),
            "kernel_depth_gain": float(np.mean(tables["kernel_log_ratio"][-1] - tables["kernel_log_ratio"][0])),
            "boundary_log2": boundary(tables["log_ratio"], widths, np.log10(cfg["eps"]))}


def run(size="quick", seed=0, progress=None, **changes) -> dict:
    """The (width × depth) map for the MLP and the ResNet with τ = 1/√L, and the lesson's claims."""
    cfg = kit.settings(SIZES, size, changes)
    rng = np.random.default_rng(kit.stream(seed, "data"))
    X = data.unit_inputs(cfg["n"], cfg["d"], rng=rng)
    Y = data.regression_targets(cfg["n"], rng=rng)
    tick = kit.ticker(progress, len(ARCHS) * len(cfg["widths"]) * len(cfg["depths"]))
    maps = {arch: sweep(arch, X, Y, cfg, seed, tick) for arch in ARCHS}
    return {"config": {**cfg, "parameterisation": "standard/He; A, B fixed; only W_1..W_L trained",
                       "step_size": "η = lr_scale/(m·λ_max(Θ̄_L)) per depth; time = η × steps",
                       "resnet_tau": "1/√L", "resnet_kernel_samples": RESNET_SAMPLES},
            "measurements": {"maps": maps}, "claims": claims_of(maps, cfg)}


# %% [markdown]
# ## The claims, and where their thresholds come from
#
# Each measured statistic below was computed on seeds 0–19 of the quick run (3 networks per cell);
# `DESIGN` keeps its mean and standard deviation over those seeds. The designed false-alarm rate
# of a claim is the normal tail beyond the threshold's distance from that mean, in units of that
# spread (3.7 σ or more for every claim, i.e. at most about 1 in 8000 per check; 50 seeds are checked by
# `python -m lessons robustness 16`).
#
# - **Claim 1. MLP, loss falls with width at every depth.** The *largest* over depths of the slope of
#    log10(F_T/F_0) against log2 m is negative. One network per cell was not enough: the slope at a
#    single depth has a spread of 0.15–0.2 decades per doubling between networks, so each cell
#    averages 3 networks, and the worst depth of five is what is checked.
# - **Claim 2. ResNet, loss falls with width.** Its slopes are half as steep and as noisy, so at the quick
#    size only the slope *averaged over the depths* is claimed; the per-depth slopes are reported.
# - **Claims 3 (MLP) and 4 (ResNet). The tangent kernel moves more where L/m is larger.** Slope of
#    log ‖Θ_T − Θ_0‖_F/‖Θ_0‖_F (median per cell) against log(L/m) over the grid is positive. This is
#    the lazy-training statistic that grows with L/m (Hanin & Nica 2019 find the NTK's change in
#    training of relative order L/m (unchecked)).
# - **Claim 5. Each layer's weights move less with depth.** ‖W_T − W_0‖_F/‖W_0‖_F ∝ m^a L^b with b ≈ −1
#    [ntkedu]: the normalised step η = 1/(m λ_max(Θ̄_L)) falls like 1/L because λ_max(Θ̄_L) grows
#    like L (its diagonal is L/2, paper.md §6.2), and the fit needs ‖ΔW‖_F² ≈ rᵀ(mΘ̄)^{−1}r ∝ 1/(mL)
#    spread over L layers of norm √(2m) each, so the relative movement is ∝ 1/(mL) — it does *not*
#    grow with L/m. Band ±0.25 around −1.
# - **Claim 6. The network's gap to kernel GD grows with L/m (MLP).** log10(F_T/F_0) of the network minus
#    that of kernel GD from the same u_0, in decades, rises with log2(L/m).
# - **Claim 7. Kernel GD itself gets faster with depth (MLP).** Its log10(F_T/F_0) at the deepest depth
#    minus at L = 1, averaged over the widths' u_0, is negative (lesson 5, paper.md §6.2).
#
# Claims 6 and 7 are the two sides of the tug-of-war. Where the success boundary ends up is
# *reported*, not claimed: over seeds 0–19 its direction between L = 1 and L = 16 was not stable
# enough for a claim at 1 in 2000 (see "Who wins?"). The spreads are those of the quick size; the
# full size (T = 200, widths to 256) is checked on seeds 0–4 with the same thresholds.

# %%
DESIGN = {   # statistic: (mean, sd) over seeds 0-19 of the quick run, 3 nets per cell
    "mlp_max_width_slope": (-0.297, 0.081),        # 3.7 sd from 0
    "resnet_mean_width_slope": (-0.280, 0.066),    # 4.2 sd
    "mlp_drift_ratio_slope": (0.689, 0.103),       # 6.7 sd
    "resnet_drift_ratio_slope": (0.297, 0.056),    # 5.3 sd
    "mlp_movement_L_exponent": (-1.018, 0.046),    # band edges 5.0 and 5.8 sd away
    "mlp_excess_ratio_slope": (0.965, 0.046),      # 21 sd
    "mlp_kernel_depth_gain": (-5.02, 0.070),       # 72 sd
}


def normal_tail(z: float) -> float:
    """P(N(0, 1) > z): the chance a normal statistic lies z spreads beyond its mean."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def false_alarm(name, lo=-np.inf, hi=np.inf) -> float:
    """Designed false-alarm rate of "lo < statistic < hi" from DESIGN's mean and spread."""
    mean, sd = DESIGN[name]
    return normal_tail((mean - lo) / sd) + normal_tail((hi - mean) / sd)


def claims_of(maps, cfg) -> list:
    mlp, res = maps["mlp"], maps["resnet"]
    depths = cfg["depths"]
    worst = max(mlp["width_slopes"])
    b = mlp["movement_exponents"][1]
    lo, hi = MOVEMENT_L_EXPONENT
    gain = mlp["kernel_depth_gain"]
    return [
        kit.claim(f"MLP: along every depth L ∈ {depths}, log10(F_T/F_0) after T = {cfg['steps']} steps falls "
                  f"as m grows: largest slope over depths (decades per doubling of m, {cfg['nets']} nets per cell)",
                  worst, "< 0", worst < 0, false_alarm=false_alarm("mlp_max_width_slope", hi=0)),
        kit.claim("ResNet τ = 1/√L: log10(F_T/F_0) falls as m grows: slope per doubling of m, averaged over the depths",
                  res["mean_width_slope"], "< 0", res["mean_width_slope"] < 0,
                  false_alarm=false_alarm("resnet_mean_width_slope", hi=0)),
        kit.claim("MLP: the tangent kernel moves more where L/m is larger: log-log slope of ‖Θ_T − Θ_0‖_F/‖Θ_0‖_F "
                  "against L/m", mlp["drift_ratio_slope"], "> 0", mlp["drift_ratio_slope"] > 0,
                  false_alarm=false_alarm("mlp_drift_ratio_slope", lo=0)),
        kit.claim("ResNet τ = 1/√L: log-log slope of ‖Θ_T − Θ_0‖_F/‖Θ_0‖_F against L/m (it grows as m "
                  "shrinks; its own exponent in L is near 0)",
                  res["drift_ratio_slope"], "> 0", res["drift_ratio_slope"] > 0,
                  false_alarm=false_alarm("resnet_drift_ratio_slope", lo=0)),
        kit.claim("MLP: relative weight movement ‖W_T − W_0‖_F/‖W_0‖_F ∝ m^a L^b falls with depth "
                  "(normalised η ∝ 1/L): fitted exponent b", b,
                  f"between {lo} and {hi} (predicted −1)", lo < b < hi,
                  false_alarm=false_alarm("mlp_movement_L_exponent", lo, hi)),
        kit.claim("MLP: the network's gap to kernel GD, log10(F_T/F_0) − log10(F_T/F_0)_kernel, grows with L/m: "
                  "decades per doubling of L/m", mlp["excess_ratio_slope"], "> 0", mlp["excess_ratio_slope"] > 0,
                  false_alarm=false_alarm("mlp_excess_ratio_slope", lo=0)),
        kit.claim(f"MLP: kernel GD with m·Θ̄ gets faster with depth: its log10(F_T/F_0) at L = {depths[-1]} "
                  f"minus at L = {depths[0]}", gain, "< 0", gain < 0,
                  false_alarm=false_alarm("mlp_kernel_depth_gain", hi=0)),
    ]



# %% [markdown]
# ## Run it
#
# **Predict, then run.** At L = 16 and the same normalised step, which trains further in T = 100
# steps: a network of width 16 or one of width 128? And at width 128, which is further along: depth
# 1 or depth 16?

# %%
if kit.interactive():
    result = kit.run_here(sys.modules[__name__], SIZE, SEED, **CHANGES)
    _m = result["measurements"]["maps"]["mlp"]
    print("MLP mean log10(F_T/F_0); rows L =", result["config"]["depths"], ", columns m =", result["config"]["widths"])
    print(np.round(np.asarray(_m["tables"]["log_ratio"], float), 2))

# %% [markdown]
# *Answer.* Width wins along every row: at L = 16 the quick run's width-16 networks lose only a
# factor 1.5–3 of their loss (log10 between −0.2 and −0.5) while width 128 loses two and a half to
# three decades; the slope is about −0.3 to −0.7 decades per doubling of m (claim 1; seeds 0–19
# averaged −0.36 and −2.54 for these two cells). At width 128, depth 16 is *further* along than
# depth 1 (about −2.5 to −3.2 against −1.6 to −1.8 decades): the infinitely wide kernel of a
# deep net is better conditioned, so with the step normalised by λ_max(Θ̄_L) it trains faster
# (lesson 5). At width 16 the order reverses: there L/m = 1 and the finite-width effects win.

# %% [markdown]
# ## The maps
#
# One figure per architecture. Every heat map has the widths on the x axis and the depths on the
# y axis, one cell per (m, L), the cell's number written in it. The orange contour in the loss map
# is F_T/F_0 = ε: training succeeds in T steps to the right of it. Grey cells in the steps map never
# reached ε in T steps (in most of their networks). A cell marked † lost a network (all ReLUs of a
# layer switched off, so training stopped); its loss is kept, its movement, flips and kernel drift
# come from the living networks. The sixth panel draws the loss rows as lines against m, with the
# slopes of claim 1.

# %%
def _heat(ax, fig, table, widths, depths, *, cbar, fmt, log=False, cmap="viridis", bad_text="", marks=()):
    """One heat map: widths across, depths up, each cell's number written in it."""
    values = np.asarray(table, float)
    shown = np.log10(values) if log else values
    colours = matplotlib.colormaps[cmap].with_extremes(bad="0.8")    # grey where a cell has no value
    image = ax.imshow(np.ma.masked_invalid(shown), origin="lower", aspect="auto", cmap=colours)
    bar = fig.colorbar(image, ax=ax, shrink=0.9)
    bar.set_label(cbar)
    finite = shown[np.isfinite(shown)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (0, 1)
    for i in range(len(depths)):
        for j in range(len(widths)):
            v = values[i, j]
            text = bad_text if not np.isfinite(v) else fmt(v)
            text += "†" if (i, j) in marks else ""
            dark = np.isfinite(shown[i, j]) and (shown[i, j] - lo) < 0.6 * (hi - lo)
            ax.text(j, i, text, ha="center", va="center", fontsize=10, color="white" if dark else "black")
    ax.set_xticks(range(len(widths)), labels=[str(m) for m in widths])
    ax.set_yticks(range(len(depths)), labels=[str(L) for L in depths])
    ax.set_xlabel("width m")
    ax.set_ylabel("depth L")
    return image


def _law(a, b) -> str:
    """'∝ m^a L^b' in mathtext, with the fitted exponents."""
    return f"$\\propto m^{{{a:.2f}}} L^{{{b:.2f}}}$"


def _trend(exponent, name) -> str:
    """What a fitted exponent says, in words (within ±0.15 of 0 counts as flat)."""
    return f"grows with {name}" if exponent > 0.15 else f"falls with {name}" if exponent < -0.15 else f"about flat in {name}"


def _map_figure(arch, meas, cfg):
    widths, depths, T, eps = cfg["widths"], cfg["depths"], cfg["steps"], cfg["eps"]
    tables = {k: np.asarray(v, float) for k, v in meas["tables"].items()}
    marks = {(depths.index(int(k.split(",")[1])), widths.index(int(k.split(",")[0]))) for k in meas["dead"]}
    a, b = meas["movement_exponents"]
    fa, fb = meas["flips_exponents"]
    da, db = meas["drift_exponents"]
    fig, axes = figure(ncols=3, nrows=2, width=5.6, height=4.4)

    ax = axes[0, 0]
    _heat(ax, fig, tables["log_ratio"], widths, depths, cbar="log10(F_T / F_0)  (decades)",
          fmt=lambda v: f"{v:.1f}", marks=marks)
    if np.nanmin(tables["log_ratio"]) < np.log10(eps) < np.nanmax(tables["log_ratio"]):
        ax.contour(np.arange(len(widths)), np.arange(len(depths)), tables["log_ratio"],
                   levels=[np.log10(eps)], colors=["C4"], linewidths=3)
    wins = int(np.sum(tables["log_ratio"] <= np.log10(eps)))
    ax.set_title(f"loss after T = {T} steps\norange contour: F_T/F_0 = {eps:g} ({wins}/{tables['log_ratio'].size} cells below)")

    ax = axes[0, 1]
    steps = np.where(np.isfinite(tables["steps_to_eps"]), tables["steps_to_eps"], np.nan)
    _heat(ax, fig, steps, widths, depths, cbar=f"steps to F ≤ {eps:g}·F_0", fmt=lambda v: f"{v:.0f}",
          bad_text=f"> {T}", marks=marks)
    ax.set_title(f"steps to ε\n(grey: not within {T})")

    ax = axes[0, 2]
    for k, (L, row, slope) in enumerate(zip(depths, tables["log_ratio"], meas["width_slopes"])):
        ax.semilogx(widths, row, marker="os^vD"[k % 5], color=f"C{k}", label=f"L = {L}: {slope:+.2f}")
    ax.axhline(np.log10(eps), color="k", linestyle=":", linewidth=1)
    ax.text(widths[0], np.log10(eps), f" ε = {eps:g}", va="bottom", fontsize=10)
    ax.set_xticks(widths, labels=[str(m) for m in widths])
    ax.minorticks_off()
    ax.set_xlabel("width m")
    ax.set_ylabel("log10(F_T / F_0)")
    worst = max(meas["width_slopes"])
    if arch == "mlp" and worst < 0:
        ax.set_title(f"loss falls with m at every depth (mean of {cfg['nets']} nets)")
    else:                       # the ResNet's claim is the depth average (claim 2)
        ax.set_title(f"loss falls with m: {meas['mean_width_slope']:+.2f}/doubling, averaged over L")
    ax.legend(loc="lower left", fontsize=10, title="slope per doubling of m", title_fontsize=10)

    _heat(axes[1, 0], fig, tables["movement"], widths, depths, log=True,
          cbar="log10 ‖W_T − W_0‖_F / ‖W_0‖_F", fmt=lambda v: f"{v:.3f}", marks=marks)
    axes[1, 0].set_title(f"weight movement {_law(a, b)}: " + _trend(b, "L"))
    _heat(axes[1, 1], fig, tables["flips"], widths, depths, cbar="fraction of ReLUs flipped (layers 1..L)",
          fmt=lambda v: f"{v:.2f}", marks=marks)
    axes[1, 1].set_title(f"flipped ReLUs {_law(fa, fb)}: " + _trend(fb, "L"))
    _heat(axes[1, 2], fig, tables["kernel_drift"], widths, depths, log=True,
          cbar="log10 ‖Θ_T − Θ_0‖_F / ‖Θ_0‖_F", fmt=lambda v: f"{v:.2f}", marks=marks)
    axes[1, 2].set_title(f"kernel drift {_law(da, db)}: " + ("grows with L/m" if da < -0.15 and db > 0.15 else _trend(db, "L")))
    fig.suptitle(f"{ARCH_NAMES[arch]}: n = {cfg['n']}, d = {cfg['d']}, η·m·λ_max(Θ̄_L) = {cfg['lr_scale']:g}, "
                 f"{cfg['nets']} networks per cell (time = η × steps)")
    return fig


# %% [markdown]
# The second figure sets the two sides of the tug-of-war side by side, for the MLP: on the left
# the gap between the network and kernel GD from the same u_0 (in decades of loss) against L/m —
# the finite-width side; in the middle kernel GD's own log10(F_T/F_0) against L — the infinite-width
# side; on the right the width m*(L) at which the fitted loss line of each depth crosses ε, for both
# architectures — who wins.

# %%
def _tug_figure(meas, cfg):
    widths, depths, eps, T = cfg["widths"], cfg["depths"], cfg["eps"], cfg["steps"]
    mlp, res = meas["mlp"], meas["resnet"]
    fig, axes = figure(ncols=3, width=5.6, height=4.6)
    M, L = np.meshgrid(np.asarray(widths, float), np.asarray(depths, float))

    ax = axes[0]
    gap = np.asarray(mlp["tables"]["log_ratio"], float) - np.asarray(mlp["tables"]["kernel_log_ratio"], float)
    for k, Lk in enumerate(depths):
        ax.semilogx(L[k] / M[k], gap[k], marker="os^vD"[k % 5], linestyle="none", color=f"C{k}", label=f"L = {Lk}")
    ax.set_xlabel("L / m")
    ax.set_ylabel("network − kernel GD: log10(F_T/F_0)  (decades)")
    ax.set_title(f"MLP: the gap to kernel GD grows, {mlp['excess_ratio_slope']:+.2f} decades per doubling of L/m")
    ax.legend(loc="upper left", fontsize=10)

    ax = axes[1]
    kernel = np.asarray(mlp["tables"]["kernel_log_ratio"], float).mean(axis=1)
    network = np.asarray(mlp["tables"]["log_ratio"], float)[:, -1]
    ax.semilogx(depths, kernel, "s--", color="C0", label=f"kernel GD with m·{ntkedu.plotting.THETA_BAR}")
    ax.semilogx(depths, network, "o-", color="C1", label=f"network, m = {widths[-1]}")
    ax.set_xticks(depths, labels=[str(x) for x in depths])
    ax.minorticks_off()
    ax.set_xlabel("depth L")
    ax.set_ylabel(f"log10(F_T / F_0) after T = {T} steps")
    ax.set_title(f"MLP: kernel GD gains {-mlp['kernel_depth_gain']:.1f} decades from L = {depths[0]} to {depths[-1]}")
    ax.legend(loc="lower left", fontsize=10)

    ax = axes[2]
    for k, (arch, meas_a) in enumerate((("mlp", mlp), ("resnet", res))):
        m_star = 2.0 ** np.asarray(meas_a["boundary_log2"], float)
        ax.loglog(depths, m_star, "os"[k] + "-", color=f"C{k}", label=ARCH_NAMES[arch])
    ax.axhspan(widths[0], widths[-1], color="0.9", zorder=0)
    ax.set_xticks(depths, labels=[str(x) for x in depths])
    ax.minorticks_off()
    ax.set_xlabel("depth L   (grey: the widths trained; outside, m* is extrapolated)")
    ax.set_ylabel(f"width m* where F_T/F_0 = {eps:g} (fitted)")
    best = depths[int(np.nanargmin(mlp["boundary_log2"]))]
    ax.set_title(f"success boundary: the MLP needs the least width at L = {best}")
    ax.legend(loc="upper center", fontsize=10)
    fig.suptitle("Who wins: Θ̄'s better conditioning with depth, or the finite-width effects that grow with L/m")
    return fig


def draw(result) -> dict:
    """'map_mlp' and 'map_resnet': the five heat maps and the loss rows; 'tug_of_war': the two effects."""
    cfg, meas = result["config"], result["measurements"]["maps"]
    return {"map_mlp": _map_figure("mlp", meas["mlp"], cfg),
            "map_resnet": _map_figure("resnet", meas["resnet"], cfg),
            "tug_of_war": _tug_figure(meas, cfg)}


# %%
if kit.interactive():
    kit.show(sys.modules[__name__], result, "map_mlp")

# %% [markdown]
# **Predict, then run.** Lazy training says the weights barely move when the network is wide. At a
# fixed width, does the relative weight movement ‖W_T − W_0‖_F/‖W_0‖_F grow or shrink as the network
# gets deeper? And the tangent kernel's movement?

# %%
if kit.interactive():
    for _arch in ARCHS:
        _a = result["measurements"]["maps"][_arch]
        print(f"{ARCH_NAMES[_arch]}: movement ∝ m^{_a['movement_exponents'][0]:.2f} L^{_a['movement_exponents'][1]:.2f}, "
              f"kernel drift ∝ m^{_a['drift_exponents'][0]:.2f} L^{_a['drift_exponents'][1]:.2f}, "
              f"flips ∝ m^{_a['flips_exponents'][0]:.2f} L^{_a['flips_exponents'][1]:.2f}")

# %% [markdown]
# *Answer.* The weights move *less* with depth — for the MLP the fitted exponent is about −1 in L as
# in m (claim 5): the normalised step η = lr_scale/(m·λ_max(Θ̄_L)) shrinks like 1/L, and the fit is
# shared by L layers. So the weight-space statistic is *not* a function of L/m. The flipped fraction
# hardly depends on L (exponent near 0, and ≈ m^{−0.33}, as in lesson 6). Yet the tangent kernel
# moves *more* with depth (exponent ≈ +0.9 in L, ≈ −0.7 in m; claims 3, 4): many small per-layer
# changes compound through the L layers. "Lazy" is a statement about the kernel, and that is the one
# that gets less lazy as L/m grows. The ResNet with τ = 1/√L softens all of this (its kernel
# drift's exponent in L is 0.0–0.1); a plausible reading [ntkedu]: its identity paths keep the
# layers' small changes from compounding.

# %%
if kit.interactive():
    kit.show(sys.modules[__name__], result, "map_resnet")

# %% [markdown]
# ## Who wins?
#
# **Predict, then run.** Theorem 1's width grows like L^12; lesson 5 says deeper is not slower.
# Following the contour F_T/F_0 = ε of the MLP map from L = 1 up to L = 16: does the width needed
# to succeed in T steps grow, shrink, or do something else?

# %%
if kit.interactive():
    kit.show(sys.modules[__name__], result, "tug_of_war")
    for _arch in ARCHS:
        _b = 2.0 ** np.asarray(result["measurements"]["maps"][_arch]["boundary_log2"], float)
        print(f"{ARCH_NAMES[_arch]}: m*(L) =", ", ".join(f"L = {L}: {b:.0f}" for L, b in zip(result["config"]["depths"], _b)))

# %% [markdown]
# *Answer.* Something else. For the MLP the boundary first moves to *smaller* widths — over seeds
# 0–19 of the quick run m*(L) averaged about 256 (an extrapolation beyond the grid), 100, 57, 61 and
# 78 for L = 1, 2, 4, 8, 16 — and then creeps back up. From L = 1 to about 4 the better-conditioned
# kernel wins (kernel GD gains about 5 decades from L = 1 to 16 in the middle panel); beyond, the
# gap to kernel GD, which grows by about one decade per doubling of L/m (left panel), takes back
# more than the kernel gives. Neither Theorem 1's L^12 nor "deeper is never slower" describes it.
# The direction is a measurement, not a claim: between single seeds the boundary at L = 1 moves by a
# factor 2–3, and the ordering of neighbouring depths changes from seed to seed. The ResNet with
# τ = 1/√L behaves differently: its kernel does *not* get faster with depth (kernel GD's
# log10(F_T/F_0) rises by about 0.3 decades from L = 1 to 16, measured), so its boundary, mostly
# outside the quick grid at ε = 0.01, drifts to larger widths with depth.
#
# ## Reading the map
#
# - *Width.* Along every row, more width means lower loss at T: the finite-width network
#   approaches kernel GD with m·Θ̄ from above (claims 1, 2). That is Theorem 1's message, at widths
#   astronomically below its bound (paper.md §9.8 puts the bound near 10^46 for n = 40, L = 3).
# - *Depth.* At the normalised step the infinite-width kernel trains faster with depth (claim 7),
#   the finite-width gap grows with L/m (claim 6): the map's best region is a diagonal band, not a
#   corner.
# - *Laziness.* Weights move ∝ 1/(mL) and flips ∝ m^{−1/3} with little depth dependence, while the
#   kernel drift grows with L/m (claims 3–5): in deep nets the kernel regime needs L/m small, as
#   paper.md §9.9 says, even though each layer is lazier.
# - *A surprise in the kernel-drift map.* Where L/m ≥ 1/4 the kernel's relative change exceeds 1
#   (up to about 10 at m = 16, L = 8 in seed 0): the tangent kernel at T has little to do with the
#   one at initialisation, yet the loss still falls. That corner is feature learning, not kernel
#   GD, and its loss is the worst of its row (the left panel of the last figure).
# - *What is not shown.* T is fixed; with more steps every cell eventually succeeds (Theorem 1's
#   linear rate). The map is about the *rate* at one step budget.
#
# ## The verdicts

# %%
if kit.interactive():
    kit.claims_table(result)

# %% [markdown]
# ## Outside a notebook
#
# `python lessons/lesson16_width_depth.py` (or `python -m lessons run 16`) runs the quick size,
# prints the verdicts and writes `lesson-output/lesson16.json` and the three PNGs;
# `python -m lessons robustness 16 --seeds 0-49` checks the claims over 50 seeds.

# %%
if __name__ == "__main__" and not kit.interactive():     # a script: run, save, print the verdicts
    kit.main(sys.modules[__name__])
