"""Argument checks shared by the whole library.

Every check raises ``ValueError`` with the argument's name, what was received and what was
expected, so a learner's mistake is explained in one line instead of surfacing as a shape error
deep inside a matrix product.
"""

from __future__ import annotations

import numbers

import numpy as np


def positive_int(name: str, value, *, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def positive_float(name: str, value, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a finite float > 0 (or >= 0 with ``allow_zero``), or raise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value}")
    return value


def float_dtype(dtype) -> np.dtype:
    """Return ``dtype`` as a floating numpy dtype (float32 or float64), or raise."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise ValueError(f"dtype must be a floating type such as np.float64, got {dtype!r}") from None
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"dtype must be np.float32 or np.float64, got {dt}")
    return dt


def generator(seed=None, rng=None) -> np.random.Generator:
    """The run's random stream: from ``rng`` (a Generator) or ``seed`` (an int), never both.

    With neither, a fresh unseeded Generator (not NumPy's global state).
    """
    if seed is not None and rng is not None:
        raise ValueError(f"give either seed or rng, not both (got seed={seed!r} and rng={rng!r})")
    if rng is not None:
        if not isinstance(rng, np.random.Generator):
            raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        return rng
    if seed is None or isinstance(seed, (np.random.SeedSequence,)):
        return np.random.default_rng(seed)
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return np.random.default_rng(int(seed))


def array(name: str, x, *, ndim: int | None = None, shape: tuple | None = None,
          dtype=None, finite: bool = True) -> np.ndarray:
    """Check a floating array's rank, shape and finiteness; cast to ``dtype`` if given.

    ``shape`` may hold ``None`` for "any size" on that axis. Integer or boolean arrays are
    refused rather than silently converted, because they are almost always a mistake here
    (labels passed where inputs were expected).
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"{name} must be a floating-point array, got dtype {x.dtype}")
    if ndim is not None and x.ndim != ndim:
        want = _shape_text(shape) if shape is not None else f"{ndim} axes"
        raise ValueError(f"{name} must have shape {want}, got shape {x.shape}")
    if shape is not None:
        if len(shape) != x.ndim or any(w is not None and w != s for w, s in zip(shape, x.shape)):
            raise ValueError(f"{name} must have shape {_shape_text(shape)}, got shape {x.shape}")
    if finite and not np.all(np.isfinite(x)):
        ok = np.isfinite(x)
        first = tuple(int(i) for i in np.argwhere(~ok)[0])
        raise ValueError(f"{name} has {ok.size - np.count_nonzero(ok)} non-finite value(s), the first "
                         f"{x[first]} at index {first}; all entries must be finite")
    if dtype is not None:
        x = x.astype(dtype, copy=False)
    return x


def labels(name: str, y, n: int, n_classes: int) -> np.ndarray:
    """Check integer class labels of shape (n,) with values in [0, n_classes)."""
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{name} must be integer class labels, got dtype {y.dtype}")
    if y.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got shape {y.shape}")
    if n and (y.min() < 0 or y.max() >= n_classes):
        bad = y[(y < 0) | (y >= n_classes)][0]
        raise ValueError(f"{name} must lie in [0, {n_classes}) (d_out = {n_classes} classes), got label {bad}")
    return y


def _shape_text(shape) -> str:
    inner = ", ".join("?" if s is None else str(s) for s in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"
