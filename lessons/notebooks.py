"""Every lesson as a Jupyter notebook (.ipynb), converted from its ``# %%`` cells by jupytext.

jupytext is optional: ``pip install -e '.[notebooks]'`` installs it (with nbclient and ipykernel
to execute the notebooks). The lesson scripts stay the source; the notebooks are derived from them
and can be written again at any time::

    python -m lessons notebooks --out lesson-notebooks

The last cell of each notebook runs the lesson (quick size, seed 0) and saves its JSON and PNGs
in ``lesson-output/`` beside the notebook.
"""

from __future__ import annotations

from pathlib import Path

import lessons
from lessons._kit import UsageError, _write_text, check_out_dir

__all__ = ["export", "INSTALL_HINT"]

INSTALL_HINT = "pip install -e '.[notebooks]'"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def _jupytext():
    try:
        import jupytext
    except ImportError:
        raise UsageError(f"writing notebooks needs jupytext, which is not installed; run: {INSTALL_HINT}") from None
    return jupytext


def convert(number: int):
    """Lesson ``number`` as an in-memory notebook (a ``nbformat.NotebookNode``)."""
    jupytext = _jupytext()
    name = lessons.available().get(number)
    if name is None:
        lessons.load(number)                    # raises the usual "unknown lesson" UsageError
    nb = jupytext.read(Path(lessons.__file__).parent / f"{name}.py", fmt="py:percent")
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return nb


def export(out_dir="lesson-notebooks", numbers=None) -> list:
    """Write lessons as ``out_dir/lessonNN_<name>.ipynb`` (all of them unless ``numbers``).

    Returns the paths written. Raises UsageError with the install command when jupytext is
    missing, and for an unwritable ``out_dir``.
    """
    jupytext = _jupytext()
    out = check_out_dir(out_dir)
    have = lessons.available()
    paths = []
    for number in (have if numbers is None else numbers):
        nb = convert(number)
        path = out / f"{have[number]}.ipynb"
        _write_text(path, jupytext.writes(nb, fmt="ipynb"))
        paths.append(str(path))
    return paths
