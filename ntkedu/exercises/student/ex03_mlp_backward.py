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
# # Exercise 3 — The paper's MLP backward
#
# *Lesson 1 (Backprop by hand) · paper.md §1.2–§1.3*
#
# The network (rows are samples, φ = ReLU):
#
#     h_0 = φ(x Aᵀ),   g_ℓ = h_{ℓ−1} W_ℓᵀ,   h_ℓ = φ(g_ℓ)  (ℓ = 1..L),   ŷ = h_L Bᵀ
#
# with A (m, d_in), W_ℓ (m, m), B (d_out, m). Only W_1..W_L are trained; A and B are fixed.
# The forward pass has already run; you get its results as plain arrays:
#
# - `h`: list of L + 1 arrays (n, m), `h[l]` = h_ℓ for ℓ = 0..L;
# - `D`: list of L + 1 bool arrays (n, m), `D[l]` = 1[g_ℓ > 0] (the paper's D_ℓ, row i is sample i);
# - `params`: dict with "A", "W1", …, "WL", "B";
# - `dout`: (n, d_out), ∂F/∂ŷ (for the squared loss, ŷ − y*).
#
# Backward, from the top:
#
#     ∂F/∂h_L = dout B                          (n, m)
#     dg_ℓ    = D_ℓ ⊙ ∂F/∂h_ℓ                   (the mask of the same layer ℓ)
#     ∇W_ℓ F  = dg_ℓᵀ h_{ℓ−1} = Σ_i dg_{i,ℓ} h_{i,ℓ−1}ᵀ      (m, m), a sum over samples
#     ∂F/∂h_{ℓ−1} = dg_ℓ W_ℓ                    (the paper's W_ℓᵀ, for rows)
#
# **Write** `mlp_backward(dout, h, D, params)` returning the dict {"W1": ∇W_1 F, …, "WL": ∇W_L F}.
# Return no gradient for A or B.

# %%
import numpy as np

import ntkedu.exercises


# %%
def mlp_backward(dout, h, D, params):
    """Every trained gradient ∇W_ℓ F of the paper's MLP (paper §1.3).

    dout   : (n, d_out) gradient with respect to the outputs ŷ.
    h      : list of L + 1 arrays (n, m); h[l] = h_ℓ.
    D      : list of L + 1 bool arrays (n, m); D[l] = 1[g_ℓ > 0].
    params : dict "A" (m, d_in), "W1".."WL" (m, m), "B" (d_out, m).
    Returns dict "W1".."WL" -> (m, m).
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# Run the next cell to check your answer, or one of these from a terminal:
#
#     ntkedu check mlp_backward ex03_mlp_backward.py
#     python -m ntkedu.exercises check mlp_backward ex03_mlp_backward.py
#
# Each run draws fresh random cases and compares with ntkedu's own implementation; the report
# prints the seed that repeats them and names the mistake when it recognises one.

# %%
if __name__ == "__main__":
    print(ntkedu.exercises.check("mlp_backward", mlp_backward))
