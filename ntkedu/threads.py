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

__all__ = ["limited", "one_thread"]

_USER_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_depth = 0          # nested calls (train inside a lesson) limit once, at the outermost


def _should_limit(n: int) -> bool:
    if any(os.environ.get(v) for v in _USER_VARS):
        return False
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return False
    blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    cores = os.cpu_count() or 1
    # fewer threads than cores means someone already chose: leave it
    return any(p.get("num_threads", 1) > n and p.get("num_threads", 1) >= cores for p in blas)


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
    from threadpoolctl import threadpool_limits
    _depth += 1
    try:
        with threadpool_limits(limits=n, user_api="blas"):
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
