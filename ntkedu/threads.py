"""One BLAS thread around ntkedu's work, decided at run time, whatever was imported first.

The matrices here are small (m is at most a few thousand), and on a machine whose cores are busy —
a classroom laptop, a shared lab server — OpenBLAS's spinning threads make such products 10–20×
slower than a single thread. :func:`limited` limits the BLAS to one thread for the duration of a
call (threadpoolctl does it at run time, so it works after NumPy is imported, in a notebook too)
and restores it afterwards. A user's own choice wins: if OPENBLAS_NUM_THREADS, OMP_NUM_THREADS or
MKL_NUM_THREADS is set, or the BLAS already runs fewer threads than there are cores (a
threadpoolctl limit of their own around the call), nothing is changed.

``train``, ``ntk.empirical`` and a lesson's run use it; wrap your own code in it likewise::

    with ntkedu.threads.limited():
        ...
"""

from __future__ import annotations

import contextlib
import functools
import os

__all__ = ["limited", "one_thread", "blas_threads", "users_choice"]

_USER_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_depth = 0          # nested calls (train inside a lesson) limit once, at the outermost


_controller = None   # threadpoolctl's view of the loaded BLAS libraries, inspected once


def _blas():
    global _controller
    if _controller is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _controller = False
        else:
            _controller = ThreadpoolController().select(user_api="blas")
    return _controller


def users_choice() -> str:
    """The thread variables the user set, as "NAME=value, …" ("" when none is set)."""
    return ", ".join(f"{v}={os.environ[v]}" for v in _USER_VARS if os.environ.get(v))


def _should_limit(n: int) -> bool:
    if users_choice():
        return False
    blas = _blas()
    if not blas:
        return False
    cores = os.cpu_count() or 1
    # fewer threads than cores means someone already chose: leave it
    return any(lib.num_threads > n and lib.num_threads >= cores for lib in blas.lib_controllers)


@contextlib.contextmanager
def limited(n: int = 1):
    """Run the block with at most ``n`` BLAS threads, unless the user chose otherwise (see above)."""
    global _depth
    if _depth or not _should_limit(n):
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
        return
    _depth += 1
    try:
        with _blas().limit(limits=n):
            yield
    finally:
        _depth -= 1


def one_thread(func):
    """Decorator: ``func`` runs inside :func:`limited`."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with limited():
            return func(*args, **kwargs)
    return wrapper


def blas_threads():
    """The number of threads the loaded BLAS runs now (the largest over libraries; None if unknown)."""
    blas = _blas()
    counts = [lib.num_threads for lib in blas.lib_controllers] if blas else []
    return max(counts) if counts else None
