"""The ``ntkedu`` command line: argument types, the parser, and one thin function per command.

Commands: train, sweep, trace, gradcheck, ntk, bench, plot, lessons, notebooks, exercises, check.
``ntkedu <command> --help`` shows each command's options and examples; ``python -m ntkedu`` is the
same program. A user's mistake (a width of 0, an unknown architecture, an unwritable output folder,
a step size that diverges, a run whose ReLUs all died, a size that does not fit in memory, …) is
answered by one line on stderr and exit code 2. Files are written atomically (a temporary file in
the target folder, then ``os.replace``), so an interrupted run never leaves half a file behind.

What the commands run lives in :mod:`ntkedu.experiments` (data, networks, runs, sweeps) and how
they report it in :mod:`ntkedu.reports` (figures and text). The lessons are their own program
(``python -m lessons``); ``ntkedu lessons`` and ``ntkedu notebooks`` hand over to it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

from . import _files
from .errors import UsageError, as_usage_error
from .experiments import RunSpec, child_stream, make_data, make_net, run_one, run_sweep, validate

__all__ = ["main", "UsageError"]

PROG = "ntkedu"
ARCHS = ("mlp", "resnet", "cnn")
LOSSES = ("squared", "cross_entropy")
PROBES = ("distance", "flips", "kernel_drift", "grad_ratio")
DEFAULT_OUT = "ntkedu-output"


user_input = as_usage_error   # a block whose every argument came from the command line


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


def memory_size(text: str) -> float:
    from .memory import parse_size
    try:
        return parse_size(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


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
    with user_input():
        return _files.read_json(path)


def _progress(args, total, label):
    from .progress import Progress
    return Progress(total, label, quiet=args.quiet)


def _spec(args, width=None, depth=None) -> RunSpec:
    lr_scale = 1.0 if args.lr is None and args.lr_scale is None else args.lr_scale
    return RunSpec(args.arch, width or args.width, depth or args.depth, args.d_out, args.n, args.d,
                   tuple(args.image_shape), args.loss, args.steps, args.lr, lr_scale, args.batch_size,
                   args.tau, args.seed, args.record_every, list(args.probes or []))


def cmd_train(args) -> int:
    from .reports import label, loss_figure, summary
    from .plotting import save
    from .training import TrainingInterrupted
    spec = _spec(args)
    validate(spec)
    out = writable_folder(args.out)
    X, Y = make_data(spec)
    start = time.perf_counter()
    progress = _progress(args, spec.steps, "train step")
    try:
        hist = run_one(spec, X, Y, progress)
    except TrainingInterrupted as stop:       # keep what the run recorded before Ctrl-C
        progress.done()
        stop.history.save(out / "history.json")
        raise UsageError(f"{stop.history.interrupted}; the history so far is in {out / 'history.json'}") from None
    progress.done()
    elapsed = time.perf_counter() - start
    with user_input():
        hist.save(out / "history.json")
        save(loss_figure({label(hist): hist}), out / "loss.png", dpi=args.dpi)
    print(summary(hist, elapsed))
    print(f"wrote {out / 'history.json'} and {out / 'loss.png'}")
    if hist.stopped:
        raise UsageError(f"{hist.stopped} (history so far written to {out})")
    return 0


def cmd_sweep(args) -> int:
    from .parallel import process_pool
    from .plotting import save
    from .reports import label, loss_figure, summary
    vary, values = ("width", args.widths) if args.widths else ("depth", args.depths)
    specs = [_spec(args, **{vary: v}) for v in values]
    for s in specs:
        validate(s)
    out = writable_folder(args.out)
    X, Y = make_data(specs[0])
    progress = _progress(args, 100, "sweep, % of work")
    start = time.perf_counter()
    if args.jobs > 1:
        with process_pool(args.jobs) as pool:
            hists = run_sweep(specs, X, Y, executor=pool, progress=progress)
    else:
        hists = run_sweep(specs, X, Y, progress=progress)
    progress.done()
    sweep = {"format": "ntkedu.Sweep/1", "sweep": {"vary": vary, "values": values, "seed": args.seed},
             "histories": [h.as_dict() for h in hists]}
    with user_input():
        write_json(sweep, out / "sweep.json")
        save(loss_figure({label(h): h for h in hists}, title_extra=f", {vary} sweep"),
             out / "loss.png", dpi=args.dpi)
    for h in hists:
        print(summary(h))
    print(f"{len(hists)} runs in {time.perf_counter() - start:.1f} s; wrote {out / 'sweep.json'} and {out / 'loss.png'}")
    stopped = [h.stopped for h in hists if h.stopped]
    if stopped:
        raise UsageError(f"{len(stopped)} of {len(hists)} runs stopped early; first: {stopped[0]} "
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

def cmd_ntk(args) -> int:
    from . import memory, ntk
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
    print(f"{net.signature()}: W_1..W_L trained, A and B fixed; n={spec.n} {inputs}, seed {spec.seed}")
    print(f"  memory: building Θ_m needs about {memory.format_size(ntk.memory_estimate(net, spec.n))}",
          flush=True)
    with user_input():
        K = np.asarray(ntk.empirical(net, X, verbose_memory=False), dtype=float) / m
    blocks = K if K.ndim == 3 else K[None]
    lam = [ntk.eigen(b).values for b in blocks]
    lo, hi = min(v[-1] for v in lam), max(v[0] for v in lam)
    per = f" (over the {len(blocks)} output blocks)" if len(blocks) > 1 else ""
    print(f"  empirical Θ_m/m{per}: λ_min = {lo:.4g}, λ_max = {hi:.4g}, "
          f"condition number λ_max/λ_min = {_cond(hi, lo)}")
    with user_input():
        Kbar = net.limit_kernel(X)                 # the network knows its own limit kernel, if any
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
    with user_input():
        print(bench.run(which=which, quick=args.quick))
    return 0


def _python_m_lessons(args: list) -> int:
    """Run ``python -m lessons ARGS`` in a child process and return its exit code.

    The lessons use the library, never the other way round: the command line hands them over to
    their own program instead of importing them.
    """
    import subprocess
    try:
        return subprocess.call([sys.executable, "-m", "lessons", *args])
    except KeyboardInterrupt:
        return 130


def cmd_plot(args) -> int:
    from .plotting import save
    from .reports import label, loss_figure
    from .training import History
    path = Path(args.json)
    if path.suffix.lower() == ".npz":
        with user_input():
            hist = History.load(path)
        hists, title = [hist], ""
    else:
        obj = read_json(path)
        if "lesson" in obj:
            return _python_m_lessons(["redraw", str(path)] + (["--out", str(args.out)] if args.out else [])
                                     + ["--dpi", str(args.dpi)])
        kind = str(obj.get("format", ""))
        with user_input():
            if kind.startswith("ntkedu.Sweep/"):
                raw = obj.get("histories")
                if not isinstance(raw, list) or not raw:
                    raise UsageError(f"{os.fspath(path)!r}: a sweep needs a non-empty list 'histories'")
                hists = [History.from_dict(h, source=f"{path} (run {i + 1})") for i, h in enumerate(raw)]
                vary = (obj.get("sweep") or {}).get("vary")
                title = f", {vary} sweep" if vary else ""
            elif kind.startswith("ntkedu.History/"):
                hists, title = [History.from_dict(obj, source=path)], ""
            else:
                raise UsageError(f"{os.fspath(path)!r} is not a saved ntkedu run, sweep or lesson "
                                 f"(format {obj.get('format')!r}, no 'lesson' key)")
    out = writable_folder(args.out if args.out is not None else path.parent)
    with user_input():
        fig = loss_figure({label(h): h for h in hists}, title_extra=title)
        written = save(fig, out / f"{path.stem}_loss.png", dpi=args.dpi)
    print(f"wrote {written}")
    return 0


def cmd_lessons(args) -> int:
    rest = list(args.rest)
    if args.quiet and rest[:1] == ["run"] and "--quiet" not in rest:
        rest.append("--quiet")
    return _python_m_lessons(rest)


def cmd_notebooks(args) -> int:
    return _python_m_lessons(["notebooks", "--out", str(args.out)] + (["--execute"] if args.execute else []))


def cmd_check(args) -> int:
    from .exercises.__main__ import main_check
    return main_check(list(args.rest), prog=f"{PROG} check")


def cmd_exercises(args) -> int:
    from .exercises.__main__ import main_exercises
    return main_exercises(list(args.rest), prog=f"{PROG} exercises")


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
The step size is η = lr_scale / (m·λ_max(Θ̄)) unless --lr gives η itself; kernel GD diverges past
lr-scale 2, the network itself often only much later (lesson 4). A run that diverges or stalls still writes its history and exits with code 2.""",
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
    "exercises": """examples:
  ntkedu exercises                                     list the exercises and their lessons
  ntkedu exercises --out my-exercises                  fresh student copies to work in""",
    "check": """examples:
  ntkedu check relu_backward my-exercises/ex01_relu.py

exit code 0 when every case passes, 1 when one fails, 2 on a usage error.""",
    "notebooks": """examples:
  ntkedu notebooks --out lesson-notebooks
  ntkedu notebooks --execute                           run them too (quick size), figures inline

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
                      help="normalised step η·m·λ_max(Θ̄) (default 1; kernel GD diverges above 2, the network often later)")
    tr.add_argument("--batch-size", type=positive_int, default=None, help="SGD batch size b (default: n, i.e. GD)")
    tr.add_argument("--record-every", type=positive_int, default=1, help="record the history every k steps (default 1)")
    tr.add_argument("--probes", type=probe_list, default=[], metavar="NAME,...",
                    help=f"observe the run: {', '.join(PROBES)} (default none)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="seed of every random number (default 0)")
    p.add_argument("--dpi", type=positive_int, default=150, help="resolution of the PNG (default 150)")
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
    parser.add_argument("--max-memory", type=memory_size, default=None, metavar="SIZE",
                        help="refuse work that needs more memory than this, e.g. 8G (default: the memory "
                             "available now; also NTKEDU_MAX_MEMORY)")
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
    p.add_argument("--jobs", type=positive_int, default=1,
                   help="runs at once, in worker processes with one BLAS thread each (default 1)")

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
    p.add_argument("json", help="history.json or .npz, sweep.json or lessonNN.json")
    p.add_argument("--out", default=None, help="folder for the PNGs (default: next to the JSON)")
    p.add_argument("--dpi", type=positive_int, default=150, help="resolution of the PNGs (default 150)")

    p = command("lessons", "the lessons: list, run N, run all, redraw (same as python -m lessons)", cmd_lessons)
    p.add_argument("rest", nargs=argparse.REMAINDER, metavar="...", help="arguments for python -m lessons")

    p = command("notebooks", "write every lesson as a Jupyter notebook (.ipynb; needs jupytext)", cmd_notebooks)
    p.add_argument("--out", default="lesson-notebooks", help="output folder (default lesson-notebooks)")
    p.add_argument("--execute", action="store_true", help="also run every notebook (quick size), figures inline")

    p = command("exercises", "list the exercises, or write fresh student copies with --out FOLDER", cmd_exercises)
    p.add_argument("rest", nargs=argparse.REMAINDER, metavar="...", help="[--out FOLDER]")

    p = command("check", "check your solution of an exercise: ntkedu check NAME FILE", cmd_check)
    p.add_argument("rest", nargs=argparse.REMAINDER, metavar="NAME FILE", help="exercise name and your .py file")
    return parser


def main(argv=None) -> int:
    """Run the ``ntkedu`` command line; returns the exit code (0 ok, 1 a check failed, 2 a user error,
    130 interrupted). No user input ends in a traceback: a mistake is one line on stderr."""
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    handed_over = next((i for i, w in enumerate(argv) if not w.startswith("-")), None)
    if handed_over is not None and argv[handed_over] in ("check", "exercises") \
            and not {"-h", "--help"} & set(argv[handed_over + 1:handed_over + 2]):
        # their own options (--out, --seed) follow the command word: hand everything after it over
        return (cmd_check if argv[handed_over] == "check" else cmd_exercises)(
            argparse.Namespace(rest=argv[handed_over + 1:]))
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    from . import memory
    memory.set_limit(args.max_memory)
    try:
        return args.func(args)
    except UsageError as err:                       # MemoryLimitError included
        sys.stderr.write(f"{PROG} {args.command}: error: {err}\n")
        return 2
    except BrokenPipeError:                         # output piped into `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG} {args.command}: interrupted (no file is left half-written)\n")
        return 130
    finally:
        memory.set_limit(None)
