"""The lessons: one statement of the paper each, run, measured, drawn and judged.

Each lesson is a readable script ``lessons/lessonNN_<name>.py`` in jupytext's percent format
(``# %%`` cells), so it runs as plain Python and opens as a notebook::

    python -m lessons                      # list them
    python -m lessons run 2 --seed 1       # run one: JSON + PNGs in lesson-output/, verdicts printed
    python -m lessons run all              # every lesson, plus lesson-output/SUMMARY.md

    >>> import lessons
    >>> lessons.available()                # {1: "lesson01_backprop", 2: "lesson02_initialisation", ...}
    >>> lesson = lessons.load(2)           # importing a lesson does no work; lesson.run(...) does
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import ntkedu  # noqa: F401  (first, so its BLAS thread default applies before NumPy loads)

__all__ = ["available", "load"]

_PATTERN = re.compile(r"^lesson(\d\d)_([a-z0-9_]+)\.py$")


def available() -> dict:
    """Every lesson file in this folder: {number: module name}, sorted by number.

    Found by file name, ``lessonNN_<name>.py`` with NN two digits; nothing is imported.
    """
    found = {}
    for path in sorted(Path(__file__).parent.iterdir()):
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

    Raises ``lessons._kit.UsageError`` (a ValueError) for a number with no lesson.
    """
    from ._kit import UsageError
    lessons = available()
    if isinstance(number, bool) or not isinstance(number, int) or number not in lessons:
        listed = ", ".join(map(str, lessons)) or "none"
        raise UsageError(f"unknown lesson {number!r}; available lessons: {listed}")
    module = importlib.import_module(f"{__name__}.{lessons[number]}")
    for name in ("NUMBER", "TITLE", "CLAIM", "run", "draw"):
        if not hasattr(module, name):
            raise AttributeError(f"lesson file {lessons[number]}.py defines no {name}")
    if module.NUMBER != number:
        raise ValueError(f"{lessons[number]}.py says NUMBER = {module.NUMBER}, its file name says {number}")
    return module
