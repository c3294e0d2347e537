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
# # Exercise 7 — A naive convolution backward
#
# *Lesson 13 (CNN) · paper.md §5 (the CNN is a reconstruction, see there)*
#
# ntkedu's CNN layer is a cross-correlation with stride 1 and zero padding `pad`:
#
#     out[n, f, i, j] = Σ_{c, a, b} w[f, c, a, b] · x_pad[n, c, i + a, j + b]
#
# x (N, C, H, W), w (F, C, s, s), out (N, F, Ho, Wo) with Ho = H + 2·pad − s + 1 (likewise Wo),
# and x_pad is x with `pad` zeros on each side of both spatial axes. Each output pixel reads one
# window of x_pad, so backward sends dout[n, f, i, j] back to that window:
#
#     dw[f]                        += dout[n, f, i, j] · x_pad[n, :, i:i+s, j:j+s]
#     dx_pad[n, :, i:i+s, j:j+s]   += dout[n, f, i, j] · w[f]
#
# summed over n, f, i, j (windows overlap, so accumulate); finally dx is dx_pad without its
# padding. Loops are fine here: this is the definition ntkedu's fast im2col version is tested
# against.
#
# **Write** `conv_backward(dout, x, w, pad)` returning (dx, dw) of x's and w's shapes.

# %%
import numpy as np

import ntkedu.exercises


# %%
def conv_backward(dout, x, w, pad):
    """Backward of the stride-1 cross-correlation with zero padding pad.

    dout : (N, F, Ho, Wo).   x : (N, C, H, W).   w : (F, C, s, s).   pad : int >= 0.
    Returns (dx, dw) : (N, C, H, W) and (F, C, s, s).
    """
    ### BEGIN SOLUTION
    s = w.shape[-1]
    H, W = x.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    N, F, Ho, Wo = dout.shape
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    dw[f] += dout[n, f, i, j] * xp[n, :, i:i + s, j:j + s]
                    dxp[n, :, i:i + s, j:j + s] += dout[n, f, i, j] * w[f]
    return dxp[:, :, pad:pad + H, pad:pad + W], dw
    ### END SOLUTION


# %% [markdown]
# Run the next cell to check your answer, or one of these from a terminal:
#
#     ntkedu check conv_backward ex07_conv_backward.py
#     python -m ntkedu.exercises check conv_backward ex07_conv_backward.py
#
# Each run draws fresh random cases and compares with ntkedu's own implementation; the report
# prints the seed that repeats them and names the mistake when it recognises one.

# %%
if __name__ == "__main__":
    print(ntkedu.exercises.check("conv_backward", conv_backward))
