"""``python -m lessons``: list, run, redraw and export the lessons.

::

    python -m lessons                                   list: number, title, claim
    python -m lessons run N|all [--seed S] [--quick|--full] [--out DIR] [--quiet]
    python -m lessons redraw DIR/lessonNN.json [--out DIR] [--dpi N]
    python -m lessons notebooks [--out DIR] [--execute] every lesson as .ipynb (needs jupytext)

A user's mistake (unknown lesson, bad seed, unwritable folder) gets one line on stderr and exit
code 2. A lesson that raises is reported, ``run all`` goes on with the others and exits with 1.
"""

from __future__ import annotations

import sys

from lessons import kit


def _which(words) -> list:
    """Lesson numbers from the words after ``run``: numbers, or 'all'."""
    have = kit.available()
    if "all" in words:
        if len(words) > 1:
            raise kit.UsageError("give either 'all' or lesson numbers, not both")
        return list(have)
    numbers = []
    for w in words:
        try:
            n = int(w)
        except ValueError:
            raise kit.UsageError(f"unknown lesson {w!r}; give a number ({', '.join(map(str, have))}) "
                                  f"or 'all'") from None
        if n not in have:
            raise kit.UsageError(f"unknown lesson {n}; available lessons: {', '.join(map(str, have)) or 'none'}")
        numbers.append(n)
    return numbers


def _list() -> int:
    for number, name in kit.available().items():
        try:
            module = kit.load(number)
            print(f"{number:2d}  {module.TITLE}\n    {module.CLAIM}")
        except Exception as err:                    # a broken lesson still shows up in the list
            print(f"{number:2d}  ({name}.py cannot be imported: {type(err).__name__}: {err})")
    return 0


def _run(args) -> int:
    numbers = _which(args.which)
    results, failures = kit.run_many(numbers, args.size, args.seed, args.out, args.quiet, dpi=args.dpi)
    if len(numbers) > 1:
        path = kit.write_summary(results, f"{args.out}/SUMMARY.md", failures, size=args.size, seed=args.seed)
        print(f"summary: {path}")
    print(f"{len(results)} lesson(s) ran in {sum(r['runtime_seconds'] for r in results):.1f} s")
    n_claims = sum(len(r["claims"]) for r in results)
    n_hold = sum(c["holds"] for r in results for c in r["claims"])
    print(f"{n_hold} of {n_claims} claims hold" + (f"; {len(failures)} lesson(s) failed: "
          + ", ".join(f"{f.lesson:02d}" for f in failures) if failures else ""))
    return 1 if failures else 0


def main(argv=None, prog: str = "python -m lessons") -> int:
    """The command line; ``prog`` names the program in help and error messages."""
    parser = kit.parser(prog)
    args = parser.parse_args(argv)
    try:
        if args.command in (None, "list"):
            return _list()
        if args.command == "run":
            return _run(args)
        if args.command == "redraw":
            for path in kit.redraw(args.json, args.out, args.dpi):
                print(path)
            return 0
        if args.command == "notebooks":
            from lessons import notebooks
            for path in notebooks.export(args.out, execute=args.execute):
                print(path)
            return 0
    except kit.UsageError as err:
        kit.user_error(parser.prog, err)
    raise AssertionError(f"unhandled command {args.command!r}")


if __name__ == "__main__":
    sys.exit(main())
