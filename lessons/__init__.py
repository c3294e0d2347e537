"""The lessons: one statement of the paper each, run, measured, drawn and judged.

Each lesson is a readable script ``lessons/lessonNN_<name>.py`` in jupytext's percent format
(``# %%`` cells), so it runs as plain Python and opens as a notebook::

    python -m lessons                      # list them
    python -m lessons run 2 --seed 1       # run one: JSON + PNGs in lesson-output/, verdicts printed
    python -m lessons run all              # every lesson, plus lesson-output/SUMMARY.md

    >>> import lessons
    >>> lessons.available()                # {1: "lesson01_backprop", 2: "lesson02_initialisation", ...}
    >>> lesson = lessons.load(2)           # importing a lesson does no work; lesson.run(...) does

What lessons share (claims, keyed seeds, running and saving) is the public module :mod:`lessons.kit`.
"""

from __future__ import annotations

from .kit import available, load

__all__ = ["available", "load"]
