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
# # Exercise 9 — The infinite-width kernel Θ̄
#
# *Lesson 8 (Neural tangent kernel), used by Lessons 3–5 · paper.md §6.2*
#
# As m → ∞ the empirical kernel divided by m tends to a deterministic Θ̄. Two arc-cosine maps
# of the ReLU at He scale carry a correlation ρ through one layer:
#
#     κ₁(ρ) = ( √(1 − ρ²) + (π − arccos ρ) ρ ) / π      (= 2 E[φ(u) φ(v)])
#     κ₀(ρ) = ( π − arccos ρ ) / π                       (= 2 E[1(u > 0) 1(v > 0)])
#
# with κ₀(1) = κ₁(1) = 1, κ₀(0) = ½. The recursion, only W_1..W_L trained, A and B fixed:
#
#     K_{−1} = X Xᵀ
#     K_0 = κ₁(K_{−1})                               (the fixed layer A has a ReLU too)
#     K̇_ℓ = κ₀(K_{ℓ−1}),   K_ℓ = κ₁(K_{ℓ−1})          for ℓ = 1..L
#     Θ̄ = 1/(2 d_out) · Σ_{ℓ=1}^{L} K_{ℓ−1} ⊙ Π_{j=ℓ}^{L} K̇_j
#
# κ acts on **correlations**: for a kernel K apply it to ρ_ij = K_ij / √(K_ii K_jj) and multiply
# κ₁'s result by √(K_ii K_jj) (κ₀'s is used as it is). Round-off can give ρ = 1 + 2e-16: clip ρ to
# [−1, 1] before arccos. For unit inputs the diagonal of Θ̄ is L/(2 d_out).
#
# **Write** `kappa0(rho)`, `kappa1(rho)` (elementwise on arrays of any shape) and
# `theta_bar(X, depth, d_out)` for X (n, d), returning Θ̄ (n, n). Compare with
# `ntkedu.ntk.analytic` once yours passes.

# %%
import numpy as np

import ntkedu.exercises


# %%
def kappa0(rho):
    """κ₀(ρ) = (π − arccos ρ)/π, elementwise; rho any shape, in [−1, 1] up to round-off."""
    # YOUR CODE HERE
    raise NotImplementedError()


def kappa1(rho):
    """κ₁(ρ) = (√(1 − ρ²) + (π − arccos ρ) ρ)/π, elementwise; rho in [−1, 1] up to round-off."""
    # YOUR CODE HERE
    raise NotImplementedError()


def theta_bar(X, depth, d_out):
    """Θ̄ of the paper's MLP, only W_1..W_L trained (paper.md §6.2).

    X : (n, d) inputs (any norms).   depth : L.   d_out : output dimension.
    Returns Θ̄ : (n, n).
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# Run the next cell to check your answer, or one of these from a terminal:
#
#     ntkedu check analytic_ntk ex09_analytic_ntk.py
#     python -m ntkedu.exercises check analytic_ntk ex09_analytic_ntk.py
#
# Each run draws fresh random cases and compares with ntkedu's own implementation; the report
# prints the seed that repeats them and names the mistake when it recognises one.

# %%
if __name__ == "__main__":
    print(ntkedu.exercises.check("analytic_ntk", (kappa0, kappa1, theta_bar)))
