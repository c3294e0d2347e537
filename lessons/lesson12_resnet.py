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
# # Lesson 12 — ResNet: the residual scale τ must shrink like 1/√L (§4)
#
# **What the paper states** (paper.md §4, claim C15). The theory extends to the residual network
#
#     h_0 = φ(A x),   h_ℓ = φ(h_{ℓ−1} + τ · W_ℓ h_{ℓ−1}),  ℓ = 1..L,   ŷ = B h_L,
#
# with the same initialisation as the MLP (A, W_ℓ ~ N(0, 2/m), B ~ N(0, 1/d_out); A and B fixed,
# only W trained) and a fixed scale τ on the residual branch. The convergence theorems hold when
# τ ≤ 1/Ω(√L · log m) (recalled, not verified; a later paper, Zhang et al. 2019, proves the sharp
# threshold τ = O(1/√L)). The exponents of L in m, η and T for the ResNet are not known to us, so
# this lesson teaches the *threshold*, not a rate.
#
# **Why 1/√L — a two-line derivation.** Given h = h_{ℓ−1} ≥ 0 (it came out of a ReLU), each
# coordinate of the branch τ W_ℓ h is Gaussian with variance s² = 2τ²‖h‖²/m, independent of h. Write
# a = h_k ≥ 0 and z ~ N(0, s²) for one coordinate.
#
# - *Upper bound*: φ(a + z)² ≤ (a + z)², whose mean is a² + s². Summed over coordinates,
#   E‖h_ℓ‖² ≤ (1 + 2τ²) ‖h_{ℓ−1}‖², so ‖h_L‖² ≤ (1 + 2τ²)^L ‖h_0‖² ≤ e^{2τ²L} ‖h_0‖².
# - *Lower bound*: φ(a + z)² ≥ (a + z)² 1[z > 0], whose mean is a²/2 + 2as/√(2π) + s²/2 ≥ (a² + s²)/2.
#   Summed, E‖h_ℓ‖² ≥ (½ + τ²) ‖h_{ℓ−1}‖².
#
# So with τ = 1 the norm grows at least like (3/2)^{L/2} and at most like 3^{L/2}: **the forward
# pass explodes exponentially in L**, ln ‖h_L‖ rising by between ½ln(3/2) ≈ 0.20 and ½ln 3 ≈ 0.55
# per layer. With τ = 1/√L the upper bound is e^{2τ²L} = e²: ‖h_L‖ ≤ e·‖h_0‖ ≈ 2.7 for *every*
# depth — the forward pass stays O(1), and the network trains like the MLP. (With τ = 1/L it is
# even closer to 1.) A finite width m adds a random wobble: the cross term 2τ⟨h, W_ℓ h⟩ gives
# ‖h_ℓ‖² a relative standard deviation 2τ√(2/m) per layer, so over L layers ‖h_L‖ wobbles by a
# relative √(2Lτ²/m) = √(2/m) at τ = 1/√L (9% at m = 256) — the same for every input, since they
# share the weights. The claim below allows three of these standard deviations above e.
#
# **What to look at.** (1) ‖h_L‖ at initialisation against L on a log scale: a straight rising line
# for τ = 1 between its two bounds; flat lines for τ = 1/√L, τ = 1/L and the MLP. (2) Full-batch GD
# on the squared loss with the normalised step η = lr_scale/(m·λ_max(Θ̄)) — for the ResNet Θ̄ is
# `ntkedu.ntk.analytic_resnet`, a simulation of the infinitely wide ResNet — for the MLP and the
# ResNet with τ = 1/√L at several depths: both train at every depth; time = η × steps.

# %%
from __future__ import annotations

import sys

import numpy as np

import ntkedu
from lessons import kit
from ntkedu import data
from ntkedu.plotting import figure

NUMBER = 12
TITLE = "ResNet: τ = 1 explodes with depth, τ ≤ 1/√L trains (§4)"
CLAIM = ("At init ‖h_L‖ grows like e^{Θ(τ²L)}: exponentially in L for τ = 1, bounded by e for "
         "τ = 1/√L, which trains like the MLP at every depth.")

SIZES = {
    "quick": dict(n=20, d=16, init_width=256, init_depths=[1, 2, 3, 5, 10, 20, 30, 50],
                  width=128, depths=[2, 5, 10], steps=200, lr_scale=1.0),
    "full": dict(n=40, d=16, init_width=512, init_depths=[1, 2, 3, 5, 10, 20, 30, 50, 75, 100],
                 width=256, depths=[3, 10, 20, 50], steps=300, lr_scale=1.0),
}
TAU_RULES = {"τ = 1": lambda L: 1.0, "τ = 1/√L": lambda L: L ** -0.5, "τ = 1/L": lambda L: 1.0 / L}
MLP_NAME = "MLP (no skip)"
EXPLOSION_DEPTH = 10           # the brief's depth for "τ = 1 has exploded"
TRAIN_FACTOR = 0.1             # "trains": F(W_T) ≤ 0.1·F(W_0) within T steps


# %% [markdown]
# ## Part 1: the forward pass at initialisation
#
# For every depth L and every τ-rule, a fresh ResNet (and an MLP for comparison) sees the same
# inputs; we record the mean over inputs of ‖h_ℓ‖ / ‖h_0‖ for every layer ℓ. The last layer
# gives the curve against L; the deepest network also gives the profile against ℓ.

# %%
def norm_profile(net, X) -> list:
    """Mean over inputs of ‖h_{i,ℓ}‖ / ‖h_{i,0}‖ for ℓ = 0..L (one forward pass)."""
    _, cache = net.forward(X)
    h0 = np.linalg.norm(cache.h[0], axis=1)
    return [float(np.mean(np.linalg.norm(h, axis=1) / h0)) for h in cache.h]


def build(kind, d, m, L, rng):
    """The MLP, or the ResNet with τ from the named rule."""
    if kind == MLP_NAME:
        return ntkedu.MLP(d, m, L, rng=rng)
    return ntkedu.ResNet(d, m, L, tau=TAU_RULES[kind](L), rng=rng)


def _init_part(cfg, X, seed_seq):
    kinds = [*TAU_RULES, MLP_NAME]
    profiles = {k: {} for k in kinds}
    for L in cfg["init_depths"]:
        for kind in kinds:                                 # one stream per depth and network kind
            net = build(kind, cfg["d"], cfg["init_width"], L, np.random.default_rng(kit.child(seed_seq, L, kind)))
            profiles[kind][str(L)] = norm_profile(net, X)
    return {"depths": cfg["init_depths"],
            "last": {k: [profiles[k][str(L)][-1] for L in cfg["init_depths"]] for k in kinds},
            "deepest_profile": {k: profiles[k][str(cfg["init_depths"][-1])] for k in kinds}}


# %% [markdown]
# ## Part 2: training, MLP against ResNet with τ = 1/√L
#
# Same data, same width, the same normalised step size rule for both. `normalised_lr` computes η
# from the analytic kernel (MLP) or the simulated infinite-width ResNet kernel; we call it once
# per network to report η·m and time it, then pass η to `ntkedu.train`.

# %%
def _train_part(cfg, X, Y, seed_seq, progress):
    runs = {}
    for L in cfg["depths"]:
        for kind in (MLP_NAME, "τ = 1/√L"):                # one stream per depth and network kind
            net = build(kind, cfg["d"], cfg["width"], L, np.random.default_rng(kit.child(seed_seq, L, kind)))
            lr = ntkedu.training.normalised_lr(net, X, cfg["lr_scale"])
            if progress is not None:
                progress.label = f"lesson 12 ({kind}, L = {L})"
            hist = ntkedu.train(net, X, Y, steps=cfg["steps"], lr=lr, record_every=5, progress=progress)
            runs.setdefault(kind, {})[str(L)] = {
                "steps": hist.steps, "loss": hist.loss, "lr": lr, "lr_times_m": lr * cfg["width"],
                "tau": getattr(net, "tau", None), "reduction": hist.loss[-1] / hist.loss[0],
                "diverged": hist.diverged}
    return runs


def run(size="quick", seed=0, progress=None) -> dict:
    """‖h_L‖ at init against L for three τ-rules and the MLP; GD for MLP vs ResNet(τ = 1/√L)."""
    cfg = SIZES[kit.check_size(size)]
    inputs_seq, targets_seq, init_seq, train_seq = (kit.stream(seed, key) for key in ("inputs", "targets", "init", "train"))
    X = data.unit_inputs(cfg["n"], cfg["d"], rng=np.random.default_rng(inputs_seq))
    Y = data.regression_targets(cfg["n"], rng=np.random.default_rng(targets_seq))
    init = _init_part(cfg, X, init_seq)
    if progress is not None:
        progress.update(0, part="forward norms done")
    runs = _train_part(cfg, X, Y, train_seq, progress)

    depths = np.array(init["depths"], float)
    explode = init["last"]["τ = 1"]
    at_10 = explode[init["depths"].index(EXPLOSION_DEPTH)]
    low10 = 1.5 ** (EXPLOSION_DEPTH / 2)
    rate = float(np.polyfit(depths, np.log(explode), 1)[0])          # d ln‖h_L‖ / dL
    rate_lo, rate_hi = 0.5 * np.log(1.5), 0.5 * np.log(3.0)
    stable = max(init["last"]["τ = 1/√L"])
    stable_bound = np.e * (1 + 3 * np.sqrt(2 / cfg["init_width"]))     # e plus 3 finite-m wobbles
    worst = {k: max(r["reduction"] for r in runs[k].values()) for k in runs}
    claims = [
        kit.claim(f"τ = 1: ‖h_L‖/‖h_0‖ at init for L = {EXPLOSION_DEPTH}", at_10,
                   f">= (3/2)^(L/2) = {low10:.1f} (lower bound E‖h_ℓ‖² ≥ (½ + τ²)‖h_ℓ−1‖²)", at_10 >= low10),
        kit.claim(f"τ = 1: growth rate d ln‖h_L‖/dL fitted over L = {init['depths'][0]}..{init['depths'][-1]}",
                   rate, f"between ½ln(3/2) = {rate_lo:.3f} and ½ln3 = {rate_hi:.3f} (e^Θ(τ²L))",
                   rate_lo <= rate <= rate_hi),
        kit.claim(f"τ = 1/√L: largest ‖h_L‖/‖h_0‖ over L = {init['depths'][0]}..{init['depths'][-1]}", stable,
                   f"<= e·(1 + 3√(2/m)) = {stable_bound:.2f} (E‖h_L‖² ≤ e^(2τ²L)‖h_0‖², plus 3 finite-m wobbles)",
                   stable <= stable_bound),
        kit.claim(f"ResNet τ = 1/√L trains at every L ∈ {cfg['depths']}: largest F(W_T)/F(W_0) after "
                   f"{cfg['steps']} steps", worst["τ = 1/√L"], f"<= {TRAIN_FACTOR}",
                   worst["τ = 1/√L"] <= TRAIN_FACTOR),
        kit.claim(f"MLP trains at every L ∈ {cfg['depths']} with normalised η: largest F(W_T)/F(W_0)",
                   worst[MLP_NAME], f"<= {TRAIN_FACTOR}", worst[MLP_NAME] <= TRAIN_FACTOR),
    ]
    return {"config": {**cfg, "tau_rules": list(TAU_RULES), "d_out": 1,
                       "parameterisation": "standard/He; A, B fixed; only W trained",
                       "step_size": "η = lr_scale/(m·λ_max(Θ̄)); Θ̄ analytic (MLP) or simulated (ResNet)"},
            "measurements": {"init": init, "runs": runs, "explosion_rate": rate,
                             "explosion_rate_bounds": [rate_lo, rate_hi], "stable_bound": stable_bound},
            "claims": claims}


# %% [markdown]
# ## The figures

# %%
def draw(result) -> dict:
    """'init': ‖h_L‖ against L and the deepest profile; 'training': loss curves and F_T/F_0 against L."""
    cfg, meas = result["config"], result["measurements"]
    init, runs = meas["init"], meas["runs"]
    figs = {}
    colors = {k: f"C{j}" for j, k in enumerate([*TAU_RULES, MLP_NAME])}

    fig, axes = figure(ncols=2, width=5.6, height=4.2)
    ax = axes[0]
    L = np.array(init["depths"], float)
    for kind, values in init["last"].items():
        ax.semilogy(L, values, "o-", color=colors[kind], label=kind)
    lo, hi = meas["explosion_rate_bounds"]
    ax.fill_between(L, np.exp(lo * L), np.exp(hi * L), color=colors["τ = 1"], alpha=0.12,
                    label="τ = 1 bounds (3/2)^(L/2) … 3^(L/2)")
    ax.axhline(np.e, color=colors["τ = 1/√L"], linestyle=":", label="τ = 1/√L bound e")
    ax.set_xlabel("depth L")
    ax.set_ylabel("‖h_L‖ / ‖h_0‖ at init (mean over inputs)")
    ax.set_title(f"§4: forward norm against depth (m = {cfg['init_width']})")
    ax.legend(fontsize="x-small")

    ax = axes[1]
    for kind, profile in init["deepest_profile"].items():
        ax.semilogy(np.arange(len(profile)), profile, color=colors[kind], label=kind)
    ax.set_xlabel(f"layer ℓ of the L = {init['depths'][-1]} networks")
    ax.set_ylabel("‖h_ℓ‖ / ‖h_0‖ at init")
    ax.set_title("inside one deep network: ‖h_ℓ‖ ≈ e^Θ(τ²ℓ)")
    ax.legend(fontsize="x-small")
    fig.suptitle("§4 ResNet h_ℓ = φ(h_ℓ−1 + τ W_ℓ h_ℓ−1) at He initialisation: τ = 1 explodes, τ ≤ 1/√L does not")
    figs["init"] = fig

    fig, axes = figure(ncols=2, width=5.6, height=4.2)
    ax = axes[0]
    for j, L_ in enumerate(cfg["depths"]):
        for kind, style in ((MLP_NAME, "-"), ("τ = 1/√L", "--")):
            r = runs[kind][str(L_)]
            ax.semilogy(r["steps"], r["loss"], style, color=f"C{j}",
                        label=f"{'MLP' if kind == MLP_NAME else 'ResNet τ = 1/√L'}, L = {L_}")
    ax.set_xlabel(f"steps t (time = η × steps; η·m·λ_max(Θ̄) = {cfg['lr_scale']:g})")
    ax.set_ylabel("loss F(W_t) (sum over samples)")
    ax.set_title(f"GD, m = {cfg['width']}, n = {cfg['n']}")
    ax.legend(fontsize="x-small", ncol=2)

    ax = axes[1]
    for kind, marker in ((MLP_NAME, "o-"), ("τ = 1/√L", "s--")):
        red = [runs[kind][str(L_)]["reduction"] for L_ in cfg["depths"]]
        ax.semilogy(cfg["depths"], red, marker, color=colors[kind],
                    label="MLP" if kind == MLP_NAME else "ResNet τ = 1/√L")
    ax.axhline(TRAIN_FACTOR, color="k", linestyle=":", label=f"{TRAIN_FACTOR:g}: 'trains'")
    ax.set_xlabel("depth L")
    ax.set_ylabel(f"F(W_T) / F(W_0) after T = {cfg['steps']} steps")
    ax.set_title("depth sweep with normalised η")
    ax.legend(fontsize="x-small")
    fig.suptitle("§4 (C15): MLP and ResNet with τ = 1/√L both train at every depth — He init, A and B fixed")
    figs["training"] = fig
    return figs


# %% [markdown]
# ## Reading the verdict
#
# - *τ = 1*: ‖h_L‖ is already tens at L = 10 and astronomically large at L = 50, exactly the
#   exponential e^{Θ(L)} the two bounds allow. Outputs, gradients and the tangent kernel grow with
#   it, so no depth-independent step size exists: this is why the theorem needs τ ≲ 1/√L.
# - *τ = 1/√L*: ‖h_L‖ creeps up to about e and stops there, for every L: the sum of the branch
#   variances, L·τ² = 1, is what matters, not L.
# - *Training*: with the step normalised by each network's own kernel, the ResNet with τ = 1/√L
#   trains at every depth, like the MLP. The ResNet is often slower per step: the identity path
#   keeps h_L close to h_0, whose correlations between inputs are high, so its kernel is less well
#   conditioned (λ_min/λ_max smaller) than the deep MLP's (compare lesson 5, where depth *improves*
#   the MLP's conditioning).
# - In the full run the MLP at L = 50, m = 256 shows bumps in its loss: at L/m ≈ 0.2 its
#   finite-width kernel is larger than the infinite-width Θ̄ the step was normalised by, so the
#   step sits near the edge of stability (paper.md §9.9). The ResNet with τ = 1/√L has no such
#   trouble: its branch variances add up to L·τ² = 1 at any depth.

# %%
if __name__ == "__main__":
    kit.main(sys.modules[__name__])
