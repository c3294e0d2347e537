"""The machinery every exercise check shares: cases, comparisons, hints and the printed verdict.

A check runs the student's function on a few fresh random cases. Each :class:`Case` carries its
own ``numpy.random.Generator`` (derived from the check's seed and the case number, so one seed
repeats every case), calls the student's function through :meth:`Case.call` (which catches its
exceptions and notices inputs modified in place) and compares what came back with
:meth:`Case.compare`: type, shape, dtype, finiteness, then the values against ntkedu's own
implementation within a stated relative tolerance. When a comparison fails, the answer is compared
with the *known wrong answers* the check computed (a transposed gradient, a missing mask, a mean
where the paper sums, …); a match names the mistake in a hint.

Tolerances, and why:

- ``TOL = 1e-7`` relative (Frobenius) error against the library. Both sides are float64 formulas on
  well-scaled inputs of a few dozen entries; they differ by round-off of order 1e-15, while every
  real mistake gives an error of order 1. 1e-7 is far from both, and a float32 answer (7 digits)
  is caught by its dtype before it gets here.
- ``NUMERIC_TOL = 1e-6`` against central differences (h = 1e-6). Their own error in float64 is
  about 1e-9 relative (ntkedu.gradcheck); 1e-6 leaves a margin for the larger cancellation of a
  deep net. If the differences happen to straddle a ReLU kink, the library itself disagrees with
  them, and the case says so and compares with the library only.
- ``MATCH_TOL = 1e-6`` to recognise a known wrong answer: loose enough for any order of summation,
  tight enough never to confuse two different formulas.
"""

from __future__ import annotations

import copy
import os
import traceback
from dataclasses import dataclass, field

import numpy as np

TOL = 1e-7
NUMERIC_TOL = 1e-6
MATCH_TOL = 1e-6

EXERCISES: dict = {}  # name -> Exercise, filled by checks.py


# --------------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Exercise:
    """One exercise: its file, the function(s) the student writes, the lesson and the check."""
    number: int
    name: str
    functions: tuple
    lesson: str
    paper: str
    title: str
    run: object = field(repr=False)   # run(case): one random case of the check
    cases: int = 4                    # default number of random cases
    tol: float = TOL

    @property
    def filename(self) -> str:
        return f"ex{self.number:02d}_{self.name}.py"


def exercise(number, name, functions, *, lesson, paper, title, cases=4, tol=TOL):
    """Register the decorated ``run(case)`` as the check of exercise ``name``."""
    def register(run):
        EXERCISES[name] = Exercise(number, name, tuple(functions), lesson, paper, title, run, cases, tol)
        return run
    return register


def get(name) -> Exercise:
    if name not in EXERCISES:
        raise ValueError(f"no exercise named {name!r}; the exercises are: {', '.join(EXERCISES)}")
    return EXERCISES[name]


# --------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------

@dataclass
class CaseResult:
    """One random case: its label, verdict, the lines of its report and the mistakes recognised."""
    label: str
    passed: bool
    lines: list
    mistakes: dict   # key -> hint text


@dataclass
class CheckResult:
    """The verdict of one check. ``passed`` is True when every case passed.

    ``mistakes`` holds the keys of the known mistakes recognised (e.g. ``"transposed"``,
    ``"no_mask"``, ``"mean"``, ``"in_place"``, ``"float32"``, ``"not_implemented"``); ``str()`` (and
    ``repr()``, so a notebook shows it) lists every case with what was expected and what came back.
    """
    name: str
    functions: tuple
    seed: int
    cases: list
    planned: int

    @property
    def passed(self) -> bool:
        return bool(self.cases) and len(self.cases) == self.planned and all(c.passed for c in self.cases)

    @property
    def mistakes(self) -> set:
        return {key for c in self.cases for key in c.mistakes}

    @property
    def hints(self) -> list:
        seen = {}
        for c in self.cases:
            for key, text in c.mistakes.items():
                seen.setdefault(key, text)
        return list(seen.values())

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        good = sum(c.passed for c in self.cases)
        verdict = "passed" if self.passed else "FAILED"
        head = (f"{self.name}: {verdict}, {good} of {self.planned} cases passed "
                f"(seed {self.seed}: seed={self.seed} in check(), or --seed {self.seed}, repeats these cases)")
        lines = [head]
        for c in self.cases:
            lines.append(f"  {c.label}: {'ok' if c.passed else 'FAILED'}")
            lines.extend(f"    {line}" for line in c.lines)
        if len(self.cases) < self.planned:
            lines.append(f"  (the other {self.planned - len(self.cases)} cases were not run)")
        if self.hints:
            lines.append("hints:")
            lines.extend(f"  - {h}" for h in self.hints)
        return "\n".join(lines)

    __repr__ = __str__


# --------------------------------------------------------------------------------------------------
# One case
# --------------------------------------------------------------------------------------------------

class Abort(Exception):
    """The student's function raised or returned something unusable: this case ends here."""


class NotImplementedYet(Exception):
    """The student's function still raises NotImplementedError: the whole check ends here."""


HINTS = {
    "in_place": "an input was modified in place: work on new arrays (write `x * mask`, not "
                "`x *= mask`; `W - lr * G`, not `W -= lr * G`), the caller still needs its inputs",
    "float32": "float32 result: compute in float64 like the inputs (float32 keeps only ~7 digits, "
               "and the checks compare to 1e-7)",
    "transposed": "the result looks transposed: rows are samples, and a weight gradient has the "
                  "weight's shape (m_out, m_in), i.e. dW = doutᵀ · input",
    "sign": "the result has the wrong sign",
    "not_implemented": "the function still raises NotImplementedError: replace that line with your code",
}


class Case:
    """One random case of a check: a Generator, the student's functions, and the case's report."""

    def __init__(self, index, seed, functions):
        self.index = index
        self.rng = np.random.default_rng([seed, index])
        self.functions = functions
        self.label = f"case {index + 1}"
        self.lines = []
        self.failed = False
        self.mistakes = {}

    def about(self, text):
        """Describe the case's sizes in its label, e.g. ``"n=3, m=5"``."""
        self.label = f"case {self.index + 1} ({text})"

    def note(self, line):
        self.lines.append(f"✓ {line}")

    def fail(self, line, mistake=None, hint=None):
        self.failed = True
        self.lines.append(f"✗ {line}")
        if mistake:
            self.mistake(mistake, hint)

    def mistake(self, key, hint=None):
        self.mistakes.setdefault(key, hint or HINTS.get(key, key))

    def result(self) -> CaseResult:
        return CaseResult(self.label, not self.failed, self.lines, self.mistakes)

    # ---- calling the student's code ------------------------------------------------------------

    def call(self, fname, **inputs):
        """``functions[fname](*inputs.values())``; inputs modified in place fail the case."""
        func = self.functions[fname]
        before = {name: copy.deepcopy(value) for name, value in inputs.items()}
        try:
            out = func(*inputs.values())
        except NotImplementedError:
            self.fail(f"{fname} is not implemented yet (it raises NotImplementedError)", "not_implemented")
            raise NotImplementedYet from None
        except Exception as err:  # the student's bug: report it, never crash the check
            self.fail(f"{fname} raised {type(err).__name__}: {err}{_where(err, func)}")
            raise Abort from None
        for name, value in inputs.items():
            changed = _changed(name, before[name], value)
            if changed:
                self.fail(f"{fname} modified its input {changed} in place", "in_place")
        return out

    # ---- comparing -----------------------------------------------------------------------------

    def compare(self, what, got, expected, *, tol=TOL, wrong=(), numeric=None, numeric_name=None,
                absolute=False, reference="ntkedu") -> bool:
        """Compare the array ``got`` with ``expected``; record the verdict and any hint.

        wrong : (key, hint, value) for each known wrong answer; value an array or a callable
            returning one (computed only when needed). A failed answer that matches one (within
            MATCH_TOL) is reported with its hint.
        numeric : an independent estimate (central differences, a direct product); reported, and
            used to tell a kink in the differences from a real disagreement.
        absolute : compare |got| with |expected| entrywise (eigenvector signs are arbitrary).
        reference : what ``expected`` comes from, for the report.
        """
        got_array = _as_array(got)
        if got_array is None:
            self.fail(f"{what}: expected a NumPy array of shape {expected.shape}, got "
                      f"{_describe(got)}")
            return False
        got = got_array
        if got.shape != expected.shape:
            self.fail(f"{what}: expected shape {expected.shape}, got shape {got.shape}")
            if not self._recognise(got, wrong, absolute) and got.ndim == 2 and got.shape == expected.shape[::-1] \
                    and got.shape[0] != got.shape[1]:
                self.mistake("transposed")
            return False
        if got.dtype != np.float64:
            if got.dtype == np.float32:
                self.fail(f"{what}: expected dtype float64, got float32", "float32")
            else:
                self.fail(f"{what}: expected a float64 array, got dtype {got.dtype}")
            return False
        if not np.all(np.isfinite(got)):
            bad = int(np.size(got) - np.count_nonzero(np.isfinite(got)))
            self.fail(f"{what}: {bad} of {got.size} entries are nan or inf")
            self._recognise(got, wrong, absolute)
            return False
        a, b = (np.abs(got), np.abs(expected)) if absolute else (got, expected)
        err = rel_error(a, b)
        extra = ""
        if numeric is not None:
            ref_err = rel_error(np.abs(expected) if absolute else expected,
                                np.abs(numeric) if absolute else numeric)
            label = numeric_name or "central differences"
            if ref_err > NUMERIC_TOL:
                extra = (f"; {label} disagree with {reference} here ({ref_err:.1e}, a ReLU kink inside "
                         f"the step), so only {reference} counts")
            else:
                extra = f", {rel_error(a, np.abs(numeric) if absolute else numeric):.1e} vs {label}"
        if err <= tol:
            self.note(f"{what}: relative error {err:.1e} ≤ {tol:g} vs {reference}{extra}")
            return True
        worst = np.unravel_index(int(np.argmax(np.abs(a - b))), a.shape) if a.ndim else ()
        at = f" at [{', '.join(map(str, worst))}]" if a.ndim else ""
        self.fail(f"{what}: relative error {err:.1e} > tolerance {tol:g} vs {reference}{extra}; "
                  f"norm expected {np.linalg.norm(b):.4g}, got {np.linalg.norm(a):.4g}; largest "
                  f"difference{at}: expected {b[worst]:.6g}, got {a[worst]:.6g}")
        if not self._recognise(got, wrong, absolute):
            self._generic_hint(a, b)
        return False

    def require(self, ok, line_ok, line_bad, mistake=None, hint=None) -> bool:
        """A property that must hold (a kernel is symmetric, a gradient has rank one, …)."""
        if ok:
            self.note(line_ok)
        else:
            self.fail(line_bad, mistake, hint)
        return bool(ok)

    def _recognise(self, got, wrong, absolute) -> bool:
        for key, hint, value in wrong:
            value = value() if callable(value) else value
            if value is None:
                continue
            value = np.asarray(value)
            if value.shape != got.shape:
                continue
            finite = np.isfinite(got)
            if not np.array_equal(finite, np.isfinite(value)):
                continue          # a nan where the wrong answer has none (or vice versa): not this one
            a, b = (np.abs(got), np.abs(value)) if absolute else (got, value)
            if rel_error(a[finite], b[finite]) <= MATCH_TOL:
                self.mistake(key, hint)
                return True
        return False

    def _generic_hint(self, got, expected):
        if got.ndim == 2 and got.shape[0] == got.shape[1] and got.shape[0] > 1 \
                and rel_error(got.T, expected) <= MATCH_TOL:
            self.mistake("transposed")
            return
        scale = float(np.vdot(expected, expected))
        if scale == 0:
            return
        c = float(np.vdot(got, expected)) / scale
        if c != 0 and rel_error(got, c * expected) <= MATCH_TOL:
            if abs(c + 1) <= MATCH_TOL:
                self.mistake("sign")
            else:
                self.mistake("scaled", f"your answer is {c:.6g} × the expected one: a factor is "
                                       f"missing or extra")


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------

def rel_error(a, b) -> float:
    """‖a − b‖ / max(‖a‖, ‖b‖) in Frobenius norm (as ntkedu.gradcheck.rel_error), 0 for two zeros."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.linalg.norm(a.ravel()), np.linalg.norm(b.ravel()))
    return 0.0 if scale == 0 else float(np.linalg.norm((a - b).ravel()) / scale)


def _as_array(x):
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, (float, np.floating)):
        return np.asarray(x)
    return None


def _describe(x) -> str:
    if x is None:
        return "None (did the function forget to return?)"
    if isinstance(x, (list, tuple)):
        return f"a {type(x).__name__} of {len(x)} items (return np.array(...))"
    return f"a {type(x).__name__}"


def _changed(name, before, after):
    """The path (e.g. ``params['W1']``) of the first entry that differs, or None."""
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray) or before.shape != after.shape or before.dtype != after.dtype \
                or not np.array_equal(before, after, equal_nan=True):
            return name
        return None
    if isinstance(before, dict):
        if not isinstance(after, dict) or set(before) != set(after):
            return name
        for k in before:
            hit = _changed(f"{name}[{k!r}]", before[k], after[k])
            if hit:
                return hit
        return None
    if isinstance(before, (list, tuple)):
        if not isinstance(after, (list, tuple)) or len(before) != len(after):
            return name
        for i, (b, a) in enumerate(zip(before, after)):
            hit = _changed(f"{name}[{i}]", b, a)
            if hit:
                return hit
    return None


def _where(err, func) -> str:
    """' (line N of FILE: `source`)' for the deepest frame in the student's own file."""
    code = getattr(func, "__code__", None)
    frames = traceback.extract_tb(err.__traceback__)
    mine = [f for f in frames if code is not None and f.filename == code.co_filename]
    frame = mine[-1] if mine else None
    if frame is None:
        return ""
    source = (frame.line or "").strip()
    return f" (line {frame.lineno} of {os.path.basename(frame.filename)}{f': `{source}`' if source else ''})"


def fresh_seed() -> int:
    """A new seed from the operating system's entropy: short enough to type back."""
    return int.from_bytes(os.urandom(4), "little")
