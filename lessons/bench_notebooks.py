"""How long a lesson takes as a notebook against ``python -m lessons run N``, idle and busy.

::

    python -m lessons.bench_notebooks 3 10 --busy 2

For each lesson: the wall-clock time of ``python -m lessons run N --quick`` (a fresh process) and of
executing its converted notebook in a fresh kernel (nbclient), first on the machine as it is, then
with ``--busy`` processes spinning on the cores, as on a shared lab machine. A notebook also pays
for starting its kernel, about a few seconds; the target is notebook ≤ 1.5 × (run + 3 s). BLAS
threads are limited at run time (``ntkedu.threads``), so the import order of a notebook does not
matter. Prints a table; changes nothing but temporary folders.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import time


@contextlib.contextmanager
def busy(k: int):
    """``k`` processes that spin on a core each, stopped on exit."""
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(k)]
    try:
        time.sleep(0.5 if k else 0)
        yield
    finally:
        for p in procs:
            p.kill()
        for p in procs:
            p.wait()


def _seconds(cmd) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def measure(number: int) -> tuple:
    """(seconds of ``python -m lessons run N``, seconds of executing its notebook)."""
    with tempfile.TemporaryDirectory() as out:
        cli = _seconds([sys.executable, "-m", "lessons", "run", str(number), "--quick", "--quiet", "--out", out])
        code = f"from lessons import notebooks; notebooks.export({out!r}, numbers=[{number}], execute=True)"
        nb = _seconds([sys.executable, "-c", code])
    return cli, nb


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m lessons.bench_notebooks", description=__doc__.split("\n\n")[0])
    p.add_argument("numbers", nargs="+", type=int, help="lesson numbers")
    p.add_argument("--busy", type=int, default=2, help="busy processes for the second measurement (default 2)")
    args = p.parse_args(argv)
    print(f"{'lesson':>6} {'machine':>8} {'run N (s)':>10} {'notebook (s)':>13} {'nb / (run + 3 s)':>17}")
    for load in (0, args.busy):
        with busy(load):
            for number in args.numbers:
                cli, nb = measure(number)
                state = "idle" if load == 0 else f"{load} busy"
                print(f"{number:>6} {state:>8} {cli:>10.1f} {nb:>13.1f} {nb / (cli + 3):>17.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
