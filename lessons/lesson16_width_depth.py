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
# # Lesson 16 — The width × depth map
#
# PLACEHOLDER

# %%
from __future__ import annotations

import sys

import numpy as np

import ntkedu
from lessons import kit
from ntkedu import data, ntk
from ntkedu.measure import first_step_below
from ntkedu.probes import Distance, Flips, KernelDrift

NUMBER = 16
TITLE = "The width × depth map: where gradient descent succeeds (Theorem 1's m and L)"
CLAIM = ("At the same normalised step, the loss after T steps falls with the width at every depth; "
         "the tangent kernel moves more where L/m is larger although each layer's weights move less.")

SIZES = {
    "quick": dict(n=20, d=16, widths=[16, 32, 64, 128], depths=[1, 2, 4, 8, 16], steps=100,
                  lr_scale=1.0, eps=0.01, nets=2),
    "full": dict(n=20, d=16, widths=[16, 32, 64, 128, 256], depths=[1, 2, 4, 8, 16], steps=200,
                 lr_scale=1.0, eps=0.01, nets=3),
}
ARCHS = ("mlp", "resnet")
RESNET_SAMPLES = 2**12      # simulated units for the ResNet's Θ̄: λ_max to about 4 %


# %% [markdown]
# ## One cell of the map

# %%
def build(arch, d, m, L, rng):
    """The paper's MLP, or its ResNet with τ = 1/√L."""
    if arch == "mlp":
        return ntkedu.MLP(d, m, L, rng=rng)
    return ntkedu.ResNet(d, m, L, tau=L ** -0.5, rng=rng)


def limit_kernel(arch, X, L, seq):
    """Θ̄ for this depth: closed form (MLP) or the seeded infinite-width simulation (ResNet)."""
    if arch == "mlp":
        return ntk.analytic(X, L)
    return ntk.analytic_resnet(X, L, L ** -0.5, samples=RESNET_SAMPLES, seed=np.random.default_rng(seq))


def train_cell(arch, X, Y, m, L, Kbar, lam_max, cfg, seq) -> dict:
    """Train one network of width m and depth L with η = lr_scale/(m·λ_max(Θ̄)); measure it at T."""
    T, eps = cfg["steps"], cfg["eps"]
    net = build(arch, X.shape[1], m, L, np.random.default_rng(seq))
    out, cache = net.forward(X)
    probes = [Distance(n_iter=2), Flips(), KernelDrift()]     # observers, started at W_0 by hand
    for p in probes:
        p.start(net, X, Y, out, cache)
    u0 = out[:, 0].copy()
    lr = cfg["lr_scale"] / (m * lam_max)
    hist = ntkedu.train(net, X, Y, steps=T, lr=lr)
    loss = np.asarray(hist.loss)
    if hist.diverged is not None:
        return {"diverged": hist.diverged, "stalled": None, "log_ratio": float("nan"), "steps_to_eps": None,
                "movement": float("nan"), "flips": float("nan"), "kernel_drift": float("nan"),
                "kernel_log_ratio": float("nan")}
    out, cache = net.forward(X)
    dist, flips, drift = (p.measure(T, net, X, Y, out, cache, None, loss[-1]) for p in probes)
    fro0 = np.sqrt(sum(f * f for f in probes[0].fro0.values()))
    kernel = ntk.kernel_gd_prediction(Kbar, u0, Y, lr * m, [0, T]).loss
    return {"diverged": None, "stalled": hist.stalled,
            "log_ratio": float(np.log10(loss[-1] / loss[0])),     # a stalled run keeps its last loss
            "steps_to_eps": first_step_below(loss, eps),
            "movement": dist["total_frobenius"] / fro0,
            "flips": float(np.mean(flips["fraction"][1:])),      # layers 1..L: A is fixed, layer 0 never flips
            "kernel_drift": drift["drift"],
            "kernel_log_ratio": float(np.log10(kernel[-1] / kernel[0]))}


# %%
def sweep(arch, X, Y, cfg, seed, progress=None, tick=None) -> dict:
    """Every (width, depth) cell, ``nets`` networks each, each from its own keyed stream."""
    widths, depths = cfg["widths"], cfg["depths"]
    arch_seq = kit.stream(seed, arch)
    cells = {}
    for L in depths:
        Kbar = limit_kernel(arch, X, L, kit.child(arch_seq, "kernel", "depth", L))
        lam_max = float(np.linalg.eigvalsh(Kbar)[-1])
        for m in widths:
            runs = [train_cell(arch, X, Y, m, L, Kbar, lam_max, cfg, kit.child(arch_seq, "width", m, "depth", L, "net", j))
                    for j in range(cfg["nets"])]
            cells[f"{m},{L}"] = runs
            if tick is not None:
                tick(arch=arch, width=m, depth=L)
    return {"cells": cells}


def run(size="quick", seed=0, progress=None, **changes) -> dict:
    cfg = kit.settings(SIZES, size, changes)
    rng = np.random.default_rng(kit.stream(seed, "data"))
    X = data.unit_inputs(cfg["n"], cfg["d"], rng=rng)
    Y = data.regression_targets(cfg["n"], rng=rng)
    tick = kit.ticker(progress, len(ARCHS) * len(cfg["widths"]) * len(cfg["depths"]))
    maps = {arch: sweep(arch, X, Y, cfg, seed, progress, tick) for arch in ARCHS}
    return {"config": cfg, "measurements": {"maps": maps}, "claims": [kit.claim("placeholder", 0.0, "any", True)]}


def draw(result) -> dict:
    from ntkedu.plotting import figure
    fig, ax = figure()
    return {"placeholder": fig}


# %%
if __name__ == "__main__" and not kit.interactive():
    kit.main(sys.modules[__name__])
