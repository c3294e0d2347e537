"""Figure helpers shared by the lessons and the command line.

Matplotlib's object API only: figures are ``matplotlib.figure.Figure`` objects drawn on the Agg
canvas, so nothing here opens a window or touches pyplot's global state. Every helper returns what
it drew; :func:`save` writes a PNG atomically (temporary file, then rename).
"""

from __future__ import annotations

import io
import os

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from ._files import atomic_write
from .measure import loglog_slope

__all__ = ["figure", "save", "loglog_fit", "loss_curves", "width_axis"]


def figure(ncols: int = 1, nrows: int = 1, *, width: float = 5.0, height: float = 3.8):
    """A new Figure with a grid of axes: returns (fig, axes), axes squeezed like ``plt.subplots``."""
    fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True)
    return fig, axes


def save(fig, path, dpi: int = 100) -> str:
    """Write ``fig`` as a PNG at ``path`` without ever leaving a half-written file. Returns the path."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    return atomic_write(path, buffer.getvalue())


def loglog_fit(ax, x, y, label: str, *, fit_min=None, marker="o", color=None):
    """Plot y against x on log-log axes with its least-squares line; the slope goes in the legend.

    Points with x < ``fit_min`` are drawn but left out of the fit (paper.md §7: small widths are not
    lazy yet). Returns the fitted slope.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    keep = np.ones_like(x, bool) if fit_min is None else x >= fit_min
    slope, intercept = loglog_slope(x[keep], y[keep], return_intercept=True)
    line = ax.loglog(x, y, marker=marker, linestyle="none", color=color)[0]
    xs = np.geomspace(x[keep].min(), x[keep].max(), 50)
    ax.loglog(xs, np.exp(intercept) * xs**slope, color=line.get_color(), linestyle="--",
              label=f"{label} (fitted slope {slope:+.2f})")
    return slope


def loss_curves(ax, curves: dict, *, xlabel: str = "steps t", ylabel: str = "loss F(W_t)"):
    """Draw several loss curves on a log y-axis: ``curves`` maps a legend label to (steps, losses)."""
    for label, (steps, loss) in curves.items():
        ax.semilogy(steps, loss, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize="small")
    return ax


def width_axis(ax, widths, label: str = "width m"):
    """Label a log-scaled x axis with the widths themselves (no crowded minor labels)."""
    ax.set_xticks(widths, labels=[str(int(w)) for w in widths])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel(label)
