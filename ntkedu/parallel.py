"""Run independent tasks on any ``concurrent.futures.Executor``, results in task order.

Sweeps, ``python -m lessons run all`` and the lessons' robustness table are lists of independent
runs. Each run derives its random stream from its own key (its seed, width, depth, …), never from
its position or from the worker it lands on, so the results — and the files written from them — are
byte-identical whether the tasks run here one after another, on a local process pool, or on a
cluster::

    from ntkedu.parallel import process_pool, run_tasks
    with process_pool(2) as pool:                 # one BLAS thread per worker process
        results = run_tasks(func, tasks, executor=pool)

    # more machines: any Executor will do, e.g. Dask's
    #   from distributed import Client; run_tasks(func, tasks, executor=Client(...).get_executor())

``func`` and the tasks must be picklable (a module-level function and plain data) for a process
pool; the pool uses the platform's start method, so it also works with "spawn" (macOS, Windows).
"""

from __future__ import annotations

import concurrent.futures as cf
import os

__all__ = ["run_tasks", "process_pool", "one_blas_thread"]


def run_tasks(func, tasks, *, executor=None, progress=None) -> list:
    """``[func(task) for task in tasks]``, on ``executor`` when given (None: here, in order).

    progress : None, or called as ``progress(done, total)`` after each task finishes.
    An exception in a task is raised here, after the tasks already submitted are cancelled.
    """
    tasks = list(tasks)
    if executor is None:
        results = []
        for i, task in enumerate(tasks):
            results.append(func(task))
            if progress is not None:
                progress(i + 1, len(tasks))
        return results
    futures = [executor.submit(func, task) for task in tasks]
    try:
        for done, future in enumerate(cf.as_completed(futures), start=1):
            future.result()                       # raise the first failure at once
            if progress is not None:
                progress(done, len(tasks))
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    return [future.result() for future in futures]


def one_blas_thread():
    """Limit this process's BLAS to one thread (a pool worker's initializer): with N workers on N
    cores, more threads per worker only fight over the cores."""
    os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:     # the variables above still hold for a BLAS loaded after this point
        return
    threadpool_limits(1)


def process_pool(jobs: int) -> cf.ProcessPoolExecutor:
    """A process pool of ``jobs`` workers, each with one BLAS thread."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be an integer >= 1, got {jobs!r}")
    return cf.ProcessPoolExecutor(max_workers=jobs, initializer=one_blas_thread)
