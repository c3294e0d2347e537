"""Exercise files: the solutions are the one source, the student files are generated from them.

A solution file marks the code a student must write with nbgrader's markers::

    def relu_backward(dh, g):
        \"\"\"...\"\"\"
        ### BEGIN SOLUTION
        return dh * (g > 0)
        ### END SOLUTION

and :func:`strip_solutions` replaces each marked block by ``raise NotImplementedError()`` at the
same indentation (nbgrader's own replacement, so instructors who use nbgrader can take the solution
files as they are). ``python -m ntkedu.exercises generate`` rewrites ``student/`` from
``solutions/``; the test suite fails when the committed student files are out of date.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOLUTIONS_DIR = HERE / "solutions"
STUDENT_DIR = HERE / "student"

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")


class ExerciseFileError(Exception):
    """A problem with an exercise file (missing, unreadable, not defining the function): one line."""


def strip_solutions(text: str, source: str = "<text>") -> str:
    """``text`` with every BEGIN/END SOLUTION block replaced by the stub, indentation kept."""
    out, inside, start = [], False, 0
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise ValueError(f"{source}: line {number}: {BEGIN} inside the block opened at line {start}")
            inside, start = True, number
            indent = line[:len(line) - len(line.lstrip())]
            out.extend(f"{indent}{stub}\n" for stub in STUB)
        elif marker == END:
            if not inside:
                raise ValueError(f"{source}: line {number}: {END} without a {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{source}: line {start}: {BEGIN} is never closed by {END}")
    return "".join(out)


def solution_files() -> list:
    """The solution sources, ex01…exNN, or an error saying they were withheld from this copy."""
    files = sorted(SOLUTIONS_DIR.glob("ex[0-9][0-9]_*.py")) if SOLUTIONS_DIR.is_dir() else []
    if not files:
        raise ExerciseFileError(f"no solution files in {SOLUTIONS_DIR}: the solutions were withheld "
                                f"from this copy, so the student files cannot be regenerated")
    return files


def generate(*, check_only: bool = False) -> list:
    """Rewrite ``student/exNN_*.py`` from ``solutions/``; returns the names that were (or, with
    ``check_only``, would be) changed. Student files with no solution are reported too."""
    changed = []
    wanted = set()
    for src in solution_files():
        text = strip_solutions(src.read_text(encoding="utf-8"), str(src))
        dst = STUDENT_DIR / src.name
        wanted.add(src.name)
        if not dst.exists() or dst.read_text(encoding="utf-8") != text:
            changed.append(src.name)
            if not check_only:
                dst.write_text(text, encoding="utf-8")
    stale = [p.name for p in STUDENT_DIR.glob("ex[0-9][0-9]_*.py") if p.name not in wanted]
    for name in stale:
        changed.append(name)
        if not check_only:
            (STUDENT_DIR / name).unlink()
    return sorted(changed)


def student_files() -> list:
    return sorted(STUDENT_DIR.glob("ex[0-9][0-9]_*.py"))


def write_copies(folder, *, overwrite: bool = False) -> list:
    """Write fresh student copies of every exercise into ``folder`` (created if needed).

    An existing file is never replaced unless ``overwrite``: it may hold a student's work.
    Returns the paths written.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ExerciseFileError(f"{folder} exists and is not a folder")
    sources = student_files()
    targets = [folder / src.name for src in sources]
    if not overwrite:
        existing = [str(t) for t in targets if t.exists()]
        if existing:
            raise ExerciseFileError(f"{existing[0]} already exists (it may hold a student's work); "
                                    f"choose another folder or overwrite explicitly")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for src, dst in zip(sources, targets):
            dst.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    except OSError as err:
        raise ExerciseFileError(f"cannot write to {folder}: {err.strerror or err}") from None
    return targets


def load_file(path, functions) -> dict:
    """Import the student's file from its path and return ``{name: function}`` for ``functions``.

    The file runs under its own module name (not ``"__main__"``), so its
    ``if __name__ == "__main__":`` block (the cell that calls the check) does not run.
    """
    path = Path(path)
    if not path.is_file():
        raise ExerciseFileError(f"no such file: {path}" if not path.exists() else f"{path} is not a file")
    if path.suffix != ".py":
        raise ExerciseFileError(f"{path} is not a Python file (.py); to check a notebook, export it "
                                f"with `jupytext --to py:percent` first")
    name = "ntkedu_student_" + re.sub(r"\W", "_", path.stem)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look the module up here
    try:
        spec.loader.exec_module(module)
    except SyntaxError as err:
        raise ExerciseFileError(f"{path}: line {err.lineno}: syntax error: {err.msg}") from None
    except (Exception, SystemExit) as err:
        frames = [f for f in traceback.extract_tb(err.__traceback__) if Path(f.filename) == path.resolve()
                  or f.filename == str(path)]
        where = f" at line {frames[-1].lineno}" if frames else ""
        raise ExerciseFileError(f"{path}: running the file failed{where}: {type(err).__name__}: {err}") from None
    finally:
        sys.modules.pop(name, None)
    found = {}
    for fname in functions:
        func = getattr(module, fname, None)
        if func is None:
            raise ExerciseFileError(f"{path} does not define {fname} (this exercise needs "
                                    f"{', '.join(functions)})")
        if not callable(func):
            raise ExerciseFileError(f"{path}: {fname} is a {type(func).__name__}, not a function")
        found[fname] = func
    return found
