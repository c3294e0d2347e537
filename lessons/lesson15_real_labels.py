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
# # Lesson 15 — Real labels against random labels (Arora et al. 2019, Figure 1)
#
# **What is known** (paper.md §2.5 and §8). The paper [Paper] says that SGD reaches 100% training
# accuracy in classification, in time polynomial in n and L — for *any* labels. Zhang et al. (2017)
# saw exactly that on real images: standard networks fit random labels to 100% training accuracy,
# only more slowly. Arora, Du, Hu, Li and Wang (2019) explained the "more slowly" with the kernel:
# gradient descent shrinks the residual along the kernel's eigenvector v_i by (1 − ηλ_i) per step,
# so labels that lie on the top eigenvectors are fit at once and labels spread over all of them
# wait for the smallest eigenvalues. Their Figure 1 (two MNIST or CIFAR-10 classes, a two-layer
# network) shows true labels fit almost at once, random labels far slower, and "worst-case" labels
# (the bottom eigenvector) hardly at all; their measure √(2yᵀH⁻¹y/n) is larger for random labels.
#
# **What we do** [ntkedu]. Two classes of the UCI digits (`ntkedu.data.digits`, 8×8 images in the
# paper's format: unit norm, last coordinate 1/√2), targets ±1, the paper's MLP of depth L
# (He init, A and B fixed, only W_1..W_L trained, squared sum loss), GD with the normalised step
# η = lr_scale/(m·λ_max(Θ̄)). The kernel is Θ̄ = `ntkedu.ntk.analytic(X, L)` — the depth-L
# infinite-width kernel of *this* network, in place of Arora et al.'s two-layer H^∞. Three label
# sets on the same images and the same initial network:
#
# - **true**: +1 for the first class, −1 for the second;
# - **random**: a fair coin per image (Zhang et al.);
# - **worst case**: y = √n·v_n, the bottom eigenvector of Θ̄ scaled to the norm of the ±1 labels.
#
# **What to look at.** The training loss against steps for the three label sets; the projections
# (v_iᵀy)² of each label vector on the eigenvectors of Θ̄; and the numbers that predict the order
# before any training: the fraction of ‖y‖² on the top 10% of eigenvectors, yᵀΘ̄⁻¹y, and Arora's
# measure √(2yᵀΘ̄⁻¹y/n). Time = η × steps.

# %%
from __future__ import annotations

import math
import sys

import numpy as np

import ntkedu
from lessons import kit
from ntkedu import data, ntk
from ntkedu.plotting import THETA_BAR, figure
from ntkedu.probes import Probe

NUMBER = 15
TITLE = "Real labels against random labels (Arora et al. 2019, Figure 1)"
CLAIM = ("On two digit classes, GD fits true and random ±1 labels to 100% training accuracy, random labels "
         "take many times the steps, and the labels' projections on Θ̄'s eigenvectors predict the order.")

SIZES = {
    "quick": dict(classes=[0, 1], n=60, held_out=0.25, width=128, depth=2, steps=1500, lr_scale=1.0,
                  top_fraction=0.1),
    "full": dict(classes=[0, 1], n=200, held_out=0.25, width=256, depth=2, steps=6000, lr_scale=1.0,
                 top_fraction=0.1),
}
FALSE_ALARM = 1 / 2000      # the largest designed false-alarm rate of a check


# %% [markdown]
# ## Your settings
#
# Opened as a notebook, this lesson runs cell by cell: change these and run the cells below.
# `SIZE` is "quick" or "full"; `CHANGES` overrides single settings of that size, e.g.
# `{"classes": [3, 5]}` or `{"width": 512}` (the keys are those of `SIZES` above). The claims are
# designed and checked at the lesson's own sizes, for any seed; at other settings they are still
# computed, and a verdict may legitimately differ.

# %%
SIZE, SEED = "quick", 0
CHANGES = {}


# %% [markdown]
# ## The labels and what the kernel says about them
#
# Write Θ̄ = Σ_i λ_i v_i v_iᵀ (λ_1 ≥ … ≥ λ_n). Kernel GD from u_0 = 0 leaves the residual
# u_t − y = −Σ_i (1 − ηmλ_i)^t (v_iᵀy) v_i (paper.md §6.1), so
#
#     F_t = ½ Σ_i (1 − ηmλ_i)^{2t} (v_iᵀy)²        (Arora et al.'s formula, our kernel).
#
# How fast y is fit is written in its projections: **the fraction of ‖y‖² on the top eigenvectors**
# says how much of the loss goes at once, and **yᵀΘ̄⁻¹y = Σ_i (v_iᵀy)²/λ_i** weighs each direction by
# the time 1/λ_i it needs. Both are computed before any training.

# %%
def pm_labels(labels) -> np.ndarray:
    """±1 targets from class positions: +1 for the first class (position 0), −1 for the others."""
    return np.where(np.asarray(labels) == 0, 1.0, -1.0)


def random_labels(labels, rng) -> np.ndarray:
    """Coin-flip ±1 labels that carry no information about the class, not even by chance.

    labels : (n,) class positions.  Within each class a uniformly random half of the images gets +1
    and the rest −1 (an odd class gives its extra image a fair coin), so the random labels agree
    with the true ±1 labels on exactly half of the images, up to one per class.
    """
    gen = np.random.default_rng(rng)
    labels = np.asarray(labels)
    y = np.empty(len(labels))
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        signs = np.where(np.arange(len(members)) < len(members) // 2, 1.0, -1.0)
        if len(members) % 2:
            signs[-1] = gen.choice([-1.0, 1.0])
        y[members] = gen.permutation(signs)
    return y


def worst_case_labels(eig: ntk.Eigen, norm: float) -> np.ndarray:
    """Arora et al.'s worst case: the bottom eigenvector v_n of the kernel, scaled to ``norm``.

    eig : the kernel's :class:`ntkedu.ntk.Eigen` (values descending).  Returns y (n,), ‖y‖ = norm.
    Its sign is fixed so that the largest entry is positive (an eigenvector's sign is arbitrary).
    """
    v = eig.vectors[:, -1]
    v = v if v[np.argmax(np.abs(v))] > 0 else -v
    return float(norm) * v / np.linalg.norm(v)


def projections(eig: ntk.Eigen, y) -> np.ndarray:
    """(v_iᵀy)² / ‖y‖² for i = 1..n (sums to 1): where the labels' energy sits in the kernel's eigenbasis."""
    y = np.asarray(y, float)
    return (eig.vectors.T @ y) ** 2 / (y @ y)


def top_fraction(eig: ntk.Eigen, y, k: int) -> float:
    """The fraction of ‖y‖² on the top k eigenvectors of the kernel."""
    return float(np.sum(projections(eig, y)[:k]))


def inverse_quadratic(K, y) -> float:
    """yᵀK⁻¹y (a solve, not an inverse): the labels' 'cost' in the kernel's norm."""
    y = np.asarray(y, float)
    return float(y @ np.linalg.solve(K, y))


def arora_measure(K, y) -> float:
    """Arora et al.'s generalisation measure √(2 yᵀK⁻¹y / n) (paper.md §8), here with K = Θ̄."""
    return math.sqrt(2.0 * inverse_quadratic(K, y) / len(y))


# %% [markdown]
# ## Chance, exactly
#
# A network trained on coin-flip labels has learnt nothing about the classes, so on n_test held-out
# images its accuracy against their true classes is, at best, a coin flip per image:
# Binomial(n_test, ½)/n_test. `binomial_band` gives the interval that holds the count with
# probability at least 1 − α (each tail ≤ α/2), from the exact binomial sums.

# %%
def binomial_band(n: int, alpha: float, p: float = 0.5) -> tuple:
    """(lo, hi), counts with P(X < lo) ≤ α/2 and P(X > hi) ≤ α/2 for X ~ Binomial(n, p).

    Exact sums of the probabilities (math.comb), so the interval is never narrower than stated.
    """
    if n < 1 or not 0 < alpha < 1 or not 0 < p < 1:
        raise ValueError(f"need n >= 1, 0 < alpha < 1, 0 < p < 1; got n={n}, alpha={alpha}, p={p}")
    pmf = [math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]
    lo, tail = 0, 0.0
    while tail + pmf[lo] <= alpha / 2:
        tail += pmf[lo]
        lo += 1
    hi, tail = n, 0.0
    while tail + pmf[hi] <= alpha / 2:
        tail += pmf[hi]
        hi -= 1
    return lo, hi


def binomial_tail_above(n: int, k: int, p: float) -> float:
    """P(X > k) for X ~ Binomial(n, p)."""
    return float(sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k + 1, n + 1)))


# %% [markdown]
# ## Training and counting steps
#
# `SignAccuracy` records the training accuracy sign(u_t) = sign(y) at every step, so that "steps to
# 100%" is exact; `steps_to_full` is the first step from which every training image stays on the
# right side to the end of the run.

# %%
class SignAccuracy(Probe):
    """Fraction of training samples with sign(u_t) = sign(y*) (targets ±1)."""

    name = "sign_accuracy"

    def measure(self, step, net, X, Y, out, cache, grads, loss) -> dict:
        return {"accuracy": float(np.mean(np.sign(out[:, 0]) == np.sign(Y[:, 0])))}


def steps_to_full(accuracy) -> int | None:
    """The first step t with accuracy 1 at t and at every later step; None if the last one is below 1."""
    acc = np.asarray(accuracy, float)
    if acc.size == 0 or acc[-1] < 1:
        return None
    below = np.flatnonzero(acc < 1)
    return int(below[-1] + 1) if below.size else 0


def train_labels(net0, X, y, cfg, X_test, progress=None) -> dict:
    """GD from a copy of ``net0`` on targets y (n,): loss, accuracy, steps to 100%, outputs on X_test."""
    net = net0.copy()
    hist = ntkedu.train(net, X, y[:, None], steps=cfg["steps"], lr_scale=cfg["lr_scale"],
                        probes=[SignAccuracy()], progress=progress)
    acc = hist.probes["sign_accuracy"]["accuracy"]
    loss = np.asarray(hist.loss)
    return {"lr": hist.lr, "loss": loss.tolist(), "accuracy": acc, "steps_to_full": steps_to_full(acc),
            "final_ratio": float(loss[-1] / loss[0]), "diverged": hist.diverged,
            "test_out": net.forward(X_test)[0][:, 0].tolist()}


# %% [markdown]
# ## The experiment
#
# One draw of the digits (training and held-out images of the two classes), one initial network,
# three label sets. The random labels come from their own stream, so changing the network's seed
# does not change them.

# %%
def run(size="quick", seed=0, progress=None, **changes) -> dict:
    """Kernel statistics of the three label sets, then GD on each; claims on steps, order and accuracy."""
    cfg = kit.settings(SIZES, size, changes)
    n, L = cfg["n"], cfg["depth"]
    digits = data.digits(tuple(cfg["classes"]), n_train=n, held_out=cfg["held_out"],
                         rng=np.random.default_rng(kit.stream(seed, "digits")))
    X, X_test = digits.X, digits.X_test
    K = ntk.analytic(X, L)
    eig = ntk.eigen(K)
    labels = {"true": pm_labels(digits.labels),
              "random": random_labels(digits.labels, kit.stream(seed, "random labels"))}
    labels["worst"] = worst_case_labels(eig, math.sqrt(n))
    k = max(1, round(cfg["top_fraction"] * n))
    kernel = {name: {"projections": projections(eig, y).tolist(), "top_fraction": top_fraction(eig, y, k),
                     "inverse_quadratic": inverse_quadratic(K, y), "arora": arora_measure(K, y)}
              for name, y in labels.items()}

    net0 = ntkedu.MLP(X.shape[1], cfg["width"], L, rng=np.random.default_rng(kit.stream(seed, "net")))
    tick = kit.ticker(progress, 3)
    runs = {}
    for name, y in labels.items():
        runs[name] = train_labels(net0, X, y, cfg, X_test)
        tick(labels=name, steps_to_full=runs[name]["steps_to_full"])
    y_test = pm_labels(digits.labels_test)
    n_test = len(y_test)
    correct = {name: int(np.sum(np.sign(runs[name]["test_out"]) == y_test)) for name in ("true", "random")}

    claims, derived = make_claims(cfg, kernel, runs, correct, n_test, k)
    return {"config": {**cfg, "d": int(X.shape[1]), "n_test": n_test, "top_k": k,
                       "targets": "±1 (first class +1); worst case √n·v_n(Θ̄)",
                       "parameterisation": "standard/He; A, B fixed; only W_1..W_L trained",
                       "step_size": "η = lr_scale/(m·λ_max(Θ̄)); time = η × steps"},
            "measurements": {"eigenvalues": eig.values.tolist(), "kernel": kernel, "runs": runs,
                             "test_correct": correct, **derived},
            "claims": claims}


# %% [markdown]
# ## The claims and where their thresholds come from
#
# Filled in below from the robustness runs (`python -m lessons robustness 15`).

# %%
def make_claims(cfg, kernel, runs, correct, n_test, k):
    """The lesson's claims from its measurements; returns (claims, derived numbers)."""
    T = cfg["steps"]
    s_true, s_rand = runs["true"]["steps_to_full"], runs["random"]["steps_to_full"]
    reached = s_true is not None and s_rand is not None
    ratio = s_rand / max(s_true, 1) if reached else float("nan")
    f = {name: kernel[name]["top_fraction"] for name in kernel}
    q = {name: kernel[name]["inverse_quadratic"] for name in kernel}
    F_T = {name: runs[name]["final_ratio"] for name in runs}
    order = ["true", "random", "worst"]
    predicted = (f["true"] > f["random"] > f["worst"] and q["true"] < q["random"] < q["worst"])
    observed = F_T["true"] < F_T["random"] < F_T["worst"]
    acc_true, acc_rand = correct["true"] / n_test, correct["random"] / n_test
    lo, hi = binomial_band(n_test, FALSE_ALARM)
    arora_ratio = kernel["random"]["arora"] / kernel["true"]["arora"]
    claims = [
        kit.claim(f"true and random ±1 labels both reach 100% training accuracy (sign of u_t) within "
                  f"T = {T} steps: the later of the two steps to 100%",
                  s_rand if reached else float("nan"), f"≤ {T}", reached, false_alarm=FALSE_ALARM),
        kit.claim("random labels need many times the steps of true labels: steps to 100% accuracy, "
                  "random ÷ true", ratio, "≥ 5", bool(reached and ratio >= 5), false_alarm=FALSE_ALARM),
        kit.claim(f"the labels' spectrum predicts the order: fraction of ‖y‖² on the top {k} eigenvectors "
                  f"of Θ̄, true ÷ random (and true > random > worst in it, true < random < worst in yᵀΘ̄⁻¹y, "
                  f"as in F_T/F_0)", f["true"] / f["random"], "≥ 2, with both orders as observed",
                  bool(predicted and observed and f["true"] / f["random"] >= 2), false_alarm=FALSE_ALARM),
        kit.claim("Arora's measure √(2yᵀΘ̄⁻¹y/n) is larger for random labels: random ÷ true", arora_ratio,
                  "≥ 2", arora_ratio >= 2, false_alarm=FALSE_ALARM),
        kit.claim(f"true labels generalise: held-out accuracy on {n_test} images", acc_true, "≥ 0.9",
                  acc_true >= 0.9, false_alarm=FALSE_ALARM),
        kit.claim(f"random labels do not: held-out accuracy (against the true classes) within the "
                  f"binomial band of chance for {n_test} images", acc_rand,
                  f"between {lo / n_test:.3f} and {hi / n_test:.3f} ({lo}–{hi} of {n_test})",
                  lo <= correct["random"] <= hi, false_alarm=FALSE_ALARM),
    ]
    derived = {"steps_ratio": ratio, "order_predicted": predicted, "order_observed": observed,
               "final_ratio": F_T, "arora_ratio": arora_ratio, "chance_band": [lo, hi],
               "test_accuracy": {"true": acc_true, "random": acc_rand}, "label_order": order}
    return claims, derived


# %%
def draw(result) -> dict:
    """'labels': loss against steps for the three label sets, and their projections on Θ̄'s eigenvectors."""
    cfg, meas = result["config"], result["measurements"]
    runs, kernel = meas["runs"], meas["kernel"]
    names = {"true": "true labels", "random": "random labels", "worst": f"worst case √n·v_n({THETA_BAR})"}
    fig, axes = figure(ncols=2, width=6.0, height=4.4)
    ax = axes[0]
    for j, key in enumerate(("true", "random", "worst")):
        loss = np.asarray(runs[key]["loss"])
        ax.semilogy(np.arange(len(loss)), loss / loss[0], color=f"C{j}", label=names[key])
    ax.set_xlabel(f"steps t (time = η × steps, η·m·λ_max({THETA_BAR}) = {cfg['lr_scale']:g})")
    ax.set_ylabel("training loss F(W_t) / F(W_0)")
    ax.set_title("training loss")
    ax.legend(loc="lower left")

    ax = axes[1]
    lam = np.asarray(meas["eigenvalues"])
    idx = np.arange(1, len(lam) + 1)
    for j, key in enumerate(("true", "random")):
        ax.semilogy(idx, np.maximum(kernel[key]["projections"], 1e-12), "o", color=f"C{j}", markersize=4,
                    label=names[key])
    ax.set_xlabel(f"eigenvector index i of {THETA_BAR} (largest λ_i first)")
    ax.set_ylabel("(v_iᵀy)² / ‖y‖²")
    ax.set_title("where the labels sit in the kernel's eigenbasis")
    ax.legend(loc="lower left")
    fig.suptitle(f"Digits {cfg['classes'][0]} vs {cfg['classes'][1]}, n = {cfg['n']}, L = {cfg['depth']}, "
                 f"m = {cfg['width']}")
    return {"labels": fig}


# %%
if __name__ == "__main__" and not kit.interactive():     # a script: run, save, print the verdicts
    kit.main(sys.modules[__name__])
