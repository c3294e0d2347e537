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
# # Exercise 10 — Kernel gradient descent and the residual along eigenvectors
#
# *Lesson 9 (Labels and eigenvectors), used by Lessons 3 and 8 · paper.md §6.1*
#
# Near initialisation a wide network's outputs u_t (n,) follow kernel gradient descent on the
# sum loss F = ½ Σ_i (u_i − y_i)²:
#
#     u_{t+1} − y = (I − η Θ)(u_t − y)    ⇒    u_t = y + (I − η Θ)^t (u_0 − y).
#
# Write Θ = Σ_i λ_i v_i v_iᵀ with λ_1 ≥ λ_2 ≥ … and orthonormal eigenvectors v_i. Then each
# component of the residual decays on its own:
#
#     ⟨v_i, u_t − y⟩ = (1 − ηλ_i)^t ⟨v_i, u_0 − y⟩,
#
# fast along the top eigenvectors, slowly along the bottom ones. (Time is η × steps; the loss
# decays like (1 − ηλ_i)^{2t}.)
#
# **Write**
#
# 1. `kernel_gd_outputs(K, u0, y, lr, t)` returning u_t (n,), computed in the eigenbasis (no loop
#    over t);
# 2. `residual_along_eigenvectors(K, r)` returning (λ, c): the eigenvalues in **descending**
#    order (n,) and the coefficients c_i = ⟨v_i, r⟩ (n,) of a residual r (n,). (Each v_i is
#    defined up to its sign, so the check accepts ± c_i.)
#
# K is a symmetric (n, n) kernel. `np.linalg.eigh` returns eigenvalues in ascending order and
# the eigenvectors as the **columns** of its second result.

# %%
import numpy as np

import ntkedu.exercises


# %%
def kernel_gd_outputs(K, u0, y, lr, t):
    """u_t = y + (I − ηK)^t (u_0 − y), via the eigen-decomposition of K.

    K : (n, n) symmetric.   u0, y : (n,).   lr : η.   t : int >= 0.
    Returns u_t : (n,).
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def residual_along_eigenvectors(K, r):
    """Eigenvalues (descending) of K and the coefficients ⟨v_i, r⟩ of r along its eigenvectors.

    K : (n, n) symmetric.   r : (n,).
    Returns (lam, c) : (n,) and (n,), lam[0] the largest.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# Run the next cell to check your answer, or one of these from a terminal:
#
#     ntkedu check kernel_gd ex10_kernel_gd.py
#     python -m ntkedu.exercises check kernel_gd ex10_kernel_gd.py
#
# Each run draws fresh random cases and compares with ntkedu's own implementation; the report
# prints the seed that repeats them and names the mistake when it recognises one.

# %%
if __name__ == "__main__":
    print(ntkedu.exercises.check("kernel_gd", (kernel_gd_outputs, residual_along_eigenvectors)))
