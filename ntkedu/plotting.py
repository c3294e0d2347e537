"""Figure helpers shared by the lessons and the command line.

Matplotlib's object API only: figures are ``matplotlib.figure.Figure`` objects drawn on the Agg
canvas, so nothing here opens a window or touches pyplot's global state. Every helper returns what
it drew; :func:`save` writes a PNG atomically (temporary file, then rename).

Figures are made to be projected in a classroom: draw them inside :func:`style` (a colour-blind-safe
cycle whose line styles also tell curves apart in greyscale, text of 9 pt and more) and pass each to
:func:`finish` before saving. ``finish`` makes every figure at least 1600 px wide at 150 dpi, writes
Θ̄ with mathtext (the combining macron of "Θ̄" is not drawn by the fonts), labels log axes with at
least two ticks written as 0.01, 10, 1e-6, and moves a legend that covers data outside the axes.
"""

from __future__ import annotations

import contextlib
import io
import os
import unicodedata

import matplotlib
import numpy as np
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogFormatter, LogLocator, NullLocator

from ._files import atomic_write
from .measure import loglog_slope

__all__ = ["figure", "save", "style", "finish", "loglog_fit", "loss_curves", "width_axis", "tick_text",
           "THETA_BAR", "DPI", "MIN_WIDTH_INCHES", "MIN_FONT_POINTS"]

DPI = 150                      # saved resolution
MIN_WIDTH_INCHES = 1600 / DPI  # at least 1600 px wide: sharp on a projector
MIN_FONT_POINTS = 9            # no text smaller than this
THETA_BAR = r"$\bar{\Theta}$"

# Okabe & Ito's colour-blind-safe palette; each colour has its own line style for greyscale prints
_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
_STYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2, 2, 2))]
STYLE = {
    "axes.prop_cycle": cycler(color=_COLOURS) + cycler(linestyle=_STYLES),
    "font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "legend.fontsize": 10,
    "xtick.labelsize": 10, "ytick.labelsize": 10, "figure.titlesize": 13, "lines.linewidth": 1.8,
    "lines.markersize": 6, "legend.framealpha": 0.9, "savefig.dpi": DPI,
}


@contextlib.contextmanager
def style():
    """The figure style of ntkedu (colours, line styles, font sizes) for the figures made inside."""
    with matplotlib.rc_context(STYLE):
        yield


def figure(ncols: int = 1, nrows: int = 1, *, width: float = 5.0, height: float = 3.8):
    """A new Figure with a grid of axes: returns (fig, axes), axes squeezed like ``plt.subplots``.

    At least ``MIN_WIDTH_INCHES`` wide, so that it is 1600 px or more at the saved 150 dpi.
    """
    total = width * ncols
    scale = max(1.0, MIN_WIDTH_INCHES / total)
    fig = Figure(figsize=(total * scale, height * nrows * min(scale, 1.25)), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True)
    return fig, axes


def save(fig, path, dpi: int = DPI) -> str:
    """Write ``fig`` as a PNG at ``path`` without ever leaving a half-written file. Returns the path."""
    buffer = io.BytesIO()
    with style():                 # colours named "C0", "C1"… are resolved when the figure is drawn
        finish(fig)
        fig.savefig(buffer, format="png", dpi=dpi)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    return atomic_write(path, buffer.getvalue())


# ---- finishing a figure for the projector ----------------------------------------------------------

def tick_text(value, _pos=None) -> str:
    """A log axis's tick label: 0.01, 0.5, 10, 200, and 1e-06 → '1e-6' outside [1e-3, 1e4)."""
    if value <= 0 or not np.isfinite(value):
        return ""
    if 1e-3 <= value < 1e4:
        return f"{value:g}"
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _plain(text: str) -> str:
    """Θ̄ (Θ + combining macron) as mathtext outside $…$; other combining marks composed or dropped."""
    if not text:
        return text
    parts = text.split("$")
    if len(parts) % 2 == 1:                         # balanced: even parts are plain text
        for i in range(0, len(parts), 2):
            parts[i] = parts[i].replace("Θ̄", THETA_BAR)
        text = "$".join(parts)
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _log_ticks(axis, scale_getter, lims):
    if scale_getter() != "log":
        return
    if not isinstance(axis.get_major_formatter(), LogFormatter):
        return                                      # labels chosen by the lesson (e.g. the widths)
    lo, hi = sorted(v for v in lims if v > 0) if all(v > 0 for v in lims) else (None, None)
    if lo is None:
        return
    decades = np.log10(hi / lo)
    subs = (1.0,) if decades >= 2 else (1.0, 2.0, 5.0) if decades >= 0.7 else (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)
    axis.set_major_locator(LogLocator(base=10, subs=subs))
    axis.set_major_formatter(FuncFormatter(tick_text))
    axis.set_minor_formatter(FuncFormatter(lambda v, p: ""))


def _points(ax):
    """The plotted data points of an axes, in display coordinates."""
    pts = []
    for line in ax.get_lines():
        xy = np.column_stack([np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)])
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if len(xy):
            pts.append(ax.transData.transform(xy))
    for coll in ax.collections:
        offsets = np.asarray(coll.get_offsets(), float)
        if offsets.ndim == 2 and len(offsets):
            pts.append(coll.get_offset_transform().transform(offsets))
    return np.concatenate(pts) if pts else np.zeros((0, 2))


def _inside(pts, x0, y0, x1, y1) -> bool:
    return bool(np.any((pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)))


def legend_covers_data(ax) -> bool:
    """Whether the axes' legend box contains any plotted point (in display coordinates)."""
    legend = ax.get_legend()
    if legend is None:
        return False
    box = legend.get_window_extent()
    return _inside(_points(ax), box.x0, box.y0, box.x1, box.y1)


_CORNERS = {"upper right": (1, 1), "upper left": (0, 1), "lower left": (0, 0), "lower right": (1, 0),
            "center right": (1, 0.5), "center left": (0, 0.5), "upper center": (0.5, 1),
            "lower center": (0.5, 0), "center": (0.5, 0.5)}


def _free_corner(ax, legend):
    """The first legend location inside the axes whose box holds no data point, or None."""
    box, frame = legend.get_window_extent(), ax.get_window_extent()
    pad = legend.borderaxespad * legend.prop.get_size_in_points() * ax.figure.dpi / 72
    pts = _points(ax)
    w, h = box.width, box.height
    for loc, (fx, fy) in _CORNERS.items():
        x0 = frame.x0 + pad + fx * (frame.width - w - 2 * pad)
        y0 = frame.y0 + pad + fy * (frame.height - h - 2 * pad)
        if w + 2 * pad <= frame.width and h + 2 * pad <= frame.height and not _inside(pts, x0, y0, x0 + w, y0 + h):
            return loc
    return None


def finish(fig):
    """Make ``fig`` projector-ready in place (see the module docstring) and return it. Idempotent."""
    with style():
        return _finish(fig)


def _finish(fig):
    w, h = fig.get_size_inches()
    if w < MIN_WIDTH_INCHES:
        fig.set_size_inches(MIN_WIDTH_INCHES, h * MIN_WIDTH_INCHES / w)
    for text in fig.findobj(matplotlib.text.Text):
        content = text.get_text()
        fixed = _plain(content)
        if fixed != content:
            text.set_text(fixed)
        if text.get_fontsize() < MIN_FONT_POINTS:
            text.set_fontsize(MIN_FONT_POINTS)
    for ax in fig.axes:
        _log_ticks(ax.xaxis, ax.get_xscale, ax.get_xlim())
        _log_ticks(ax.yaxis, ax.get_yscale, ax.get_ylim())
    fig.canvas.draw()                                # legends need their final place to be checked
    moved = False
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None or not legend_covers_data(ax):
            continue
        loc = _free_corner(ax, legend)                # an empty corner of the axes, if there is one
        if loc is not None:
            legend.set_loc(loc)
        else:                                         # else beside the axes, out of the data's way
            legend.set_bbox_to_anchor((1.01, 1.0), transform=ax.transAxes)
            legend.set_loc("upper left")
        moved = True
    if moved:
        fig.canvas.draw()
    return fig


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
