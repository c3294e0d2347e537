"""ntkedu — the over-parameterisation convergence theory of Allen-Zhu, Li and Song (2018), in NumPy.

    >>> import ntkedu
    >>> X = ntkedu.data.unit_inputs(40, 16, rng=0)
    >>> net = ntkedu.MLP(16, width=512, depth=3, seed=0)
    >>> out, cache = net.forward(X)
"""

import os
import sys

if "numpy" not in sys.modules:
    # The library's matrices are small (m <= a few thousand): one BLAS thread is about as fast, and
    # OpenBLAS's spinning threads slow a busy or shared machine by 10x or more. An explicit setting
    # in the environment wins; set OPENBLAS_NUM_THREADS before importing ntkedu to change it.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")

from . import data, gradcheck, losses, measure, ntk, ops, probes
from .networks import CNN, MLP, ResNet
from .training import History, train

__version__ = "0.1.0"
__all__ = ["MLP", "ResNet", "CNN", "train", "History", "data", "losses", "ops", "gradcheck",
           "measure", "ntk", "probes"]
