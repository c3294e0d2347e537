"""Speed of the engine against its floor: the same matrix products run alone in NumPy.

Almost all the work of a forward and backward pass is matrix products (paper.md §1.2–1.3): per
layer one forward product g_ℓ = W_ℓ h_{ℓ−1}, one gradient product Σ_i dg_{i,ℓ} h_{i,ℓ−1}ᵀ and one
backward product W_ℓᵀ dg_ℓ. A pass written for reading can still be fast if everything else (ReLU,
masks, checks, bookkeeping) costs little next to those products. Each benchmark here therefore times
the engine and, on the same arrays, the bare products it cannot avoid, and reports the ratio::

    mlp forward+backward   <engine> ms  floor   <products alone> ms  ratio <engine/floor> (target <= 1.15)

Timing: a warm-up call, then ``repeat`` rounds in which engine and floor are timed back to back
(so a load spike on a shared machine hits both); a time is the best over the rounds and the ratio
is best/best. The report adds the median of the per-round ratios, the ratio of CPU times (with one
BLAS thread this ignores time lost to other processes) and the minor page faults per call: fresh
memory (the cache the engine must keep) can cost as much as a product on some virtual machines.
The engine is timed as ``train`` runs it: inside :func:`ntkedu.threads.limited`, one BLAS thread
unless the environment (``OPENBLAS_NUM_THREADS`` and the like) says otherwise; the report prints the
number of threads the BLAS ran and where it came from.

    >>> from ntkedu import bench
    >>> print(bench.run(("mlp",), quick=True))
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from dataclasses import dataclass, field

import numpy as np

from . import data, losses
from .networks import CNN, MLP
from .ops import _filters_as_rows
from .threads import blas_threads, limited, users_choice

__all__ = ["Round", "Timing", "MemoryPoint", "NTKBench", "bench_mlp", "bench_cnn", "bench_ntk", "run", "BENCHMARKS"]

BENCHMARKS = ("mlp", "cnn", "ntk")


@dataclass
class Round:
    """One back-to-back round: wall-clock and CPU seconds of the engine and of the floor."""
    engine: float
    floor: float
    engine_cpu: float
    floor_cpu: float


@dataclass
class Timing:
    """One engine-against-floor comparison. Times in seconds, best over the rounds."""
    name: str
    config: dict
    target: float
    rounds: list = field(default_factory=list)   # of :class:`Round`
    faults: tuple | None = None                  # minor page faults per call (engine, floor), if measurable

    @property
    def seconds(self) -> float:
        return min(r.engine for r in self.rounds)

    @property
    def floor(self) -> float:
        return min(r.floor for r in self.rounds)

    @property
    def ratio(self) -> float:
        """Best engine wall time / best floor wall time: the number compared with the target."""
        return self.seconds / self.floor

    @property
    def median_ratio(self) -> float:
        """Median over rounds of engine/floor timed back to back: a second opinion under load."""
        return float(np.median([r.engine / r.floor for r in self.rounds]))

    @property
    def cpu_ratio(self) -> float:
        """Best CPU time ratio; with one BLAS thread it ignores time lost to other processes."""
        return min(r.engine_cpu for r in self.rounds) / min(r.floor_cpu for r in self.rounds)

    @property
    def met(self) -> bool:
        return self.ratio <= self.target

    def line(self, floor_name: str = "floor") -> str:
        text = (f"{self.name:<22} {1e3 * self.seconds:8.2f} ms  {floor_name} {1e3 * self.floor:8.2f} ms  "
                f"ratio {self.ratio:.2f} (target <= {self.target:g})  "
                f"median {self.median_ratio:.2f}  cpu {self.cpu_ratio:.2f}")
        if self.faults is not None:
            text += f"  page faults/call {self.faults[0]:.0f} vs {self.faults[1]:.0f}"
        return text

    def __str__(self) -> str:
        return self.line()


def _minor_faults():
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def _count_faults(fn, calls: int = 3):
    before = _minor_faults()
    if before is None:
        return None
    for _ in range(calls):
        fn()
    return (_minor_faults() - before) / calls


def _time_pair(name, config, target, engine, floor, repeat: int) -> Timing:
    """Warm both up once, then time ``engine()`` and ``floor()`` back to back ``repeat`` times."""
    engine(), floor()
    rounds = []
    for _ in range(repeat):
        gc.collect()  # a collection landing inside one timed call would be charged to it alone
        w0, c0 = time.perf_counter(), time.process_time()
        engine()
        w1, c1 = time.perf_counter(), time.process_time()
        floor()
        w2, c2 = time.perf_counter(), time.process_time()
        rounds.append(Round(w1 - w0, w2 - w1, c1 - c0, c2 - c1))
    faults = _count_faults(engine), _count_faults(floor)
    return Timing(name, config, target, rounds, None if None in faults else faults)


# --------------------------------------------------------------------------------------------------
# MLP: forward + backward against its matrix products
# --------------------------------------------------------------------------------------------------

def bench_mlp(n: int = 256, d: int = 32, width: int = 1024, depth: int = 4, *, repeat: int = 11,
              seed: int = 0, dtype=np.float64, target: float = 1.15) -> Timing:
    """One full-batch forward + squared loss + backward of :class:`ntkedu.MLP` against its floor.

    The floor is the products of paper.md §1.2–1.3 alone, in the same layouts, chained as the pass
    chains them (each forward product feeds the next and is kept for its gradient product; only the
    ReLU is left out): X Aᵀ, the L forward products W_ℓ h_{ℓ−1}, B h_L and Bᵀ dout, the L gradient
    products dg_ℓᵀ h_{ℓ−1} (kept: they are the result) and the L − 1 backward products W_ℓᵀ dg_ℓ
    (none below W_1: A is fixed). What the engine adds is the ReLU, the masks D_ℓ, keeping h_ℓ
    beside g_ℓ in the cache, the checks and the bookkeeping.

    Returns
    -------
    :class:`Timing`; ``ratio`` is engine time / floor time (the issue's target: <= 1.15).
    """
    rng = np.random.default_rng(seed)
    net = MLP(d, width, depth, rng=rng, dtype=dtype)
    X = data.unit_inputs(n, d, rng=rng).astype(dtype)
    Y = data.regression_targets(n, rng=rng).astype(dtype)
    P, L = net.params, depth

    def engine():
        out, cache = net.forward(X)
        _, dout = losses.squared(out, Y)
        return net.backward(dout, cache)

    dout = net.forward(X)[0] - Y

    def floor():
        g = [X @ P["A"].T]                           # products chained as in the pass, ReLU left out
        for l in range(1, L + 1):
            g.append(g[l - 1] @ P[f"W{l}"].T)
        g[L] @ P["B"].T
        dh = dout @ P["B"]
        grads = {}
        for l in range(L, 0, -1):
            grads[l] = dh.T @ g[l - 1]
            if l > 1:
                dh = dh @ P[f"W{l}"]
        return grads

    config = {"n": n, "d": d, "width": width, "depth": depth, "dtype": np.dtype(dtype).name}
    return _time_pair("mlp forward+backward", config, target, engine, floor, repeat)


# --------------------------------------------------------------------------------------------------
# CNN: forward + backward against its im2col products
# --------------------------------------------------------------------------------------------------

def bench_cnn(n: int = 64, in_shape=(1, 8, 8), width: int = 16, depth: int = 3, kernel_size: int = 3, *,
              repeat: int = 30, seed: int = 0, dtype=np.float64, target: float = 2.0) -> Timing:
    """One full-batch forward + squared loss + backward of :class:`ntkedu.CNN` against its floor.

    The floor is the im2col products alone, on window matrices built beforehand: cols_ℓ w_ℓᵀ for
    ℓ = 0..L (kept, as the pass keeps g_ℓ), vec(h_L) Bᵀ and dout B, the L weight products
    dg_ℓᵀ cols_ℓ (kept: they are the result) and the L − 1 window products dg_ℓ w_ℓ. Building the
    windows (forward, and again for the weight and input gradients), ReLU, masks and checks are what
    the engine adds.

    Returns
    -------
    :class:`Timing` (the issue's target: ratio <= 2).
    """
    rng = np.random.default_rng(seed)
    net = CNN(in_shape, width, depth, kernel_size=kernel_size, rng=rng, dtype=dtype)
    X = data.images(n, in_shape, rng=rng).astype(dtype)
    Y = data.regression_targets(n, rng=rng).astype(dtype)
    L, B = depth, net.params["B"]

    def engine():
        out, cache = net.forward(X)
        _, dout = losses.squared(out, Y)
        return net.backward(dout, cache)

    out, cache = net.forward(X)
    dout = out - Y
    dg = net.backward_signals(dout, cache)
    layers = ["A"] + [f"W{l}" for l in range(1, L + 1)]
    w_mat = [_filters_as_rows(net.params[k]) for k in layers]                            # (m, s*s*C)
    cols = [cache.conv[l].cols for l in range(L + 1)]                                   # (n*H*W, s*s*C)
    dg_mat = [None] + [np.ascontiguousarray(dg[l].transpose(0, 2, 3, 1)).reshape(-1, width)
                       for l in range(1, L + 1)]                                          # (n*H*W, m)
    hL = np.ascontiguousarray(cache.h[L]).reshape(n, -1)

    def floor():
        g = [cols[l] @ w_mat[l].T for l in range(L + 1)]
        hL @ B.T
        dout @ B
        grads = {}
        for l in range(L, 0, -1):
            grads[l] = dg_mat[l].T @ cols[l]
            if l > 1:
                dg_mat[l] @ w_mat[l]
        return g, grads

    config = {"n": n, "in_shape": tuple(in_shape), "width": width, "depth": depth,
              "kernel_size": kernel_size, "dtype": np.dtype(dtype).name}
    return _time_pair("cnn forward+backward", config, target, engine, floor, repeat)


# --------------------------------------------------------------------------------------------------
# Empirical NTK (issue 3): time against one forward+backward, peak memory against n and m
# --------------------------------------------------------------------------------------------------

@dataclass
class MemoryPoint:
    """Peak memory traced while building one empirical NTK, next to the n² + n·m·L model."""
    n: int
    width: int
    depth: int
    peak_bytes: int

    @property
    def model_floats(self) -> int:
        """n² (the kernel) + n·m·L (per layer, one m-vector per sample: h_ℓ and the backward signal)."""
        return self.n**2 + self.n * self.width * self.depth

    @property
    def jacobian_bytes(self) -> int:
        """What a per-sample Jacobian would take instead: n × #params (the L trained m×m layers), float64."""
        return 8 * self.n * self.depth * self.width**2


@dataclass
class NTKBench:
    """Empirical NTK against one forward+backward pass, and how its peak memory grows.

    ``n_exponent`` and ``m_exponent`` are the log-log slopes of peak memory against n (m fixed) and m
    (n fixed). Under the n² + n·m·L model with n·m·L dominant both are about 1; a kernel built from
    per-sample gradients (n × #params, #params ≈ L·m²) would show an m-exponent near 2.
    """
    timing: Timing
    memory: list            # of MemoryPoint: (small n, large m), (large n, large m), (large n, small m)
    n_exponent: float
    m_exponent: float

    def __str__(self) -> str:
        lines = [self.timing.line(floor_name="fwd+bwd")]
        for p in self.memory:
            lines.append(f"  ntk peak memory n={p.n:<4} m={p.width:<5} L={p.depth}  {p.peak_bytes / 2**20:8.1f} MB"
                         f" = {p.peak_bytes / (8 * p.model_floats):5.2f} x 8 B x (n² + n·m·L)"
                         f"   (per-sample Jacobian: {p.jacobian_bytes / 2**20:,.0f} MB)")
        lines.append(f"  peak memory grows like n^{self.n_exponent:.2f} and m^{self.m_exponent:.2f} "
                     f"(n² + n·m·L: about n^1 and m^1 here; n × #params: m^2)")
        return "\n".join(lines)


def _peak_bytes(fn) -> int:
    """Peak bytes allocated by ``fn()`` above what was allocated before it (NumPy reports to tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        fn()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def bench_ntk(n: int = 256, d: int = 32, width: int = 1024, depth: int = 4, *, repeat: int = 5,
              memory_n=(128, 256), memory_m=(512, 1024), seed: int = 0, target: float = 2.0) -> NTKBench:
    """Time ``ntkedu.ntk.empirical(net, X)`` against one forward+backward of the same MLP, and trace
    its peak memory at two n (width ``memory_m[-1]``) and two m (n = ``memory_n[-1]``).

    Paper.md §9.4: the layer-wise kernel Θ = Σ_ℓ (H_{ℓ−1}H_{ℓ−1}ᵀ) ⊙ (B_ℓB_ℓᵀ) costs O(L·n²·m) and
    needs memory n² + n·m·L, never n × #params.

    Returns
    -------
    :class:`NTKBench` (the issue's target: time ratio <= 2).
    """
    from . import ntk  # written alongside; imported here so the other benchmarks run without it

    rng = np.random.default_rng(seed)
    net = MLP(d, width, depth, rng=rng)
    X = data.unit_inputs(n, d, rng=rng)
    Y = data.regression_targets(n, rng=rng)

    def forward_backward():
        out, cache = net.forward(X)
        return net.backward(losses.squared(out, Y)[1], cache)

    timing = _time_pair("ntk empirical", {"n": n, "d": d, "width": width, "depth": depth}, target,
                        lambda: ntk.empirical(net, X), forward_backward, repeat)

    def point(n_, m_):
        g = np.random.default_rng(seed)
        net_ = MLP(d, m_, depth, rng=g)
        X_ = data.unit_inputs(n_, d, rng=g)
        return MemoryPoint(n_, m_, depth, _peak_bytes(lambda: ntk.empirical(net_, X_)))

    (n1, n2), (m1, m2) = memory_n, memory_m
    small_n, large, small_m = point(n1, m2), point(n2, m2), point(n2, m1)
    return NTKBench(timing, [small_n, large, small_m],
                    _slope((n1, n2), (small_n.peak_bytes, large.peak_bytes)),
                    _slope((m1, m2), (small_m.peak_bytes, large.peak_bytes)))


def _slope(x, y) -> float:
    return float(np.log(y[-1] / y[0]) / np.log(x[-1] / x[0]))


# --------------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------------

_QUICK = {
    "mlp": dict(n=32, d=8, width=64, depth=2, repeat=3),
    "cnn": dict(n=4, in_shape=(1, 6, 6), width=4, depth=2, repeat=3),
    "ntk": dict(n=16, d=8, width=32, depth=2, repeat=3, memory_n=(8, 16), memory_m=(16, 32)),
}


def run(which=BENCHMARKS, quick: bool = False) -> str:
    """Run the named benchmarks and return a printable report of speed ratios.

    Parameters
    ----------
    which : names among ``"mlp"``, ``"cnn"``, ``"ntk"`` (the issues' sizes: MLP n=256, d=32,
        m=1024, L=4; CNN n=64, 1×8×8, 16 channels, L=3, kernel 3; NTK as the MLP).
    quick : toy sizes and few rounds — checks the benchmarks run, says nothing about speed.

    Returns
    -------
    The report, one line per benchmark (``ntkedu bench`` prints it).
    """
    which = (which,) if isinstance(which, str) else tuple(which)
    unknown = [w for w in which if w not in BENCHMARKS]
    if unknown or not which:
        raise ValueError(f"which must name benchmarks among {BENCHMARKS}, got {which!r}")
    quick = bool(quick)
    funcs = {"mlp": bench_mlp, "cnn": bench_cnn, "ntk": bench_ntk}
    rows = []
    with limited():                                    # as train runs the engine
        threads = blas_threads()
        for name in which:
            result = funcs[name](**(_QUICK[name] if quick else {}))
            rows.append(str(result) + f"   [{_config_text(result)}]" if isinstance(result, Timing) else str(result))
    chosen = users_choice()
    source = f"set by {chosen}" if chosen else "as ntkedu.train runs"
    lines = [f"ntkedu bench ({'quick: toy sizes, ratios not meaningful' if quick else 'full sizes'}; "
             f"numpy {np.__version__}; {_threads_text(threads)}, {source}; "
             "best of rounds)"]
    return "\n".join(lines + rows)


def _threads_text(k) -> str:
    return "BLAS threads unknown" if k is None else f"{k} BLAS thread" + ("s" if k != 1 else "")


def _config_text(result: Timing) -> str:
    return ", ".join(f"{k}={v}" for k, v in result.config.items())
