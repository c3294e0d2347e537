"""Refuse an allocation that cannot fit, before making it.

A network of width 10⁶ or a 30 000 × 30 000 kernel would otherwise run for a minute and end in
NumPy's ``MemoryError`` (or in the system killing the process). Every large allocation in ntkedu is
estimated first and compared with the limit here; an estimate over the limit raises
:class:`MemoryLimitError`, one line naming what was asked for, its size and the limit.

The limit, in order of precedence:

1. ``set_limit(nbytes)`` (the ``--max-memory`` option of the ``ntkedu`` command), or
2. the environment variable ``NTKEDU_MAX_MEMORY`` (bytes, or with a unit: ``500M``, ``8G``), else
3. the memory the system says is available now (``MemAvailable`` in ``/proc/meminfo`` on Linux),
4. or, where that cannot be read, ``DEFAULT_LIMIT`` = 4 GiB.

``set_limit(None)`` goes back to the automatic choice; ``set_limit(float("inf"))`` turns the check off.
"""

from __future__ import annotations

import os
import re

from .errors import MemoryLimitError

__all__ = ["check", "limit", "set_limit", "parse_size", "format_size", "DEFAULT_LIMIT", "MemoryLimitError"]

DEFAULT_LIMIT = 4 * 2**30
_UNITS = {"": 1, "B": 1, "K": 2**10, "KB": 2**10, "M": 2**20, "MB": 2**20, "G": 2**30, "GB": 2**30,
          "T": 2**40, "TB": 2**40}
_limit = None


def parse_size(text) -> float:
    """'8G' -> 8·2³⁰ bytes; '500M', '123456', 'inf' also work. ValueError naming the text otherwise."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        match = re.fullmatch(r"\s*(inf|[0-9]*\.?[0-9]+(?:e[0-9]+)?)\s*([KMGT]?B?)\s*", str(text), re.IGNORECASE)
        if not match:
            raise ValueError(f"a memory size must be a number of bytes or have a unit (500M, 8G), got {text!r}")
        value = float(match.group(1)) * _UNITS[match.group(2).upper()]
    if not value > 0:
        raise ValueError(f"a memory size must be > 0, got {text!r}")
    return value


def format_size(nbytes: float) -> str:
    """1536 -> '1.5 KB' (binary units)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if nbytes < 1024 or unit == "TB":
            return f"{nbytes:.0f} {unit}" if unit == "B" else f"{nbytes:,.1f} {unit}"
        nbytes /= 1024


def set_limit(nbytes) -> None:
    """Fix the limit (bytes, or a size such as '8G'); None returns to the automatic limit."""
    global _limit
    _limit = None if nbytes is None else parse_size(nbytes)


def _available() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def limit() -> tuple[float, str]:
    """The limit in bytes and where it comes from (for the message)."""
    if _limit is not None:
        return _limit, "the limit set with ntkedu.memory.set_limit / --max-memory"
    env = os.environ.get("NTKEDU_MAX_MEMORY")
    if env:
        return parse_size(env), "NTKEDU_MAX_MEMORY"
    available = _available()
    if available is not None:
        return available, "the memory available now (MemAvailable)"
    return float(DEFAULT_LIMIT), "the default limit (the available memory could not be read)"


#: Below this nothing is checked: any machine has it, and a training loop's every forward pass
#: would otherwise read /proc/meminfo.
SMALL = 64 * 2**20


def explicit_limit() -> bool:
    """Whether a limit was set by hand (set_limit or NTKEDU_MAX_MEMORY): then small sizes count too."""
    return _limit is not None or bool(os.environ.get("NTKEDU_MAX_MEMORY"))


def check(nbytes: float, what: str) -> None:
    """Raise :class:`MemoryLimitError` if ``what`` needs more than the limit; do nothing otherwise."""
    if nbytes < SMALL and not explicit_limit():
        return
    cap, source = limit()
    if nbytes > cap:
        raise MemoryLimitError(
            f"{what} needs about {format_size(nbytes)} of memory, more than {format_size(cap)}, "
            f"{source}; use a smaller size, or raise the limit (NTKEDU_MAX_MEMORY=32G, or "
            f"--max-memory 32G on the command line) if you know it fits")
