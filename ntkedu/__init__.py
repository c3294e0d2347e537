"""ntkedu — the over-parameterisation convergence theory of Allen-Zhu, Li and Song (2018), in NumPy.

    >>> import ntkedu
    >>> X = ntkedu.data.unit_inputs(40, 16, rng=0)
    >>> net = ntkedu.MLP(16, width=512, depth=3, seed=0)
    >>> out, cache = net.forward(X)
"""

from . import data, gradcheck, losses, measure, ntk, ops, probes, threads
from .networks import CNN, MLP, ResNet
from .training import History, train

__version__ = "0.1.0"
__all__ = ["MLP", "ResNet", "CNN", "train", "History", "data", "losses", "ops", "gradcheck",
           "measure", "ntk", "probes", "threads"]
