"""The errors ntkedu raises on purpose, each one line that says what happened.

All are ``ValueError`` subclasses, so code that checks arguments with ``except ValueError`` keeps
working. The ``ntkedu`` command and ``python -m lessons`` print them as one line and exit with 2.
"""

import contextlib

__all__ = ["UsageError", "MemoryLimitError", "ForwardOverflowError", "as_usage_error"]


class UsageError(ValueError):
    """A user's mistake (a width of 0, an unknown lesson, an unreadable file): one line, exit code 2."""


class MemoryLimitError(UsageError):
    """An allocation that would exceed the memory limit of :mod:`ntkedu.memory`, refused before it starts."""


class ForwardOverflowError(ValueError):
    """A forward pass whose activations overflowed (a τ = 1 ResNet of depth 200, a blown-up run):
    names the first layer that did, instead of letting inf and NaN flow into losses and kernels."""


@contextlib.contextmanager
def as_usage_error():
    """Inside a block whose every argument came from the user, the library's ValueError (which names
    the argument and the value received) is a :class:`UsageError`."""
    try:
        yield
    except UsageError:
        raise
    except ValueError as err:
        raise UsageError(str(err)) from None
