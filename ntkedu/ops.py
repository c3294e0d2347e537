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
from numpy.lib.stride_tricks import sliding_window_view


def _shape(a) -> str:
    return "None" if a is None else "x".join(map(str, np.shape(a)))


class _ShapesRepr:
    """``repr`` that lists array fields by shape instead of printing their values."""

    def __repr__(self) -> str:
        parts = []
        for name, value in vars(self).items():
            parts.append(f"{name}={_shape(value)}" if isinstance(value, np.ndarray) else f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


@dataclass(repr=False)
class RankOne(_ShapesRepr):
    """A gradient that is a sum of per-sample outer products (paper §1.3).

    Sample i contributes ``outer(left[i], right[i])``; the full gradient is ``left.T @ right``.
    left : (n, p), right : (n, q).
    """
    left: np.ndarray
    right: np.ndarray


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
    """What both convolutions keep for backward: the input and the filters (no window copies)."""
    x: np.ndarray   # (N, C, H, W) input
    w: np.ndarray   # (F, C, s, s) filters
    pad: int        # zero padding on each side

    @property
    def x_shape(self) -> tuple:
        return self.x.shape

    @property
    def cols(self) -> np.ndarray:
        """The input's windows as rows, (N*Ho*Wo, s*s*C) — see :func:`_im2col`.

        Rebuilt on each access rather than stored: the windows take s² times the input's memory,
        and rebuilding them costs about as much as reading them back.
        """
        return _im2col(self.x, self.w.shape[-1], self.pad)


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
    return out, ConvCache(x, w, pad)


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

    Row (n, i, j) is the receptive field x_pad[n, :, i:i+s, j:j+s], read in channels-last order:
    that layout keeps each window's channels contiguous and lets the product's result reshape to
    (N, Ho, Wo, F) with no transpose. The windows are a strided view; the final reshape is the
    only copy.
    """
    N, C, H, W = x.shape
    Ho, Wo = H + 2 * pad - s + 1, W + 2 * pad - s + 1
    xp = np.zeros((N, H + 2 * pad, W + 2 * pad, C), dtype=x.dtype)       # zero padding, channels last
    xp[:, pad:pad + H, pad:pad + W, :] = x.transpose(0, 2, 3, 1)
    windows = sliding_window_view(xp, (s, s), axis=(1, 2))                # (N, Ho, Wo, C, s, s), a view
    return windows.transpose(0, 1, 2, 4, 5, 3).reshape(N * Ho * Wo, s * s * C)


def _filters_as_rows(w):
    """(F, C, s, s) -> (F, s*s*C), column order (a, b, c) to match :func:`_im2col`."""
    return w.transpose(0, 2, 3, 1).reshape(w.shape[0], -1)


def conv_forward(x, w, pad=None):
    """Fast cross-correlation as one matrix product on the windows (im2col).

    Same inputs, outputs and formula as :func:`conv_forward_naive`:
    out = cols @ w_mat.T with cols the (N·Ho·Wo, s·s·C) windows and w_mat the (F, s·s·C) filters.
    The result is returned as an (N, F, Ho, Wo) view of channels-last memory.
    """
    pad = _same_pad(w, pad)
    N, C, H, W = x.shape
    F, _, s, _ = w.shape
    Ho, Wo = H + 2 * pad - s + 1, W + 2 * pad - s + 1
    out = (_im2col(x, s, pad) @ _filters_as_rows(w).T).reshape(N, Ho, Wo, F).transpose(0, 3, 1, 2)
    return out, ConvCache(x, w, pad)


def conv_backward_x(dout, cache: ConvCache):
    """Input gradient of :func:`conv_forward`: a *full* cross-correlation of dout with the filters
    flipped in space and transposed in channels,

        dx[n, c, y, z] = Σ_{f, a, b} dout_pad[n, f, y + a, z + b] · w[f, c, s−1−a, s−1−b],

    i.e. ``conv_forward(dout, w_flip, pad=s − 1 − pad)`` with w_flip[c, f, a, b] = w[f, c, s−1−a, s−1−b]
    (stride 1). This is the adjoint of the window copy, done as one more im2col product.

    dout : (N, F, Ho, Wo)  ->  dx : (N, C, H, W)
    """
    w, s = cache.w, cache.w.shape[-1]
    w_flip = w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)     # (C, F, s, s)
    q = s - 1 - cache.pad
    if q < 0:  # pad > s − 1: the outermost -q rows and columns of dout saw only padding
        dout, q = dout[:, :, -q:dout.shape[2] + q, -q:dout.shape[3] + q], 0
    return conv_forward(dout, w_flip, pad=q)[0]


def conv_backward_w(dout, cache: ConvCache):
    """Weight gradient of :func:`conv_forward`: dw = doutᵀ cols, summed over samples and positions.

    dout : (N, F, Ho, Wo)  ->  dw : (F, C, s, s)
    """
    F, C, s, _ = cache.w.shape
    dout_mat = dout.transpose(0, 2, 3, 1).reshape(-1, F)  # (N*Ho*Wo, F); a view when dout is channels-last
    return np.ascontiguousarray((dout_mat.T @ cache.cols).reshape(F, s, s, C).transpose(0, 3, 1, 2))


def conv_backward(dout, cache: ConvCache):
    """Returns (dx, dw) of :func:`conv_forward`, the fast twin of :func:`conv_backward_naive`."""
    return conv_backward_x(dout, cache), conv_backward_w(dout, cache)
