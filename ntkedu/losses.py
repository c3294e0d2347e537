"""The paper's losses, both *sums* over samples (paper.md §1.4).

A sum (not a mean) is what the theorems are stated for: F(W) = Σ_i F_i(W). With a mean, every step
size in the paper would be off by a factor n.

Each loss returns ``(loss, dout)`` where ``dout = ∂loss/∂out`` has the shape of ``out``: it is the
signal the network's backward pass starts from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _checks

__all__ = ["squared", "softmax_cross_entropy", "softmax", "accuracy", "get"]


def squared(out, Y):
    """F = Σ_i ½‖ŷ_i − y_i*‖² and its gradient ŷ − y* (paper §1.4, regression).

    Parameters
    ----------
    out : (n, d_out) network outputs ŷ.
    Y : (n, d_out) targets y*, exactly the shape of ``out`` (nothing is broadcast).

    Returns
    -------
    loss : float
    dout : (n, d_out), the residual ŷ − y*.
    """
    out = _checks.array("out", out, ndim=2, finite=False)
    Y = _checks.array("Y", Y, ndim=2, shape=out.shape, dtype=out.dtype)  # float32 nets keep float32
    residual = out - Y
    return 0.5 * float(np.sum(residual**2)), residual


def softmax(out):
    """Row-wise softmax, shifted by the row maximum so exp never overflows. (n, K) -> (n, K)."""
    z = out - out.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(out, labels):
    """F = Σ_i −log softmax(ŷ_i)_{y_i} and its gradient softmax(ŷ) − e_y (paper §2.5).

    Computed with the log-sum-exp shift, so large logits give a finite loss.

    Parameters
    ----------
    out : (n, K) logits, K = d_out classes.
    labels : (n,) integers in [0, K).

    Returns
    -------
    loss : float
    dout : (n, K), softmax(ŷ_i) − e_{y_i}; max_i ‖dout_i‖ < ½ certifies 100% accuracy (paper.md §2.5).
    """
    out = _checks.array("out", out, ndim=2)   # infinite logits have no softmax: refuse, don't return NaN
    n, K = out.shape
    labels = _checks.labels("labels", labels, n, K)
    z = out - out.max(axis=1, keepdims=True)
    log_p = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    rows = np.arange(n)
    dout = np.exp(log_p)
    dout[rows, labels] -= 1.0
    return -float(np.sum(log_p[rows, labels])), dout


def accuracy(out, labels) -> float:
    """Fraction of rows whose largest logit is the label."""
    return float(np.mean(np.argmax(out, axis=1) == labels))


@dataclass(frozen=True)
class Loss:
    """A loss by name: ``fn(out, target) -> (loss, dout)`` and whether targets are class labels."""
    name: str
    fn: object
    classification: bool


_LOSSES = {
    "squared": Loss("squared", squared, False),
    "cross_entropy": Loss("cross_entropy", softmax_cross_entropy, True),
}


def get(name) -> Loss:
    """Look up a loss by name: 'squared' or 'cross_entropy'."""
    if name not in _LOSSES:
        raise ValueError(f"loss must be one of {sorted(_LOSSES)}, got {name!r}")
    return _LOSSES[name]
