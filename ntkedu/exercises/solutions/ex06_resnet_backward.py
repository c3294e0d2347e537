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
# # Exercise 6 — The ResNet layer's backward
#
# *Lesson 12 (ResNet) · paper.md §4*
#
# The paper's residual layer adds a scaled branch to the identity and applies the ReLU after
# the sum (rows are samples, τ > 0 a fixed constant):
#
#     g_ℓ = h_{ℓ−1} + τ h_{ℓ−1} W_ℓᵀ,      h_ℓ = φ(g_ℓ).
#
# Backward, given dh = ∂F/∂h_ℓ (n, m):
#
#     dg = D_ℓ ⊙ dh,                D_ℓ = 1[g_ℓ > 0]  (this layer's mask, not h_{ℓ−1}'s)
#     ∂F/∂h_{ℓ−1} = dg + τ dg W_ℓ   (identity path plus branch)
#     ∇W_ℓ F = τ dgᵀ h_{ℓ−1}        (m, m), a sum over samples
#
# **Write** `resnet_layer_backward(dh, g, h_prev, W, tau)` returning (dh_prev, dW).

# %%
import numpy as np

import ntkedu.exercises


# %%
def resnet_layer_backward(dh, g, h_prev, W, tau):
    """Backward through h = φ(h_prev + τ h_prev Wᵀ).

    dh     : (n, m) gradient with respect to h_ℓ.
    g      : (n, m) pre-activation g_ℓ = h_prev + τ h_prev Wᵀ.
    h_prev : (n, m) the layer's input h_{ℓ−1}.
    W      : (m, m).   tau : float τ.
    Returns (dh_prev, dW) : (n, m) and (m, m).
    """
    ### BEGIN SOLUTION
    dg = dh * (g > 0)
    dh_prev = dg + tau * (dg @ W)
    dW = tau * (dg.T @ h_prev)
    return dh_prev, dW
    ### END SOLUTION


# %% [markdown]
# Run the next cell to check your answer, or one of these from a terminal:
#
#     ntkedu check resnet_backward ex06_resnet_backward.py
#     python -m ntkedu.exercises check resnet_backward ex06_resnet_backward.py
#
# Each run draws fresh random cases and compares with ntkedu's own implementation; the report
# prints the seed that repeats them and names the mistake when it recognises one.

# %%
if __name__ == "__main__":
    print(ntkedu.exercises.check("resnet_backward", resnet_layer_backward))
