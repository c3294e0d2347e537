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
# # Lesson 2 — Random initialisation
#
# **What the paper states** (paper.md §3.1–§3.4, Lemmas 7.1, 7.3, 7.4b). Before any training, a
# wide ReLU network with A, W_ℓ ~ N(0, 2/m) and B ~ N(0, 1/d_out) is well conditioned:
#
# 1. **Forward stability (Lemma 7.1, claim C1).** ‖h_{i,ℓ}‖ = 1 ± O(√(L/m)) at every layer, for
#    unit-norm inputs. The variance 2/m is exactly what makes this work: ReLU keeps half of each
#    g_ℓ, and 2/m doubles it back. With variance σ² every layer multiplies the norm by √(σ²m/2),
#    so 1/m *vanishes* like 2^{−(ℓ+1)/2} and 4/m *explodes* like 2^{(ℓ+1)/2}.
# 2. **Products of layers (Lemma 7.3, C2).** ‖W_b D_{b−1} W_{b−1} ⋯ D_a W_a‖₂ ≤ O(√L): a
#    product of k layers has spectral norm growing like √k, not exponentially.
# 3. **Backward signal (Lemma 7.4b, C3).** ‖vᵀ B D_L W_L ⋯ D_a W_a‖ ≤ O(√(m/d_out))·‖v‖. With
#    half the units active the ratio to √(m/d_out) is ≈ √½, the same for every width.
# 4. **Separation survives (§3.4, C4).** Two inputs at distance δ stay apart layer after layer.
#    One ReLU layer maps the correlation ρ = cos θ to κ₁(ρ) = (√(1−ρ²) + (π − arccos ρ)ρ)/π,
#    which for small angles is θ ↦ θ(1 − θ/3π), so
#    sin θ_ℓ ≈ δ / (1 + (ℓ+1)δ/3π): the separation halves only after ℓ ≈ 3π/δ layers, which
#    is why the theorem asks for δ ≲ 1/L.
#
# **What to look at.** Each figure puts the measured quantity beside the paper's prediction; the
# printed verdicts compare them with a margin derived from the theory's own fluctuation size.

# %%
from __future__ import annotations

import sys

import numpy as np

import ntkedu
from lessons import kit
from ntkedu import data, measure
from ntkedu.measure import loglog_slope
from ntkedu.plotting import figure

NUMBER = 2
TITLE = "Random initialisation (Lemmas 7.1, 7.3, 7.4b, §3.4)"
CLAIM = ("At He initialisation forward norms stay ≈ 1 (and vanish or explode with the wrong variance), "
         "products of k layers grow like √k, backward signals are ≈ √(m/2d_out), and separation "
         "shrinks only like δ/(1 + (ℓ+1)δ/3π).")

SIZES = {
    # forward: n inputs through `nets` networks of width m, depth L (C1, and C4 on the same nets)
    # products: prefix products W_b D ⋯ D W_1 of `nets` networks (C2)
    # backward: widths for the backward-signal ratio (C3)
    "quick": dict(d=16, forward_m=1024, forward_L=12, forward_nets=2, n=12,
                  products_m=256, products_L=16, products_nets=3,
                  backward_widths=[128, 256, 512, 1024], backward_L=3, backward_nets=2,
                  deltas=[0.05, 0.2], pairs=3),
    "full": dict(d=16, forward_m=1024, forward_L=50, forward_nets=3, n=20,
                 products_m=1024, products_L=50, products_nets=2,
                 backward_widths=[128, 256, 512, 1024, 2048], backward_L=5, backward_nets=3,
                 deltas=[0.05, 0.2], pairs=6),
}
WRONG_VARIANCES = {"1/m (vanishing)": 1.0, "4/m (exploding)": 4.0}   # σ²·m
POWER_ITERATIONS = 30     # spectral norms by power iteration (paper.md §9.6)


# %% [markdown]
# ## Measurements
#
# All four come from `ntkedu.measure` and read one forward pass (and, for C3, one backward pass)
# of untrained networks:
#
# | claim | function | returns |
# |---|---|---|
# | C1 | `measure.forward_norms(net, X)` | ‖h_{i,ℓ}‖, shape (n, L+1) |
# | C2 | `measure.layer_product_norms(net, x)` | ‖W_b D_{b−1} ⋯ D_1 W_1‖₂ for b = 1..L (power iteration) |
# | C3 | `measure.backward_norms(net, X).signal` | ‖D_ℓ Back_ℓᵀ‖₂ / √(m/d_out), shape (n, L) |
# | C4 | `measure.separation_by_layer(net, X, pair)` | sin θ_ℓ for ℓ = −1 (the inputs), 0..L |
#
# and the infinite-width predictions `measure.separation_prediction(δ, ℓ)` (the formula) and
# `measure.separation_limit(δ, ℓ)` (κ₁ iterated exactly). Below are the two helpers this lesson
# adds: a pair of inputs at an exact distance δ, and a network with the wrong variance.

# %%
def pair_at_distance(d: int, delta: float, *, rng) -> tuple:
    """Two inputs of the paper's form (‖x‖ = 1, last coordinate 1/√2) exactly δ apart."""
    x = data.unit_inputs(1, d, rng=rng)[0]
    z = x[:-1] * np.sqrt(2.0)                       # x = (z/√2, 1/√2), z on the unit sphere
    u = rng.standard_normal(d - 1)
    u -= (u @ z) * z
    u /= np.linalg.norm(u)
    phi = 2.0 * np.arcsin(delta / np.sqrt(2.0))         # ‖z − z′‖ = 2 sin(φ/2) = √2 δ
    z2 = np.cos(phi) * z + np.sin(phi) * u
    return x, np.append(z2 / np.sqrt(2.0), 1.0 / np.sqrt(2.0))


def rescaled(net, sigma2_m: float):
    """A copy of ``net`` with A and every W_ℓ rescaled from variance 2/m to σ²/m (σ²·m = ``sigma2_m``)."""
    new = net.copy()
    c = np.sqrt(sigma2_m / 2.0)
    for name in ("A", *net.layer_names):
        new.params[name] = net.params[name] * c
    return new


# %% [markdown]
# ## The experiment
#
# * **C1 and C4** share `forward_nets` deep networks (quick: m = 1024, L = 12; full: L = 50). Each
#   gets n unit inputs for the norms, and pairs of inputs at distance δ = 0.05 and 0.2 for the
#   separation. The wrong variances are the *same* networks with A and W_ℓ multiplied by
#   c = √(σ²m/2): ReLU is positively homogeneous, φ(c·g) = c·φ(g), so h_ℓ is multiplied by
#   exactly c^{ℓ+1} — a straight line on a log scale, down for c < 1 and up for c > 1.
# * **C2** multiplies the layers of a few networks one after another, with the masks of one input,
#   and fits the log-log slope of the spectral norm against the number of layers k.
# * **C3** runs one backward pass with v = 1 (d_out = 1) for widths 128 … 1024 and divides the
#   backward vector by √(m/d_out). Narrow networks are repeated more often so that every width
#   averages over the same number of units.
#
# Every network has its own child seed (`SeedSequence.spawn`), so adding a width or a network
# does not change the others.

# %%
def _forward_part(cfg, children, tick):
    d, m, L, n = cfg["d"], cfg["forward_m"], cfg["forward_L"], cfg["n"]
    he, wrong = [], {k: [] for k in WRONG_VARIANCES}
    separation = {str(delta): [] for delta in cfg["deltas"]}
    for k, child in enumerate(children):
        rng = np.random.default_rng(child)
        net = ntkedu.MLP(d, m, L, rng=rng)
        X = data.unit_inputs(n, d, rng=rng)
        he.append(measure.forward_norms(net, X))                      # (n, L+1)
        for label, s2m in WRONG_VARIANCES.items():
            wrong[label].append(measure.forward_norms(rescaled(net, s2m), X))
        for delta in cfg["deltas"]:
            for _ in range(cfg["pairs"]):
                pair = np.stack(pair_at_distance(d, delta, rng=rng))
                separation[str(delta)].append(measure.separation_by_layer(net, pair, pair=(0, 1)).sin)
        tick(part="forward norms and separation", net=f"{k + 1} of {len(children)}")
    he = np.concatenate(he)                          # (nets·n, L+1)
    wrong = {k: np.concatenate(v) for k, v in wrong.items()}
    ell = np.arange(-1, L + 1)                       # separation layers: −1 is the input
    return {
        "layers": list(range(L + 1)),
        "he_mean": he.mean(axis=0), "he_min": he.min(axis=0), "he_max": he.max(axis=0),
        "wrong_mean": {k: v.mean(axis=0) for k, v in wrong.items()},
        "separation_layers": ell,
        "separation": {delta: {"measured": np.mean(s, axis=0),
                               "formula": measure.separation_prediction(float(delta), ell),
                               "kappa": measure.separation_limit(float(delta), ell)}
                       for delta, s in separation.items()},
    }


def _products_part(cfg, children, tick):
    d, m, L = cfg["d"], cfg["products_m"], cfg["products_L"]
    norms = []
    for k, child in enumerate(children):
        rng = np.random.default_rng(child)
        net = ntkedu.MLP(d, m, L, rng=rng)
        x = data.unit_inputs(1, d, rng=rng)[0]
        norms.append(measure.layer_product_norms(net, x, iterations=POWER_ITERATIONS, rng=rng).norms)
        tick(part="products of layers", net=f"{k + 1} of {len(children)}")
    return {"k": list(range(1, L + 1)), "norms": np.mean(norms, axis=0), "per_net": norms}


def _backward_part(cfg, seed_seq, tick):
    d, L, n = cfg["d"], cfg["backward_L"], cfg["n"]
    widths = cfg["backward_widths"]
    ratios = []                                      # (widths, L): mean over nets and inputs
    for w in widths:
        child = kit.child(seed_seq, "width", w)                  # one stream per width
        per_net = []
        # a ratio from m units fluctuates by ~1/√m: narrow nets get more copies, so every width
        # averages over the same number of units (nets × m = backward_nets × largest m)
        for grandchild in child.spawn(cfg["backward_nets"] * max(widths) // w):
            rng = np.random.default_rng(grandchild)
            net = ntkedu.MLP(d, w, L, rng=rng)
            signal = measure.backward_norms(net, data.unit_inputs(n, d, rng=rng)).signal   # (n, L)
            per_net.append(signal.mean(axis=0))
        ratios.append(np.mean(per_net, axis=0))
        tick(part="backward signal", width=w)
    return {"widths": widths, "ratio_by_layer": np.array(ratios)}


def run(size="quick", seed=0, progress=None) -> dict:
    """Measure C1–C4 at initialisation; no training."""
    cfg = SIZES[kit.check_size(size)]
    fwd_seq, prod_seq, back_seq = (kit.stream(seed, key) for key in ("forward", "products", "backward"))
    tick = kit.ticker(progress, cfg["forward_nets"] + cfg["products_nets"] + len(cfg["backward_widths"]))
    fwd = _forward_part(cfg, fwd_seq.spawn(cfg["forward_nets"]), tick)
    prod = _products_part(cfg, prod_seq.spawn(cfg["products_nets"]), tick)
    back = _backward_part(cfg, back_seq, tick)
    m, L = cfg["forward_m"], cfg["forward_L"]

    # C1: the spread of ‖h_ℓ‖ for one input is ½√(5(ℓ+1)/m) (each layer's ‖h‖² has relative
    # variance 5/m); averaging over independent nets divides it by √nets. Allow three such spreads.
    deviation = float(np.max(np.abs(fwd["he_mean"] - 1.0)))
    bound = 3 * 0.5 * np.sqrt(5 * (L + 1) / (m * cfg["forward_nets"]))
    # C1b: per-layer factor exp(slope of log ‖h_ℓ‖ against ℓ) against √(σ²m/2)
    factor_errors, factors = [], {}
    for label, s2m in WRONG_VARIANCES.items():
        slope = np.polyfit(fwd["layers"], np.log(fwd["wrong_mean"][label]), 1)[0]
        factors[label] = float(np.exp(slope))
        factor_errors.append(abs(factors[label] / np.sqrt(s2m / 2) - 1))
    # C2: log-log slope of ‖W_b D ⋯ D W_1‖₂ against the number of layers k
    product_slope = loglog_slope(prod["k"], prod["norms"])
    # C3: backward ratio level and its slope in m (flat means √(m/d_out) is the right scale)
    ratio = back["ratio_by_layer"]
    ratio_mean = float(ratio.mean())
    ratio_slope = loglog_slope(back["widths"], ratio.mean(axis=1))
    # C4: measured separation against the paper's formula; a finite network wanders from the
    # infinite-width law by O(√((L+1)/m)) (the same scale as C1's spread).
    sep_error = max(float(np.max(np.abs(s["measured"] / s["formula"] - 1))) for s in fwd["separation"].values())
    sep_bound = 2 * np.sqrt((L + 1) / m)

    claims = [
        kit.claim(f"C1 (Lemma 7.1): He init keeps mean ‖h_ℓ‖ ≈ 1; largest |mean ‖h_ℓ‖ − 1| over "
                   f"ℓ = 0..{L} at m = {m}", deviation,
                   f"< {bound:.3f} (3 × predicted spread ½√(5(L+1)/(m·nets)))", deviation < bound),
        kit.claim("C1: variance σ²/m multiplies ‖h‖ by √(σ²m/2) per layer (1/m vanishes, 4/m explodes); "
                   "largest relative error of the fitted per-layer factor", max(factor_errors), "< 0.1",
                   max(factor_errors) < 0.1),
        kit.claim(f"C2 (Lemma 7.3): ‖W_b D⋯D W_1‖₂ grows like √k; fitted log-log slope over "
                   f"k = 1..{cfg['products_L']} layers at m = {cfg['products_m']}", product_slope,
                   "between 0.35 and 0.65 (theory 0.5)", 0.35 <= product_slope <= 0.65),
        kit.claim("C3 (Lemma 7.4b): backward signal ‖D_ℓ Back_ℓᵀ v‖ / √(m/d_out), mean over widths "
                   "and layers", ratio_mean, "between 0.6 and 0.8 (√½ ≈ 0.707)", 0.6 <= ratio_mean <= 0.8),
        kit.claim(f"C3: that ratio is flat in m; fitted log-log slope over m = {back['widths'][0]}.."
                   f"{back['widths'][-1]}", ratio_slope, "between -0.1 and 0.1 (theory 0)",
                   -0.1 <= ratio_slope <= 0.1),
        kit.claim(f"C4 (§3.4): sin θ_ℓ follows δ/(1 + (ℓ+1)δ/3π); largest relative error over "
                   f"ℓ = −1..{L}, δ ∈ {cfg['deltas']}", sep_error,
                   f"< {sep_bound:.3f} (2√((L+1)/m), the finite-width scale)", sep_error < sep_bound),
    ]
    return {"config": {**cfg, "d_out": 1, "wrong_variances_sigma2_m": WRONG_VARIANCES,
                       "power_iterations": POWER_ITERATIONS},
            "measurements": {"forward": fwd, "products": prod, "backward": back,
                             "wrong_variance_factors": factors, "forward_bound": bound},
            "claims": claims}


# %% [markdown]
# ## The figures

# %%
def draw(result) -> dict:
    """Four figures from the result dict only: forward norms, products, backward ratio, separation."""
    cfg, meas = result["config"], result["measurements"]
    fwd, prod, back = meas["forward"], meas["products"], meas["backward"]
    figs = {}

    fig, ax = figure(width=6.0, height=4.2)
    layers = np.array(fwd["layers"])
    ax.fill_between(layers, fwd["he_min"], fwd["he_max"], color="C0", alpha=0.2,
                    label="He 2/m: range over inputs and nets")
    ax.semilogy(layers, fwd["he_mean"], "o-", color="C0", label="He 2/m (the paper): mean ‖h_ℓ‖")
    for k, (label, mean) in enumerate(fwd["wrong_mean"].items(), start=1):
        s2m = cfg["wrong_variances_sigma2_m"][label]
        ax.semilogy(layers, mean, "s-", color=f"C{k}",
                    label=f"{label}: fitted ×{meas['wrong_variance_factors'][label]:.3f} per layer")
        ax.semilogy(layers, np.sqrt(s2m / 2) ** (layers + 1), ":", color=f"C{k}",
                    label=f"√(σ²m/2)^(ℓ+1) = {np.sqrt(s2m / 2):.3f}^(ℓ+1)")
    ax.set_xlabel("layer ℓ")
    ax.set_ylabel("‖h_ℓ‖ (inputs have ‖x‖ = 1)")
    ax.set_title(f"Lemma 7.1: forward norms at init (m = {cfg['forward_m']})")
    ax.legend(fontsize="x-small")
    figs["forward_norms"] = fig

    fig, ax = figure(width=6.0, height=4.2)
    k = np.array(prod["k"], float)
    for j, norms in enumerate(prod["per_net"]):
        ax.loglog(k, norms, ".", color="grey", alpha=0.5, label="one network" if j == 0 else None)
    slope, intercept = loglog_slope(k, prod["norms"], return_intercept=True)
    ax.loglog(k, prod["norms"], "o", color="C0", label="mean over networks")
    ax.loglog(k, np.exp(intercept) * k**slope, "--", color="C0", label=f"fitted slope {slope:+.2f}")
    ax.loglog(k, prod["norms"][0] * np.sqrt(k), ":", color="k", label="∝ √k (Lemma 7.3)")
    ax.set_xlabel("number of layers k = b − a + 1 in the product")
    ax.set_ylabel(r"$\|W_b D_{b-1} W_{b-1} \cdots D_a W_a\|_2$")
    ax.set_title(f"Lemma 7.3: products of layers grow like √k (m = {cfg['products_m']})")
    ax.legend(fontsize="small")
    figs["products"] = fig

    fig, ax = figure(width=6.0, height=4.2)
    widths = np.array(back["widths"], float)
    ratio = np.array(back["ratio_by_layer"])
    for l in range(ratio.shape[1]):
        ax.semilogx(widths, ratio[:, l], "o-", alpha=0.7, label=f"layer ℓ = {l + 1}")
    slope = loglog_slope(widths, ratio.mean(axis=1))
    ax.semilogx(widths, ratio.mean(axis=1), "k-", lw=2, label=f"mean over layers (fitted slope {slope:+.2f})")
    ax.axhline(np.sqrt(0.5), color="k", linestyle=":", label="√½")
    ax.set_ylim(0, 1.2)
    ax.set_xlabel("width m")
    ax.set_ylabel(r"$\|D_\ell \mathrm{Back}_\ell^T v\| \;/\; (\sqrt{m/d_{out}}\,\|v\|)$")
    ax.set_title(f"Lemma 7.4b: backward signal ≈ √(m/(2 d_out)), L = {cfg['backward_L']}")
    ax.legend(fontsize="x-small")
    figs["backward"] = fig

    fig, ax = figure(width=6.0, height=4.2)
    for j, (delta, s) in enumerate(fwd["separation"].items()):
        ell = np.array(fwd["separation_layers"])
        ax.plot(ell, s["measured"], "o", color=f"C{j}", label=f"δ = {delta}: measured, m = {cfg['forward_m']}")
        ax.plot(ell, s["kappa"], "-", color=f"C{j}", label=f"δ = {delta}: κ₁ iteration (m → ∞)")
        ax.plot(ell, s["formula"], "--", color=f"C{j}", label=f"δ = {delta}: δ/(1 + (ℓ+1)δ/3π)")
    ax.set_yscale("log")
    ax.set_xlabel("layer ℓ (−1: the inputs, at distance δ)")
    ax.set_ylabel(r"$\sin\theta_\ell$ between $h_{i,\ell}$ and $h_{j,\ell}$")
    ax.set_title("§3.4: δ-separation shrinks slowly through layers")
    ax.legend(fontsize="x-small")
    figs["separation"] = fig
    return figs


# %% [markdown]
# ## Run it
#
# `python lessons/lesson02_initialisation.py` (or `python -m lessons run 2`) runs the quick size
# and writes `lesson-output/lesson02.json` and four PNGs; `--full` uses depth 50 and widths up to
# 2048 and takes a minute or two.
#
# **What to conclude.** None of the four facts needs training: they are properties of the random
# start. Together they say that at initialisation the forward signal has size ≈ 1, the backward
# signal size ≈ √(m/d_out), and that distinct inputs stay distinct — which is why the gradient
# ∇_{W_ℓ}F_i = (backward vector)·(forward vector)ᵀ of lesson 1 is neither tiny nor huge, and why
# the step size must scale like 1/m (lesson 4). At finite width every statement holds up to
# fluctuations of relative size √(L/m): deep and narrow networks drift (try `--full`).

# %%
if __name__ == "__main__":
    kit.main(sys.modules[__name__])
