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
# # Exercise 5 — One GD step and one SGD step
#
# *Lesson 11 (SGD) · paper.md §1.4, §2.2*
#
# The paper's loss is a **sum** over the n samples, F(W) = Σ_i F_i(W). Only W_1..W_L train:
#
#     GD :  W_ℓ ← W_ℓ − η ∇_{W_ℓ} F(W)
#     SGD:  W_ℓ ← W_ℓ − η (n/b) Σ_{i∈S} ∇_{W_ℓ} F_i(W),    S a batch of b distinct samples
#
# The factor n/b makes the SGD step an unbiased estimate of the GD step, so one η serves both
# (that is ntkedu's convention, `ntkedu.train`).
#
# **Write**
#
# 1. `gd_step(params, grads, lr)`: `params` is the dict "A", "W1".."WL", "B" of arrays, `grads`
#    the dict "W1".."WL" of full gradients (m, m). Return a **new** dict with every key of
#    `params`: W_ℓ − η ∇W_ℓ for the trained layers, A and B unchanged.
# 2. `sgd_step(params, per_sample_grads, batch, lr)`: `per_sample_grads` is the dict
#    "W1".."WL" of (n, m, m) arrays, entry i being ∇W_ℓ F_i; `batch` is an int array of the b
#    indices in S. Return a new dict as for GD.
#
# Leave the inputs untouched (`W - lr * G`, not `W -= lr * G`): the caller still needs them.

# %%
import numpy as np

import ntkedu.exercises


# %%
def gd_step(params, grads, lr):
    """One gradient-descent step on the trained layers.

    params : dict "A", "W1".."WL", "B" -> arrays.
    grads  : dict "W1".."WL" -> (m, m) gradients of F = Σ_i F_i.
    lr     : η > 0.
    Returns a new dict with the keys of params.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def sgd_step(params, per_sample_grads, batch, lr):
    """One minibatch SGD step: W ← W − η (n/b) Σ_{i∈S} ∇F_i.

    params           : dict "A", "W1".."WL", "B" -> arrays.
    per_sample_grads : dict "W1".."WL" -> (n, m, m), entry i is ∇F_i.
    batch            : (b,) int array, the indices of S.
    lr               : η > 0.
    Returns a new dict with the keys of params.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# Run the next cell to check your answer, or one of these from a terminal:
#
#     ntkedu check sgd_step ex05_sgd_step.py
#     python -m ntkedu.exercises check sgd_step ex05_sgd_step.py
#
# Each run draws fresh random cases and compares with ntkedu's own implementation; the report
# prints the seed that repeats them and names the mistake when it recognises one.

# %%
if __name__ == "__main__":
    print(ntkedu.exercises.check("sgd_step", (gd_step, sgd_step)))
