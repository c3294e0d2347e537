"""Progress of long work on stderr: which run of how many, step, loss, elapsed and remaining time."""

from __future__ import annotations

import sys
import time

__all__ = ["Progress"]


class Progress:
    """A one-line progress report, rewritten in place on a terminal and printed per update elsewhere.

    >>> p = Progress(total=3, label="widths")
    >>> p.update(1, width=256, loss=0.12)     # "widths 1/3  width=256 loss=0.12  elapsed 0.1s  left ~0.2s"
    >>> p.done()

    ``quiet=True`` silences it. ``every`` (seconds) limits how often a non-terminal stream is written.
    """

    def __init__(self, total=None, label: str = "", *, quiet: bool = False, stream=None, every: float = 1.0):
        self.total, self.label, self.quiet = total, label, quiet
        self.stream = sys.stderr if stream is None else stream
        self.every = every
        self.start = time.perf_counter()
        self._last = -float("inf")
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def update(self, i, **fields):
        """Report that item ``i`` (1-based) is done or under way, with any named fields."""
        if self.quiet:
            return
        now = time.perf_counter()
        if not self._tty and now - self._last < self.every and (self.total is None or i < self.total):
            return
        self._last = now
        elapsed = now - self.start
        parts = [f"{self.label} {i}/{self.total}" if self.total else f"{self.label} {i}"]
        parts += [f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in fields.items()]
        parts.append(f"elapsed {elapsed:.1f}s")
        if self.total and i > 0:
            parts.append(f"left ~{elapsed * (self.total - i) / i:.1f}s")
        line = "  ".join(parts)
        self.stream.write(("\r" + line + "\033[K") if self._tty else line + "\n")
        self.stream.flush()

    def done(self):
        if not self.quiet and self._tty:
            self.stream.write("\n")
            self.stream.flush()
