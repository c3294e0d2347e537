"""The network's building blocks, each with a hand-written backward pass.

Every op follows one contract::

    out, cache = op_forward(inputs...)
    grads      = op_backward(dout, cache)

``cache`` is a small dataclass holding exactly what backward needs, with readable field names so
that ``p cache`` in a debugger tells you what you are looking at. Backward returns fresh arrays.

Samples are rows: where the paper writes g = W h for a column h, we write ``g = h @ W.T`` for a
batch ``h`` of shape (n, m_in).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _shape(a) -> str:
    return "None" if a is None else "x".join(map(str, np.shape(a)))


class _ShapesRepr:
    """``repr`` that lists array fields by shape instead of printing their values."""

    def __repr__(self) -> str:
        parts = []
        for name, value in vars(self).items():
            parts.append(f"{name}={_shape(value)}" if isinstance(value, np.ndarray) else f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


# --------------------------------------------------------------------------------------------------
# Linear map  g = W h
# --------------------------------------------------------------------------------------------------

@dataclass(repr=False)
class LinearCache(_ShapesRepr):
    x: np.ndarray  # (n, d_in) input rows
    W: np.ndarray  # (d_out, d_in)


def linear_forward(x, W):
    """g = W x for each row x (paper: g_ℓ = W_ℓ h_{ℓ−1}).

    x : (n, d_in), W : (d_out, d_in)  ->  out : (n, d_out)
    """
    return x @ W.T, LinearCache(x, W)


def linear_backward(dout, cache: LinearCache):
    """Returns (dx, dW): dx = dout W (rows), dW = Σ_i dout_i x_iᵀ = doutᵀ x."""
    return dout @ cache.W, dout.T @ cache.x


# --------------------------------------------------------------------------------------------------
# ReLU  h = φ(g) = D g
# --------------------------------------------------------------------------------------------------

@dataclass(repr=False)
class ReluCache(_ShapesRepr):
    D: np.ndarray  # bool mask 1[g > 0]: the paper's diagonal matrix D, one row per sample


def relu_forward(g):
    """h = φ(g) = max(g, 0). The mask D = 1[g > 0] is the paper's D_{i,ℓ} (§1.3).

    The paper writes 1[g >= 0]; the two differ only on g = 0, which has probability zero.
    """
    D = g > 0
    return g * D, ReluCache(D)


def relu_backward(dh, cache: ReluCache):
    """dg = D dh: gradient flows only through the active units."""
    return dh * cache.D


# --------------------------------------------------------------------------------------------------
# Residual step  h + τ W h   (paper §4, before the ReLU)
# --------------------------------------------------------------------------------------------------

@dataclass(repr=False)
class ResidualCache(_ShapesRepr):
    h: np.ndarray  # (n, m) input rows
    W: np.ndarray  # (m, m)
    tau: float


def residual_forward(h, W, tau):
    """g = h + τ W h for each row h (the ResNet block of paper §4, before its ReLU).

    h : (n, m), W : (m, m)  ->  g : (n, m)
    """
    return h + tau * (h @ W.T), ResidualCache(h, W, tau)


def residual_backward(dg, cache: ResidualCache):
    """Returns (dh, dW): dh = dg + τ dg W (identity path plus branch), dW = τ dgᵀ h."""
    return dg + cache.tau * (dg @ cache.W), cache.tau * (dg.T @ cache.h)


# --------------------------------------------------------------------------------------------------
# 2-D convolution (cross-correlation), stride 1, zero padding `pad`
# --------------------------------------------------------------------------------------------------

@dataclass(repr=False)
class ConvCache(_ShapesRepr):
    x_shape: tuple  # (N, C, H, W) of the input
    w: np.ndarray   # (F, C, s, s)
    pad: int
    cols: np.ndarray | None = None   # fast version: (N*Ho*Wo, s*s*C) windows, channels last
    x: np.ndarray | None = None      # naive version: the input itself


def _same_pad(w, pad):
    return (w.shape[-1] - 1) // 2 if pad is None else pad


def conv_forward_naive(x, w, pad=None):
    """Cross-correlation by explicit loops — slow, but each line is the definition.

        out[n, f, i, j] = Σ_{c, a, b} w[f, c, a, b] · x_pad[n, c, i + a, j + b]

    x : (N, C, H, W), w : (F, C, s, s), pad : zero padding (default (s − 1)/2, "same")
    ->  out : (N, F, H + 2 pad − s + 1, W + 2 pad − s + 1)
    """
    pad = _same_pad(w, pad)
    N, C, H, W = x.shape
    F, _, s, _ = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = H + 2 * pad - s + 1, W + 2 * pad - s + 1
    out = np.zeros((N, F, Ho, Wo), dtype=np.result_type(x, w))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    out[n, f, i, j] = np.sum(w[f] * xp[n, :, i:i + s, j:j + s])
    return out, ConvCache(x.shape, w, pad, x=x)


def conv_backward_naive(dout, cache: ConvCache):
    """Returns (dx, dw) by the same loops: each output pixel sends dout back to its window."""
    x, w, pad = cache.x, cache.w, cache.pad
    s = w.shape[-1]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    N, F, Ho, Wo = dout.shape
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    dw[f] += dout[n, f, i, j] * xp[n, :, i:i + s, j:j + s]
                    dxp[n, :, i:i + s, j:j + s] += dout[n, f, i, j] * w[f]
    H, W = x.shape[2:]
    return dxp[:, :, pad:pad + H, pad:pad + W], dw


def _im2col(x, s, pad):
    """Windows of x as rows: (N, C, H, W) -> (N*Ho*Wo, s*s*C), column order (a, b, c).

    Built with s² slice copies in channels-last order; that layout makes each copy contiguous
    along C and lets the product's result reshape to (N, Ho, Wo, F) with no transpose.
    """
    N, C, H, W = x.shape
    xp = np.pad(x.transpose(0, 2, 3, 1), ((0, 0), (pad, pad), (pad, pad), (0, 0)))  # (N, H+2p, W+2p, C)
    Ho, Wo = H + 2 * pad - s + 1, W + 2 * pad - s + 1
    cols = np.empty((N, Ho, Wo, s, s, C), dtype=x.dtype)
    for a in range(s):
        for b in range(s):
            cols[:, :, :, a, b, :] = xp[:, a:a + Ho, b:b + Wo, :]
    return cols.reshape(N * Ho * Wo, s * s * C)


def _col2im(dcols, x_shape, s, pad):
    """Adjoint of :func:`_im2col`: add each window's gradient back onto the image."""
    N, C, H, W = x_shape
    Ho, Wo = H + 2 * pad - s + 1, W + 2 * pad - s + 1
    dcols = dcols.reshape(N, Ho, Wo, s, s, C)
    dxp = np.zeros((N, H + 2 * pad, W + 2 * pad, C), dtype=dcols.dtype)
    for a in range(s):
        for b in range(s):
            dxp[:, a:a + Ho, b:b + Wo, :] += dcols[:, :, :, a, b, :]
    return dxp[:, pad:pad + H, pad:pad + W, :].transpose(0, 3, 1, 2)


def conv_forward(x, w, pad=None):
    """Fast cross-correlation as one matrix product on the windows (im2col).

    Same inputs, outputs and formula as :func:`conv_forward_naive`:
    out = cols @ w_mat.T with cols the (N·Ho·Wo, s·s·C) windows and w_mat the (F, s·s·C) filters.
    The result is returned as an (N, F, Ho, Wo) view of channels-last memory.
    """
    pad = _same_pad(w, pad)
    N, C, H, W = x.shape
    F, _, s, _ = w.shape
    cols = _im2col(x, s, pad)
    w_mat = w.transpose(0, 2, 3, 1).reshape(F, -1)  # (F, s*s*C), column order (a, b, c) as cols
    Ho, Wo = H + 2 * pad - s + 1, W + 2 * pad - s + 1
    out = (cols @ w_mat.T).reshape(N, Ho, Wo, F).transpose(0, 3, 1, 2)
    return out, ConvCache(x.shape, w, pad, cols=cols)


def conv_backward_x(dout, cache: ConvCache):
    """Input gradient of :func:`conv_forward`: dcols = dout w_mat, folded back onto the image.

    dout : (N, F, Ho, Wo)  ->  dx : (N, C, H, W)
    """
    w, s = cache.w, cache.w.shape[-1]
    F = w.shape[0]
    dout_mat = dout.transpose(0, 2, 3, 1).reshape(-1, F)  # (N*Ho*Wo, F); a view when dout is channels-last
    w_mat = w.transpose(0, 2, 3, 1).reshape(F, -1)
    return _col2im(dout_mat @ w_mat, cache.x_shape, s, cache.pad)


def conv_backward_w(dout, cache: ConvCache):
    """Weight gradient of :func:`conv_forward`: dw = doutᵀ cols, summed over samples and positions.

    dout : (N, F, Ho, Wo)  ->  dw : (F, C, s, s)
    """
    F, C, s, _ = cache.w.shape
    dout_mat = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    return np.ascontiguousarray((dout_mat.T @ cache.cols).reshape(F, s, s, C).transpose(0, 3, 1, 2))


def conv_backward(dout, cache: ConvCache):
    """Returns (dx, dw) of :func:`conv_forward`, the fast twin of :func:`conv_backward_naive`."""
    return conv_backward_x(dout, cache), conv_backward_w(dout, cache)
