"""``python -m ntkedu.exercises``: list the exercises, copy them, check a student's file, regenerate.

    python -m ntkedu.exercises list
    python -m ntkedu.exercises copy FOLDER [--force]
    python -m ntkedu.exercises check NAME FILE [--seed S] [--cases N]
    python -m ntkedu.exercises generate [--check]

``check`` prints the report and exits 0 when every case passes, 1 when one fails, and 2 on a usage
error (an unknown exercise, a missing file, a file with a syntax error or without the function):
one line on stderr, never a traceback. :func:`main_check` and :func:`main_exercises` are the same
commands for the ``ntkedu`` program (``ntkedu check NAME FILE``, ``ntkedu exercises [--out DIR]``).
"""

from __future__ import annotations

import argparse
import sys

from . import ExerciseFileError, check, exercises, generate, get, load_file, write_copies

__all__ = ["main", "main_check", "main_exercises"]


class _Usage(Exception):
    """A usage error: one line on stderr, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise _Usage(message)


def _run(prog, parser_factory, body, argv) -> int:
    """Parse ``argv`` and run ``body(args)``; usage errors become one line on stderr and code 2."""
    parser = parser_factory(prog)
    try:
        args = parser.parse_args(list(argv))
        return body(args)
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else 0
    except (_Usage, ExerciseFileError, ValueError) as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return 2


def _seed(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {value}")
    return value


def _cases(text):
    value = _seed(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {value}")
    return value


def _listing() -> str:
    rows = [("name", "function(s)", "lesson", "paper")]
    rows += [(f"{e.number:2d} {e.name}", ", ".join(e.functions), e.lesson, e.paper) for e in exercises()]
    widths = [max(len(r[k]) for r in rows) for k in range(3)]
    lines = ["  ".join(r[k].ljust(widths[k]) for k in range(3)) + "  " + r[3] for r in rows]
    lines.append("")
    lines.append("Check a file with: ntkedu check NAME FILE   (or python -m ntkedu.exercises check NAME FILE)")
    return "\n".join(lines)


# ---- check NAME FILE -----------------------------------------------------------------------------

def _check_parser(prog):
    p = _Parser(prog=prog, description="Check a student's exercise file: exit 0 when every case "
                "passes, 1 when one fails, 2 on a usage error.")
    p.add_argument("name", metavar="NAME", help="the exercise, e.g. relu_backward (list them with "
                   "`python -m ntkedu.exercises list`)")
    p.add_argument("file", metavar="FILE", help="the student's .py file defining the exercise's function(s)")
    p.add_argument("--seed", type=_seed, default=None, help="repeat the cases of an earlier run")
    p.add_argument("--cases", type=_cases, default=None, help="number of random cases")
    return p


def _do_check(args) -> int:
    ex = get(args.name)
    funcs = load_file(args.file, ex.functions)
    result = check(ex.name, funcs, seed=args.seed, cases=args.cases)
    print(result)
    return 0 if result.passed else 1


def main_check(argv, prog="ntkedu check") -> int:
    """``ntkedu check NAME FILE [--seed S] [--cases N]``; returns the exit code."""
    return _run(prog, _check_parser, _do_check, argv)


# ---- exercises [--out DIR] -----------------------------------------------------------------------

def _exercises_parser(prog):
    p = _Parser(prog=prog, description="List the exercises, or write fresh student copies with --out.")
    p.add_argument("--out", metavar="FOLDER", default=None, help="write fresh student copies here")
    p.add_argument("--force", action="store_true", help="replace files that already exist in FOLDER")
    return p


def _do_exercises(args) -> int:
    if args.out is None:
        print(_listing())
        return 0
    written = write_copies(args.out, overwrite=args.force)
    print(f"wrote {len(written)} exercise files to {args.out}")
    return 0


def main_exercises(argv, prog="ntkedu exercises") -> int:
    """``ntkedu exercises`` (list) or ``ntkedu exercises --out FOLDER`` (copies); the exit code."""
    return _run(prog, _exercises_parser, _do_exercises, argv)


# ---- python -m ntkedu.exercises ------------------------------------------------------------------

def _main_parser(prog):
    p = _Parser(prog=prog, description="ntkedu's exercises: list, copy, check, generate.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.add_parser("list", help="list the exercises")
    c = sub.add_parser("copy", help="write fresh student copies to FOLDER")
    c.add_argument("folder", metavar="FOLDER")
    c.add_argument("--force", action="store_true", help="replace files that already exist")
    k = sub.add_parser("check", help="check a student's file: NAME FILE")
    k.add_argument("name", metavar="NAME")
    k.add_argument("file", metavar="FILE")
    k.add_argument("--seed", type=_seed, default=None)
    k.add_argument("--cases", type=_cases, default=None)
    g = sub.add_parser("generate", help="rewrite the student files from the solutions")
    g.add_argument("--check", action="store_true", help="only report (exit 1) if they are out of date")
    return p


def _do_main(args) -> int:
    if args.command in (None, "list"):
        print(_listing())
        return 0
    if args.command == "copy":
        written = write_copies(args.folder, overwrite=args.force)
        print(f"wrote {len(written)} exercise files to {args.folder}")
        return 0
    if args.command == "check":
        return _do_check(args)
    changed = generate(check_only=args.check)
    if args.check:
        if changed:
            print(f"out of date: {', '.join(changed)} (run `python -m ntkedu.exercises generate`)")
            return 1
        print("the student files are up to date")
        return 0
    print(f"rewrote {len(changed)} student files" + (f": {', '.join(changed)}" if changed else ""))
    return 0


def main(argv=None, prog="python -m ntkedu.exercises") -> int:
    return _run(prog, _main_parser, _do_main, sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
