"""How much faster ``run all --jobs N`` is than ``--jobs 1``, and whether it writes the same files.

::

    python -m lessons.bench_jobs --full --jobs 2

Runs ``python -m lessons run all`` once with ``--jobs 1`` and once with ``--jobs N`` (fresh
processes, temporary folders), prints both wall-clock times and their ratio, and compares every
result file (the lessons' JSON and ``SUMMARY.md``) byte for byte. Figures are left out of the
comparison: a PNG embeds nothing random, but its bytes may depend on the font cache's state. Run it
on an idle machine: the ratio is the point. ``--out DIR`` keeps both runs (``DIR/jobs1``,
``DIR/jobsN``, each with its ``timings.json``). Exit code 1 if a result file differs.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_all(size: str, seed: int, jobs: int, out: Path) -> float:
    """Seconds of ``python -m lessons run all`` with ``jobs`` workers, writing to ``out``."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lessons", "run", "all", f"--{size}", "--seed", str(seed),
                    "--jobs", str(jobs), "--quiet", "--out", str(out)], check=True, capture_output=True)
    return time.perf_counter() - start


def result_files(folder: Path) -> set:
    """Names of the result files in ``folder``: ``*.json`` but ``timings.json``, and ``SUMMARY.md``."""
    return {p.name for p in folder.iterdir()
            if (p.suffix == ".json" and p.name != "timings.json") or p.name == "SUMMARY.md"}


def differing(a: Path, b: Path) -> list:
    """Result files of either folder that are not byte-identical in both."""
    names = sorted(result_files(a) | result_files(b))
    return [n for n in names if not ((a / n).is_file() and (b / n).is_file()
                                     and (a / n).read_bytes() == (b / n).read_bytes())]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m lessons.bench_jobs", description=__doc__.split("\n\n")[0])
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", dest="size", action="store_const", const="quick", help="quick sizes (default)")
    size.add_argument("--full", dest="size", action="store_const", const="full", help="full sizes")
    p.add_argument("--jobs", type=int, default=2, help="workers of the parallel run (default 2)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help="keep both runs in this folder (default: temporary, removed)")
    args = p.parse_args(argv)
    size = args.size or "quick"
    if args.jobs < 2:
        p.error(f"--jobs must be at least 2 to compare with one worker, not {args.jobs}")
    keep = contextlib.nullcontext(args.out) if args.out else tempfile.TemporaryDirectory()
    with keep as tmp:
        one, many = Path(tmp, "jobs1"), Path(tmp, f"jobs{args.jobs}")
        t1 = run_all(size, args.seed, 1, one)
        print(f"run all --{size} --jobs 1: {t1:.0f} s", flush=True)
        tn = run_all(size, args.seed, args.jobs, many)
        print(f"run all --{size} --jobs {args.jobs}: {tn:.0f} s", flush=True)
        bad = differing(one, many)
        files = len(result_files(one) | result_files(many))
        print(f"speed-up {t1 / tn:.2f}×; result files identical: {files - len(bad)} of {files}"
              + (f" (differ: {', '.join(bad)})" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
