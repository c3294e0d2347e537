"""Training by hand: gradient descent and minibatch SGD on the paper's sum loss (paper.md §1.4).

The update is written out as plain NumPy, so a learner can stop in ``pdb`` and look at it::

    GD : W ← W − η ∇F(W),                    F = Σ_i F_i   (a SUM over the n samples)
    SGD: W ← W − η (n/b) Σ_{i∈S_t} ∇F_i(W),  S_t a uniform batch of b samples without replacement

The factor n/b makes the SGD step an unbiased estimate of the GD step, so the same η serves both.

The step size is either a raw η (``lr``) or normalised, η = lr_scale / (m · λ_max(Θ̄)) (paper.md §7,
§9.7). Normalised, the loss curves of different widths m fall on top of each other and
lr_scale = 2 is the edge of stability of kernel gradient descent; time = η × steps.

A run returns a :class:`History`: the full-data loss F(W_t), ‖∇F(W_t)‖², wall time and (for
classification) accuracy every ``record_every`` steps, plus whatever the probes of
:mod:`ntkedu.probes` measured. Probes observe and never change the run.
"""

from __future__ import annotations

import io
import json
import math
import numbers
import zipfile
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from . import _checks, losses
from ._files import atomic_write, read_json
from .errors import ForwardOverflowError
from .threads import one_thread
from . import probes as _probes

__all__ = ["train", "History", "TrainingInterrupted", "normalised_lr", "DIVERGENCE_FACTOR"]

#: A run stops as diverged when the loss is not finite or exceeds this multiple of F(W_0).
#: 10⁶ is far above any transient bump of a stable run (the loss of stable GD on the squared loss
#: hardly ever rises above F(W_0)), and an unstable run passes it within tens of steps.
DIVERGENCE_FACTOR = 1e6

_FORMAT = "ntkedu.History/1"


# --------------------------------------------------------------------------------------------------
# Step-size normalisation (paper.md §6.2, §7, §9.7)
# --------------------------------------------------------------------------------------------------

def normalised_lr(net, X, lr_scale) -> float:
    """The step size η = lr_scale / (m · λ_max(Θ̄)) for ``net`` on the inputs X (paper.md §7, §9.7).

    Θ̄ is the limit of Θ_m / m, where Θ_m is the network's neural tangent kernel; it grows like m in
    the paper's (He) parameterisation, so η must shrink like 1/m. Kernel gradient descent on the sum
    loss, u_{t+1} − y = (I − η Θ)(u_t − y), is stable for η · λ_max(Θ) < 2, i.e. lr_scale < 2.

    Which kernel stands for Θ̄:

    - MLP: the analytic kernel :func:`ntkedu.ntk.analytic` (paper.md §6.2), computed in milliseconds
      and the same for every seed, so η depends on m only. For d_out > 1 it already holds the 1/d_out
      of B's variance and describes every output. With ``train_all`` it includes A's term.
    - ResNet: :func:`ntkedu.ntk.analytic_resnet` (only W trained; a deterministic simulation of
      the infinitely wide net); with ``train_all`` the empirical kernel of this very network,
      λ_max(Θ_0) / m from :func:`ntkedu.ntk.empirical`.
    - CNN: the empirical kernel Θ_0 / m of this network (no closed form here).

    The empirical kernel is taken at the network's current parameters (its initialisation when
    :func:`train` calls this). For several outputs the largest eigenvalue over the per-output blocks
    is used. For the cross-entropy loss the same η is used: the softmax Hessian is at most ½, so it
    is a conservative choice there.

    Parameters
    ----------
    net : MLP, ResNet or CNN.
    X : inputs of the net, (n, d_in) or (n, C, H, W).
    lr_scale : positive float, η · m · λ_max(Θ̄).

    Returns
    -------
    lr : float, η.
    """
    lr_scale = _checks.positive_float("lr_scale", lr_scale)
    lam = _lambda_max(net, X, allow_empirical=True)
    if not lam > 0:   # only an empirical kernel can vanish: every path through the net is dead
        raise ValueError(f"the tangent kernel of {net.signature()} is zero at initialisation (every ReLU of "
                         f"some layer is off for every input), so no step size can be normalised; use a "
                         f"wider network or larger inputs")
    return lr_scale / (net.width * lam)


def _lambda_max(net, X, *, allow_empirical: bool):
    """λ_max(Θ̄) as described in :func:`normalised_lr`, or None when only the empirical kernel would
    do and ``allow_empirical`` is False."""
    Kbar = net.limit_kernel(X)                       # the network knows its own limit kernel, if any
    if Kbar is None:
        if not allow_empirical:
            return None
        from . import ntk   # imported here: ntk builds on the networks, training only needs it for η
        Kbar = np.asarray(ntk.empirical(net, X)) / net.width
    blocks = Kbar if Kbar.ndim == 3 else Kbar[None]   # (d_out, n, n): one block per output
    return float(max(np.linalg.eigvalsh(block)[-1] for block in blocks))


# --------------------------------------------------------------------------------------------------
# History
# --------------------------------------------------------------------------------------------------

@dataclass(repr=False)
class History:
    """What a training run recorded, every ``record_every`` steps (always step 0 and the last).

    A result file holds only what the seed and the settings determine, so two runs with the same
    seed save byte-identical files; how long a run took is printed, never saved.

    Attributes
    ----------
    steps : list of int, the recorded steps t (the state after t updates).
    loss : list of float, the full-data loss F(W_t) (a sum over samples, paper.md §1.4).
    grad_norm_sq : list of float, ‖∇F(W_t)‖² over the trainable parameters, on the full data.
    lr : float, the step size η used.
    batch_size : int, b (= n for gradient descent).
    accuracy : list of float (classification) or None (regression).
    config : dict, the network's ``config()`` plus the training arguments and the seed.
    probes : dict probe name -> dict of lists, one entry per recorded step (see :mod:`ntkedu.probes`).
    diverged : None, or the message saying where and why the loss blew up.
    stalled : None, or the message saying where and why training could not move (dead ReLUs).
    interrupted : None, or the step at which Ctrl-C stopped the run, as a message.
    """
    steps: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    grad_norm_sq: list = field(default_factory=list)
    lr: float = float("nan")
    batch_size: int = 0
    accuracy: list | None = None
    config: dict = field(default_factory=dict)
    probes: dict = field(default_factory=dict)
    diverged: str | None = None
    stalled: str | None = None
    interrupted: str | None = None

    @property
    def final_loss(self):
        """The last recorded loss, or None if nothing was recorded."""
        return self.loss[-1] if self.loss else None

    @property
    def stopped(self) -> str | None:
        """Why the run ended early (diverged, stalled or interrupted), or None if it ran every step."""
        return self.diverged or self.stalled or self.interrupted

    def steps_to(self, eps):
        """The first recorded step with F(W_t) ≤ eps · F(W_0), or None if the run never got there."""
        eps = _checks.positive_float("eps", eps)
        if not self.loss:
            return None
        target = eps * self.loss[0]
        return next((t for t, F in zip(self.steps, self.loss) if F <= target), None)

    def as_dict(self) -> dict:
        """Every field as plain JSON-able Python values."""
        return asdict(self)

    # ---- saving and loading (no pickle anywhere) ----------------------------------------------

    def save(self, path) -> str:
        """Write the history to ``path``: JSON for ``*.json``, NumPy's ``.npz`` for ``*.npz``.

        Missing folders are created. The file is written to a temporary name first and moved into
        place, so it is never left half-written. JSON keeps every float exactly (Python writes the
        shortest repr that reads back to the same float64). The ``.npz`` holds the curves as plain
        arrays (``steps``, ``loss``, ``grad_norm_sq``, ``accuracy``, ``probe/<name>/<key>``) and
        everything else as a JSON string ``meta``; it loads with ``allow_pickle=False``.

        Returns the path written, as a string.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".json", ".npz"):
            raise ValueError(f"path must end in .json or .npz, got {str(path)!r}")
        if suffix == ".json":
            return atomic_write(path, json.dumps({"format": _FORMAT, **self.as_dict()}))
        buffer = io.BytesIO()
        np.savez(buffer, **self._arrays())
        return atomic_write(path, buffer.getvalue())

    def _arrays(self) -> dict:
        arrays = {"steps": np.asarray(self.steps, dtype=np.int64)}
        for key in ("loss", "grad_norm_sq"):
            arrays[key] = np.asarray(getattr(self, key), dtype=np.float64)
        if self.accuracy is not None:
            arrays["accuracy"] = np.asarray(self.accuracy, dtype=np.float64)
        in_meta = {}  # probe values that are not a rectangular array of numbers or strings stay JSON
        for name, values in self.probes.items():
            for key, value in values.items():
                a = _plain_array(value)
                if a is not None:
                    arrays[f"probe/{name}/{key}"] = a
                else:
                    in_meta.setdefault(name, {})[key] = value
        meta = {"format": _FORMAT, "lr": self.lr, "batch_size": self.batch_size,
                "config": self.config, "diverged": self.diverged, "stalled": self.stalled,
                "interrupted": self.interrupted,
                "probe_keys": {name: list(values) for name, values in self.probes.items()},
                "probe_values": in_meta}
        arrays["meta"] = np.asarray(json.dumps(meta))
        return arrays

    @classmethod
    def load(cls, path) -> "History":
        """Read a history written by :meth:`save` (``.json`` or ``.npz``).

        Raises ValueError naming the file and what is wrong with it: missing, unreadable,
        truncated, not a saved history, or a curve that is not a list of finite numbers.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".json":
            return cls.from_dict(read_json(path), source=path)
        if suffix != ".npz":
            raise ValueError(f"path must end in .json or .npz, got {str(path)!r}")
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(str(z["meta"])) if "meta" in z else {}
                if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
                    raise ValueError("no ntkedu History metadata in it")
                probes = {}
                for name, keys in meta["probe_keys"].items():
                    stored = meta["probe_values"].get(name, {})
                    probes[name] = {key: stored[key] if key in stored else z[f"probe/{name}/{key}"].tolist()
                                    for key in keys}
                d = {"format": _FORMAT, "steps": z["steps"].tolist(), "loss": z["loss"].tolist(),
                     "grad_norm_sq": z["grad_norm_sq"].tolist(),
                     "accuracy": z["accuracy"].tolist() if "accuracy" in z else None, "probes": probes,
                     **{k: meta.get(k) for k in ("lr", "batch_size", "config", "diverged", "stalled",
                                                 "interrupted")}}
        except OSError as err:
            raise ValueError(f"cannot read {str(path)!r}: {err.strerror or err}") from None
        except (ValueError, KeyError, TypeError, EOFError, json.JSONDecodeError, zipfile.BadZipFile) as err:
            raise ValueError(f"{str(path)!r} is not a saved ntkedu History (.npz): {err}") from None
        return cls.from_dict(d, source=path)

    @classmethod
    def from_dict(cls, d: dict, *, source="the dict") -> "History":
        """A History from the dict that :meth:`save` writes as JSON (or a sweep file holds).

        Checks what a figure or an analysis will rely on, naming ``source`` in the message: the
        format tag, the known fields only, and steps/loss/grad_norm_sq as equally long lists of
        finite numbers.
        """
        where = "the dict" if source == "the dict" else repr(str(source))
        if not isinstance(d, dict):
            raise ValueError(f"{where} is not a saved ntkedu History (expected a JSON object)")
        d = dict(d)
        if d.pop("format", _FORMAT) != _FORMAT:      # a sweep's runs carry no tag of their own
            raise ValueError(f"{where} is not a saved ntkedu History (format is not {_FORMAT!r})")
        d.pop("time", None)           # written by older versions; wall-clock time is no result
        unknown = sorted(set(d) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"{where} is not a saved ntkedu History: unknown field(s) {unknown}")
        for key in ("steps", "loss", "grad_norm_sq"):
            values = d.get(key)
            if not isinstance(values, list) or not all(_is_number(v) for v in values):
                raise ValueError(f"{where} is not a saved ntkedu History: {key!r} must be a list of "
                                 f"numbers, got {_preview(values)}")
            if not all(math.isfinite(v) for v in values):
                raise ValueError(f"{where} is not a usable ntkedu History: {key!r} holds a non-finite "
                                 f"value ({_preview(values)})")
        if not d["steps"] or len(d["steps"]) != len(d["loss"]):
            raise ValueError(f"{where} is not a usable ntkedu History: 'steps' and 'loss' must be non-empty "
                             f"lists of equal length, got {len(d['steps'])} and {len(d['loss'])} entries")
        return cls(**d)

    def __repr__(self) -> str:
        if not self.steps:
            curve = "nothing recorded"
        else:
            curve = (f"{len(self.steps)} records, steps {self.steps[0]}..{self.steps[-1]}, "
                     f"loss {self.loss[0]:.4g} -> {self.loss[-1]:.4g}")
        extra = f", probes={sorted(self.probes)}" if self.probes else ""
        stop = f", stopped={self.stopped!r}" if self.stopped else ""
        return f"History({curve}, lr={self.lr:.4g}, batch_size={self.batch_size}{extra}{stop})"


def _is_number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _preview(values) -> str:
    text = repr(values)
    return text if len(text) <= 60 else text[:57] + "..."


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`train`; ``.history`` holds every record made before it."""

    def __init__(self, history: "History"):
        super().__init__(history.interrupted)
        self.history = history


def _plain_array(value):
    """``value`` as a rectangular array of numbers or strings, or None (then it is kept as JSON)."""
    if not isinstance(value, list) or not value:
        return None
    try:
        a = np.asarray(value)
    except ValueError:          # ragged nesting
        return None
    return a if a.dtype.kind in "fiubU" else None


# --------------------------------------------------------------------------------------------------
# The training loop
# --------------------------------------------------------------------------------------------------

@one_thread
def train(net, X, Y, *, steps, lr=None, lr_scale=None, batch_size=None, loss="squared", probes=(),
          record_every=1, seed=None, progress=None) -> History:
    """Train ``net`` in place by GD or minibatch SGD on the sum loss (paper.md §1.4, Theorems 1–2).

    Each step t = 0, 1, …, steps − 1 updates the trainable parameters (W_1..W_L by default)::

        GD  (batch_size None or n):  W ← W − η ∇F(W)
        SGD (batch_size b < n):      W ← W − η (n/b) Σ_{i∈S_t} ∇F_i(W)

    S_t is drawn uniformly without replacement from the run's own Generator (``seed``), so a run is
    repeatable and independent of any other randomness.

    Parameters
    ----------
    net : MLP, ResNet or CNN; its ``params`` are updated in place.
    X : (n, d_in), or (n, C, H, W) for the CNN.
    Y : (n, d_out) float targets for ``loss="squared"``; (n,) int labels in [0, d_out) for
        ``loss="cross_entropy"``.
    steps : number of updates (>= 1).
    lr : the step size η. Give exactly one of ``lr`` and ``lr_scale``.
    lr_scale : η · m · λ_max(Θ̄); η comes from :func:`normalised_lr`. 1 is a safe default, 2 the edge
        of stability of the kernel dynamics.
    batch_size : b in [1, n]; None or n is full-batch GD (bitwise the same run).
    loss : "squared" or "cross_entropy" (see :mod:`ntkedu.losses`).
    probes : names ("distance", "flips", "kernel_drift", "grad_ratio"), ``"all"``, or
        :class:`ntkedu.probes.Probe` instances; they observe the run at every recorded step.
    record_every : record every k-th step; step 0 and the last step are always recorded.
    seed : int (or SeedSequence / Generator) for the SGD batches. None draws fresh entropy and
        records it in ``history.config["seed"]``, so the run can be repeated.
    progress : an :class:`ntkedu.progress.Progress` or None; updated a few times per second at most.

    Returns
    -------
    History. Recorded at step t: the full-data loss F(W_t), ‖∇F(W_t)‖² (full data, also for SGD),
    wall time since the start and, for cross-entropy, the training accuracy.

    Divergence: if the loss at some step is not finite or exceeds ``DIVERGENCE_FACTOR`` (10⁶) times
    F(W_0), the run stops before that step's update. The history keeps every record made so far and
    ``history.diverged`` names the step, the loss, the η used and an η that should be stable. For SGD
    the loss checked at every step is the batch estimate (n/b) Σ_{i∈S_t} F_i. Nothing is printed.

    Stalling: if a layer's ReLUs are all off for every sample, or ∇F = 0 exactly while F > 0, no
    step can ever change the loss (a step too large for the width often does this without blowing
    up). The run records that step and stops; ``history.stalled`` names the step and the layer and
    suggests a remedy. Checked wherever the full data passes forward (every step for GD).

    Ctrl-C raises :class:`TrainingInterrupted`, whose ``.history`` keeps every record made so far.

    Cost: GD does one forward and one backward pass per step (the recorded loss reuses that forward).
    SGD does them on the batch and, at recorded steps only, once more on the full data. Probes cost
    only when enabled.
    """
    # ---- check every argument before any work ----
    steps = _checks.positive_int("steps", steps)
    record_every = _checks.positive_int("record_every", record_every)
    if (lr is None) == (lr_scale is None):
        raise ValueError(f"give exactly one of lr and lr_scale, got lr={lr!r} and lr_scale={lr_scale!r}")
    if lr is not None:
        lr = _checks.positive_float("lr", lr)
    else:
        lr_scale = _checks.positive_float("lr_scale", lr_scale)
    objective = losses.get(loss)
    X = net.check_input(X)
    n = X.shape[0]
    Y = _check_targets(Y, n, net, objective)
    b = n if batch_size is None else _checks.positive_int("batch_size", batch_size)
    if b > n:
        raise ValueError(f"batch_size must be in [1, n] = [1, {n}], got {batch_size}")
    observers = _probes.resolve(probes)
    rng, seed_used = _run_generator(seed)
    if lr is None:
        lr = normalised_lr(net, X, lr_scale)

    config = {**net.config(), "n": n, "steps": steps, "lr": lr, "lr_scale": lr_scale,
              "batch_size": b, "loss": objective.name, "record_every": record_every,
              "probes": [p.name for p in observers], "seed": seed_used}
    hist = History(lr=lr, batch_size=b, accuracy=[] if objective.classification else None,
                   config=config)
    full_batch = b == n
    scale = n / b                     # SGD's unbiased-estimate factor; exactly 1.0 for GD
    for probe in observers:
        probe.reset()
    F0 = None
    last_report = -float("inf")
    try:
        for t in range(steps + 1):
            recording = t % record_every == 0 or t == steps

            # ---- full-data forward/backward: every step for GD, only at recorded steps for SGD ----
            if full_batch or recording:
                try:
                    out, cache = net.forward(X)
                except ForwardOverflowError as err:       # the weights blew up past float range
                    hist.diverged = f"diverged at step {t}: {err}"
                    break
                F, dout = objective.fn(out, Y)
                if F0 is None:
                    F0 = F
                if _exploded(F, F0):
                    hist.diverged = _divergence_message(t, F, F0, lr, lr_scale, net, X)
                    break
                grads = net.backward(dout, cache)
                hist.stalled = _stall_message(t, F, cache, grads, lr_scale)
                recording = recording or hist.stalled is not None

            if recording:
                for probe in observers:                   # probes first: a record is all or nothing
                    if t == 0:
                        probe.start(net, X, Y, out, cache)
                    probe.record(t, net, X, Y, out, cache, grads, F)
                hist.steps.append(t)
                hist.loss.append(F)
                hist.grad_norm_sq.append(sum(float(np.vdot(g, g)) for g in grads.values()))
                if hist.accuracy is not None:
                    hist.accuracy.append(losses.accuracy(out, Y))
                now = time.perf_counter()
                if progress is not None and (now - last_report > 0.2 or t == steps):
                    progress.update(t, loss=F)
                    last_report = now

            if t == steps or hist.stalled:
                break

            # ---- the minibatch of SGD: S_t uniform without replacement ----
            if not full_batch:
                S = rng.choice(n, size=b, replace=False)
                try:
                    out_b, cache_b = net.forward(X[S])
                except ForwardOverflowError as err:
                    hist.diverged = f"diverged at step {t}: {err}"
                    break
                F_b, dout_b = objective.fn(out_b, Y[S])
                if _exploded(scale * F_b, F0):
                    hist.diverged = _divergence_message(t, scale * F_b, F0, lr, lr_scale, net, X,
                                                        estimate=True)
                    break
                grads = net.backward(dout_b, cache_b)

            # ---- the update, paper.md §1.4 ----
            for name in net.trainable:
                net.params[name] -= lr * scale * grads[name]
    except KeyboardInterrupt:
        hist.interrupted = f"interrupted by Ctrl-C at step {t} of {steps}"
        hist.probes = {p.name: p.values for p in observers}
        raise TrainingInterrupted(hist) from None

    hist.probes = {p.name: p.values for p in observers}
    return hist


def _check_targets(Y, n, net, objective):
    if objective.classification:
        if net.d_out < 2:
            raise ValueError(f"loss='cross_entropy' needs d_out >= 2 classes, the net has d_out = {net.d_out}")
        return _checks.labels("Y", Y, n, net.d_out)
    return _checks.array("Y", Y, ndim=2, shape=(n, net.d_out), dtype=net.dtype)


def _run_generator(seed):
    """The run's own Generator and the JSON-able seed to record for it."""
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)
    if isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed), {"entropy": int(seed.entropy), "spawn_key": list(seed.spawn_key)}
    if isinstance(seed, np.random.Generator):
        return seed, None        # an outside stream: the run is repeatable only by the caller
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, a SeedSequence, a Generator or None, got {seed!r}")
    return np.random.default_rng(int(seed)), int(seed)


def _stall_message(t, F, cache, grads, lr_scale) -> str | None:
    """None while training can move; otherwise where and why it cannot, with a remedy.

    A layer whose ReLUs are off for every sample passes nothing forward or backward: ŷ no longer
    depends on the layers below, the gradient is exactly 0 and the loss sits still forever (here
    at ½‖y*‖² if the top layer died). The same holds whenever ∇F = 0 exactly while F > 0.
    """
    dead = next((l for l, D in enumerate(cache.D) if not D.any()), None)
    if dead is None and (F == 0 or any(g.any() for g in grads.values())):
        return None
    when = "at initialisation" if t == 0 else f"at step {t}"
    where = (f"every ReLU of layer {dead} is off for every sample" if dead is not None
             else "the gradient is exactly 0")
    if t == 0:
        remedy = "use a wider network (width >= 16) or another seed, and inputs of norm 1"
    else:
        remedy = ("use a smaller step: lr_scale = 1 or less" if lr_scale is None or lr_scale > 1
                  else "use a smaller step, or a wider network")
    return f"stalled {when}: {where} while the loss is {F:.4g} > 0, so training cannot move; {remedy}"


def _exploded(F, F0) -> bool:
    """Non-finite, or more than DIVERGENCE_FACTOR times the initial loss."""
    return not np.isfinite(F) or (F0 > 0 and F > DIVERGENCE_FACTOR * F0)


def _divergence_message(t, F, F0, lr, lr_scale, net, X, estimate=False) -> str:
    """Where and why the run stopped, with a step size that should be stable.

    The suggestion is η = 1/(m · λ_max(Θ̄)) when it is known and smaller than the η that diverged
    (exactly known for a normalised run; from the analytic kernel otherwise), else η / 10.
    """
    if lr_scale is not None:
        reference = lr / lr_scale
    else:
        lam = _lambda_max(net, X, allow_empirical=False)   # empirical kernel of blown-up weights: useless
        reference = None if lam is None else 1.0 / (net.width * lam)
    if reference is not None and reference < lr:
        suggestion = f"lr = {reference:.3g} (= 1/(m·λ_max(Θ̄)), i.e. lr_scale = 1)"
    else:
        suggestion = f"lr = {lr / 10:.3g} (a tenth of the lr used)"
    what = "batch estimate (n/b)·Σ F_i" if estimate else "loss"
    why = "is not finite" if not np.isfinite(F) else f"exceeds {DIVERGENCE_FACTOR:.0e} × F(W_0) = {F0:.4g}"
    return (f"diverged at step {t}: {what} {F:.4g} {why}, with lr = {lr:.4g}"
            f"{'' if lr_scale is None else f' (lr_scale = {lr_scale:g})'}; "
            f"a step size that should be stable: {suggestion}")
