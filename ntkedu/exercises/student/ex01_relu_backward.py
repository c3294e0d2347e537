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
# # Exercise 1 — ReLU backward
#
# *Lesson 1 (Backprop by hand) · paper.md §1.3*
#
# The paper writes the ReLU as a 0/1 diagonal mask: with the pre-activation g_ℓ = W_ℓ h_{ℓ−1},
#
#     h_ℓ = φ(g_ℓ) = D_ℓ g_ℓ,      D_ℓ = diag(1[g_ℓ > 0]).
#
# So backward through the ReLU multiplies the incoming gradient by the same mask:
#
#     ∂F/∂g_ℓ = D_ℓ ∂F/∂h_ℓ.
#
# Samples are rows: for a batch, g and dh = ∂F/∂h have shape (n, m), row i is sample i, and the
# mask of sample i is row i of 1[g > 0]. (The paper writes 1[g ≥ 0]; the two differ only where
# g = 0 exactly, which has probability zero.)
#
# **Write** `relu_backward(dh, g)` returning dg = ∂F/∂g, shape (n, m), float64. Do not change
# the inputs: the caller still needs them.

# %%
import numpy as np

import ntkedu.exercises


# %%
def relu_backward(dh, g):
    """Backward through h = φ(g) = max(g, 0).

    dh : (n, m) gradient with respect to the output h.
    g  : (n, m) the pre-activation the forward pass saw.
    Returns dg : (n, m), dg = dh ⊙ 1[g > 0].
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# Run the next cell to check your answer, or one of these from a terminal:
#
#     ntkedu check relu_backward ex01_relu_backward.py
#     python -m ntkedu.exercises check relu_backward ex01_relu_backward.py
#
# Each run draws fresh random cases and compares with ntkedu's own implementation; the report
# prints the seed that repeats them and names the mistake when it recognises one.

# %%
if __name__ == "__main__":
    print(ntkedu.exercises.check("relu_backward", relu_backward))
