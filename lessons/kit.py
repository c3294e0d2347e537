"""What every lesson shares: claims, sizes, keyed seeds, and running a lesson to JSON, PNGs and a summary.

A lesson module (``lessons/lessonNN_<name>.py``) defines ``NUMBER``, ``TITLE``, ``CLAIM``,
``run(size="quick", seed=0, progress=None) -> dict`` and ``draw(result) -> dict[str, Figure]``.
This module turns one into files::

    run_lesson(3, size="quick", seed=0, out_dir="lesson-output")
    # -> lesson-output/lesson03.json        numbers: config, measurements, claims, seed, versions
    #    lesson-output/lesson03_<fig>.png   one PNG per figure, drawn from the JSON alone

The figures are drawn from the result *after* a JSON round trip, so what ``redraw`` gives later
is exactly what the first run drew. Every file is written atomically (temporary file, then
``os.replace``): an interrupted run never leaves half a file behind. Result files hold only what the
seed and the size determine — two runs with the same seed write byte-identical JSON; how long a
lesson took is printed and kept apart in ``DIR/timings.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
import json
import math
import numbers
import os
import platform
import re
import sys
import time
import traceback
from pathlib import Path

import numpy as np

from ntkedu._files import atomic_write, read_json, writable_folder
from ntkedu.errors import UsageError
from ntkedu.experiments import child_stream
from ntkedu.threads import limited

__all__ = ["SIZES", "UsageError", "claim", "dumps", "check_size", "check_seed", "stream", "child", "ticker", "to_jsonable",
           "available", "load", "run_lesson", "run_many", "redraw", "summary_lines", "write_summary", "main",
           "parser", "robustness", "interactive", "settings", "run_here", "show", "claims_table", "DEFAULT_OUT"]

SIZES = ("quick", "full")
DEFAULT_OUT = "lesson-output"
REQUIRED_KEYS = ("lesson", "title", "claim", "size", "seed", "versions", "config", "measurements", "claims")
CLAIM_KEYS = ("statement", "measured", "expected", "holds")


# --------------------------------------------------------------------------------------------------
# What a lesson calls
# --------------------------------------------------------------------------------------------------

def claim(statement: str, measured, expected: str, holds, *, false_alarm: float | None = None) -> dict:
    """One checkable statement of a lesson, with the number this run measured.

    Parameters
    ----------
    statement : what the paper predicts, in words ("loss-decay slope is flat in m").
    measured : the run's number (a float; ints and numpy scalars are converted).
    expected : the range the theory allows, as text ("between -0.65 and -0.35", "< 1e-6").
    holds : whether ``measured`` lies in that range, computed by the lesson from its own numbers.
    false_alarm : the designed probability that the check fails although the statement is true,
        from the band's width in units of the measurement's own spread (the lesson's text says how
        it was estimated). The robustness table (``python -m lessons robustness``) sets it beside
        the hold rate measured over many seeds.

    Returns
    -------
    dict with keys "statement", "measured", "expected", "holds" and "false_alarm" (JSON-able).
    """
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError(f"claim statement must be a non-empty string, got {statement!r}")
    if not isinstance(expected, str) or not expected.strip():
        raise ValueError(f"claim expected must be a non-empty string such as '< 0.1', got {expected!r}")
    if isinstance(measured, (bool, np.bool_)):
        measured = float(measured)
    if not isinstance(measured, numbers.Real):
        raise ValueError(f"claim measured must be a real number, got {measured!r}")
    if not isinstance(holds, (bool, np.bool_)):
        raise ValueError(f"claim holds must be True or False, got {holds!r}")
    if false_alarm is not None and not (isinstance(false_alarm, numbers.Real) and 0 <= false_alarm < 1):
        raise ValueError(f"claim false_alarm must be a probability in [0, 1), got {false_alarm!r}")
    return {"statement": statement, "measured": float(measured), "expected": expected,
            "holds": bool(holds), "false_alarm": None if false_alarm is None else float(false_alarm)}


def check_size(size: str) -> str:
    """Return ``size`` if it is "quick" or "full", else raise ValueError."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}, got {size!r}")
    return size


def check_seed(seed) -> int:
    """Return ``seed`` as an int >= 0 (what ``numpy.random.SeedSequence`` accepts), else UsageError."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise UsageError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def stream(seed: int, *key) -> np.random.SeedSequence:
    """The child random stream of ``seed`` for what ``key`` names, e.g. ``stream(seed, "data")``,
    ``stream(seed, "width", m)`` or ``stream(seed, "net", m, L, j)``.

    Keyed by purpose, never by position: adding a width to a sweep leaves every other width's
    stream — and so its numbers — exactly as they were. Use it as ``np.random.default_rng(stream(...))``.
    """
    return child_stream(check_seed(seed), *key)


def child(parent: np.random.SeedSequence, *key) -> np.random.SeedSequence:
    """The stream of ``parent`` for what ``key`` names (as :func:`stream`, one level down), e.g.
    ``child(width_stream, "net", j)`` for network j of one width."""
    return np.random.SeedSequence(parent.entropy, spawn_key=(*parent.spawn_key, *child_stream(0, *key).spawn_key))


def ticker(progress, total: int):
    """A ``tick(**fields)`` that reports step 1, 2, … of ``total`` on ``progress`` (or does nothing
    when ``progress`` is None), so a lesson can count its sub-runs without bookkeeping::

        tick = kit.ticker(progress, total=len(widths))
        for m in widths:
            ...
            tick(width=m, loss=final_loss)
    """
    count = [0]
    if progress is not None:
        progress.total = int(total)

    def tick(**fields):
        count[0] += 1
        if progress is not None:
            progress.update(count[0], **fields)
    return tick


def to_jsonable(obj, _where: str = "result"):
    """A copy of ``obj`` made of dict/list/str/float/int/bool/None only.

    numpy arrays become nested lists, numpy scalars Python scalars, tuples lists, dataclasses
    dicts, paths strings. Non-finite floats stay (Python's json writes NaN/Infinity and reads them
    back). Anything else raises TypeError naming where in the result it sits.
    """
    if obj is None or isinstance(obj, (str, bool)):
        return obj
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, numbers.Integral):
        return int(obj)
    if isinstance(obj, numbers.Real):
        return float(obj)
    if isinstance(obj, np.ndarray):
        if not (np.issubdtype(obj.dtype, np.number) or obj.dtype == bool):
            raise TypeError(f"{_where}: cannot store an array of dtype {obj.dtype} as JSON")
        return obj.tolist()
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return to_jsonable(dataclasses.asdict(obj), _where)
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v, f"{_where}[{k!r}]") for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v, f"{_where}[{i}]") for i, v in enumerate(obj)]
    raise TypeError(f"{_where}: cannot store {type(obj).__name__} as JSON")


# --------------------------------------------------------------------------------------------------
# Running a lesson
# --------------------------------------------------------------------------------------------------

_PATTERN = re.compile(r"^lesson(\d\d)_([a-z0-9_]+)\.py$")
_FOLDER = Path(__file__).parent
_PACKAGE = __name__.rpartition(".")[0]


def available() -> dict:
    """Every lesson file in this folder: {number: module name}, sorted by number.

    Found by file name, ``lessonNN_<name>.py`` with NN two digits; nothing is imported.
    """
    found = {}
    for path in sorted(_FOLDER.iterdir()):
        match = _PATTERN.match(path.name)
        if match is None:
            continue
        number = int(match.group(1))
        if number in found:
            raise ValueError(f"two lessons share number {number}: {found[number]}.py and {path.name}")
        found[number] = path.stem
    return dict(sorted(found.items()))


def load(number: int):
    """Import lesson ``number`` and return its module (NUMBER, TITLE, CLAIM, run, draw).

    Raises :class:`UsageError` (a ValueError) for a number with no lesson.
    """
    have = available()
    if isinstance(number, bool) or not isinstance(number, int) or number not in have:
        listed = ", ".join(map(str, have)) or "none"
        raise UsageError(f"unknown lesson {number!r}; available lessons: {listed}")
    module = importlib.import_module(f"{_PACKAGE}.{have[number]}")
    for name in ("NUMBER", "TITLE", "CLAIM", "run", "draw"):
        if not hasattr(module, name):
            raise AttributeError(f"lesson file {have[number]}.py defines no {name}")
    if module.NUMBER != number:
        raise ValueError(f"{have[number]}.py says NUMBER = {module.NUMBER}, its file name says {number}")
    return module


def _module(lesson):
    """A lesson module from a module object or a lesson number."""
    if isinstance(lesson, numbers.Integral) and not isinstance(lesson, bool):
        return load(int(lesson))
    for name in ("NUMBER", "TITLE", "CLAIM", "run", "draw"):
        if not hasattr(lesson, name):
            raise TypeError(f"{getattr(lesson, '__name__', lesson)!r} is not a lesson: it has no {name}")
    return lesson


def _versions() -> dict:
    import matplotlib
    import ntkedu
    return {"numpy": np.__version__, "ntkedu": ntkedu.__version__,
            "matplotlib": matplotlib.__version__, "python": platform.python_version()}


def dumps(obj, indent: str = " ", _level: int = 0) -> str:
    """JSON text of a JSON-able object: dicts one key per line, lists of numbers on one line.

    (``json.dumps(indent=...)`` would put every number of a loss curve on its own line.)
    """
    pad, inner = indent * _level, indent * (_level + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(k)}: {dumps(v, indent, _level + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(v, dict) for v in obj):
        items = [f"{inner}{dumps(v, indent, _level + 1)}" for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(obj)


def check_out_dir(out_dir) -> Path:
    """Create ``out_dir`` if needed and make sure a file can be written there, else UsageError."""
    try:
        return writable_folder(out_dir)
    except ValueError as err:
        raise UsageError(str(err)) from None


def _write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: a temporary file in the same folder, then rename."""
    atomic_write(path, text)


def _check_result(result, number) -> None:
    """A lesson's run() must return config, measurements and a list of well-formed claims."""
    if not isinstance(result, dict):
        raise TypeError(f"lesson {number}: run() must return a dict, got {type(result).__name__}")
    for key in ("config", "measurements", "claims"):
        if key not in result:
            raise ValueError(f"lesson {number}: run() result has no {key!r}")
    if not isinstance(result["claims"], list) or not result["claims"]:
        raise ValueError(f"lesson {number}: run() result must hold a non-empty list of claims")
    for c in result["claims"]:
        if not isinstance(c, dict) or set(CLAIM_KEYS) - set(c):
            raise ValueError(f"lesson {number}: a claim must have keys {CLAIM_KEYS}, got {c!r}")


def json_path(out_dir, number: int) -> Path:
    return Path(out_dir) / f"lesson{number:02d}.json"


DEFAULT_DPI = 150


def draw_figures(module, result: dict) -> dict:
    """``module.draw(result)`` in ntkedu's figure style, each figure finished for the projector
    (:func:`ntkedu.plotting.finish`). Returns {name: Figure}."""
    from ntkedu.plotting import finish, style
    with style():
        figures = module.draw(result)
        if not isinstance(figures, dict) or not figures:
            raise ValueError(f"lesson {module.NUMBER}: draw() must return a non-empty dict name -> Figure")
        return {name: finish(fig) for name, fig in figures.items()}


def _save_figures(module, result: dict, out_dir: Path, dpi: int = DEFAULT_DPI) -> list:
    """Draw the figures from ``result`` and save each as lessonNN_<name>.png. Returns the paths."""
    from ntkedu.plotting import save
    figures = draw_figures(module, result)
    paths = []
    for name, fig in figures.items():
        path = out_dir / f"lesson{int(module.NUMBER):02d}_{name}.png"
        save(fig, path, dpi=dpi)
        paths.append(str(path))
    return paths


def _record_time(out: Path, seconds: dict) -> None:
    """Keep lessons' run times ({number: seconds}) in DIR/timings.json, apart from their result files."""
    path = out / "timings.json"
    try:
        times = read_json(path)
    except ValueError:
        times = {}
    times.update({f"lesson{number:02d}": round(t, 3) for number, t in seconds.items()})
    _write_text(path, json.dumps(dict(sorted(times.items())), indent=1) + "\n")


def run_lesson(lesson, size: str = "quick", seed: int = 0, out_dir=DEFAULT_OUT, quiet: bool = False,
               progress=None, dpi: int = DEFAULT_DPI, record_time: bool = True) -> dict:
    """Run one lesson, save DIR/lessonNN.json and its PNGs, and return the saved result.

    Parameters
    ----------
    lesson : a lesson number or an imported lesson module.
    size : "quick" (class and tests, seconds) or "full" (publication figures, minutes).
    seed : non-negative int; every random number of the run derives from it.
    out_dir : folder for the JSON and PNG files (created if missing).
    quiet : no progress on stderr.
    progress : a :class:`ntkedu.progress.Progress` to hand to the lesson (default: a fresh one,
        or None when ``quiet``).

    Returns
    -------
    dict : exactly the JSON written (lesson, title, claim, size, seed, versions, config,
    measurements, claims, …) plus "files", the paths written, and "runtime_seconds" (printed and
    kept in DIR/timings.json, not in the result file).
    """
    module = _module(lesson)
    number = int(module.NUMBER)
    try:
        check_size(size)
    except ValueError as err:
        raise UsageError(str(err)) from None
    seed = check_seed(seed)
    out = check_out_dir(out_dir)
    if progress is None and not quiet:
        from ntkedu.progress import Progress
        progress = Progress(None, label=f"lesson {number:02d}")

    start = time.perf_counter()
    with limited():                            # one BLAS thread, whatever was imported first
        raw = module.run(size=size, seed=seed, progress=progress)
    runtime = time.perf_counter() - start
    if progress is not None:
        progress.done()
    _check_result(raw, number)

    result = {"lesson": number, "title": module.TITLE, "claim": module.CLAIM}
    result.update({k: v for k, v in raw.items() if k not in result})
    result.update({"size": size, "seed": seed, "versions": _versions()})
    text = dumps(to_jsonable(result))
    result = json.loads(text)                  # draw from exactly what redraw will read
    path = json_path(out, number)
    _write_text(path, text + "\n")
    files = [str(path)] + _save_figures(module, result, out, dpi)
    if record_time:                            # parallel workers leave it to the parent: one writer
        _record_time(out, {number: runtime})
    return {**result, "files": files, "runtime_seconds": round(runtime, 3)}


def redraw(json_file, out_dir=None, dpi: int = DEFAULT_DPI) -> list:
    """Draw a saved lesson's figures again from its JSON, without re-running it. Returns PNG paths.

    The PNGs go next to the JSON unless ``out_dir`` is given.
    """
    path = Path(json_file)
    try:
        result = read_json(path)
    except ValueError as err:
        raise UsageError(str(err)) from None
    if not isinstance(result.get("lesson"), int):
        raise UsageError(f"{os.fspath(json_file)!r} is not a lesson result (no 'lesson' number)")
    module = load(result["lesson"])
    out = check_out_dir(path.parent if out_dir is None else out_dir)
    try:
        return _save_figures(module, result, out, dpi)
    except (KeyError, IndexError, TypeError) as err:     # a JSON from another version of the lesson
        raise UsageError(f"{os.fspath(json_file)!r} cannot be redrawn by lesson {result['lesson']}: "
                         f"{type(err).__name__}: {err}") from None


# --------------------------------------------------------------------------------------------------
# Several lessons, summaries
# --------------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Failure:
    """A lesson that raised: its number, title and the error text (traceback already printed)."""
    lesson: int
    title: str
    error: str


def expected_seconds(number: int, size: str) -> float:
    """Lesson ``number``'s measured time at ``size`` (its ``SECONDS``; 0 if it gives none)."""
    return float(getattr(load(int(number)), "SECONDS", {}).get(size, 0.0))


def longest_first(numbers_, size) -> list:
    """The indices of ``numbers_``, the longest lesson first: with a pool, a long lesson started
    last would leave the other workers idle at the end."""
    cost = [expected_seconds(n, size) for n in numbers_]
    return sorted(range(len(cost)), key=lambda i: -cost[i])


def _run_lesson_task(task):
    """One lesson in a worker process: (number, size, seed, out_dir, dpi) -> ("ok", result) or
    ("failed", Failure). Module-level, so a process pool (also with "spawn") can send it."""
    number, size, seed, out_dir, dpi = task
    try:
        return "ok", run_lesson(number, size, seed, out_dir, quiet=True, dpi=dpi, record_time=False)
    except UsageError:
        raise
    except Exception as err:                       # reported by the parent, the others go on
        module_title = available().get(number, f"lesson {number}")
        return "failed", Failure(number, module_title, f"{type(err).__name__}: {err}\n{traceback.format_exc()}")


def run_many(lessons_, size="quick", seed=0, out_dir=DEFAULT_OUT, quiet=False, stream=None, dpi=DEFAULT_DPI,
             jobs: int = 1, executor=None):
    """Run several lessons; a lesson that raises is reported and the rest go on.

    Parameters
    ----------
    lessons_ : iterable of lesson numbers or modules.
    stream : where per-lesson summaries are printed (default stdout; tracebacks go to stderr).
    jobs : lessons at once, in worker processes with one BLAS thread each (lesson numbers only).
        The files written are byte-identical to a run with ``jobs=1``: each lesson's randomness
        comes from its seed alone.
    executor : a ``concurrent.futures.Executor`` to run on instead (e.g. a Dask cluster's
        ``distributed.Client(...).get_executor()``); ``jobs`` is then ignored.

    Returns
    -------
    (results, failures) : the saved result dicts, and a :class:`Failure` per lesson that raised.
    """
    from ntkedu.progress import Progress
    stream = sys.stdout if stream is None else stream    # where summaries go (not a random stream)
    seed = check_seed(seed)
    check_out_dir(out_dir)
    items = list(lessons_)
    if (jobs > 1 or executor is not None) and all(isinstance(x, numbers.Integral) for x in items):
        from ntkedu.parallel import run_tasks
        overall = Progress(len(items), label="lessons", quiet=quiet, every=0.0)
        order = longest_first(items, size)
        with _pool(jobs, executor) as pool:
            started = run_tasks(_run_lesson_task, [(int(items[i]), size, seed, str(out_dir), dpi) for i in order],
                                executor=pool, progress=lambda done, total: overall.update(done))
        overall.done()
        outcomes = [o for _, o in sorted(zip(order, started), key=lambda pair: pair[0])]   # in the order asked
        _record_time(Path(out_dir), {v["lesson"]: v["runtime_seconds"] for k, v in outcomes if k == "ok"})
        results, failures = [], []
        for kind, value in outcomes:
            if kind == "ok":
                results.append(value)
                print("\n".join(summary_lines(value)), file=stream, flush=True)
            else:
                error, _, trace = value.error.partition("\n")
                print(trace, file=sys.stderr)
                failures.append(Failure(value.lesson, value.title, error))
                print(f"lesson {value.lesson:02d} FAILED: {error}", file=stream)
        return results, failures
    mods = [_module(x) for x in items]
    overall = Progress(len(mods), label="lessons", quiet=quiet or len(mods) < 2, every=0.0)
    results, failures = [], []
    for i, module in enumerate(mods, start=1):
        overall.update(i - 1, next=f"lesson {int(module.NUMBER):02d}")
        try:
            result = run_lesson(module, size, seed, out_dir, quiet, dpi=dpi)
        except UsageError:
            raise
        except Exception as err:                  # a broken lesson must not stop the others
            traceback.print_exc(file=sys.stderr)
            failures.append(Failure(int(module.NUMBER), module.TITLE, f"{type(err).__name__}: {err}"))
            print(f"lesson {int(module.NUMBER):02d} FAILED: {type(err).__name__}: {err}", file=stream)
            continue
        results.append(result)
        print("\n".join(summary_lines(result)), file=stream, flush=True)
    overall.update(len(mods), done=len(results), failed=len(failures))
    overall.done()
    return results, failures


# --------------------------------------------------------------------------------------------------
# The claim-robustness table: every claim over many seeds
# --------------------------------------------------------------------------------------------------

def _claims_task(task):
    """(number, size, seed) -> the lesson's claims for that seed (no files, no figures), or the error."""
    number, size, seed = task
    try:
        with limited():
            raw = load(number).run(size=size, seed=seed, progress=None)
        return [(c["statement"], c["measured"], bool(c["holds"]), c.get("false_alarm")) for c in raw["claims"]]
    except Exception as err:                      # a crash on one seed is a failure of every claim
        return f"{type(err).__name__}: {err}"


def _pool(jobs, executor):
    """The caller's executor (left open), or a process pool of ``jobs`` workers (closed on exit)."""
    from ntkedu.parallel import process_pool
    return contextlib.nullcontext(executor) if executor is not None else process_pool(jobs)


def robustness(numbers_, seeds, size="quick", jobs: int = 1, progress=None, executor=None) -> list:
    """Run lessons over many seeds and summarise each claim: hold rate, median and spread of the
    measured value, and the designed false-alarm rate (``claim(..., false_alarm=...)``).

    Returns a list of rows (dicts): lesson, claim (index), statement (seed ``seeds[0]``), holds,
    runs, hold_rate, median, spread (half the 16–84 % range), designed_false_alarm, failed_seeds,
    errors.
    """
    from ntkedu.parallel import run_tasks
    tasks = [(int(n), check_size(size), check_seed(s)) for n in numbers_ for s in seeds]
    if jobs > 1 or executor is not None:
        tasks = [tasks[i] for i in longest_first([t[0] for t in tasks], size)]   # stable: seeds stay in order
        with _pool(jobs, executor) as pool:
            outcomes = run_tasks(_claims_task, tasks, executor=pool, progress=progress)
    else:
        outcomes = run_tasks(_claims_task, tasks, progress=progress)
    rows = []
    for number in dict.fromkeys(int(n) for n in numbers_):
        mine = [(t[2], o) for t, o in zip(tasks, outcomes) if t[0] == number]
        errors = {seed: o for seed, o in mine if isinstance(o, str)}
        good = [(seed, o) for seed, o in mine if not isinstance(o, str)]
        k = max((len(o) for _, o in good), default=0)
        for j in range(k):
            values = [(seed, o[j]) for seed, o in good if j < len(o)]
            measured = np.array([v[1] for _, v in values], dtype=float)
            finite = measured[np.isfinite(measured)]
            lo, med, hi = (np.percentile(finite, [16, 50, 84]) if len(finite) else (np.nan,) * 3)
            failed = sorted([seed for seed, v in values if not v[2]] + list(errors))
            rows.append({"lesson": number, "claim": j + 1, "statement": values[0][1][0],
                         "runs": len(mine), "holds": len(mine) - len(failed),
                         "hold_rate": (len(mine) - len(failed)) / len(mine),
                         "median": float(med), "spread": float((hi - lo) / 2),
                         "designed_false_alarm": values[0][1][3], "failed_seeds": failed,
                         "errors": errors})
    return rows


def robustness_markdown(rows, *, size, seeds) -> str:
    """The robustness table as Markdown."""
    seeds = list(seeds)
    span = f"{seeds[0]}–{seeds[-1]}" if seeds == list(range(seeds[0], seeds[-1] + 1)) else ", ".join(map(str, seeds))
    all_hold = sum(r["hold_rate"] == 1 for r in rows)
    lines = [f"# Claim robustness ({size} size, seeds {span})", "",
             f"{all_hold} of {len(rows)} claims hold on every seed.", "",
             "| lesson | # | claim | hold rate | median | spread (16–84 %, half) | designed false-alarm rate | failed seeds |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        fa = r["designed_false_alarm"]
        lines.append(f"| {r['lesson']:02d} | {r['claim']} | {_cell(r['statement'][:140])} | "
                     f"{r['holds']}/{r['runs']} | {_fmt(r['median'])} | {_fmt(r['spread'])} | "
                     f"{'—' if fa is None else f'{fa:.1e}'} | {_cell(', '.join(map(str, r['failed_seeds'])) or '—')} |")
    return "\n".join(lines) + "\n"


def _fmt(x) -> str:
    if isinstance(x, float):
        return "nan" if math.isnan(x) else f"{x:.4g}"
    return str(x)


def verdict(c: dict) -> str:
    return "holds" if c["holds"] else "does NOT hold"


def summary_lines(result: dict) -> list:
    """The printed summary of one lesson: a header line, then one line per claim."""
    took = f", {result['runtime_seconds']:.1f} s" if "runtime_seconds" in result else ""
    lines = [f"lesson {result['lesson']:02d}  {result['title']}  ({result['size']}, seed {result['seed']}{took})"]
    for c in result["claims"]:
        lines.append(f"  - {c['statement']}: measured {_fmt(c['measured'])}, expected {c['expected']}"
                     f" -> {verdict(c)}")
    return lines


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write_summary(results: list, path, failures=(), *, size=None, seed=None) -> str:
    """Write the Markdown table of every claim with its verdict (SUMMARY.md). Returns the path."""
    rows = ["| lesson | claim | measured | expected | verdict |",
            "|---|---|---|---|---|"]
    n_claims = n_hold = 0
    for r in sorted(results, key=lambda r: r["lesson"]):
        for k, c in enumerate(r["claims"]):
            first = k == 0
            lesson = f"{r['lesson']:02d} {r['title']}" if first else ""
            verdict_text = "holds" if c["holds"] else "**does NOT hold**"
            rows.append(f"| {_cell(lesson)} | {_cell(c['statement'])} | {_fmt(c['measured'])} | "
                        f"{_cell(c['expected'])} | {verdict_text} |")
            n_claims += 1
            n_hold += bool(c["holds"])
    for f in sorted(failures, key=lambda f: f.lesson):
        rows.append(f"| {f.lesson:02d} {_cell(f.title)} | lesson failed: {_cell(f.error)} | | | **failed** |")
    if seed is None and results:
        seed = results[0]["seed"]
    if size is None and results:
        size = results[0]["size"]
    head = [f"# Lesson summary ({size} size, seed {seed})", "",
            f"{n_hold} of {n_claims} claims hold in {len(results)} lessons"
            + (f"; {len(failures)} lesson(s) failed." if failures else "."), ""]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_text(path, "\n".join(head + rows) + "\n")
    return str(path)


# --------------------------------------------------------------------------------------------------
# `python lessons/lessonNN_x.py`
# --------------------------------------------------------------------------------------------------

# --------------------------------------------------------------------------------------------------
# A lesson opened as a notebook
# --------------------------------------------------------------------------------------------------

def interactive() -> bool:
    """True inside a Jupyter/IPython kernel: a lesson's notebook cells run there, and only there
    (``python -m lessons`` imports the lesson and runs nothing; ``python lessonNN.py`` runs
    :func:`main`)."""
    shell = sys.modules.get("IPython")
    get = getattr(shell, "get_ipython", None) if shell is not None else None
    return bool(get is not None and get() is not None and "ipykernel" in sys.modules)


def settings(sizes: dict, size: str, changes: dict) -> dict:
    """A lesson's configuration: ``sizes[size]`` with a student's ``changes`` applied.

    An unknown key is refused with the keys there are. The result records what was changed, so the
    claims table can say that verdicts at other settings may legitimately differ.
    """
    cfg = dict(sizes[check_size(size)])
    unknown = sorted(set(changes) - set(cfg))
    if unknown:
        raise UsageError(f"unknown setting(s) {unknown}; this lesson's settings are {sorted(cfg)}")
    changed = {k: v for k, v in changes.items() if cfg[k] != v}
    cfg.update(changes)
    if changed:
        cfg["changed_settings"] = sorted(changed)
    return cfg


def run_here(module, size: str = "quick", seed: int = 0, **changes) -> dict:
    """Run a lesson in a notebook: its ``run`` (one BLAS thread), the result made JSON-plain exactly
    as a saved run is, nothing written. ``changes`` override the size's settings."""
    seed = check_seed(seed)
    with limited():
        raw = module.run(size=size, seed=seed, progress=None, **changes)
    _check_result(raw, module.NUMBER)
    result = {"lesson": int(module.NUMBER), "title": module.TITLE, "claim": module.CLAIM}
    result.update({k: v for k, v in raw.items() if k not in result})
    result.update({"size": size, "seed": seed})
    return json.loads(dumps(to_jsonable(result)))


def show(module, result: dict, *names):
    """Display a lesson's figures inline (all of them, or those named), drawn from ``result``."""
    import io

    from IPython.display import Image, display
    from ntkedu.plotting import style
    figures = draw_figures(module, result)
    for name in names or figures:
        buffer = io.BytesIO()
        with style():
            figures[name].savefig(buffer, format="png", dpi=100)   # PNG bytes: shown by any front end
        display(Image(data=buffer.getvalue(), format="png"))


def claims_table(result: dict):
    """The verdicts as a table (displayed as Markdown in a notebook), with a note when the
    settings were changed from the lesson's own: the claims are designed for those."""
    rows = ["| claim | measured | expected | verdict |", "|---|---|---|---|"]
    for c in result["claims"]:
        rows.append(f"| {_cell(c['statement'])} | {_fmt(c['measured'])} | {_cell(c['expected'])} | "
                    f"{'holds' if c['holds'] else '**does NOT hold**'} |")
    changed = result.get("config", {}).get("changed_settings")
    note = (f"\n*You changed {', '.join(changed)}: the claims are designed and checked at the lesson's own "
            f"sizes (for any seed), so at your settings a verdict may legitimately differ.*" if changed else "")
    text = "\n".join(rows) + note
    try:
        from IPython.display import Markdown, display
    except ImportError:
        print(text)
        return None
    display(Markdown(text))
    return None


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit code 2), not usage plus error."""

    def error(self, message):
        user_error(self.prog, message)


def user_error(prog, message):
    """Print a user's mistake as one line on stderr and exit with code 2."""
    print(f"{prog}: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _seed(text: str) -> int:
    try:
        return check_seed(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed must be a non-negative integer, got {text!r}") from None


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"jobs must be an integer >= 1, got {text!r}")
    return value


def _dpi(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 20 <= value <= 1200:
        raise argparse.ArgumentTypeError(f"dpi must be an integer from 20 to 1200, got {text!r}")
    return value


def run_options(p):
    """The options of running lessons: --quick/--full, --seed, --out, --dpi, --quiet."""
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", dest="size", action="store_const", const="quick",
                      help="small sizes for class and tests, seconds per lesson (default)")
    size.add_argument("--full", dest="size", action="store_const", const="full",
                      help="publication-quality sizes, up to a few minutes per lesson")
    p.set_defaults(size="quick")
    p.add_argument("--seed", type=_seed, default=0, help="non-negative integer seed (default 0)")
    p.add_argument("--out", default=DEFAULT_OUT, help=f"output folder for JSON and PNG files (default {DEFAULT_OUT})")
    p.add_argument("--dpi", type=_dpi, default=DEFAULT_DPI, help=f"resolution of the PNGs (default {DEFAULT_DPI})")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def parser(prog="python -m lessons", single=False) -> argparse.ArgumentParser:
    """The command-line parser; ``single`` gives the options of one lesson file run as a script."""
    if single:
        p = _Parser(prog=prog, description="Run this lesson, save its JSON and figures, print the verdicts.")
        run_options(p)
        return p
    p = _Parser(prog=prog, description="The lessons of ntkedu: each runs one statement of the paper, "
                "measures it, draws it and says whether it holds.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("list", help="list the lessons (the default)")
    run = sub.add_parser("run", help="run one lesson, several, or all",
                         description="Run lessons; write DIR/lessonNN.json, DIR/lessonNN_<figure>.png "
                                     "and, for several lessons, DIR/SUMMARY.md.")
    run.add_argument("which", nargs="+", metavar="N|all", help="lesson number(s), or 'all'")
    run_options(run)
    run.add_argument("--jobs", type=_jobs, default=1, help="lessons at once, in worker processes (default 1)")
    rob = sub.add_parser("robustness", help="every claim over many seeds: hold rate, median, spread",
                         description="Run lessons over many seeds (no figures) and write DIR/ROBUSTNESS-<size>.md "
                                     "and .json: each claim's hold rate, measured median and spread, and its "
                                     "designed false-alarm rate. Exit code 1 if a claim failed on some seed.")
    rob.add_argument("which", nargs="*", metavar="N|all", help="lesson number(s), or 'all'")
    rob.add_argument("--merge", nargs="+", metavar="JSON", default=None,
                     help="instead of running, merge tables written before (ROBUSTNESS-<size>.json files, "
                          "e.g. of different lessons run on different machines) into one")
    size = rob.add_mutually_exclusive_group()
    size.add_argument("--quick", dest="size", action="store_const", const="quick", help="quick sizes (default)")
    size.add_argument("--full", dest="size", action="store_const", const="full", help="full sizes")
    rob.set_defaults(size="quick")
    rob.add_argument("--seeds", default="0-49", help="seeds, e.g. 0-49 or 3,7,11 (default 0-49)")
    rob.add_argument("--jobs", type=_jobs, default=1, help="runs at once, in worker processes (default 1)")
    rob.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    rob.add_argument("--quiet", action="store_true", help="no progress on stderr")
    redraw_ = sub.add_parser("redraw", help="redraw a lesson's figures from its JSON, without re-running")
    redraw_.add_argument("json", help="a saved DIR/lessonNN.json")
    redraw_.add_argument("--out", default=None, help="folder for the PNGs (default: next to the JSON)")
    redraw_.add_argument("--dpi", type=_dpi, default=DEFAULT_DPI, help=f"resolution (default {DEFAULT_DPI})")
    nb = sub.add_parser("notebooks", help="write every lesson as a Jupyter notebook (needs jupytext)")
    nb.add_argument("--out", default="lesson-notebooks", help="output folder (default lesson-notebooks)")
    nb.add_argument("--execute", action="store_true", help="also run each notebook, figures inline (needs nbclient)")
    return p


def main(module, argv=None) -> dict:
    """What running a lesson file does: run it (quick, seed 0 unless told), save, print the summary.

    ``python lessons/lesson03_width.py [--seed S] [--quick|--full] [--out DIR] [--dpi N] [--quiet]``.
    Inside a notebook the command-line arguments of the kernel are ignored.
    """
    if interactive():
        return None                    # in a notebook the cells above have run the lesson
    if argv is None:
        script = getattr(module, "__file__", None)
        from_script = script and sys.argv and os.path.abspath(sys.argv[0]) == os.path.abspath(script)
        argv = sys.argv[1:] if from_script else []
    p = parser(prog=f"python {os.path.basename(getattr(module, '__file__', 'lesson.py'))}", single=True)
    args = p.parse_args(argv)
    try:
        result = run_lesson(module, args.size, args.seed, args.out, args.quiet, dpi=args.dpi)
    except UsageError as err:
        user_error(p.prog, err)
    print("\n".join(summary_lines(result)))
    print("files: " + ", ".join(result["files"]))
    return result
