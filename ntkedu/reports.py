"""Figures and text reports of training runs, for the ``ntkedu`` command and for users' own runs."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["loss_figure", "label", "summary", "eta_text", "describe"]


def eta_text(hist, *, tex: bool = False) -> str:
    """The step size: normalised η·m·λ_max(Θ̄) when known, and the raw η (mathtext for figures)."""
    cfg = getattr(hist, "config", {}) or {}
    scale = cfg.get("lr_scale_effective", cfg.get("lr_scale"))
    lr = hist.lr if getattr(hist, "lr", None) is not None else cfg.get("lr")
    parts = []
    if scale is not None and cfg.get("arch") == "cnn":      # no closed-form Θ̄: the kernel at init
        name = r"$\eta\,\lambda_{\max}(\Theta_0)$" if tex else "η·λ_max(Θ_0)"
    elif scale is not None:
        name = r"$\eta\,m\,\lambda_{\max}(\bar\Theta)$" if tex else "η·m·λ_max(Θ̄)"
    if scale is not None:
        parts.append(f"{name} = {scale:.3g}")
    if lr is not None:
        eta = r"$\eta$" if tex else "η"
        parts.append(f"{eta} = {lr:.3g}")
    return ", ".join(parts)


def describe(cfg: dict) -> str:
    arch = cfg.get("arch", "?")
    text = f"{arch.upper() if arch != 'resnet' else 'ResNet'} m={cfg.get('width')}, L={cfg.get('depth')}"
    if arch == "resnet" and cfg.get("tau") is not None:
        text += f", τ={cfg['tau']:.3g}"
    return text


def loss_figure(histories: dict, *, title_extra: str = ""):
    """Loss against steps on a log y-axis, one curve per run (Theorem 1 for GD, Theorem 2 for SGD).

    ``histories`` maps a legend label to a History. Returns the Figure.
    """
    from .plotting import figure, finish, loss_curves, style
    with style():
        return finish(_loss_figure(histories, title_extra, figure, loss_curves))


def _loss_figure(histories, title_extra, figure, loss_curves):
    hists = list(histories.values())
    cfg0 = hists[0].config or {}
    b, n = cfg0.get("batch_size"), cfg0.get("n")
    sgd = b is not None and n is not None and b < n
    loss = cfg0.get("loss", "squared")
    fig, ax = figure()
    curves = {label: (np.asarray(h.steps), np.asarray(h.loss)) for label, h in histories.items()}
    if loss == "squared":
        ylabel = r"loss $F(W_t) = \sum_i \frac{1}{2}\|\hat y_i - y_i^*\|^2$ (no unit)"
    else:
        ylabel = r"loss $F(W_t) = -\sum_i \log\,\mathrm{softmax}(\hat y_i)_{y_i}$ (nats)"
    loss_curves(ax, curves, xlabel=r"steps $t$ (time = $\eta$ × steps)", ylabel=ylabel)
    theorem = f"Theorem 2: SGD, batch b={b} of n={n}" if sgd else f"Theorem 1: gradient descent, n={n}"
    what = "loss falls geometrically" if loss == "squared" else "cross-entropy falls (§2.5)"
    ax.set_title(f"{theorem}{title_extra}\n{what} (A, B fixed, W ~ N(0, 2/m))", fontsize="medium")
    for h in hists:
        if getattr(h, "diverged", None):
            ax.annotate("diverged", (h.steps[-1], h.loss[-1]), fontsize="small", color="red")
    return fig


def label(hist) -> str:
    return f"{describe(hist.config or {})}, {eta_text(hist, tex=True)}"


def summary(hist, elapsed: float | None = None) -> str:
    """One paragraph on a finished run: loss before and after, steps, step size, and why it stopped
    early if it did (``elapsed``, the wall-clock seconds, is printed, never saved)."""
    loss = np.asarray(hist.loss, dtype=float)
    first, last = loss[0], loss[-1]
    reduction = first / last if last > 0 else math.inf
    took = "" if elapsed is None else f", {elapsed:.1f} s"
    text = (f"{describe(hist.config or {})}: loss {first:.4g} -> {last:.4g} "
            f"(reduced {reduction:.3g}x) in {hist.steps[-1]} steps{took}; {eta_text(hist)}")
    if getattr(hist, "stopped", None):
        text += f"\n  STOPPED EARLY: {hist.stopped}"
    acc = getattr(hist, "accuracy", None)
    if acc:
        text += f"; training accuracy {100 * acc[-1]:.0f}%"
    probed = []
    for name, values in (getattr(hist, "probes", None) or {}).items():
        last = {k: v[-1] if isinstance(v, list) and v else v for k, v in values.items()}
        scalars = [f"{k}={v:.3g}" for k, v in last.items() if isinstance(v, (int, float)) and k != "layers"]
        if scalars:
            probed.append(f"{name} " + " ".join(scalars))
    if probed:
        text += "\n  probes at the last recorded step: " + "; ".join(probed)
    return text
