"""The ``ntkedu`` command: train, sweep, trace, gradcheck, ntk, bench, plot, lessons, notebooks.

``ntkedu <command> --help`` shows each command's options and examples; ``python -m ntkedu`` is the
same program. A user's mistake (a width of 0, an unknown architecture, an unwritable output folder,
a step size that diverges, …) is answered by one line on stderr and exit code 2; anything else that
goes wrong is a bug and shows its traceback. Files are written atomically (a temporary file in the
target folder, then ``os.replace``), so an interrupted run never leaves half a file behind.

The heavy modules (training, kernels, benchmarks, lessons) are imported inside the command that
needs them, so ``ntkedu --help`` answers at once.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import _files

__all__ = ["main", "UsageError"]

PROG = "ntkedu"
ARCHS = ("mlp", "resnet", "cnn")
LOSSES = ("squared", "cross_entropy")
PROBES = ("distance", "flips", "kernel_drift", "grad_ratio")
DEFAULT_OUT = "ntkedu-output"


class UsageError(Exception):
    """A user's mistake: printed as one line on stderr, exit code 2, no traceback."""


@contextlib.contextmanager
def user_input():
    """Turn the library's ValueError into a :class:`UsageError` inside a block whose every argument
    came from the command line (the library's checks name the argument and the value received)."""
    try:
        yield
    except ValueError as err:
        raise UsageError(str(err)) from None


# --------------------------------------------------------------------------------------------------
# Argument types: each names the offending value in its message
# --------------------------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is ONE line on stderr and exit code 2 (no usage block)."""

    def error(self, message):
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(2)


def _int_at_least(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {value}")
        return value
    parse.__name__ = f"integer >= {minimum}"
    return parse


positive_int = _int_at_least(1)
non_negative_int = _int_at_least(0)


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value


def int_list(text: str) -> list:
    """'64,128,256' -> [64, 128, 256]; every entry an integer >= 1."""
    values = []
    for part in text.split(","):
        part = part.strip()
        try:
            value = int(part)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected comma-separated integers >= 1, got {part!r} in {text!r}") \
                from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"expected comma-separated integers >= 1, got {value} in {text!r}")
        values.append(value)
    if len(set(values)) != len(values):
        raise argparse.ArgumentTypeError(f"values must be distinct, got {text!r}")
    return values


def image_shape(text: str) -> tuple:
    """'1,8,8' -> (1, 8, 8), the (C, H, W) of one input image."""
    parts = text.replace("x", ",").split(",")
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"expected C,H,W such as 1,8,8, got {text!r}")
    try:
        shape = tuple(int(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected C,H,W such as 1,8,8, got {text!r}") from None
    if min(shape) < 1:
        raise argparse.ArgumentTypeError(f"expected C,H,W of integers >= 1, got {text!r}")
    return shape


def probe_list(text: str) -> list:
    names = [p.strip() for p in text.split(",") if p.strip()]
    for p in names:
        if p not in PROBES:
            raise argparse.ArgumentTypeError(f"unknown probe {p!r}; choose from {', '.join(PROBES)}")
    return names


# --------------------------------------------------------------------------------------------------
# Output files
# --------------------------------------------------------------------------------------------------

def writable_folder(folder) -> Path:
    """Create ``folder`` if needed and prove a file can be written there — before any work starts."""
    try:
        return _files.writable_folder(folder)
    except ValueError as err:
        raise UsageError(str(err)) from None


def write_json(obj, path) -> str:
    """Write ``obj`` as JSON at ``path`` atomically (temporary file in the same folder, then rename)."""
    return _files.atomic_write(path, json.dumps(obj) + "\n")


def read_json(path) -> dict:
    try:
        return _files.read_json(path)
    except ValueError as err:
        raise UsageError(str(err)) from None


# --------------------------------------------------------------------------------------------------
# Seeds: one root seed, named child streams
# --------------------------------------------------------------------------------------------------

def child_stream(seed: int, *key: int) -> np.random.SeedSequence:
    """The child ``SeedSequence(seed).spawn(...)`` reached along ``key``.

    ``SeedSequence(seed, spawn_key=(a, b))`` is child b of child a of ``SeedSequence(seed)``. The data
    come from key (0,) and the run of a network of width m and depth L from key (1, m, L), so a
    sweep's curve for width m is exactly ``ntkedu train --width m`` with the same seed, and adding
    or removing a width never changes the other runs.
    """
    return np.random.SeedSequence(seed, spawn_key=tuple(int(k) for k in key))


# --------------------------------------------------------------------------------------------------
# train and sweep
# --------------------------------------------------------------------------------------------------

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
    """The checks that need two options together; one line naming the offending value each."""
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
    with user_input():
        X = data.images(spec.n, spec.image_shape, rng=rng) if spec.arch == "cnn" else \
            data.unit_inputs(spec.n, spec.d, rng=rng)
        if spec.loss == "cross_entropy":
            Y = data.class_labels(spec.n, spec.d_out, rng=rng)
        else:
            Y = data.regression_targets(spec.n, spec.d_out, rng=rng)
    return X, Y


def make_net(spec: RunSpec, rng):
    from .networks import CNN, MLP, ResNet
    with user_input():
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
    with user_input():
        unit = normalised_lr(net, X, 1.0) if spec.lr is not None else None
        hist = train(net, X, Y, steps=spec.steps, lr=spec.lr, lr_scale=spec.lr_scale,
                     batch_size=spec.batch_size, loss=spec.loss, probes=tuple(spec.probes),
                     record_every=spec.record_every, seed=rng, progress=progress)
    hist.config["seed"] = spec.seed
    hist.config["lr_scale_effective"] = spec.lr_scale if unit is None else spec.lr / unit
    return hist


def history_from_dict(d: dict):
    """A :class:`ntkedu.History` from the dict stored in a history or sweep JSON."""
    from .training import History
    hist = History(**{k: v for k, v in d.items() if k != "format"})
    if not hist.steps or len(hist.steps) != len(hist.loss):
        raise ValueError(f"'steps' and 'loss' must be non-empty lists of equal length, "
                         f"got {len(hist.steps)} and {len(hist.loss)} entries")
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


def _eta_text(hist, *, tex: bool = False) -> str:
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


def _describe(cfg: dict) -> str:
    arch = cfg.get("arch", "?")
    text = f"{arch.upper() if arch != 'resnet' else 'ResNet'} m={cfg.get('width')}, L={cfg.get('depth')}"
    if arch == "resnet" and cfg.get("tau") is not None:
        text += f", τ={cfg['tau']:.3g}"
    return text


def loss_figure(histories: dict, *, title_extra: str = ""):
    """Loss against steps on a log y-axis, one curve per run (Theorem 1 for GD, Theorem 2 for SGD).

    ``histories`` maps a legend label to a History. Returns the Figure.
    """
    from .plotting import figure, loss_curves
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


def _label(hist) -> str:
    return f"{_describe(hist.config or {})}, {_eta_text(hist, tex=True)}"


def _summary(hist, elapsed: float) -> str:
    loss = np.asarray(hist.loss, dtype=float)
    first, last = loss[0], loss[-1]
    reduction = first / last if last > 0 else math.inf
    text = (f"{_describe(hist.config or {})}: loss {first:.4g} -> {last:.4g} "
            f"(reduced {reduction:.3g}x) in {hist.steps[-1]} steps, {elapsed:.1f} s; {_eta_text(hist)}")
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


def _progress(args, total, label):
    from .progress import Progress
    return Progress(total, label, quiet=args.quiet)


def cmd_train(args) -> int:
    spec = _spec(args)
    validate(spec)
    out = writable_folder(args.out)
    X, Y = make_data(spec)
    start = time.perf_counter()
    progress = _progress(args, spec.steps, "train step")
    hist = run_one(spec, X, Y, progress)
    progress.done()
    elapsed = time.perf_counter() - start
    from .plotting import save
    hist.save(out / "history.json")
    save(loss_figure({_label(hist): hist}), out / "loss.png")
    print(_summary(hist, elapsed))
    print(f"wrote {out / 'history.json'} and {out / 'loss.png'}")
    if hist.diverged:
        raise UsageError(f"{hist.diverged} (history so far written to {out})")
    return 0


def cmd_sweep(args) -> int:
    vary, values = ("width", args.widths) if args.widths else ("depth", args.depths)
    specs = [_spec(args, **{vary: v}) for v in values]
    for s in specs:
        validate(s)
    out = writable_folder(args.out)
    X, Y = make_data(specs[0])
    progress = _progress(args, 100, "sweep, % of work")
    costs = np.array([step_cost(s) for s in specs], dtype=float)
    shares, before = costs / costs.sum(), np.concatenate([[0.0], np.cumsum(costs)[:-1]]) / costs.sum()
    hists, elapsed = [], []
    for i, (s, v) in enumerate(zip(specs, values), start=1):
        start = time.perf_counter()
        relay = _RunProgress(progress, i, len(specs), s.steps, {vary: v}, before[i - 1], shares[i - 1])
        hists.append(run_one(s, X, Y, relay))
        elapsed.append(time.perf_counter() - start)
    progress.done()
    from .plotting import save
    sweep = {"format": "ntkedu.Sweep/1", "sweep": {"vary": vary, "values": values, "seed": args.seed},
             "histories": [h.as_dict() for h in hists]}
    write_json(sweep, out / "sweep.json")
    save(loss_figure({_label(h): h for h in hists}, title_extra=f", {vary} sweep"), out / "loss.png")
    for h, t in zip(hists, elapsed):
        print(_summary(h, t))
    print(f"wrote {out / 'sweep.json'} and {out / 'loss.png'}")
    diverged = [h.diverged for h in hists if h.diverged]
    if diverged:
        raise UsageError(f"{len(diverged)} of {len(hists)} runs diverged; first: {diverged[0]} "
                         f"(histories written to {out})")
    return 0


# --------------------------------------------------------------------------------------------------
# trace, gradcheck
# --------------------------------------------------------------------------------------------------

def cmd_trace(args) -> int:
    from .trace import trace
    if args.tau is not None and args.arch != "resnet":
        raise UsageError(f"--tau {args.tau:g} only applies to --arch resnet, got --arch {args.arch}")
    with user_input():
        t = trace(args.arch, args.d, args.width, args.depth, args.n, args.d_out, args.tau, args.seed)
    print(t)
    return 0


def cmd_gradcheck(args) -> int:
    from . import data, gradcheck
    from .networks import CNN, MLP, ResNet
    rng = np.random.default_rng(args.seed)
    reports = [gradcheck.check_ops(seed=args.seed)]
    X = data.unit_inputs(3, 4, rng=rng)
    Y = data.regression_targets(3, 2, rng=rng)
    labels = data.class_labels(3, 2, rng=rng)
    images = data.images(2, (1, 4, 4), rng=rng)
    Yc = data.regression_targets(2, 2, rng=rng)
    nets = [(MLP(4, 6, 2, 2, rng=rng), X, Y, "squared"),
            (MLP(4, 6, 2, 2, rng=rng, train_all=True), X, labels, "cross_entropy"),
            (ResNet(4, 6, 3, 2, tau=0.5, rng=rng), X, Y, "squared"),
            (CNN((1, 4, 4), 3, 2, 2, rng=rng), images, Yc, "squared")]
    for net, inputs, target, loss in nets:
        reports.append(gradcheck.check_network(net, inputs, target, loss))
    for r in reports:
        print(r, end="\n\n")
    failed = [r.title for r in reports if not r.passed]
    rows = sum(len(r.rows) for r in reports)
    if failed:
        print(f"FAILED: {len(failed)} of {len(reports)} checks: " + "; ".join(failed))
        return 1
    print(f"all {len(reports)} checks pass ({rows} gradients, max relative error "
          f"{max(r.max_error for r in reports):.1e})")
    return 0


# --------------------------------------------------------------------------------------------------
# ntk
# --------------------------------------------------------------------------------------------------

def _bytes(b: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if b < 1024 or unit == "TB":
            return f"{b:.0f} {unit}" if unit == "B" else f"{b:.1f} {unit}"
        b /= 1024


def cmd_ntk(args) -> int:
    from . import ntk
    spec = RunSpec(args.arch, args.width, args.depth, args.d_out, args.n, args.d, tuple(args.image_shape),
                   "squared", 0, None, None, None, args.tau, args.seed, 1, [])
    if spec.tau is not None and spec.arch != "resnet":
        raise UsageError(f"--tau {spec.tau:g} only applies to --arch resnet, got --arch {spec.arch}")
    if spec.n < 2:
        raise UsageError(f"kernel statistics need --n >= 2 samples, got {spec.n}")
    if spec.arch != "cnn" and spec.d < 2:
        raise UsageError(f"--d must be >= 2 (the last coordinate is the constant 1/√2), got {spec.d}")
    X, _ = make_data(spec)
    m, L = spec.width, spec.depth
    net = make_net(spec, np.random.default_rng(child_stream(spec.seed, 1, m, L)))
    inputs = "x".join(map(str, spec.image_shape)) + " images" if spec.arch == "cnn" else f"inputs in d={spec.d}"
    print(f"{net._signature()}: W_1..W_L trained, A and B fixed; n={spec.n} {inputs}, seed {spec.seed}")
    print(f"  memory: building Θ_m needs about {_bytes(ntk.memory_estimate(net, spec.n))}", flush=True)
    with user_input():
        K = np.asarray(ntk.empirical(net, X), dtype=float) / m
    blocks = K if K.ndim == 3 else K[None]
    lam = [ntk.eigen(b).values for b in blocks]
    lo, hi = min(v[-1] for v in lam), max(v[0] for v in lam)
    per = f" (over the {len(blocks)} output blocks)" if len(blocks) > 1 else ""
    print(f"  empirical Θ_m/m{per}: λ_min = {lo:.4g}, λ_max = {hi:.4g}, "
          f"condition number λ_max/λ_min = {_cond(hi, lo)}")
    Kbar = None
    if spec.arch == "mlp":
        Kbar = ntk.analytic(X, L, spec.d_out)
    elif spec.arch == "resnet" and hasattr(ntk, "analytic_resnet"):
        Kbar = ntk.analytic_resnet(X, L, spec.tau_for(L), spec.d_out)
    if Kbar is None:
        print(f"  no infinite-width Θ̄ for the {spec.arch} in ntkedu.ntk, so no distance to it; "
              f"stable step from Θ_m: η < 2/λ_max(Θ_m) = {ntk.max_learning_rate(K, m):.4g}")
        return 0
    Kbar = np.asarray(Kbar, dtype=float)
    e_bar = ntk.eigen(Kbar).values
    dist = ntk.kernel_distance(blocks, np.broadcast_to(Kbar, blocks.shape))
    how = " (Monte Carlo)" if spec.arch == "resnet" else ""
    print(f"  infinite-width Θ̄{how}: λ_min = {e_bar[-1]:.4g}, λ_max = {e_bar[0]:.4g}, "
          f"condition number λ_max/λ_min = {_cond(e_bar[0], e_bar[-1])}")
    print(f"  ‖Θ_m/m − Θ̄‖_F / ‖Θ̄‖_F = {dist:.4g}   (falls like m^(-1/2) as the width m grows)")
    print(f"  stable step: η < 2/(m·λ_max(Θ̄)) = {ntk.max_learning_rate(Kbar, m):.4g}, i.e. normalised "
          f"η·m·λ_max(Θ̄) < 2 (train's default --lr-scale 1 is half of it)")
    return 0


def _cond(hi, lo) -> str:
    return f"{hi / lo:.4g}" if lo > 0 else "inf (Θ is singular)"


# --------------------------------------------------------------------------------------------------
# bench, plot, lessons, notebooks
# --------------------------------------------------------------------------------------------------

def cmd_bench(args) -> int:
    from . import bench
    which = tuple(args.which)
    for w in which:
        if w not in bench.BENCHMARKS:
            raise UsageError(f"unknown benchmark {w!r}; choose from {', '.join(bench.BENCHMARKS)}")
    print(bench.run(which=which, quick=args.quick))
    return 0


def _lessons():
    """Import the lessons package that sits next to this ntkedu (the repository's lessons/ folder)."""
    root = Path(__file__).resolve().parent.parent
    if (root / "lessons" / "_kit.py").exists() and str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        import lessons
        from lessons import _kit  # noqa: F401  (a package named "lessons" that is not ours has no _kit)
    except ImportError:
        raise UsageError("the lessons are not installed: they live in the repository's lessons/ folder; "
                         "run ntkedu from an editable install of a clone (pip install -e .)") from None
    return lessons


def cmd_plot(args) -> int:
    obj = read_json(args.json)
    if "lesson" in obj:
        _lessons()
        from lessons import _kit
        try:
            paths = _kit.redraw(args.json, args.out)
        except _kit.UsageError as err:
            raise UsageError(str(err)) from None
        for p in paths:
            print(f"wrote {p}")
        return 0
    from .plotting import save
    kind = str(obj.get("format", ""))
    if not kind.startswith(("ntkedu.History/", "ntkedu.Sweep/")):
        raise UsageError(f"{os.fspath(args.json)!r} is not a saved ntkedu run, sweep or lesson "
                         f"(format {obj.get('format')!r}, no 'lesson' key)")
    out = writable_folder(args.out if args.out is not None else Path(args.json).parent)
    try:
        if kind.startswith("ntkedu.Sweep/"):
            hists = [history_from_dict(h) for h in obj["histories"]]
            vary = (obj.get("sweep") or {}).get("vary")
            fig = loss_figure({_label(h): h for h in hists}, title_extra=f", {vary} sweep" if vary else "")
        else:
            hist = history_from_dict(obj)
            fig = loss_figure({_label(hist): hist})
    except (KeyError, TypeError, ValueError) as err:
        raise UsageError(f"{os.fspath(args.json)!r} is not a saved ntkedu run or lesson "
                         f"({type(err).__name__}: {err})") from None
    path = save(fig, out / f"{Path(args.json).stem}_loss.png")
    print(f"wrote {path}")
    return 0


def cmd_lessons(args) -> int:
    _lessons()
    from lessons.__main__ import main as lessons_main
    rest = list(args.rest)
    if args.quiet and rest[:1] == ["run"] and "--quiet" not in rest:
        rest.append("--quiet")
    if "prog" in inspect.signature(lessons_main).parameters:
        return lessons_main(rest, prog=f"{PROG} lessons")
    return lessons_main(rest)


def cmd_notebooks(args) -> int:
    _lessons()
    from lessons import _kit
    try:
        import jupytext  # noqa: F401
    except ImportError:
        raise UsageError("writing notebooks needs jupytext, which is not installed; "
                         "run: pip install -e '.[notebooks]'  (or: pip install jupytext)") from None
    from lessons import notebooks
    try:
        paths = notebooks.export(args.out)
    except _kit.UsageError as err:
        raise UsageError(str(err)) from None
    for p in paths:
        print(f"wrote {p}")
    return 0


# --------------------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------------------

EPILOGS = {
    "train": """examples:
  ntkedu train                                         MLP m=256, L=3 on 20 inputs, GD, η·m·λ_max(Θ̄)=1
  ntkedu train --width 1024 --depth 5 --steps 500 --out runs/wide
  ntkedu train --arch resnet --depth 20 --tau 0.2      ResNet, branch scale τ (default 1/√L)
  ntkedu train --arch cnn --width 16 --image-shape 1,8,8
  ntkedu train --loss cross_entropy --d-out 3          classification, 3 classes
  ntkedu train --batch-size 5 --lr-scale 0.5           SGD with b=5 (Theorem 2)
  ntkedu train --lr 1e-3 --probes distance,flips       raw step size η, record lazy-training probes

writes DIR/history.json and DIR/loss.png (loss against steps, log scale).
The step size is η = lr_scale / (m·λ_max(Θ̄)) unless --lr gives η itself; lr-scale 2 is the edge
of stability. A run that diverges still writes its history and exits with code 2.""",
    "sweep": """examples:
  ntkedu sweep --widths 64,256,1024                    Theorem 1: curves collapse as m grows
  ntkedu sweep --depths 1,3,10 --width 512             depth at fixed width
  ntkedu sweep --widths 128,512 --arch resnet --depth 10

writes DIR/sweep.json (every history) and DIR/loss.png (one curve per run). Each run has its own
random stream derived from --seed and its (width, depth), so adding a width never changes the others
and each curve equals `ntkedu train` with that width and seed.""",
    "trace": """examples:
  ntkedu trace                                         MLP d=3, m=4, L=2, one sample
  ntkedu trace --depth 3 --seed 1
  ntkedu trace --arch resnet --depth 3                 the residual step h + τ W h and its backward
  ntkedu trace --n 2                                   two samples: rows of each array

Every number is read from net.forward's cache, net.backward_signals and net.backward.""",
    "gradcheck": """examples:
  ntkedu gradcheck                  every op, and an MLP, ResNet and CNN at tiny sizes
  ntkedu gradcheck --seed 3

exit code 0 when every relative error is below 1e-6, 1 otherwise.""",
    "ntk": """examples:
  ntkedu ntk                                           MLP m=512, L=3, n=20
  ntkedu ntk --width 2048 --n 50                       closer to Θ̄ as m grows
  ntkedu ntk --arch resnet --depth 10
  ntkedu ntk --arch cnn --width 16 --image-shape 1,6,6

prints the memory the kernel needs before building it.""",
    "bench": """examples:
  ntkedu bench --quick                                 a fast run at smaller sizes
  ntkedu bench --which mlp,ntk""",
    "plot": """examples:
  ntkedu plot ntkedu-output/history.json               a run of `ntkedu train`
  ntkedu plot runs/sweep/sweep.json --out figures      a sweep: one curve per run
  ntkedu plot lesson-output/lesson03.json              a lesson's figures, via the lessons' redraw""",
    "lessons": """examples:
  ntkedu lessons                                       list the lessons
  ntkedu lessons run 3 --seed 1 --out lesson-output
  ntkedu lessons run all                               every lesson and lesson-output/SUMMARY.md
  ntkedu lessons redraw lesson-output/lesson03.json

everything after `lessons` is handed to `python -m lessons`.""",
    "notebooks": """examples:
  ntkedu notebooks --out lesson-notebooks

needs the optional extra: pip install -e '.[notebooks]'""",
}


def _run_options(p, *, sweep: bool = False):
    net = p.add_argument_group("network")
    net.add_argument("--arch", choices=ARCHS, default="mlp", help="architecture (default mlp)")
    if not sweep:
        net.add_argument("--width", type=positive_int, default=256, help="width m (CNN: channels) (default 256)")
        net.add_argument("--depth", type=positive_int, default=3, help="trained layers L (default 3)")
    else:
        net.add_argument("--width", type=positive_int, default=256, help="width m when sweeping depths (default 256)")
        net.add_argument("--depth", type=positive_int, default=3, help="depth L when sweeping widths (default 3)")
    net.add_argument("--d-out", type=positive_int, default=1, help="outputs (classes for cross_entropy) (default 1)")
    net.add_argument("--tau", type=positive_float, default=None, help="ResNet branch scale τ > 0 (default 1/√L)")
    dat = p.add_argument_group("data")
    dat.add_argument("--n", type=positive_int, default=20, help="training samples (default 20)")
    dat.add_argument("--d", type=positive_int, default=10, help="input dimension, MLP/ResNet (default 10)")
    dat.add_argument("--image-shape", type=image_shape, default=(1, 6, 6), metavar="C,H,W",
                     help="CNN input image shape (default 1,6,6)")
    tr = p.add_argument_group("training")
    tr.add_argument("--loss", choices=LOSSES, default="squared", help="loss, a sum over samples (default squared)")
    tr.add_argument("--steps", type=positive_int, default=200, help="GD/SGD steps (default 200)")
    step = tr.add_mutually_exclusive_group()
    step.add_argument("--lr", type=positive_float, default=None, help="raw step size η")
    step.add_argument("--lr-scale", type=positive_float, default=None,
                      help="normalised step η·m·λ_max(Θ̄) (default 1; 2 is the edge of stability)")
    tr.add_argument("--batch-size", type=positive_int, default=None, help="SGD batch size b (default: n, i.e. GD)")
    tr.add_argument("--record-every", type=positive_int, default=1, help="record the history every k steps (default 1)")
    tr.add_argument("--probes", type=probe_list, default=[], metavar="NAME,...",
                    help=f"observe the run: {', '.join(PROBES)} (default none)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="seed of every random number (default 0)")
    p.add_argument("--out", default=DEFAULT_OUT if not sweep else DEFAULT_OUT + "/sweep",
                   help=f"output folder (default {DEFAULT_OUT if not sweep else DEFAULT_OUT + '/sweep'})")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
                     description="ntkedu: train the paper's networks, trace a backward pass, check gradients, "
                                 "measure kernels, redraw figures and run the lessons "
                                 "(Allen-Zhu, Li, Song 2018).",
                     epilog="run `ntkedu COMMAND --help` for a command's options and examples.")
    from . import __version__
    parser.add_argument("--version", action="version", version=f"ntkedu {__version__}")
    parser.add_argument("--quiet", action="store_true", help="no progress reports on stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name, help, func):
        p = sub.add_parser(name, help=help, description=help, epilog=EPILOGS[name],
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--quiet", action="store_true", default=argparse.SUPPRESS,
                       help="no progress reports on stderr")
        p.set_defaults(func=func)
        return p

    command("train", "train one network by GD or SGD; write its loss figure and history", cmd_train)
    _run_options(sub.choices["train"])

    p = command("sweep", "train over several widths or depths; one figure with a curve each", cmd_sweep)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--widths", type=int_list, metavar="M,M,...", help="widths to sweep, e.g. 64,256,1024")
    which.add_argument("--depths", type=int_list, metavar="L,L,...", help="depths to sweep, e.g. 1,3,10")
    _run_options(p, sweep=True)

    p = command("trace", "one forward and backward pass of a tiny network, printed step by step", cmd_trace)
    p.add_argument("--arch", choices=("mlp", "resnet"), default="mlp", help="architecture (default mlp)")
    p.add_argument("--width", type=positive_int, default=4, help="width m (default 4)")
    p.add_argument("--depth", type=positive_int, default=2, help="trained layers L (default 2)")
    p.add_argument("--d", type=_int_at_least(2), default=3, help="input dimension (default 3)")
    p.add_argument("--n", type=positive_int, default=1, help="samples (default 1)")
    p.add_argument("--d-out", type=positive_int, default=1, help="outputs (default 1)")
    p.add_argument("--tau", type=positive_float, default=None, help="ResNet branch scale τ (default 1/√L)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="seed (default 0)")

    p = command("gradcheck", "check every op and network against central differences, as tables", cmd_gradcheck)
    p.add_argument("--seed", type=non_negative_int, default=0, help="seed (default 0)")

    p = command("ntk", "kernel statistics of a network on data: eigenvalues, distance to Θ̄, stable step",
                cmd_ntk)
    p.add_argument("--arch", choices=ARCHS, default="mlp", help="architecture (default mlp)")
    p.add_argument("--width", type=positive_int, default=512, help="width m (default 512)")
    p.add_argument("--depth", type=positive_int, default=3, help="trained layers L (default 3)")
    p.add_argument("--d-out", type=positive_int, default=1, help="outputs (default 1)")
    p.add_argument("--tau", type=positive_float, default=None, help="ResNet branch scale τ (default 1/√L)")
    p.add_argument("--n", type=positive_int, default=20, help="samples (default 20)")
    p.add_argument("--d", type=positive_int, default=10, help="input dimension (default 10)")
    p.add_argument("--image-shape", type=image_shape, default=(1, 6, 6), metavar="C,H,W",
                   help="CNN input image shape (default 1,6,6)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="seed (default 0)")

    p = command("bench", "speed of the engine and the kernel against their matrix-product floor", cmd_bench)
    p.add_argument("--quick", action="store_true", help="smaller sizes, a few seconds")
    p.add_argument("--which", type=lambda s: [w.strip() for w in s.split(",") if w.strip()],
                   default=["mlp", "cnn", "ntk"], metavar="NAME,...", help="benchmarks: mlp,cnn,ntk (default all)")

    p = command("plot", "redraw figures from a saved JSON (a run, a sweep or a lesson) without retraining",
                cmd_plot)
    p.add_argument("json", help="history.json, sweep.json or lessonNN.json")
    p.add_argument("--out", default=None, help="folder for the PNGs (default: next to the JSON)")

    p = command("lessons", "the lessons: list, run N, run all, redraw (same as python -m lessons)", cmd_lessons)
    p.add_argument("rest", nargs=argparse.REMAINDER, metavar="...", help="arguments for python -m lessons")

    p = command("notebooks", "write every lesson as a Jupyter notebook (.ipynb; needs jupytext)", cmd_notebooks)
    p.add_argument("--out", default="lesson-notebooks", help="output folder (default lesson-notebooks)")
    return parser


def main(argv=None) -> int:
    """Run the ``ntkedu`` command line; returns the exit code (0 ok, 1 a check failed, 2 a user error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except UsageError as err:
        sys.stderr.write(f"{PROG} {args.command}: error: {err}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG} {args.command}: interrupted (no file is left half-written)\n")
        return 130
