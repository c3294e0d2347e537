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
# # Exercise 11 — Flipped ReLUs and the normalised step size
#
# *Lesson 6 (Lazy training) and Lesson 4 (Step size) · paper.md §3.5, §9.5 (flips), §6.2 (the step)*
#
# **Flipped ReLUs.** Training moves the weights so little (∝ 1/√m) that few units change sign.
# With D0[ℓ] the masks 1[g_ℓ > 0] at initialisation and D[ℓ] the masks now (each (n, m), bool),
# the fraction of flipped units of layer ℓ is
#
#     flips_ℓ = #{(i, k) : D[ℓ]_{ik} ≠ D0[ℓ]_{ik}} / (n m).
#
# **The normalised step.** The empirical kernel grows like m (Θ_m ≈ m Θ̄), and kernel gradient
# descent is stable for η λ_max(Θ_m) < 2. So ntkedu chooses the step size through its scale s:
#
#     η = s / (m · λ_max(Θ̄)),
#
# which makes the loss curves of different widths fall on top of each other; s = 2 is the edge of
# stability.
#
# **Write** `flipped_fraction(D0, D)` returning the (L + 1,) float array of fractions, one per
# layer ℓ = 0..L, and `normalised_lr(Kbar, width, lr_scale)` returning η as a float.

# %%
import numpy as np

import ntkedu.exercises


# %%
def flipped_fraction(D0, D):
    """Fraction of units whose ReLU changed sign, per layer.

    D0, D : lists of L + 1 bool arrays (n, m).
    Returns (L + 1,) float64 array.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def normalised_lr(Kbar, width, lr_scale):
    """η = lr_scale / (m · λ_max(Θ̄)).

    Kbar : (n, n) the infinite-width kernel Θ̄.   width : m.   lr_scale : s > 0.
    Returns η : float.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# Run the next cell to check your answer, or one of these from a terminal:
#
#     ntkedu check flips_and_step ex11_flips_and_step.py
#     python -m ntkedu.exercises check flips_and_step ex11_flips_and_step.py
#
# Each run draws fresh random cases and compares with ntkedu's own implementation; the report
# prints the seed that repeats them and names the mistake when it recognises one.

# %%
if __name__ == "__main__":
    print(ntkedu.exercises.check("flips_and_step", (flipped_fraction, normalised_lr)))
