"""Shared test helpers."""

import os

# One BLAS thread per process: the test networks are small, where OpenBLAS's threads cost more
# than they save, and a run on a busy machine stays predictable. Set before NumPy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pytest


@pytest.fixture
def bad_input():
    """``bad_input(fn, *fragments)``: ``fn()`` must raise ValueError whose message holds every fragment.

    Used to check that an error names the argument *and* the value or shape it received.
    """
    def check(fn, *fragments):
        with pytest.raises(ValueError) as info:
            fn()
        message = str(info.value)
        for fragment in fragments:
            assert fragment in message, f"{fragment!r} not in the error message {message!r}"
        return message
    return check


@pytest.fixture
def rng():
    """A fresh, seeded Generator for tests that just need some random numbers."""
    return np.random.default_rng(0)
