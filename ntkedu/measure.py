"""Measurements of the paper's quantities (paper.md §3): at initialisation and along a run."""

from __future__ import annotations

import numpy as np

__all__ = ["loglog_slope"]


def loglog_slope(x, y, *, return_intercept: bool = False):
    """Least-squares slope of log y against log x: the exponent p in y ∝ x^p (paper.md §7 rule).

    x, y : 1-D positive arrays of equal length (at least 2 points).
    """
    x, y = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape or x.size < 2:
        raise ValueError(f"x and y must be 1-D of equal length >= 2, got shapes {x.shape} and {y.shape}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("a log-log slope needs positive x and y values")
    slope, intercept = np.polyfit(np.log(x), np.log(y), 1)
    return (float(slope), float(intercept)) if return_intercept else float(slope)
