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
# # Exercise 2 — Linear layer backward
#
# *Lesson 1 (Backprop by hand) · paper.md §1.3*
#
# The paper's layer is g = W h for a column h. ntkedu keeps samples as **rows**, so for a batch
# x of shape (n, d_in) and W of shape (d_out, d_in) the forward pass is
#
#     g = x Wᵀ                  (n, d_out),   row i is W x_i.
#
# Given dout = ∂F/∂g (n, d_out), backward returns
#
#     dx = dout W               (n, d_in),    row i is Wᵀ dout_i,
#     dW = doutᵀ x = Σ_i dout_i x_iᵀ   (d_out, d_in), W's own shape.
#
# dW is a **sum** over the samples, because the paper's loss F = Σ_i F_i is a sum (§1.4).
#
# **Write** `linear_backward(dout, x, W)` returning the tuple (dx, dW).

# %%
import numpy as np

import ntkedu.exercises


# %%
def linear_backward(dout, x, W):
    """Backward through g = x Wᵀ (one sample per row).

    dout : (n, d_out) gradient with respect to g.
    x    : (n, d_in) the layer's input.
    W    : (d_out, d_in) the weights.
    Returns (dx, dW) : (n, d_in) and (d_out, d_in).
    """
    ### BEGIN SOLUTION
    dx = dout @ W
    dW = dout.T @ x
    return dx, dW
    ### END SOLUTION


# %% [markdown]
# Run the next cell to check your answer, or one of these from a terminal:
#
#     ntkedu check linear_backward ex02_linear_backward.py
#     python -m ntkedu.exercises check linear_backward ex02_linear_backward.py
#
# Each run draws fresh random cases and compares with ntkedu's own implementation; the report
# prints the seed that repeats them and names the mistake when it recognises one.

# %%
if __name__ == "__main__":
    print(ntkedu.exercises.check("linear_backward", linear_backward))
