"""One forward and one backward pass of a tiny network, printed line by line (``ntkedu trace``).

The trace is a *reading* of the library's own computation, not a second implementation: every
forward quantity is taken from the cache that :meth:`MLP.forward` returns, and every ∂F/∂h_ℓ,
∂F/∂g_ℓ and ∇W_ℓ from the :class:`~ntkedu.networks.Gradients` that :meth:`MLP.backward` returns
(``grads.dh``, ``grads.dg``, ``grads["W1"]``…). Two checks are printed: D_ℓ ∂F/∂h_ℓ against dg_ℓ, and
the sum of the per-sample rank-one terms of :meth:`MLP.gradient_factors` against ∇W_ℓ (paper.md §1.3)::

    forward  (paper.md §1.2)                backward  (paper.md §1.3)
    g_0 = A x,  h_0 = φ(g_0),  D_0         ∂F/∂ŷ     = ŷ − y*
    g_ℓ = W_ℓ h_{ℓ−1}, h_ℓ = φ(g_ℓ), D_ℓ    ∂F/∂h_L   = Bᵀ (ŷ − y*)
    ŷ   = B h_L                            ∂F/∂g_ℓ   = D_ℓ ∂F/∂h_ℓ
    F   = ½ ‖ŷ − y*‖²                       ∇W_ℓ      = ∂F/∂g_ℓ h_{ℓ−1}ᵀ
                                           ∂F/∂h_{ℓ−1} = W_ℓᵀ ∂F/∂g_ℓ

    >>> from ntkedu.trace import trace
    >>> print(trace(width=4, depth=2))       # fits on one screen

Randomness: ``rng = np.random.default_rng(seed)`` draws, in this order, the inputs
``data.unit_inputs(n, d, rng=rng)``, the targets ``data.regression_targets(n, d_out, rng=rng)`` and
the network's weights (``MLP(d, width, depth, d_out, rng=rng)``), so the same seed rebuilds the
same network anywhere: :func:`build` is that recipe, and the README's debugger walk-through calls it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _checks, data, losses
from .networks import MLP, ResNet

__all__ = ["trace", "Trace", "TraceLine", "build"]

MAX_SHOWN = 8      # print the values of rows with at most this many entries
MAX_ROWS = 4       # … and of arrays with at most this many rows


@dataclass
class TraceLine:
    """One printed line: the formula, the array (or scalar) the library computed, an optional note."""
    formula: str
    value: object
    note: str = ""


@dataclass
class Setup:
    """The network, data and one forward/backward pass that a trace reads."""
    net: MLP
    X: np.ndarray
    Y: np.ndarray
    out: np.ndarray
    cache: object
    loss: float
    dout: np.ndarray
    grads: dict          # net.backward's Gradients: grads["W1"], …, grads.dg[ℓ], grads.dh[ℓ]


@dataclass
class Trace:
    """A printable forward and backward pass. ``str(trace)`` is the screen ``ntkedu trace`` shows.

    Attributes
    ----------
    setup : the :class:`Setup` (network, data, cache, library gradients) the lines were read from.
    forward, backward : lists of :class:`TraceLine`.
    dh_error : largest |D_ℓ ∂F/∂h_ℓ − dg_ℓ| between this trace's ∂F/∂h and the library's ∂F/∂g.
    grad_error : largest relative error between the outer products Σ_i ∂F/∂g_ℓ h_{ℓ−1}ᵀ and net.backward.
    """
    setup: Setup
    forward: list = field(default_factory=list)
    backward: list = field(default_factory=list)
    dh_error: float = 0.0
    grad_error: float = 0.0

    def __str__(self) -> str:
        return format_trace(self)


def build(arch: str = "mlp", d: int = 3, width: int = 4, depth: int = 2, n: int = 1, d_out: int = 1,
          tau: float | None = None, seed: int = 0) -> Setup:
    """The tiny network and data of a trace, and the library's forward and backward pass on them.

    Parameters
    ----------
    arch : "mlp" or "resnet".  d, width, depth, n, d_out : d_in, m, L, samples, outputs.
    tau : ResNet branch scale (default 1/√L).  seed : see the module docstring for the draw order.
    """
    if arch not in ("mlp", "resnet"):
        raise ValueError(f"arch must be 'mlp' or 'resnet' for a trace, got {arch!r}")
    n = _checks.positive_int("n", n)
    rng = _checks.generator(seed=seed)
    X = data.unit_inputs(n, d, rng=rng)
    Y = data.regression_targets(n, d_out, rng=rng)
    if arch == "mlp":
        net = MLP(d, width, depth, d_out, rng=rng)
    else:
        net = ResNet(d, width, depth, d_out, tau=1 / np.sqrt(depth) if tau is None else tau, rng=rng)
    out, cache = net.forward(X)
    loss, dout = losses.squared(out, Y)
    return Setup(net, X, Y, out, cache, loss, dout, net.backward(dout, cache))


def trace(arch: str = "mlp", d: int = 3, width: int = 4, depth: int = 2, n: int = 1, d_out: int = 1,
          tau: float | None = None, seed: int = 0) -> Trace:
    """Read one forward and backward pass of a tiny MLP or ResNet into printable lines.

    Arguments as :func:`build`. Returns a :class:`Trace`; ``print`` it.
    """
    s = build(arch, d, width, depth, n, d_out, tau, seed)
    net, c, L = s.net, s.cache, s.net.depth
    t = Trace(s)
    f = t.forward
    sum_i = "Σ_i " if n > 1 else ""
    form = net.formulas                                        # each network's own formula text
    f.append(TraceLine("x", c.X, "input, ‖x‖ = 1"))
    f.append(TraceLine("g_0 = A x", c.g[0]))
    f.append(TraceLine("h_0 = φ(g_0)", c.h[0]))
    f.append(TraceLine("D_0 = 1[g_0 > 0]", c.D[0], "mask of the ReLU"))
    for l in range(1, L + 1):
        f.append(TraceLine(f"g_{l} = " + form["layer"].format(l=l, k=l - 1), c.g[l]))
        f.append(TraceLine(f"h_{l} = φ(g_{l})", c.h[l]))
        f.append(TraceLine(f"D_{l} = 1[g_{l} > 0]", c.D[l]))
    f.append(TraceLine(f"ŷ = B h_{L}", c.out))
    f.append(TraceLine("y*", s.Y, "target"))
    f.append(TraceLine(f"F = ½ {sum_i}‖ŷ − y*‖²", s.loss, "squared loss, a sum (§1.4)"))

    b, g = t.backward, s.grads
    factors = net.gradient_factors(s.dout, c)                  # the per-sample rank-one terms
    b.append(TraceLine("∂F/∂ŷ = ŷ − y*", s.dout))
    b.append(TraceLine(f"∂F/∂h_{L} = Bᵀ (ŷ − y*)", g.dh[L]))
    for l in range(L, 0, -1):
        t.dh_error = max(t.dh_error, float(np.max(np.abs(g.dh[l] * c.D[l] - g.dg[l]))))
        b.append(TraceLine(f"∂F/∂g_{l} = D_{l} ∂F/∂h_{l}", g.dg[l]))
        b.append(TraceLine(f"∇W_{l} = {sum_i}" + form["grad"].format(l=l, k=l - 1), g[f"W{l}"],
                           "from net.backward"))
        f_l = factors[f"W{l}"]
        t.grad_error = max(t.grad_error, _rel(f_l.left.T @ f_l.right, g[f"W{l}"]))
        if l > 1:
            b.append(TraceLine(f"∂F/∂h_{l-1} = " + form["back"].format(l=l, k=l - 1), g.dh[l - 1]))
    return t


def _rel(a, b) -> float:
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def _shape(v) -> str:
    return "scalar" if np.ndim(v) == 0 else "x".join(map(str, np.shape(v)))


def _rows(v) -> list[str]:
    """The values of a small array, one string per row; [] when it is too big to print."""
    if np.ndim(v) == 0:
        return [f"{float(v):.6g}"]
    a = np.atleast_2d(v)
    if a.ndim != 2 or a.shape[0] > MAX_ROWS or a.shape[1] > MAX_SHOWN:
        return []
    if a.dtype == bool:
        return ["[" + " ".join(str(int(x)) for x in row) + "]" for row in a]
    # exact zeros (dead ReLUs, masked signals) print as a bare 0, so they stand out from small values
    return ["[" + " ".join(f"{x:+.3f}" if x != 0 else f"{0:>6}" for x in row) + "]" for row in a]


def format_trace(t: Trace) -> str:
    """The trace as text: one line per formula (continuation lines for the rows of a matrix)."""
    s, net = t.setup, t.setup.net
    n = len(s.X)
    lines = t.forward + t.backward
    wf = max(len(x.formula) for x in lines)
    ws = max(len(_shape(x.value)) for x in lines)
    head = f"{'':<{wf}}  {'shape':>{ws}}  {'‖·‖_F':<10}  values"
    out = [f"{net.signature()}, {n} sample{'s' * (n > 1)}, squared loss",
           "Shapes are the code's: samples are rows, so the paper's g = W h is g = h @ W.T. "
           "Only W_ℓ train.",
           head]

    def emit(title, block):
        out.append(title)
        for x in block:
            norm = "" if x.value is None or np.ndim(x.value) == 0 or x.value.dtype == bool else \
                f"{np.linalg.norm(x.value):.6g}"
            if x.formula.startswith("D_"):
                norm = f"{int(np.sum(x.value))} of {np.size(x.value)} on"
            rows = _rows(x.value)
            first = rows[0] if rows else ""
            note = f"  ({x.note})" if x.note and len(rows) <= 1 else ""
            out.append(f"  {x.formula:<{wf}}  {_shape(x.value):>{ws}}  {norm:<10}  {first}{note}".rstrip())
            for r in rows[1:]:
                out.append(f"  {'':<{wf}}  {'':>{ws}}  {'':<10}  {r}")

    emit("forward (paper §1.2)", t.forward)
    emit("backward (paper §1.3)", t.backward)
    out.append("  (A is fixed, so the pass stops at ∂F/∂g_1: nothing below layer 1 is needed)")
    out.append(f"check: ∇W_ℓ is net.backward(dout, cache); the outer products agree with it to "
               f"{t.grad_error:.1e}")
    out.append(f"       and D_ℓ ∂F/∂h_ℓ agrees with the pass's dg_ℓ to {t.dh_error:.1e}")
    out.append("Step through it: breakpoint() before net.backward(dout, cache), then s, n, p dh[l], p dg[l], p dW.")
    return "\n".join(out)
