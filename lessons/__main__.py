"""``python -m lessons``: list, run, redraw and export the lessons.

::

    python -m lessons                                   list: number, title, claim
    python -m lessons run N|all [--seed S] [--quick|--full] [--out DIR] [--quiet]
    python -m lessons redraw DIR/lessonNN.json [--out DIR]
    python -m lessons notebooks [--out DIR]             every lesson as .ipynb (needs jupytext)

A user's mistake (unknown lesson, bad seed, unwritable folder) gets one line on stderr and exit
code 2. A lesson that raises is reported, ``run all`` goes on with the others and exits with 1.
"""

from __future__ import annotations

import argparse
import sys

import lessons
from lessons import _kit


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit code 2), not usage plus error."""

    def error(self, message):
        _user_error(self.prog, message)


def _user_error(prog, message):
    print(f"{prog}: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _seed(text: str) -> int:
    try:
        return _kit.check_seed(int(text))
    except (ValueError, _kit.UsageError):
        raise argparse.ArgumentTypeError(f"seed must be a non-negative integer, got {text!r}") from None


def _run_options(p):
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", dest="size", action="store_const", const="quick",
                      help="small sizes for class and tests, seconds per lesson (default)")
    size.add_argument("--full", dest="size", action="store_const", const="full",
                      help="publication-quality sizes, up to a few minutes per lesson")
    p.set_defaults(size="quick")
    p.add_argument("--seed", type=_seed, default=0, help="non-negative integer seed (default 0)")
    p.add_argument("--out", default=_kit.DEFAULT_OUT,
                   help=f"output folder for JSON and PNG files (default {_kit.DEFAULT_OUT})")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _parser(prog="python -m lessons", single=False):
    """The command-line parser; ``single`` gives the options of one lesson file run as a script."""
    if single:
        p = _Parser(prog=prog, description="Run this lesson, save its JSON and figures, print the verdicts.")
        _run_options(p)
        return p
    p = _Parser(prog=prog, description="The lessons of ntkedu: each runs one statement of the paper, "
                "measures it, draws it and says whether it holds.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("list", help="list the lessons (the default)")
    run = sub.add_parser("run", help="run one lesson, several, or all",
                         description="Run lessons; write DIR/lessonNN.json, DIR/lessonNN_<figure>.png "
                                     "and, for several lessons, DIR/SUMMARY.md.")
    run.add_argument("which", nargs="+", metavar="N|all", help="lesson number(s), or 'all'")
    _run_options(run)
    redraw = sub.add_parser("redraw", help="redraw a lesson's figures from its JSON, without re-running")
    redraw.add_argument("json", help="a saved DIR/lessonNN.json")
    redraw.add_argument("--out", default=None, help="folder for the PNGs (default: next to the JSON)")
    nb = sub.add_parser("notebooks", help="write every lesson as a Jupyter notebook (needs jupytext)")
    nb.add_argument("--out", default="lesson-notebooks", help="output folder (default lesson-notebooks)")
    return p


def _which(words) -> list:
    """Lesson numbers from the words after ``run``: numbers, or 'all'."""
    have = lessons.available()
    if "all" in words:
        if len(words) > 1:
            raise _kit.UsageError("give either 'all' or lesson numbers, not both")
        return list(have)
    numbers = []
    for w in words:
        try:
            n = int(w)
        except ValueError:
            raise _kit.UsageError(f"unknown lesson {w!r}; give a number ({', '.join(map(str, have))}) "
                                  f"or 'all'") from None
        if n not in have:
            raise _kit.UsageError(f"unknown lesson {n}; available lessons: {', '.join(map(str, have)) or 'none'}")
        numbers.append(n)
    return numbers


def _list() -> int:
    for number, name in lessons.available().items():
        try:
            module = lessons.load(number)
            print(f"{number:2d}  {module.TITLE}\n    {module.CLAIM}")
        except Exception as err:                    # a broken lesson still shows up in the list
            print(f"{number:2d}  ({name}.py cannot be imported: {type(err).__name__}: {err})")
    return 0


def _run(args) -> int:
    numbers = _which(args.which)
    results, failures = _kit.run_many(numbers, args.size, args.seed, args.out, args.quiet)
    if len(numbers) > 1:
        path = _kit.write_summary(results, f"{args.out}/SUMMARY.md", failures, size=args.size, seed=args.seed)
        print(f"summary: {path}")
    n_claims = sum(len(r["claims"]) for r in results)
    n_hold = sum(c["holds"] for r in results for c in r["claims"])
    print(f"{n_hold} of {n_claims} claims hold" + (f"; {len(failures)} lesson(s) failed: "
          + ", ".join(f"{f.lesson:02d}" for f in failures) if failures else ""))
    return 1 if failures else 0


def main(argv=None, prog: str = "python -m lessons") -> int:
    """The command line; ``prog`` names the program in help and error messages."""
    parser = _parser(prog)
    args = parser.parse_args(argv)
    try:
        if args.command in (None, "list"):
            return _list()
        if args.command == "run":
            return _run(args)
        if args.command == "redraw":
            for path in _kit.redraw(args.json, args.out):
                print(path)
            return 0
        if args.command == "notebooks":
            from lessons import notebooks
            for path in notebooks.export(args.out):
                print(path)
            return 0
    except _kit.UsageError as err:
        _user_error(parser.prog, err)
    raise AssertionError(f"unhandled command {args.command!r}")


if __name__ == "__main__":
    sys.exit(main())
