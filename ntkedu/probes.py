"""Probes: measurements along a training run that observe it and never change it (paper.md §3.5–3.7).

The paper's proof says that, for a wide enough network, gradient descent stays in a small ball
around the initialisation, where few ReLUs change sign, the tangent kernel barely moves and the
gradient is never small unless the loss is (paper.md §2.6). Each probe measures one of these:

========================  ==================================================  ==================
name                      measures                                            paper.md
========================  ==================================================  ==================
``"distance"``            ‖W_ℓ − W_ℓ⁰‖ per layer, three norms                 §2.1(a), §3.6
``"flips"``               fraction of ReLU signs changed since init, per ℓ    Lemma 8.2, §3.5
``"kernel_drift"``        ‖Θ_t − Θ_0‖_F / ‖Θ_0‖_F                             §3.7, §6.1
``"grad_ratio"``          ‖∇F‖² / F and ÷ (m / d_out)                         Theorem 3, §2.3
========================  ==================================================  ==================

:func:`ntkedu.train` calls ``probe.start(...)`` once at step 0 and ``probe.record(...)`` at every
recorded step, always with the *full* data's forward pass and gradient (also in SGD runs). Every
probe keeps ``probe.values``, a dict of lists with one entry per recorded step (plus a few fixed
descriptions such as ``"layers"``), which the run stores as ``history.probes[probe.name]``.

To write your own probe, subclass :class:`Probe`, give it a ``name`` and implement ``measure``;
never modify ``net``, ``cache`` or ``grads`` in place.
"""

from __future__ import annotations

import numpy as np

from .measure import spectral_norm

__all__ = ["Probe", "Distance", "Flips", "KernelDrift", "GradLossRatio", "Outputs", "PROBES", "resolve"]


class Probe:
    """Base class: an observer of a training run.

    Subclasses set ``name`` and implement :meth:`measure`; :meth:`start` may remember the initial
    state. Values must be JSON-able (floats, ints, strings and lists of them).
    """

    name = "probe"

    def __init__(self):
        self.values = {}

    def reset(self):
        """Forget an earlier run (called by :func:`ntkedu.train` before step 0)."""
        self.values = {}

    def start(self, net, X, Y, out, cache):
        """Remember the initial state W⁰ (step 0, before any update)."""

    def measure(self, step, net, X, Y, out, cache, grads, loss) -> dict:
        """This record's values: dict key -> JSON-able value."""
        raise NotImplementedError

    def record(self, step, net, X, Y, out, cache, grads, loss) -> dict:
        """Measure at a recorded step and append each value to ``self.values[key]``.

        Parameters
        ----------
        step : int, t.
        net : the network at W_t (read only).
        X, Y : the full training data.
        out : (n, d_out) outputs at W_t;  cache : the full-data forward cache at W_t.
        grads : dict name -> ∇F(W_t) on the full data;  loss : F(W_t).
        """
        measured = self.measure(step, net, X, Y, out, cache, grads, loss)
        for key, value in measured.items():
            self.values.setdefault(key, []).append(value)
        return measured

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Distance(Probe):
    """How far the trained weights moved from their initialisation (paper.md §2.1(a), §3.6).

    Per trained layer ℓ (``values["layers"]`` names them), with ΔW_ℓ = W_ℓ − W_ℓ⁰:

    - ``"abs_frobenius"``  : ‖ΔW_ℓ‖_F                          expected ∝ m^{−1/2}
    - ``"rel_frobenius"``  : ‖ΔW_ℓ‖_F / ‖W_ℓ⁰‖_F               expected ∝ m^{−1}
    - ``"rel_spectral"``   : ‖ΔW_ℓ‖_2 / ‖W_ℓ⁰‖_2               expected ∝ m^{−1/2}
    - ``"total_frobenius"``: the tuple norm ‖ΔW‖_F = (Σ_ℓ ‖ΔW_ℓ‖_F²)^{1/2}   (one number)

    The first three are lists over layers at each record. A lesson must say which norm it plots:
    relative Frobenius falls like 1/m because ‖W_ℓ⁰‖_F ≈ √(2m) while ‖W_ℓ⁰‖_2 ≈ 2√2.

    Spectral norms come from :func:`ntkedu.measure.spectral_norm` with ``n_iter`` iterations and ``seed``.
    Cost per record: ``n_iter`` pairs of matrix-vector products per layer, plus one copy of the
    trained weights kept from step 0.
    """

    name = "distance"

    def __init__(self, n_iter: int = 30, seed: int = 0):
        super().__init__()
        self.n_iter, self.seed = n_iter, seed

    def start(self, net, X, Y, out, cache):
        self.layers = tuple(net.trainable)
        self.W0 = {name: net.params[name].copy() for name in self.layers}
        self.fro0 = {name: float(np.linalg.norm(W)) for name, W in self.W0.items()}
        self.spec0 = {name: spectral_norm(W, iterations=self.n_iter, rng=self.seed) for name, W in self.W0.items()}
        self.values["layers"] = list(self.layers)

    def measure(self, step, net, X, Y, out, cache, grads, loss) -> dict:
        dW = {name: net.params[name] - self.W0[name] for name in self.layers}
        fro = [float(np.linalg.norm(dW[name])) for name in self.layers]
        spec = [spectral_norm(dW[name], iterations=self.n_iter, rng=self.seed) for name in self.layers]
        return {"abs_frobenius": fro,
                "rel_frobenius": [f / self.fro0[name] for f, name in zip(fro, self.layers)],
                "rel_spectral": [s / self.spec0[name] for s, name in zip(spec, self.layers)],
                "total_frobenius": float(np.sqrt(sum(f * f for f in fro)))}

    def __repr__(self) -> str:
        return f"Distance(n_iter={self.n_iter}, seed={self.seed})"


class Flips(Probe):
    """Fraction of ReLUs whose sign changed since initialisation (Lemma 8.2, paper.md §3.5).

    At each record, per layer ℓ = 0..L: the fraction of (sample, unit) pairs — for the CNN
    (sample, channel, position) — where the mask D_ℓ = 1[g_ℓ > 0] differs from the mask at W⁰
    (``"fraction"``, a list over layers), and the same fraction over all layers together
    (``"total_fraction"``). Layer 0 only flips when A trains. Lemma 8.2 bounds the fraction by
    O(ω^{2/3} L), i.e. ∝ m^{−1/3} in the worst case; generic runs show ≈ m^{−0.36} (paper.md §3.5).

    Uses the masks of the full-data forward pass the run already made; costs one comparison per unit.
    """

    name = "flips"

    def start(self, net, X, Y, out, cache):
        self.D0 = [D.copy() for D in cache.D]
        self.values["layers"] = list(range(len(self.D0)))

    def measure(self, step, net, X, Y, out, cache, grads, loss) -> dict:
        flipped = [int(np.count_nonzero(D != D0)) for D, D0 in zip(cache.D, self.D0)]
        sizes = [D0.size for D0 in self.D0]
        return {"fraction": [f / s for f, s in zip(flipped, sizes)],
                "total_fraction": sum(flipped) / sum(sizes)}


class KernelDrift(Probe):
    """Relative movement of the empirical tangent kernel, ‖Θ_t − Θ_0‖_F / ‖Θ_0‖_F (paper.md §3.7).

    Θ_t is :func:`ntkedu.ntk.empirical` at W_t on the training inputs; for several outputs the
    Frobenius norm runs over all (d_out, n, n) blocks. The paper bounds the entrywise change by
    O(ω^{1/3} L³ √log m) relative to the diagonal; measured runs show ≈ m^{−1} (paper.md §7, C10).

    Costly: one empirical kernel per record (about a forward and backward pass plus O(L n² m)), and
    Θ_0 is kept. Choose ``record_every`` accordingly. At step 0 the drift is 0 by definition and
    Θ_0 is reused.
    """

    name = "kernel_drift"

    def start(self, net, X, Y, out, cache):
        from . import ntk
        self.K0 = np.asarray(ntk.empirical(net, X))
        self.norm0 = float(np.linalg.norm(self.K0))

    def measure(self, step, net, X, Y, out, cache, grads, loss) -> dict:
        from . import ntk
        K = self.K0 if step == 0 else np.asarray(ntk.empirical(net, X))
        return {"drift": float(np.linalg.norm(K - self.K0)) / self.norm0}


class GradLossRatio(Probe):
    """The gradient-to-loss ratio of Theorem 3: ‖∇F(W)‖²_F / F(W) (paper.md §2.3).

    Theorem 3 bounds it on the ball around W⁰: above by O(L n m / d_out) (summed over layers) and,
    for the last layer alone, below by Ω(δ m / (d_out n²)). A ratio that stays away from 0 is the
    Polyak–Łojasiewicz inequality at work: no critical point before F = 0. Dividing by m / d_out
    gives a number that should not depend on the width.

    Keys: ``"ratio"`` = Σ_ℓ ‖∇_{W_ℓ}F‖² / F over W_1..W_L (the theorem's variables, even when A and
    B train), ``"ratio_normalised"`` = ratio ÷ (m / d_out), ``"last_layer_ratio"`` = ‖∇_{W_L}F‖² / F
    and ``"last_layer_ratio_normalised"``. F = 0 gives nan. Cheap: it reads the run's gradient.
    """

    name = "grad_ratio"

    def measure(self, step, net, X, Y, out, cache, grads, loss) -> dict:
        per_layer = [float(np.vdot(grads[name], grads[name])) for name in net.layer_names]
        per_unit = net.width / net.d_out
        ratio = sum(per_layer) / loss if loss > 0 else float("nan")
        last = per_layer[-1] / loss if loss > 0 else float("nan")
        return {"ratio": ratio, "ratio_normalised": ratio / per_unit,
                "last_layer_ratio": last, "last_layer_ratio_normalised": last / per_unit}


#: The probes :func:`ntkedu.train` knows by name.
class Outputs(Probe):
    """The network's outputs u_t = ŷ(W_t; X), (n, d_out), at every recorded step.

    Kernel GD predicts exactly these (paper.md §6.1): compare them with
    ``ntk.kernel_gd_prediction(..., return_outputs=True).outputs``. ``values["u"]`` is a list over
    records of (n, d_out) nested lists.
    """

    name = "outputs"

    def measure(self, step, net, X, Y, out, cache, grads, loss) -> dict:
        return {"u": out.tolist()}


PROBES = {"distance": Distance, "flips": Flips, "kernel_drift": KernelDrift, "grad_ratio": GradLossRatio,
          "outputs": Outputs}


def resolve(probes) -> list:
    """Probe instances from what ``train(..., probes=...)`` received.

    probes : None, ``"all"``, a name, a :class:`Probe`, or a list/tuple mixing names and instances.
    Unknown names, other types and two probes of the same name raise ``ValueError``.
    """
    if probes is None:
        return []
    items = [probes] if isinstance(probes, (str, Probe)) else probes
    try:
        items = list(items)
    except TypeError:
        raise ValueError(f"probes must be names, Probe instances or 'all', got {probes!r}") from None
    resolved = []
    for item in items:
        if isinstance(item, Probe):
            resolved.append(item)
        elif isinstance(item, str) and item == "all":
            resolved.extend(cls() for cls in PROBES.values())
        elif isinstance(item, str) and item in PROBES:
            resolved.append(PROBES[item]())
        else:
            raise ValueError(f"probes must be among {sorted(PROBES)}, 'all' or Probe instances, got {item!r}")
    names = [p.name for p in resolved]
    if len(set(names)) != len(names):
        raise ValueError(f"each probe may appear once, got {names}")
    return resolved
