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
# # Exercise 4 — Backward vectors and the rank-one per-sample gradient
#
# *Lesson 1 (Backprop by hand) and Lesson 8 (NTK) · paper.md §1.3*
#
# The paper's backward operator is Back_{i,ℓ} = B D_{i,L} W_L ⋯ D_{i,ℓ+1} W_{ℓ+1} (d_out × m),
# with Back_{i,L} = B. The **backward vector** of sample i at layer ℓ is
#
#     b_{i,ℓ} = D_{i,ℓ} Back_{i,ℓ}ᵀ (ŷ_i − y_i*)         (m,)
#
# and it obeys the recursion (rows are samples, so b_ℓ is an (n, m) array)
#
#     b_L = D_L ⊙ (dout B),      b_ℓ = D_ℓ ⊙ (b_{ℓ+1} W_{ℓ+1})      for ℓ = L−1, …, 1.
#
# Each sample's gradient is then a column times a row — **rank one**:
#
#     ∇_{W_ℓ} F_i = b_{i,ℓ} h_{i,ℓ−1}ᵀ                    (m, m).
#
# **Write**
#
# 1. `backward_vectors(dout, D, params)` returning a list `b` of L + 1 entries with `b[l]` the
#    (n, m) array b_ℓ for ℓ = 1..L (`b[0]` is not needed because A is fixed: put None there);
# 2. `per_sample_gradients(b_l, h_prev)` returning the (n, m, m) array G with
#    G[i] = b_{i,ℓ} h_{i,ℓ−1}ᵀ, given b_ℓ (n, m) and h_{ℓ−1} (n, m).
#
# `D` is the list of L + 1 bool masks (n, m), `params` the dict "A", "W1".."WL", "B", and
# `dout` is (n, d_out). Summing G over i gives exercise 3's ∇W_ℓ F.

# %%
import numpy as np

import ntkedu.exercises


# %%
def backward_vectors(dout, D, params):
    """The backward vectors b_ℓ = D_ℓ Back_ℓᵀ dout, one row per sample (paper §1.3).

    dout   : (n, d_out).
    D      : list of L + 1 bool arrays (n, m), D[l] = 1[g_ℓ > 0].
    params : dict "A", "W1".."WL" (m, m), "B" (d_out, m).
    Returns list of L + 1 entries: b[0] = None, b[l] (n, m) for l = 1..L.
    """
    ### BEGIN SOLUTION
    L = len(D) - 1
    b = [None] * (L + 1)
    b[L] = (dout @ params["B"]) * D[L]
    for l in range(L - 1, 0, -1):
        b[l] = (b[l + 1] @ params[f"W{l + 1}"]) * D[l]
    return b
    ### END SOLUTION


def per_sample_gradients(b_l, h_prev):
    """Each sample's gradient of W_ℓ: G[i] = outer(b_l[i], h_prev[i]).

    b_l    : (n, m) backward vectors of layer ℓ.
    h_prev : (n, m) activations h_{ℓ−1}.
    Returns G : (n, m, m).
    """
    ### BEGIN SOLUTION
    return b_l[:, :, None] * h_prev[:, None, :]
    ### END SOLUTION


# %% [markdown]
# Run the next cell to check your answer, or one of these from a terminal:
#
#     ntkedu check backward_vectors ex04_backward_vectors.py
#     python -m ntkedu.exercises check backward_vectors ex04_backward_vectors.py
#
# Each run draws fresh random cases and compares with ntkedu's own implementation; the report
# prints the seed that repeats them and names the mistake when it recognises one.

# %%
if __name__ == "__main__":
    print(ntkedu.exercises.check("backward_vectors", (backward_vectors, per_sample_gradients)))
