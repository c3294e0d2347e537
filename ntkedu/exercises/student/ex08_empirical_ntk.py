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
# # Exercise 8 — The empirical NTK from the rank-one factors
#
# *Lesson 8 (Neural tangent kernel) · paper.md §6.1, §9.4 (and §1.3 for the factors)*
#
# For one output (d_out = 1) the neural tangent kernel is the Gram matrix of the per-sample
# gradients over the trained weights,
#
#     Θ_ij = Σ_ℓ ⟨∇_{W_ℓ} ŷ_i, ∇_{W_ℓ} ŷ_j⟩_F.
#
# By exercise 4, ∇_{W_ℓ} ŷ_i = b_{i,ℓ} h_{i,ℓ−1}ᵀ is rank one (b the backward vectors with
# dout = 1), and for rank-one matrices ⟨u vᵀ, u' v'ᵀ⟩_F = ⟨u, u'⟩ ⟨v, v'⟩. Hence, with no Jacobian
# and no per-sample gradient ever formed,
#
#     Θ = Σ_{ℓ=1}^{L} (b_ℓ b_ℓᵀ) ⊙ (h_{ℓ−1} h_{ℓ−1}ᵀ)          (n, n), ⊙ entrywise.
#
# The cost is two n × n Gram matrices per layer instead of n × (L m²) gradient entries. In the
# paper's (He) scaling Θ grows like m; Θ/m tends to the Θ̄ of the next exercise.
#
# **Write** `empirical_ntk(h, b)`: `h` is the list of L + 1 activations (n, m), `h[l]` = h_ℓ;
# `b` the list of L + 1 backward vectors with `b[0] = None` and `b[l]` (n, m) for ℓ = 1..L.
# Return Θ (n, n).

# %%
import numpy as np

import ntkedu.exercises


# %%
def empirical_ntk(h, b):
    """Θ = Σ_ℓ (b_ℓ b_ℓᵀ) ⊙ (h_{ℓ−1} h_{ℓ−1}ᵀ), the tangent kernel over W_1..W_L.

    h : list of L + 1 arrays (n, m), h[l] = h_ℓ.
    b : list of L + 1 entries, b[0] = None and b[l] (n, m) for l = 1..L.
    Returns Θ : (n, n), symmetric positive semi-definite.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# Run the next cell to check your answer, or one of these from a terminal:
#
#     ntkedu check empirical_ntk ex08_empirical_ntk.py
#     python -m ntkedu.exercises check empirical_ntk ex08_empirical_ntk.py
#
# Each run draws fresh random cases and compares with ntkedu's own implementation; the report
# prints the seed that repeats them and names the mistake when it recognises one.

# %%
if __name__ == "__main__":
    print(ntkedu.exercises.check("empirical_ntk", empirical_ntk))
