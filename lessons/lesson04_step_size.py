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
# # Lesson 4 — Step size: why η must shrink like 1/m
#
# **What the paper states** (paper.md §1.3, §2.1, §2.3, claim C6). Theorem 1 takes the step size
# η = Θ(d_out·δ / (poly(n, L)·m)): **inversely proportional to the width**. The reason is the size
# of the gradient. In the paper's standard (He) parameterisation ‖∇_{W_ℓ}F_i‖_F ≈ √(m/d_out)·‖ŷ_i − y_i‖
# (§1.3) and Theorem 3's bounds on ‖∇F‖²/F both scale like m/d_out, so one step of a fixed size
# moves the outputs m times further in a net m times wider. Equivalently: the tangent kernel grows
# like m, Θ_m ≈ m·Θ̄ (§6.2), and kernel gradient descent u_{t+1} − y = (I − ηΘ)(u_t − y) is stable
# only while η·λ_max(Θ) < 2, i.e. while
#
#     η · m · λ_max(Θ̄) < 2.
#
# **What to look at.**
# 1. *Normalised* steps η = lr_scale/(m·λ_max(Θ̄)) with lr_scale ∈ {0.5, 1, 1.9, 2.2} train every
#    width alike.
# 2. A *fixed raw* η that trains a narrow net well blows up a wide one.
# 3. The largest step that still trains (found by a search from above) falls like 1/m: in raw η the
#    edges of the different widths are spread over a factor m_max/m_min, in units of η·m·λ_max(Θ̄)
#    they line up.
#
# **An honest surprise.** Kernel GD — the linearised network the theory analyses — diverges for
# any lr_scale > 2. The network itself survives well beyond: when its loss starts to grow along
# the top kernel direction, its kernel shrinks and the run comes back (the *catapult* of
# Lewkowycz et al. 2020, "The large learning rate phase of deep learning"). That is outside the
# lazy regime of the paper; the edge we measure (about 8–30 here) is where even that fails. It
# still sits at roughly the same η·m·λ_max(Θ̄) for every width, which is the point of this lesson.

# %%
from __future__ import annotations

import math
import sys

import numpy as np

import ntkedu
from lessons import kit
from ntkedu import data, ntk
from ntkedu.measure import loglog_slope
from ntkedu.plotting import figure

NUMBER = 4
TITLE = "Step size: η ∝ 1/m, the edge of stability at fixed η·m·λ_max(Θ̄)"
CLAIM = ("A fixed raw step that trains a narrow net blows up a wide one: the largest stable η falls "
         "like 1/m, so η·m·λ_max(Θ̄), not η, is what to hold fixed across widths.")

SIZES = {
    "quick": dict(n=40, d=16, depth=3, widths=[64, 128, 256, 512], lr_scales=[0.5, 1.0, 1.9, 2.2],
                  steps=40, raw_scale=4.0, edge_top=64.0, edge_steps=40),
    "full": dict(n=40, d=16, depth=3, widths=[64, 128, 256, 512, 1024, 2048],
                 lr_scales=[0.5, 1.0, 1.9, 2.2], steps=100, raw_scale=4.0, edge_top=128.0, edge_steps=40),
}
KERNEL_EDGE = 2.0                 # kernel GD is stable iff η·λ_max(Θ) < 2
# η_edge ∝ m^−1. Room: the trial steps form a √2 ladder (±1/6 in slope per rung over the 3 octaves of
# quick mode) and a narrow net's own λ_max(Θ_0)/m scatters by tens of percent around λ_max(Θ̄).
EDGE_SLOPE_RANGE = (-1.6, -0.4)
THETA_BAR = r"$\bar{\Theta}$"     # Θ̄ in figure text (matplotlib mathtext)


# %% [markdown]
# ## One run, and what "trains" means
#
# `ntkedu.train` stops a run as *diverged* when the loss is not finite or exceeds 10⁶·F(W_0)
# (`history.diverged` says where). We call a run **stable** when it did not diverge and ended
# below its initial loss, F(W_T) < F(W_0).

# %%
def _train(net0, X, Y, steps, *, lr=None, lr_scale=None, progress=None):
    hist = ntkedu.train(net0.copy(), X, Y, steps=steps, lr=lr, lr_scale=lr_scale, progress=progress)
    stable = hist.diverged is None and hist.loss[-1] < hist.loss[0]
    return {"lr": hist.lr, "steps": hist.steps, "loss": hist.loss, "diverged": hist.diverged,
            "final_ratio": hist.loss[-1] / hist.loss[0], "stable": bool(stable)}


def edge_of_stability(net0, X, Y, lam_max, cfg, progress=None):
    """Largest stable lr_scale on the ladder edge_top, edge_top/√2, edge_top/2, … down to 2.

    The search goes from large to small steps and stops at the first stable one, so it costs one
    full run plus a few runs that blow up within a handful of steps. Returns the stable lr_scale
    (None if even 2 failed), whether the top of the ladder was unstable (else the edge lies above
    it), and every trial.
    """
    m = net0.width
    n_rungs = int(round(2 * math.log2(cfg["edge_top"] / KERNEL_EDGE))) + 1
    trials = []
    for k in range(n_rungs):
        s = cfg["edge_top"] / math.sqrt(2) ** k
        r = _train(net0, X, Y, cfg["edge_steps"], lr=s / (m * lam_max), progress=progress)
        trials.append({"lr_scale": s, **{key: r[key] for key in ("lr", "final_ratio", "stable")},
                       "diverged": r["diverged"] is not None})
        if r["stable"]:
            return s, k > 0, trials
    return None, True, trials


# %% [markdown]
# ## The experiment
#
# One data set (paper.md §7, D0) and one initial network per width (its own child seed). For each
# width: (1) the normalised steps `lr_scales`; (2) one fixed raw step η₀, chosen as
# raw_scale/(m_min·λ_max(Θ̄)) — a safe normalised step for the narrowest width, and
# raw_scale·m/m_min for width m; (3) the edge search. Every run starts from the same W⁰ of its width.

# %%
def run(size="quick", seed=0, progress=None) -> dict:
    cfg = SIZES[kit.check_size(size)]
    widths = cfg["widths"]
    data_seq, width_seqs = kit.stream(seed, "data"), [kit.stream(seed, "width", m) for m in widths]
    rng = np.random.default_rng(data_seq)
    X = data.unit_inputs(cfg["n"], cfg["d"], rng=rng)
    Y = data.regression_targets(cfg["n"], rng=rng)
    Kbar = ntk.analytic(X, cfg["depth"])
    lam_max = float(ntk.eigen(Kbar).values[0])
    raw_lr = cfg["raw_scale"] / (widths[0] * lam_max)

    per_width = []
    for m, seq in zip(widths, width_seqs):
        if progress is not None:
            progress.label = f"lesson 04 (m = {m})"
        net0 = ntkedu.MLP(cfg["d"], m, cfg["depth"], rng=np.random.default_rng(seq))
        normalised = [{"lr_scale": s, **_train(net0, X, Y, cfg["steps"], lr_scale=s, progress=progress)}
                      for s in cfg["lr_scales"]]
        raw = _train(net0, X, Y, cfg["steps"], lr=raw_lr, progress=progress)
        edge, edge_found, trials = edge_of_stability(net0, X, Y, lam_max, cfg, progress)
        u0, _ = net0.forward(X)
        kernel = {s: ntk.kernel_gd_prediction(Kbar, u0, Y, s / lam_max, cfg["steps"]).loss.tolist()
                  for s in cfg["lr_scales"]}
        per_width.append({"width": m, "normalised": normalised, "raw": raw, "edge_lr_scale": edge,
                          "edge_found": edge_found, "edge_lr": None if edge is None else edge / (m * lam_max),
                          "edge_trials": trials, "kernel_loss": {str(s): v for s, v in kernel.items()}})

    # (1) every width trains at every normalised step up to 1.9
    safe = [r for w in per_width for r in w["normalised"] if r["lr_scale"] < KERNEL_EDGE]
    n_failed = sum(not r["stable"] for r in safe)
    # (2) the fixed raw step
    narrow, wide = per_width[0]["raw"], per_width[-1]["raw"]
    # (3) the edge against m
    edges_ok = all(w["edge_lr"] is not None and w["edge_found"] for w in per_width)
    edge_slope = loglog_slope(widths, [w["edge_lr"] for w in per_width]) if edges_ok else float("nan")
    # (4) just past kernel GD's edge
    past = [r for w in per_width for r in w["normalised"] if r["lr_scale"] > KERNEL_EDGE]
    past_worst = max(r["final_ratio"] if r["diverged"] is None else math.inf for r in past)
    kernel_past = min(w["kernel_loss"][str(s)][-1] / w["kernel_loss"][str(s)][0]
                      for w in per_width for s in cfg["lr_scales"] if s > KERNEL_EDGE)
    scales_safe = [s for s in cfg["lr_scales"] if s < KERNEL_EDGE]
    scales_past = [s for s in cfg["lr_scales"] if s > KERNEL_EDGE]

    claims = [
        kit.claim(f"normalised steps η·m·λ_max(Θ̄) ∈ {scales_safe} train every width m ∈ {widths}: "
                   "number of runs that diverged or ended above F(W_0)", n_failed, "= 0",
                   n_failed == 0),
        kit.claim(f"a fixed raw η₀ = {cfg['raw_scale']:g}/(m_min·λ_max(Θ̄)) trains the narrowest net "
                   f"(m = {widths[0]}): F(W_T)/F(W_0)", narrow["final_ratio"], "< 1 (and not diverged)",
                   narrow["stable"]),
        kit.claim(f"the same η₀ blows up the widest net (m = {widths[-1]}, where η₀·m·λ_max(Θ̄) = "
                   f"{cfg['raw_scale'] * widths[-1] / widths[0]:g}): history.diverged (1 = yes)",
                   float(wide["diverged"] is not None), "= 1", wide["diverged"] is not None),
        kit.claim("η ∝ 1/m: log-log slope of the largest stable raw step η_edge against m", edge_slope,
                   f"between {EDGE_SLOPE_RANGE[0]} and {EDGE_SLOPE_RANGE[1]} (theory −1; a fixed η "
                   "would give 0)",
                   bool(edges_ok and EDGE_SLOPE_RANGE[0] <= edge_slope <= EDGE_SLOPE_RANGE[1])),
        kit.claim(f"just past kernel GD's edge (η·m·λ_max(Θ̄) = {scales_past}) kernel GD with m·Θ̄ "
                   "grows, the network does not (catapult): largest F(W_T)/F(W_0) of the networks",
                   past_worst, f"< 1, while kernel GD's smallest F_T/F_0 is {kernel_past:.3g} (> 1)",
                   bool(past_worst < 1 and kernel_past > 1)),
    ]
    return {"config": {**cfg, "parameterisation": "standard/He; A, B fixed; only W_1..W_L trained",
                       "step_size": "η = lr_scale/(m·λ_max(Θ̄)); time = η × steps",
                       "stable": "not diverged (ntkedu.train) and F(W_T) < F(W_0)"},
            "measurements": {"lambda_max": lam_max, "raw_lr": raw_lr, "per_width": per_width,
                             "edge_slope": edge_slope, "n_failed_normalised": n_failed,
                             "worst_past_edge_ratio": past_worst, "kernel_past_edge_ratio": kernel_past},
            "claims": claims}


# %% [markdown]
# ## The figure
#
# Top left: the loss curves of the fixed raw step η₀ — the narrow nets train, the wide ones blow
# up. Top right: the normalised steps 1 and 2.2 for every width, next to kernel GD with m·Θ̄ at 2.2
# (dotted), which diverges while the networks do not. Bottom: every run of the edge search and of
# the normalised steps, F(W_T)/F(W_0) (a cross at the top when it diverged), against the raw η
# (left: the edges spread like 1/m; the title gives the fitted slope of η_edge against m) and
# against η·m·λ_max(Θ̄) (right: they line up).

# %%
def _all_trials(w):
    """(lr_scale, lr, final ratio or None if diverged) for every run of one width."""
    rows = [(r["lr_scale"], r["lr"], None if r["diverged"] is not None else r["final_ratio"])
            for r in w["normalised"]]
    rows += [(t["lr_scale"], t["lr"], None if t["diverged"] else t["final_ratio"]) for t in w["edge_trials"]]
    return sorted(rows, key=lambda row: row[0])


def draw(result) -> dict:
    cfg, meas = result["config"], result["measurements"]
    per_width = meas["per_width"]
    fig, axes = figure(ncols=2, nrows=2, width=6.2, height=4.1)
    top = 1e3                                          # where a diverged run is drawn

    ax = axes[0, 0]
    for k, w in enumerate(per_width):
        r = w["raw"]
        scale = r["lr"] * w["width"] * meas["lambda_max"]
        tag = "diverged" if r["diverged"] else f"F_T/F_0 = {r['final_ratio']:.2g}"
        ax.semilogy(r["steps"], np.asarray(r["loss"]) / r["loss"][0], color=f"C{k}",
                    label=f"m = {w['width']} (η₀·m·λ_max = {scale:g}): {tag}")
        if r["diverged"]:
            ax.plot(r["steps"][-1], r["loss"][-1] / r["loss"][0], "x", color=f"C{k}", ms=9, mew=2)
    ax.set_xlabel("steps t  (time = η₀ × steps)")
    ax.set_ylabel("loss F(W_t) / F(W_0)")
    ax.set_title(f"one fixed raw η₀ = {meas['raw_lr']:.3g} for every width")
    ax.legend(fontsize="x-small")

    ax = axes[0, 1]
    shown = {1.0: "-", cfg["lr_scales"][-1]: "-."}     # the default step, and one just past 2
    for k, w in enumerate(per_width):
        for r in w["normalised"]:
            if r["lr_scale"] in shown:
                ax.semilogy(r["steps"], np.asarray(r["loss"]) / r["loss"][0], color=f"C{k}",
                            linestyle=shown[r["lr_scale"]], linewidth=1.3)
        kl = np.asarray(w["kernel_loss"][str(cfg["lr_scales"][-1])])
        ax.semilogy(np.arange(len(kl)), np.minimum(kl / kl[0], top), color=f"C{k}", linestyle=":",
                    linewidth=1)
    for k, w in enumerate(per_width):
        ax.plot([], [], color=f"C{k}", label=f"m = {w['width']}")
    for s, ls in shown.items():
        ax.plot([], [], color="gray", linestyle=ls, label=f"network, η·m·λ_max({THETA_BAR}) = {s:g}")
    ax.plot([], [], color="gray", linestyle=":",
            label=f"kernel GD with m·{THETA_BAR} at {cfg['lr_scales'][-1]:g} (diverges)")
    ax.set_ylim(top=top)
    ax.set_xlabel(f"steps t  (time = η × steps, η = lr_scale/(m·λ_max({THETA_BAR})))")
    ax.set_ylabel("loss F(W_t) / F(W_0)")
    ax.set_title("normalised η: every width trains alike")
    ax.legend(fontsize="x-small", ncol=2)

    for col, (key, xlabel) in enumerate([(1, "raw step size η"),
                                         (0, f"normalised step η·m·λ_max({THETA_BAR})")]):
        ax = axes[1, col]
        for k, w in enumerate(per_width):
            rows = _all_trials(w)
            x = np.array([r[key] for r in rows])
            y = np.array([top if r[2] is None else r[2] for r in rows])
            ax.loglog(x, y, "-", color=f"C{k}", linewidth=0.8, alpha=0.6)
            ok = np.array([r[2] is not None for r in rows])
            ax.loglog(x[ok], y[ok], "o", color=f"C{k}", ms=4, label=f"m = {w['width']}")
            ax.loglog(x[~ok], y[~ok], "x", color=f"C{k}", ms=7, mew=1.5)
            edge = w["edge_lr"] if key == 1 else w["edge_lr_scale"]
            if edge is not None:
                ax.axvline(edge, color=f"C{k}", linestyle="--", linewidth=0.8)
        if key == 0:
            ax.axvline(KERNEL_EDGE, color="k", linestyle=":", label="kernel GD's edge (2)")
        ax.axhline(1.0, color="gray", linewidth=0.6)
        ax.plot([], [], "x", color="gray", label="diverged (drawn at 10³)")
        ax.plot([], [], "--", color="gray", label="largest stable step (edge)")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(f"F(W_T)/F(W_0) after {cfg['edge_steps']} steps")
        ax.legend(fontsize="xx-small", loc="upper left")
    axes[1, 0].set_title(f"in raw η the edges spread like 1/m (fitted slope {meas['edge_slope']:+.2f})")
    axes[1, 1].set_title("in normalised units they line up")

    fig.suptitle(f"Why η ∝ 1/m (C6; Theorems 1, 3) — n = {cfg['n']}, d = {cfg['d']}, L = {cfg['depth']}; "
                 "standard/He init, A and B fixed")
    return {"step_size": fig}


# %% [markdown]
# ## Reading the verdict
#
# - With η·m·λ_max(Θ̄) fixed, the function-space dynamics do not depend on m, so the same number
#   works for every width; with a fixed raw η, the effective step grows like m and a wide enough
#   net always leaves the stable range. That is the whole reason for Theorem 1's η ∝ 1/m.
# - The measured edge lies above kernel GD's 2: a finite ReLU net escapes a too-large step by
#   shrinking its kernel (catapult). This happens only once the loss grows, i.e. *outside* the
#   small ball around W⁰ in which the paper's analysis lives; at η·m·λ_max(Θ̄) ≤ 1.9 the run stays
#   in it. Either way the edge is a fixed number in units of η·m·λ_max(Θ̄), not a fixed η.
# - A finite net's own kernel differs from m·Θ̄ (λ_max(Θ_0)/m fluctuates by tens of percent at
#   m ≤ 256, shrinking like m^−½), so the edge in normalised units scatters a little from width to
#   width; the trend over a factor m_max/m_min in width is what the slope measures.

# %%
if __name__ == "__main__":
    kit.main(sys.modules[__name__])
