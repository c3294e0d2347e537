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

from lessons import kit
from lessons.kit import UsageError, _write_text, check_out_dir

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
    name = kit.available().get(number)
    if name is None:
        kit.load(number)                        # raises the usual "unknown lesson" UsageError
    nb = jupytext.read(Path(kit.__file__).parent / f"{name}.py", fmt="py:percent")
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return nb


def _executor():
    try:
        from nbclient import NotebookClient
    except ImportError:
        raise UsageError(f"executing notebooks needs nbclient and ipykernel, which are not installed; "
                         f"run: {INSTALL_HINT}") from None
    return NotebookClient


def export(out_dir="lesson-notebooks", numbers=None, *, execute: bool = False, timeout: int = 600) -> list:
    """Write lessons as ``out_dir/lessonNN_<name>.ipynb`` (all of them unless ``numbers``).

    With ``execute``, each notebook is also run (in ``out_dir``, so its files land beside it) and
    saved with its outputs. Returns the paths written. Raises UsageError with the install command
    when jupytext (or, to execute, nbclient) is missing, and for an unwritable ``out_dir``.
    """
    jupytext = _jupytext()
    client = _executor() if execute else None
    out = check_out_dir(out_dir)
    have = kit.available()
    paths = []
    for number in (have if numbers is None else numbers):
        nb = convert(number)
        if client is not None:
            client(nb, timeout=timeout, kernel_name=KERNELSPEC["name"],
                   resources={"metadata": {"path": str(out)}}).execute()
        path = out / f"{have[number]}.ipynb"
        _write_text(path, jupytext.writes(nb, fmt="ipynb"))
        paths.append(str(path))
    return paths
