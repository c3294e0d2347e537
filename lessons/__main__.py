"""``python -m lessons``: list, run, redraw and export the lessons.

::

    python -m lessons                                   list: number, title, claim
    python -m lessons run N|all [--seed S] [--quick|--full] [--out DIR] [--quiet]
    python -m lessons run all --jobs 2                  lessons in two worker processes, same files
    python -m lessons robustness all --seeds 0-49 --jobs 2   each claim's hold rate over many seeds
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
    results, failures = kit.run_many(numbers, args.size, args.seed, args.out, args.quiet, dpi=args.dpi,
                                     jobs=args.jobs)
    if len(numbers) > 1:
        path = kit.write_summary(results, f"{args.out}/SUMMARY.md", failures, size=args.size, seed=args.seed)
        print(f"summary: {path}")
    print(f"{len(results)} lesson(s) ran in {sum(r['runtime_seconds'] for r in results):.1f} s")
    n_claims = sum(len(r["claims"]) for r in results)
    n_hold = sum(c["holds"] for r in results for c in r["claims"])
    print(f"{n_hold} of {n_claims} claims hold" + (f"; {len(failures)} lesson(s) failed: "
          + ", ".join(f"{f.lesson:02d}" for f in failures) if failures else ""))
    return 1 if failures else 0


def _seed_range(text: str) -> list:
    """'0-49' -> [0, …, 49]; '3,7,11' and '5' work too."""
    seeds = []
    for part in text.split(","):
        a, _, b = part.strip().partition("-")
        try:
            lo, hi = int(a), int(b) if b else int(a)
        except ValueError:
            raise kit.UsageError(f"--seeds must look like 0-49 or 3,7,11, got {text!r}") from None
        if lo < 0 or hi < lo:
            raise kit.UsageError(f"--seeds must be non-negative ranges lo-hi with lo <= hi, got {text!r}")
        seeds.extend(range(lo, hi + 1))
    return list(dict.fromkeys(seeds))


def _robustness(args) -> int:
    import json
    from ntkedu._files import atomic_write
    from ntkedu.progress import Progress
    out = kit.check_out_dir(args.out)
    if args.merge:
        tables = [kit.read_json(path) for path in args.merge]
        sizes, seed_sets = {t.get("size") for t in tables}, {tuple(t.get("seeds", ())) for t in tables}
        if len(sizes) != 1 or len(seed_sets) != 1:
            raise kit.UsageError(f"can only merge tables of one size and one set of seeds, got sizes {sorted(map(str, sizes))} "
                                 f"and {len(seed_sets)} different seed sets")
        by_lesson = {}
        for t in tables:                           # a later file replaces an earlier one's lessons
            for row in t["claims"]:
                by_lesson.setdefault(row["lesson"], {})[row["claim"]] = row
        rows = [by_lesson[n][c] for n in sorted(by_lesson) for c in sorted(by_lesson[n])]
        args.size, seeds = sizes.pop(), list(seed_sets.pop())
    else:
        if not args.which:
            raise kit.UsageError("give lesson numbers or 'all' (or --merge JSON files)")
        numbers = _which(args.which)
        seeds = _seed_range(args.seeds)
        progress = Progress(len(numbers) * len(seeds), label="lesson runs", quiet=args.quiet, every=0.0)
        rows = kit.robustness(numbers, seeds, args.size, jobs=args.jobs,
                              progress=lambda done, total: progress.update(done))
        progress.done()
    name = f"ROBUSTNESS-{args.size}"
    atomic_write(out / f"{name}.md", kit.robustness_markdown(rows, size=args.size, seeds=seeds))
    atomic_write(out / f"{name}.json", json.dumps({"size": args.size, "seeds": seeds, "claims": rows}, indent=1) + "\n")
    held = sum(r["hold_rate"] == 1 for r in rows)
    print(f"{held} of {len(rows)} claims hold on all {len(seeds)} seeds; table: {out / (name + '.md')}")
    for r in rows:
        if r["hold_rate"] < 1:
            print(f"  lesson {r['lesson']:02d} claim {r['claim']}: {r['holds']}/{r['runs']}, failed seeds "
                  f"{r['failed_seeds']}: {r['statement'][:100]}")
    return 0 if held == len(rows) else 1


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
        if args.command == "robustness":
            return _robustness(args)
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
