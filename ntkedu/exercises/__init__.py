"""Exercises: students write the passes themselves and check them on their own machine.

Each exercise is a short percent-format script (it opens as a notebook with jupytext) in which the
student writes one or two functions on plain NumPy arrays. The check runs those functions on a few
fresh random cases against ntkedu's own implementation (and central differences for gradients) and
says, case by case, what was expected, what came back, and which known mistake it looks like::

    >>> import ntkedu.exercises
    >>> print(ntkedu.exercises.check("relu_backward", relu_backward))   # doctest: +SKIP
    relu_backward: passed, 4 of 4 cases passed (seed 1234567: seed=1234567 in check(), or --seed 1234567, repeats these cases)
      case 1 (n=3, m=5): ok
        ✓ dg: relative error 0.0e+00 ≤ 1e-07 vs ntkedu, 3.3e-11 vs central differences
      ...

The same check runs from the command line (``python -m ntkedu.exercises check NAME FILE``, exit
code 0 when every case passes, 1 when one fails, 2 on a usage error) and in ntkedu's own tests.
``names()`` lists the exercises, ``write_copies(folder)`` writes fresh student files. See
``ntkedu/exercises/README.md`` for the list, the function each exercise asks for, and how an
instructor withholds the solutions.
"""

from __future__ import annotations

import numbers

from . import checks as _checks_module  # noqa: F401  (registers every exercise)
from ._core import EXERCISES, NUMERIC_TOL, TOL, Abort, Case, CheckResult, Exercise, NotImplementedYet, fresh_seed, get
from ._source import (SOLUTIONS_DIR, STUDENT_DIR, ExerciseFileError, generate, load_file, strip_solutions,
                      write_copies)

__all__ = ["check", "names", "exercises", "functions", "write_copies", "CheckResult", "Exercise",
           "load_file", "generate", "TOL", "NUMERIC_TOL"]


def names() -> list:
    """The exercise names, in course order."""
    return [e.name for e in exercises()]


def exercises() -> list:
    """Every :class:`Exercise` (number, name, functions, lesson, paper section, title), in order."""
    return sorted(EXERCISES.values(), key=lambda e: e.number)


def functions(name) -> tuple:
    """The function name(s) the student writes for exercise ``name``, e.g. ``("gd_step", "sgd_step")``."""
    return get(name).functions


def check(name, func, *, seed=None, cases=None) -> CheckResult:
    """Run the check of exercise ``name`` on the student's function(s).

    Parameters
    ----------
    name : the exercise, one of :func:`names`.
    func : the student's function; for an exercise with several functions, a tuple of them in the
        order of :func:`functions`, a dict name -> function, or a module defining them.
    seed : int >= 0 to repeat the cases of an earlier run (its report prints the seed); None draws
        fresh cases from the operating system's entropy, so a hard-coded answer cannot pass.
    cases : number of random cases (default: the exercise's, usually 4).

    Returns
    -------
    :class:`CheckResult`: ``.passed``, ``.mistakes`` (keys of recognised mistakes), ``.hints``, and a
    readable ``str()`` listing every case. The student's own errors never propagate: an exception
    in their code, a NotImplementedError, an input changed in place, a wrong shape or dtype, are all
    reported as failed cases.
    """
    ex = get(name)
    funcs = _resolve(ex, func)
    if seed is None:
        seed = fresh_seed()
    elif isinstance(seed, (bool, float)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0 or None, got {seed!r}")
    planned = ex.cases if cases is None else cases
    if isinstance(planned, bool) or not isinstance(planned, numbers.Integral) or planned < 1:
        raise ValueError(f"cases must be an integer >= 1 or None, got {cases!r}")
    results = []
    for index in range(int(planned)):
        case = Case(index, int(seed), funcs)
        stop = False
        try:
            ex.run(case)
        except Abort:
            pass
        except NotImplementedYet:
            stop = True
        except Exception as err:  # an answer so odd that the comparison itself failed on it
            case.fail(f"the check could not use the answer: {type(err).__name__}: {err}")
        results.append(case.result())
        if stop:
            break
    return CheckResult(ex.name, ex.functions, int(seed), results, int(planned))


def _resolve(ex, func) -> dict:
    """The student's functions by name, from a function, a tuple, a dict or a module."""
    wanted = ex.functions
    if callable(func) and not isinstance(func, type) and len(wanted) == 1 and not hasattr(func, "__path__") \
            and not isinstance(func, dict):
        found = {wanted[0]: func}
    elif isinstance(func, (tuple, list)):
        if len(func) != len(wanted):
            raise ValueError(f"exercise {ex.name!r} needs {len(wanted)} functions "
                             f"({', '.join(wanted)}), got {len(func)}")
        found = dict(zip(wanted, func))
    elif isinstance(func, dict):
        missing = [w for w in wanted if w not in func]
        if missing:
            raise ValueError(f"exercise {ex.name!r} needs {', '.join(wanted)}; the dict lacks "
                             f"{', '.join(missing)}")
        found = {w: func[w] for w in wanted}
    elif hasattr(func, "__dict__") and not callable(func):
        missing = [w for w in wanted if not hasattr(func, w)]
        if missing:
            raise ValueError(f"exercise {ex.name!r} needs {', '.join(wanted)}; {func!r} lacks "
                             f"{', '.join(missing)}")
        found = {w: getattr(func, w) for w in wanted}
    else:
        raise ValueError(f"exercise {ex.name!r} needs the function(s) {', '.join(wanted)}, got {func!r}")
    for w, f in found.items():
        if not callable(f):
            raise ValueError(f"{w} must be a function, got {type(f).__name__}")
    return found
