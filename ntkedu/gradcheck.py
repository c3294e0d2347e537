"""Gradient checking: compare a hand-written backward pass with central finite differences.

For a scalar function f and each entry θ_k,

    ∂f/∂θ_k ≈ (f(θ + h e_k) − f(θ − h e_k)) / (2h),

whose error is O(h²) plus round-off of order ε_machine·|f|/h. In float64 with h = 1e-6 that is
about 1e-10 relative, so a correct backward pass shows a relative error near 1e-8 or below and a
wrong one shows something near 1. A ReLU kink crossed by the ±h step would also show up as an
outlier; with random inputs that has probability of order h and is rare.

    >>> report = check_network(net, X, Y)
    >>> print(report)            # a table: parameter, shape, ‖analytic‖, ‖numeric‖, relative error
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _checks, losses, ops

__all__ = ["rel_error", "numerical_gradient", "numerical_gradient_array", "check_network",
           "check_ops", "GradCheckReport", "GradCheckRow"]


def rel_error(a, b) -> float:
    """‖a − b‖ / max(‖a‖, ‖b‖): 0 for equal arrays, ≈ 1 for unrelated ones (Frobenius norms)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def numerical_gradient(f, x, h: float = 1e-6) -> np.ndarray:
    """Central differences of a scalar ``f()`` with respect to the array ``x``, changed in place.

    ``f`` takes no argument and reads ``x``; every entry is restored after it is probed.
    Returns an array of x's shape.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    for k in np.ndindex(x.shape):
        old = x[k]
        x[k] = old + h
        f_plus = f()
        x[k] = old - h
        f_minus = f()
        x[k] = old
        grad[k] = (f_plus - f_minus) / (2 * h)
    return grad


def numerical_gradient_array(f, x, dout, h: float = 1e-6) -> np.ndarray:
    """Central differences of Σ f(x) ⊙ dout for an array-valued ``f()``: the gradient a backward
    pass returns when it is handed ``dout``."""
    return numerical_gradient(lambda: float(np.sum(f() * dout)), x, h)


@dataclass
class GradCheckRow:
    """One compared array: its name and shape, both gradients' norms and their relative error.

    ``kinks`` counts the entries left out because a ReLU switched between the two probes x ± h:
    there the loss is not differentiable on the probed interval and a central difference measures
    a chord, not the gradient.
    """
    name: str
    shape: tuple
    analytic_norm: float
    numeric_norm: float
    rel_error: float
    kinks: int = 0


@dataclass
class GradCheckReport:
    """All rows of one check, printable as a table. ``passed`` when every error is below ``tol``."""
    title: str
    rows: list = field(default_factory=list)
    tol: float = 1e-6

    def add(self, name, analytic, numeric, kinks=None):
        if kinks is not None and np.any(kinks):        # compare where central differences are valid
            analytic, numeric = np.where(kinks, 0.0, analytic), np.where(kinks, 0.0, numeric)
        self.rows.append(GradCheckRow(name, tuple(np.shape(analytic)), float(np.linalg.norm(analytic)),
                                      float(np.linalg.norm(numeric)), rel_error(analytic, numeric),
                                      0 if kinks is None else int(np.sum(kinks))))

    @property
    def max_error(self) -> float:
        return max((r.rel_error for r in self.rows), default=0.0)

    @property
    def passed(self) -> bool:
        return self.max_error < self.tol

    def __str__(self) -> str:
        head = f"{'compared':<28} {'shape':<14} {'‖analytic‖':>12} {'‖numeric‖':>12} {'rel. error':>11}  ok"
        lines = [self.title, head, "-" * len(head)]
        for r in self.rows:
            shape = "x".join(map(str, r.shape)) or "scalar"
            ok = "yes" if r.rel_error < self.tol else "NO"
            lines.append(f"{r.name:<28} {shape:<14} {r.analytic_norm:12.4e} {r.numeric_norm:12.4e} "
                         f"{r.rel_error:11.2e}  {ok}")
        kinks = sum(r.kinks for r in self.rows)
        if kinks:
            lines.append(f"{kinks} entr{'y' if kinks == 1 else 'ies'} left out: a ReLU switched between x − h and "
                         f"x + h, where a central difference is not a derivative")
        lines.append(f"max relative error {self.max_error:.2e} (a correct backward pass in float64 "
                     f"shows ~1e-8 or less; tolerance {self.tol:g})")
        return "\n".join(lines)


def check_network(net, X, target, loss: str = "squared", h: float = 1e-6, title: str | None = None):
    """Check ``net.backward`` against central differences of the loss for every trainable parameter.

    Parameters
    ----------
    net : MLP, ResNet or CNN in float64 (float32 round-off would swamp the differences).
    X : inputs; target : (n, d_out) targets or (n,) labels, as ``loss`` wants.
    loss : "squared" or "cross_entropy".

    Returns
    -------
    :class:`GradCheckReport` with one row per trainable parameter. Parameters are restored. An
    entry whose probes x ± h switch a ReLU is left out of the comparison and counted (``kinks``):
    without that, a pre-activation within h of 0 turns a correct pass into a failed check.
    """
    if net.dtype != np.float64:
        raise ValueError(f"gradient checks need a float64 network, got dtype {net.dtype}")
    loss_fn = losses.get(loss).fn
    value, grads, _, _ = net.loss_and_grads(X, target, loss)
    report = GradCheckReport(title or f"gradient check of {net.signature()}, {loss} loss")
    for name in net.trainable:
        x = net.params[name]
        numeric, kinks = np.zeros(x.shape), np.zeros(x.shape, dtype=bool)
        for k in np.ndindex(x.shape):
            old = x[k]
            F, D = [], []
            for step in (h, -h):
                x[k] = old + step
                out, cache = net.forward(X)
                F.append(loss_fn(out, target)[0])
                D.append(cache.D)
            x[k] = old
            numeric[k] = (F[0] - F[1]) / (2 * h)
            kinks[k] = any(not np.array_equal(a, b) for a, b in zip(*D))   # a ReLU switched in between
        report.add(name, grads[name], numeric, kinks)
    return report


def check_ops(seed: int = 0, h: float = 1e-6) -> GradCheckReport:
    """Check every op of :mod:`ntkedu.ops` and both losses on small random inputs (float64)."""
    rng = _checks.generator(seed)
    report = GradCheckReport("gradient check of every op (central differences, float64)")

    def compare(name, forward, backward, inputs, dout):
        """``forward()`` reads ``inputs`` (dict of arrays); ``backward(dout)`` returns their grads."""
        analytic = backward(dout)
        for (key, x), grad in zip(inputs.items(), analytic):
            report.add(f"{name}: d{key}", grad, numerical_gradient_array(forward, x, dout, h))

    x, W = rng.standard_normal((4, 5)), rng.standard_normal((3, 5))
    compare("linear", lambda: ops.linear_forward(x, W)[0],
            lambda d: ops.linear_backward(d, ops.linear_forward(x, W)[1]), {"x": x, "W": W},
            rng.standard_normal((4, 3)))
    g = rng.standard_normal((4, 6))
    compare("relu", lambda: ops.relu_forward(g)[0],
            lambda d: (ops.relu_backward(d, ops.relu_forward(g)[1]),), {"g": g}, rng.standard_normal((4, 6)))
    hr, Wr = rng.standard_normal((4, 6)), rng.standard_normal((6, 6))
    compare("residual (tau=0.3)", lambda: ops.residual_forward(hr, Wr, 0.3)[0],
            lambda d: ops.residual_backward(d, ops.residual_forward(hr, Wr, 0.3)[1]), {"h": hr, "W": Wr},
            rng.standard_normal((4, 6)))
    xc, wc = rng.standard_normal((2, 2, 4, 4)), rng.standard_normal((3, 2, 3, 3))  # small: the naive loops are slow
    dc = rng.standard_normal((2, 3, 4, 4))
    compare("conv (im2col)", lambda: ops.conv_forward(xc, wc)[0],
            lambda d: ops.conv_backward(d, ops.conv_forward(xc, wc)[1]), {"x": xc, "w": wc}, dc)
    compare("conv (naive loops)", lambda: ops.conv_forward_naive(xc, wc)[0],
            lambda d: ops.conv_backward_naive(d, ops.conv_forward_naive(xc, wc)[1]), {"x": xc, "w": wc}, dc)
    out, Y = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    report.add("squared loss: dout", losses.squared(out, Y)[1],
               numerical_gradient(lambda: losses.squared(out, Y)[0], out, h))
    labels = rng.integers(0, 3, size=5)
    report.add("softmax cross-entropy: dout", losses.softmax_cross_entropy(out, labels)[1],
               numerical_gradient(lambda: losses.softmax_cross_entropy(out, labels)[0], out, h))
    return report
