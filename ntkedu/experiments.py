"""Running experiments from a plain description: the data, the network, one run, a sweep.

What the ``ntkedu`` command runs is described by a :class:`RunSpec`; everything random comes from
one root seed through child streams keyed by what they are for (:func:`child_stream`), so a sweep's
run of width m is exactly ``ntkedu train --width m`` with the same seed, and adding a width changes
no other run. A sweep runs on any ``concurrent.futures.Executor`` (:func:`run_sweep`), with result
files byte-identical to a serial run's.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np

from .errors import UsageError, as_usage_error
from .parallel import run_tasks

__all__ = ["RunSpec", "child_stream", "validate", "make_data", "make_net", "run_one", "run_sweep",
           "step_cost"]


def child_stream(seed: int, *key) -> np.random.SeedSequence:
    """The child random stream of ``seed`` named by ``key``: ``SeedSequence(seed, spawn_key=key)``.

    Each key part is an int (a width, a depth, a network's index) or a short name ("data",
    "net"), which stands for a fixed number (its CRC-32). The stream depends on the key alone, never
    on how many other streams were drawn before it. The command line takes its data from key (0,)
    and the network of width m and depth L from key (1, m, L), so a sweep's curve for width m is
    exactly ``ntkedu train --width m`` with the same seed, and adding or removing a width never
    changes the other runs.
    """
    return np.random.SeedSequence(seed, spawn_key=tuple(_key_part(k) for k in key))


def _key_part(k) -> int:
    if isinstance(k, str):
        return zlib.crc32(k.encode("utf-8"))
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ValueError(f"a stream key part must be a name or an integer >= 0, got {k!r}")
    return int(k)


@dataclass
class RunSpec:
    """Everything one training run needs, read from the command line."""
    arch: str
    width: int
    depth: int
    d_out: int
    n: int
    d: int
    image_shape: tuple
    loss: str
    steps: int
    lr: float | None
    lr_scale: float | None
    batch_size: int | None
    tau: float | None
    seed: int
    record_every: int
    probes: list

    def tau_for(self, depth: int) -> float:
        return self.tau if self.tau is not None else 1 / math.sqrt(depth)


def _spec(args, width=None, depth=None) -> RunSpec:
    lr_scale = 1.0 if args.lr is None and args.lr_scale is None else args.lr_scale
    return RunSpec(args.arch, width or args.width, depth or args.depth, args.d_out, args.n, args.d,
                   tuple(args.image_shape), args.loss, args.steps, args.lr, lr_scale, args.batch_size,
                   args.tau, args.seed, args.record_every, list(args.probes or []))


def validate(spec: RunSpec) -> None:
    """The checks that need two options together; a :class:`UsageError` naming the offending value."""
    if spec.batch_size is not None and spec.batch_size > spec.n:
        raise UsageError(f"--batch-size {spec.batch_size} is larger than the number of samples --n {spec.n}")
    if spec.loss == "cross_entropy" and spec.d_out < 2:
        raise UsageError(f"--loss cross_entropy needs --d-out >= 2 classes, got --d-out {spec.d_out}")
    if spec.tau is not None and spec.arch != "resnet":
        raise UsageError(f"--tau {spec.tau:g} only applies to --arch resnet, got --arch {spec.arch}")
    if spec.arch != "cnn" and spec.d < 2:
        raise UsageError(f"--d must be >= 2 (the last coordinate is the constant 1/√2), got {spec.d}")


def make_data(spec: RunSpec):
    """Inputs and targets from the data stream (key (0,)): the same for every run of a sweep."""
    from . import data
    rng = np.random.default_rng(child_stream(spec.seed, 0))
    with as_usage_error():
        X = data.images(spec.n, spec.image_shape, rng=rng) if spec.arch == "cnn" else \
            data.unit_inputs(spec.n, spec.d, rng=rng)
        if spec.loss == "cross_entropy":
            Y = data.class_labels(spec.n, spec.d_out, rng=rng)
        else:
            Y = data.regression_targets(spec.n, spec.d_out, rng=rng)
    return X, Y


def make_net(spec: RunSpec, rng):
    from .networks import CNN, MLP, ResNet
    with as_usage_error():
        if spec.arch == "mlp":
            return MLP(spec.d, spec.width, spec.depth, spec.d_out, rng=rng)
        if spec.arch == "resnet":
            return ResNet(spec.d, spec.width, spec.depth, spec.d_out, tau=spec.tau_for(spec.depth), rng=rng)
        return CNN(spec.image_shape, spec.width, spec.depth, spec.d_out, rng=rng)


def run_one(spec: RunSpec, X, Y, progress=None):
    """Build the network from its own stream (key (1, m, L)) and train it. Returns the History.

    With a raw ``--lr`` the normalised step η·m·λ_max(Θ̄) is worked out at initialisation and kept in
    ``history.config["lr_scale_effective"]`` for the legend.
    """
    from .training import normalised_lr, train
    rng = np.random.default_rng(child_stream(spec.seed, 1, spec.width, spec.depth))
    net = make_net(spec, rng)
    with as_usage_error():
        unit = normalised_lr(net, X, 1.0) if spec.lr is not None else None
        hist = train(net, X, Y, steps=spec.steps, lr=spec.lr, lr_scale=spec.lr_scale,
                     batch_size=spec.batch_size, loss=spec.loss, probes=tuple(spec.probes),
                     record_every=spec.record_every, seed=rng, progress=progress)
    hist.config["seed"] = spec.seed
    hist.config["lr_scale_effective"] = spec.lr_scale if unit is None else spec.lr / unit
    return hist


def step_cost(spec: RunSpec) -> float:
    """Relative cost of one run: the multiply-adds of its matrix products, n·(d·m + L·m²)·steps
    (a CNN: times the H·W positions and s² = 9 taps). Weights a sweep's progress."""
    if spec.arch == "cnn":
        C, H, W = spec.image_shape
        return spec.steps * H * W * 9 * spec.width * (C + spec.depth * spec.width)
    return spec.steps * spec.width * (spec.d + spec.depth * spec.width)


class _RunProgress:
    """Relays one run's per-step updates to a sweep-wide :class:`Progress` counting percent of the
    sweep's work (runs weighted by :func:`step_cost`, so "left" is right when widths differ)."""

    def __init__(self, parent, run: int, runs: int, steps: int, what: dict, before: float, share: float):
        self.parent, self.run, self.runs, self.steps, self.what = parent, run, runs, steps, what
        self.before, self.share = before, share

    def update(self, i, **fields):
        fields.pop("step", None)
        percent = round(100 * (self.before + self.share * i / self.steps))
        self.parent.update(percent, run=f"{self.run} of {self.runs}", **self.what, step=i, **fields)

    def done(self):
        pass


def _run_task(task):
    """One sweep run in a worker: (spec, X, Y) -> History. Module-level, so a process pool can send it."""
    spec, X, Y = task
    return run_one(spec, X, Y)


def run_sweep(specs, X, Y, *, executor=None, progress=None) -> list:
    """Train one network per :class:`RunSpec` on the same data; returns their histories in order.

    Parameters
    ----------
    specs : the runs, e.g. one per width.
    X, Y : the data every run shares (from :func:`make_data`).
    executor : a ``concurrent.futures.Executor`` (:func:`ntkedu.parallel.process_pool`, a Dask
        client's ``get_executor()``…) or None to run here, one after the other. Each run's random
        stream comes from its own key (seed, width, depth), never from its position, so the
        histories are the same on any executor.
    progress : a :class:`ntkedu.progress.Progress` counting percent of the sweep's work, or None.
    """
    costs = np.array([step_cost(s) for s in specs], dtype=float)
    shares, before = costs / costs.sum(), np.concatenate([[0.0], np.cumsum(costs)[:-1]]) / costs.sum()
    if executor is None:
        hists = []
        for i, spec in enumerate(specs):
            relay = None if progress is None else _RunProgress(
                progress, i + 1, len(specs), spec.steps, {"width": spec.width, "depth": spec.depth},
                before[i], shares[i])
            hists.append(run_one(spec, X, Y, relay))
        return hists
    report = None if progress is None else (lambda done, total: progress.update(round(100 * done / total),
                                                                             runs=f"{done} of {total}"))
    return run_tasks(_run_task, [(spec, X, Y) for spec in specs], executor=executor, progress=report)
