"""The paper's three networks with hand-written forward and backward passes.

All three share the paper's recipe (paper.md §1.2): a fixed random first layer A, L trained
layers W_1 … W_L, a fixed random readout B, ReLU φ everywhere, no biases::

    h_0 = φ(A x),   h_ℓ = φ(W_ℓ h_{ℓ−1}) for ℓ = 1..L,   ŷ = B h_L          (MLP)
    h_ℓ = φ(h_{ℓ−1} + τ W_ℓ h_{ℓ−1})                                     (ResNet, §4)
    h_ℓ = φ(W_ℓ ⋆ h_{ℓ−1}),  ⋆ a same-padded convolution                 (CNN, §5)

with A, W_ℓ ~ N(0, 2/m) and B ~ N(0, 1/d_out). Only W_1 … W_L train, as in the paper;
``train_all=True`` trains A and B too (the Jacot/Lee setting, for comparison).

Samples are rows. The paper's column formula g_ℓ = W_ℓ h_{ℓ−1} reads ``g[l] = h[l-1] @ W.T`` here,
and the paper's per-sample backward vector D_{i,ℓ} Back_{i,ℓ}ᵀ (ŷ_i − y_i*) is row i of ``dg[l]``.

Each ``backward`` is one frame that reads as paper §1.3: its argument check is a single line, then
every line of the loop is a formula, and every gradient has its own name (``dW``). The same
formulas stand alone, gradient-checked, in :mod:`ntkedu.ops`; a test composes the ops and compares.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from . import _checks, losses, memory
from .errors import ForwardOverflowError
from .ops import RankOne, _ShapesRepr, conv_backward_w, conv_backward_x, conv_forward

__all__ = ["MLP", "ResNet", "CNN", "MLPCache", "CNNCache", "Gradients", "RankOne"]


@dataclass(repr=False)
class MLPCache(_ShapesRepr):
    """Everything one forward pass computed, layer by layer (lists indexed by ℓ = 0..L).

    X : (n, d_in) inputs;  g[ℓ] : (n, m) pre-activations;  h[ℓ] : (n, m) activations φ(g[ℓ]);
    D[ℓ] : (n, m) bool masks 1[g[ℓ] > 0] (the paper's D_{i,ℓ});  out : (n, d_out) outputs ŷ.
    """
    X: np.ndarray
    g: list
    h: list
    D: list
    out: np.ndarray

    def __repr__(self) -> str:
        L = len(self.g) - 1
        return (f"{type(self).__name__}(X={_shape(self.X)}, g[0..{L}], h[0..{L}], D[0..{L}] each "
                f"{_shape(self.g[0])}, out={_shape(self.out)})")


@dataclass(repr=False)
class CNNCache(MLPCache):
    """As :class:`MLPCache`, with g[ℓ], h[ℓ], D[ℓ] of shape (n, m, H, W) and each layer's ConvCache."""
    conv: list = None


class Gradients(dict):
    """What ``backward`` returns: a dict name -> ∇F (fresh arrays, in the order of ``net.trainable``),
    plus the backward pass's vectors, indexed by the layer ℓ = 0..L like the cache:

    dh[ℓ] : ∂/∂h_ℓ, row i = Back_{i,ℓ}ᵀ dout_i          (Back_{i,ℓ} = B D_{i,L} W_L ⋯ D_{i,ℓ+1} W_{ℓ+1})
    dg[ℓ] : ∂/∂g_ℓ, row i = D_{i,ℓ} Back_{i,ℓ}ᵀ dout_i  (paper §1.3's backward vector)

    Entries below layer 1 are None unless A trains (A is fixed, so they are never needed).
    """

    def __init__(self, grads: dict, dg: list, dh: list):
        super().__init__(grads)
        self.dg, self.dh = dg, dh

    def __repr__(self) -> str:
        parts = ", ".join(f"{k}: {_shape(v)}" for k, v in self.items())
        return f"Gradients({{{parts}}}, dg[0..{len(self.dg) - 1}], dh[0..{len(self.dh) - 1}])"


def _shape(a) -> str:
    return "x".join(map(str, np.shape(a)))


class _Network:
    """What the three networks share: parameters, the trainable set, checks and ``repr``."""

    def __init__(self, width, depth, d_out, seed, rng, dtype, train_all):
        self.width = _checks.positive_int("width", width)
        self.depth = _checks.positive_int("depth", depth)
        self.d_out = _checks.positive_int("d_out", d_out)
        self.dtype = _checks.float_dtype(dtype)
        self.train_all = bool(train_all)
        self._rng = _checks.generator(seed, rng)

    # The paper's initialisation (paper.md §1.2): one stream, drawn in the order A, W1..WL, B.
    def _init_params(self, shapes_and_vars) -> dict:
        total = sum(int(np.prod(shape)) for _, shape, _ in shapes_and_vars)
        # float64 draws, then a cast: at most one float64 array alive beside the parameters
        memory.check(total * self.dtype.itemsize + 8 * max(int(np.prod(s)) for _, s, _ in shapes_and_vars),
                     f"the parameters of {self.signature()}")
        return {name: (self._rng.standard_normal(shape) * np.sqrt(var)).astype(self.dtype, copy=False)
                for name, shape, var in shapes_and_vars}

    @property
    def layer_names(self) -> tuple:
        return tuple(f"W{l}" for l in range(1, self.depth + 1))

    @property
    def trainable(self) -> tuple:
        """Names of the parameters that train: W1..WL, plus A and B with ``train_all``."""
        return ("A", *self.layer_names, "B") if self.train_all else self.layer_names

    @property
    def n_trainable(self) -> int:
        return sum(int(np.prod(self._param_shapes[k])) for k in self.trainable)

    @property
    def _n_trainable_cached(self) -> int:      # memory() runs on every forward pass: count once
        if getattr(self, "_count", None) is None or self._count[0] != self.train_all:
            self._count = (self.train_all, self.n_trainable)
        return self._count[1]

    @property
    def units(self) -> int:
        """Units of one hidden layer h_ℓ: m (the CNN: m·H·W)."""
        return self.width

    @property
    def kind(self) -> str:
        """The architecture's name in configs and file names: "mlp", "resnet" or "cnn"."""
        return type(self).__name__.lower()

    def config(self) -> dict:
        """The constructor's arguments as plain JSON-able values (seed not included)."""
        return {"arch": self.kind, "width": self.width, "depth": self.depth, "d_out": self.d_out,
                "dtype": self.dtype.name, "train_all": self.train_all}

    def copy(self):
        """A deep copy: same configuration, parameters copied (not shared)."""
        new = copy.copy(self)
        new.params = {k: v.copy() for k, v in self.params.items()}
        return new

    def _check_params(self):
        for name, want in self._param_shapes.items():
            if name not in self.params:
                raise ValueError(f"net.params is missing {name!r}; it holds {sorted(self.params)}")
            p = self.params[name]
            if np.shape(p) != want:
                raise ValueError(f"net.params[{name!r}] must have shape {want}, got {np.shape(p)}")
            if not isinstance(p, np.ndarray) or p.dtype != self.dtype:  # else float32 nets upcast silently
                raise ValueError(f"net.params[{name!r}] must be an array of the network's dtype "
                                 f"{self.dtype}, got {getattr(p, 'dtype', type(p).__name__)}")

    def check_input(self, X) -> np.ndarray:
        """X as an array of the network's dtype and input shape, or a ValueError naming what is wrong;
        also refuses a batch whose forward cache would not fit in memory (:mod:`ntkedu.memory`)."""
        X = _checks.array("X", X, ndim=len(self._input_shape) + 1, shape=(None, *self._input_shape),
                          dtype=self.dtype)
        nbytes = self.memory(len(X))
        if nbytes >= memory.SMALL or memory.explicit_limit():
            memory.check(nbytes, f"a forward and backward pass of {self.signature()} on {len(X)} samples")
        return X

    def _overflow(self, h) -> ForwardOverflowError:
        """The error for a forward pass whose outputs are not finite, naming the first bad layer."""
        bad = next((l for l, hl in enumerate(h) if not np.isfinite(hl).all()), None)
        where = (f"the activations h_{bad} overflowed (layer {bad} of 0..{self.depth})" if bad is not None
                 else "the outputs are too large to be finite")
        last_ok = max(float(np.max(np.abs(hl))) for hl in h[: bad if bad is not None else len(h)]) if bad != 0 else 0.0
        return ForwardOverflowError(
            f"the forward pass of {self.signature()} overflowed: {where}; the largest activation before it "
            f"was {last_ok:.3g}. The network's scale grows with depth (a ResNet needs τ ≲ 1/√L) or the "
            f"weights have blown up (a smaller step)")

    def _check_dout(self, dout, cache):
        """The slow path of backward's one-line check: casts a float array, or says what is wrong."""
        return _checks.array("dout", dout, ndim=2, shape=cache.out.shape, dtype=self.dtype)

    def memory(self, n: int, *, kernel: bool = False, cross_outputs: bool = False) -> int:
        """Bytes one forward + backward pass on n samples allocates (cache, backward vectors,
        gradients); with ``kernel`` also what :func:`ntkedu.ntk.empirical` adds (n × n blocks).
        An estimate within a factor of about 2, for refusing a run before it starts."""
        item, L, d_out = self.dtype.itemsize, self.depth, self.d_out
        outputs = d_out if cross_outputs else 1
        cache = (L + 1) * n * self.units * (2 * item + 1)
        backward = 2 * (L + 1) * n * self.units * item + self._n_trainable_cached * item
        total = cache + outputs * backward + self._extra_memory(n, outputs)
        if kernel:
            blocks = d_out * d_out if cross_outputs else d_out
            total += (blocks + 3 + (L + 2 if d_out > 1 else 0)) * n * n * item
        return int(total)

    def _extra_memory(self, n, outputs) -> int:
        return 0

    def limit_kernel(self, X):
        """Θ̄ = lim Θ_m/m on the inputs X when ntkedu knows it (paper.md §6.2), else None."""
        return None

    def loss_and_grads(self, X, Y, loss="squared"):
        """One forward and backward pass: returns (loss, grads, out, cache)."""
        out, cache = self.forward(X)
        value, dout = losses.get(loss).fn(out, Y)
        return value, self.backward(dout, cache), out, cache

    def backward_signals(self, dout, cache) -> list:
        """The backward vectors dg[ℓ] = ∂(Σ_i ⟨dout_i, ŷ_i⟩)/∂g_ℓ, one row per sample (paper §1.3):
        ``backward(dout, cache).dg``. dg[0] is None unless A trains."""
        return self.backward(dout, cache).dg

    def __repr__(self) -> str:
        parts = []
        for name, p in self.params.items():
            parts.append(f"{name} {_shape(p)} {'trained' if name in self.trainable else 'fixed'}")
        return f"{self.signature()}\n  " + "\n  ".join(parts)


class MLP(_Network):
    """The paper's fully-connected ReLU network (paper.md §1.2).

    ::

        g_0 = A x,        h_0 = φ(g_0)            A   : (m, d_in)   ~ N(0, 2/m)   fixed
        g_ℓ = W_ℓ h_{ℓ−1}, h_ℓ = φ(g_ℓ), ℓ=1..L   W_ℓ : (m, m)      ~ N(0, 2/m)   trained
        ŷ   = B h_L                               B   : (d_out, m)  ~ N(0, 1/d_out) fixed

    The variance of A is 2/m, not 2/d: with ‖x‖ = 1 it keeps ‖h_ℓ‖ ≈ 1 at every layer (Lemma 7.1).

    Parameters
    ----------
    d_in, width, depth, d_out : d, m, L and the output dimension.
    seed or rng : an int seed or a ``numpy.random.Generator`` (not both) for the initialisation.
    dtype : np.float64 (default) or np.float32.
    train_all : also train A and B.
    """

    def __init__(self, d_in, width, depth, d_out=1, *, seed=None, rng=None, dtype=np.float64,
                 train_all=False):
        super().__init__(width, depth, d_out, seed, rng, dtype, train_all)
        self.d_in = _checks.positive_int("d_in", d_in)
        m = self.width
        self._input_shape = (self.d_in,)
        self._param_shapes = {"A": (m, self.d_in), **{w: (m, m) for w in self.layer_names},
                              "B": (self.d_out, m)}
        self.params = self._init_params(
            [("A", (m, self.d_in), 2 / m)]
            + [(w, (m, m), 2 / m) for w in self.layer_names]
            + [("B", (self.d_out, m), 1 / self.d_out)])

    def config(self) -> dict:
        return {**super().config(), "d_in": self.d_in}

    def signature(self) -> str:
        """The constructor call that rebuilds this network's shape, e.g. ``MLP(d_in=3, width=4, …)``."""
        return (f"{type(self).__name__}(d_in={self.d_in}, width={self.width}, depth={self.depth}, "
                f"d_out={self.d_out}, dtype={self.dtype.name})")

    def forward(self, X):
        """ŷ = B φ(W_L ⋯ φ(W_1 φ(A x))) for each row x of X (paper.md §1.2).

        Parameters
        ----------
        X : (n, d_in) inputs, one per row.

        Returns
        -------
        out : (n, d_out) outputs ŷ.
        cache : :class:`MLPCache` with every g_ℓ, h_ℓ and D_ℓ.
        """
        X = self.check_input(X)
        self._check_params()
        W = self.params
        g = [X @ W["A"].T]                           # g_0 = A x
        h = [np.maximum(g[0], 0)]                    # h_0 = φ(g_0)
        for l in range(1, self.depth + 1):
            g.append(self.layer(l, h[l - 1]))        # g_ℓ = W_ℓ h_{ℓ−1}   (ResNet: h_{ℓ−1} + τ W_ℓ h_{ℓ−1})
            h.append(np.maximum(g[l], 0))            # h_ℓ = φ(g_ℓ)
        out = h[-1] @ W["B"].T                       # ŷ = B h_L
        if not np.isfinite(np.add.reduce(out, None)):
            raise self._overflow(h)
        return out, MLPCache(X, g, h, [gl > 0 for gl in g], out)

    def layer(self, l, V):
        """Layer ℓ's linear map on rows: v ↦ W_ℓ v.  V : (k, m) -> (k, m)."""
        return V @ self.params[f"W{l}"].T

    def layer_T(self, l, V):
        """Its transpose on rows: v ↦ W_ℓᵀ v.  V : (k, m) -> (k, m)."""
        return V @ self.params[f"W{l}"]

    def backward(self, dout, cache) -> Gradients:
        """Gradients of Σ_i ⟨dout_i, ŷ_i⟩ for every trainable parameter (paper §1.3).

        With dout = ŷ − y* this is ∇F of the squared loss::

            ∂F/∂h_L     = Bᵀ (ŷ − y*)
            dg_ℓ        = D_ℓ ⊙ ∂F/∂h_ℓ                  (the backward vector D_ℓ Back_ℓᵀ (ŷ − y*))
            ∇W_ℓ F      = Σ_i dg_{i,ℓ} h_{i,ℓ−1}ᵀ = dg_ℓᵀ h_{ℓ−1}
            ∂F/∂h_{ℓ−1} = W_ℓᵀ dg_ℓ

        Parameters
        ----------
        dout : (n, d_out), usually the loss gradient ŷ − y*.
        cache : the :class:`MLPCache` of the forward pass that produced ŷ.

        Returns
        -------
        :class:`Gradients`: name -> array of the parameter's shape, with ``.dg`` and ``.dh``.
        """
        # the argument check: one line a debugger steps over (a finite sum means finite entries)
        if type(dout) is not np.ndarray or dout.shape != cache.out.shape or dout.dtype != self.dtype or not np.isfinite(np.add.reduce(dout, None)):
            dout = self._check_dout(dout, cache)              # the slow path: names what is wrong, or casts
        L, W, h, D = self.depth, self.params, cache.h, cache.D
        grads, dg, dh = {}, [None] * (L + 1), [None] * (L + 1)
        dh[L] = dout @ W["B"]                                 # ∂F/∂h_L = Bᵀ (ŷ − y*)
        for l in range(L, 0, -1):
            dg[l] = D[l] * dh[l]                              # dg_ℓ = D_ℓ ⊙ ∂F/∂h_ℓ
            dW = dg[l].T @ h[l - 1]                           # ∇W_ℓ F = dg_ℓᵀ h_{ℓ−1}
            grads[f"W{l}"] = dW
            if l > 1 or self.train_all:                       # A is fixed: nothing below W_1 is needed
                dh[l - 1] = dg[l] @ W[f"W{l}"]                # ∂F/∂h_{ℓ−1} = W_ℓᵀ dg_ℓ
        if self.train_all:                                    # the Jacot/Lee setting: A and B train too
            dg[0] = D[0] * dh[0]                              # dg_0 = D_0 ⊙ ∂F/∂h_0
            grads["A"] = dg[0].T @ cache.X                    # ∇A F = dg_0ᵀ x
            grads["B"] = dout.T @ h[L]                        # ∇B F = (ŷ − y*)ᵀ h_L
        return Gradients({name: grads[name] for name in self.trainable}, dg, dh)

    _branch = 1.0  # what multiplies W_ℓ h_{ℓ−1} in g_ℓ: 1 here, τ in the ResNet

    #: The formulas of layer ℓ as ``ntkedu trace`` prints them ({l}, {k} = ℓ, ℓ − 1).
    formulas = {"layer": "W_{l} h_{k}", "grad": "∂F/∂g_{l} h_{k}ᵀ", "back": "W_{l}ᵀ ∂F/∂g_{l}"}

    def gradient_factors(self, dout, cache) -> dict:
        """Each trainable gradient as a sum of per-sample rank-one terms (paper §1.3).

        ∇_{W_ℓ} F = Σ_i [D_{i,ℓ} Back_{i,ℓ}ᵀ (ŷ_i − y_i*)] h_{i,ℓ−1}ᵀ, i.e. ``RankOne(dg[ℓ], h[ℓ−1])``
        (the ResNet: τ·dg[ℓ]), read from :meth:`backward`'s vectors. The layer-wise empirical NTK
        (:func:`ntkedu.ntk.empirical`) is built from these factors.

        Returns
        -------
        dict name -> :class:`RankOne`, in the order of ``net.trainable``.
        """
        dg = self.backward(dout, cache).dg
        factors = {f"W{l}": RankOne(dg[l] if self._branch == 1 else self._branch * dg[l], cache.h[l - 1])
                   for l in range(1, self.depth + 1)}
        if self.train_all:
            factors = {"A": RankOne(dg[0], cache.X), **factors,
                       "B": RankOne(self._check_dout(dout, cache), cache.h[-1])}
        return factors

    def gradient_parts(self, dout, cache):
        """(name, part) for each trainable parameter, what :func:`ntkedu.ntk.empirical` contracts:
        here a :class:`RankOne` (a CNN yields flattened per-sample gradients instead)."""
        return self.gradient_factors(dout, cache).items()

    def per_sample_gradients(self, dout, cache) -> dict:
        """Each sample's own gradient: dict name -> (n, *param.shape). Memory n × #params: small nets only."""
        return {name: np.einsum("ip,iq->ipq", f.left, f.right)
                for name, f in self.gradient_factors(dout, cache).items()}

    def limit_kernel(self, X):
        """The closed-form Θ̄ of :func:`ntkedu.ntk.analytic` on X (with A's term when A trains)."""
        from . import ntk   # ntk builds on the networks: imported when first needed
        return ntk.analytic(self.check_input(X), self.depth, d_out=self.d_out, train_all=self.train_all)


class ResNet(MLP):
    """The paper's residual network (paper.md §4)::

        h_0 = φ(A x),   h_ℓ = φ(h_{ℓ−1} + τ · W_ℓ h_{ℓ−1}),  ℓ = 1..L,   ŷ = B h_L

    Same A, W_ℓ, B and initialisation as :class:`MLP`; only W trains. The ReLU comes after the sum
    and there is no extra 1/√m. ‖h_L‖² grows like e^{Θ(τ²L)}, so τ ≲ 1/√L keeps the forward pass
    stable and τ = 1 explodes with depth (paper.md §4).

                 ┌──────── τ · W_ℓ ────────┐
      h_{ℓ−1} ───┤                         (+)──── φ ──── h_ℓ
                 └─────── identity ────────┘

    Parameters
    ----------
    As :class:`MLP`, plus ``tau`` (> 0), the residual branch's scale.
    """

    def __init__(self, d_in, width, depth, d_out=1, *, tau, seed=None, rng=None, dtype=np.float64,
                 train_all=False):
        self.tau = _checks.positive_float("tau", tau)
        super().__init__(d_in, width, depth, d_out, seed=seed, rng=rng, dtype=dtype, train_all=train_all)

    @property
    def _branch(self):
        return self.tau

    formulas = {"layer": "h_{k} + τ W_{l} h_{k}", "grad": "τ ∂F/∂g_{l} h_{k}ᵀ",
                "back": "∂F/∂g_{l} + τ W_{l}ᵀ ∂F/∂g_{l}"}

    def config(self) -> dict:
        return {**super().config(), "tau": self.tau}

    def signature(self) -> str:
        return super().signature()[:-1] + f", tau={self.tau:g})"

    def layer(self, l, V):
        """The residual step before the ReLU on rows: v ↦ v + τ W_ℓ v (the MLP's W_ℓ v)."""
        return V + self.tau * (V @ self.params[f"W{l}"].T)

    def layer_T(self, l, V):
        """Its transpose on rows: v ↦ v + τ W_ℓᵀ v."""
        return V + self.tau * (V @ self.params[f"W{l}"])

    def backward(self, dout, cache) -> Gradients:
        """Gradients of Σ_i ⟨dout_i, ŷ_i⟩ (paper §4): as :meth:`MLP.backward`, through g_ℓ = h_{ℓ−1} + τ W_ℓ h_{ℓ−1}::

            dg_ℓ        = D_ℓ ⊙ ∂F/∂h_ℓ
            ∇W_ℓ F      = τ dg_ℓᵀ h_{ℓ−1}
            ∂F/∂h_{ℓ−1} = dg_ℓ + τ W_ℓᵀ dg_ℓ      (the identity path carries the signal straight down)
        """
        # the argument check: one line a debugger steps over (a finite sum means finite entries)
        if type(dout) is not np.ndarray or dout.shape != cache.out.shape or dout.dtype != self.dtype or not np.isfinite(np.add.reduce(dout, None)):
            dout = self._check_dout(dout, cache)              # the slow path: names what is wrong, or casts
        L, W, h, D, tau = self.depth, self.params, cache.h, cache.D, self.tau
        grads, dg, dh = {}, [None] * (L + 1), [None] * (L + 1)
        dh[L] = dout @ W["B"]                                 # ∂F/∂h_L = Bᵀ (ŷ − y*)
        for l in range(L, 0, -1):
            dg[l] = D[l] * dh[l]                              # dg_ℓ = D_ℓ ⊙ ∂F/∂h_ℓ
            dW = tau * dg[l].T @ h[l - 1]                     # ∇W_ℓ F = τ dg_ℓᵀ h_{ℓ−1}
            grads[f"W{l}"] = dW
            if l > 1 or self.train_all:                       # A is fixed: nothing below W_1 is needed
                dh[l - 1] = dg[l] + tau * dg[l] @ W[f"W{l}"]  # ∂F/∂h_{ℓ−1} = dg_ℓ + τ W_ℓᵀ dg_ℓ
        if self.train_all:
            dg[0] = D[0] * dh[0]                              # dg_0 = D_0 ⊙ ∂F/∂h_0
            grads["A"] = dg[0].T @ cache.X                    # ∇A F = dg_0ᵀ x
            grads["B"] = dout.T @ h[L]                        # ∇B F = (ŷ − y*)ᵀ h_L
        return Gradients({name: grads[name] for name in self.trainable}, dg, dh)

    def limit_kernel(self, X):
        """Θ̄ of :func:`ntkedu.ntk.analytic_resnet` (a seeded infinite-width simulation); None when
        A and B train too (no limit kernel for that case here)."""
        if self.train_all:
            return None
        from . import ntk
        return ntk.analytic_resnet(self.check_input(X), self.depth, self.tau, d_out=self.d_out)


class CNN(_Network):
    """A convolutional network in the paper's recipe (paper.md §5).

    This network is ntkedu's **reconstruction** of the paper's convolutional extension: it keeps the
    fully-connected theory's structure, as paper.md §5 describes::

        g_0 = A ⋆ x,         h_0 = φ(g_0)       A   : (m, C, s, s)     ~ N(0, 2/(s²·m))   fixed
        g_ℓ = W_ℓ ⋆ h_{ℓ−1},  h_ℓ = φ(g_ℓ)       W_ℓ : (m, m, s, s)     ~ N(0, 2/(s²·m))   trained
        ŷ   = B vec(h_L)                        B   : (d_out, m·H·W)   ~ N(0, 1/d_out)    fixed

    ⋆ is a cross-correlation with stride 1 and zero "same" padding, so every layer keeps H × W. The
    width m is the number of channels. W_ℓ has He fan-in variance 2/(s²·channels); A takes the same
    2/(s²·m), the convolutional analogue of the paper's 2/m, which with unit-norm images keeps
    ‖h_ℓ‖ ≈ 1 (up to the zero padding at the borders).

    Parameters
    ----------
    in_shape : (C, H, W) of one input image.
    width : channels m.  depth : trained convolutions L.  kernel_size : odd s.
    seed, rng, dtype, train_all : as :class:`MLP`.
    """

    def __init__(self, in_shape, width, depth, d_out=1, kernel_size=3, *, seed=None, rng=None,
                 dtype=np.float64, train_all=False):
        super().__init__(width, depth, d_out, seed, rng, dtype, train_all)
        if np.ndim(in_shape) != 1 or len(in_shape) != 3:
            raise ValueError(f"in_shape must be (C, H, W), got {in_shape!r}")
        self.in_shape = tuple(_checks.positive_int(k, v) for k, v in zip(("C", "H", "W"), in_shape))
        self.kernel_size = s = _checks.positive_int("kernel_size", kernel_size)
        if s % 2 == 0:
            raise ValueError(f"kernel_size must be odd for 'same' padding, got {s}")
        C, H, W = self._input_shape = self.in_shape
        m = self.width
        self._param_shapes = {"A": (m, C, s, s), **{w: (m, m, s, s) for w in self.layer_names},
                              "B": (self.d_out, m * H * W)}
        self.params = self._init_params(
            [("A", (m, C, s, s), 2 / (s * s * m))]
            + [(w, (m, m, s, s), 2 / (s * s * m)) for w in self.layer_names]
            + [("B", (self.d_out, m * H * W), 1 / self.d_out)])

    @property
    def units(self) -> int:
        return self.width * self.in_shape[1] * self.in_shape[2]

    def config(self) -> dict:
        return {**super().config(), "in_shape": list(self.in_shape), "kernel_size": self.kernel_size}

    def signature(self) -> str:
        return (f"CNN(in_shape={self.in_shape}, width={self.width}, depth={self.depth}, "
                f"d_out={self.d_out}, kernel_size={self.kernel_size}, dtype={self.dtype.name})")

    def _extra_memory(self, n, outputs) -> int:
        """The im2col windows of every layer and, for the kernel, one layer's per-sample gradients."""
        C, H, W = self.in_shape
        item, s2, m = self.dtype.itemsize, self.kernel_size ** 2, self.width
        return n * H * W * s2 * (C + self.depth * m) * item + outputs * 2 * n * m * m * s2 * item

    def forward(self, X):
        """ŷ = B vec(φ(W_L ⋆ ⋯ φ(W_1 ⋆ φ(A ⋆ x)))) for each image x (paper.md §5, reconstructed).

        Parameters
        ----------
        X : (n, C, H, W) images.

        Returns
        -------
        out : (n, d_out).
        cache : :class:`CNNCache`; g[ℓ], h[ℓ], D[ℓ] are (n, m, H, W).
        """
        X = self.check_input(X)
        self._check_params()
        g0, conv0 = conv_forward(X, self.params["A"])            # g_0 = A ⋆ x
        g, h, conv = [g0], [np.maximum(g0, 0)], [conv0]
        for l in range(1, self.depth + 1):
            gl, convl = conv_forward(h[l - 1], self.params[f"W{l}"])   # g_ℓ = W_ℓ ⋆ h_{ℓ−1}
            g.append(gl)
            h.append(np.maximum(gl, 0))                          # h_ℓ = φ(g_ℓ)
            conv.append(convl)
        out = h[-1].reshape(len(X), -1) @ self.params["B"].T      # ŷ = B vec(h_L)
        if not np.isfinite(np.add.reduce(out, None)):
            raise self._overflow(h)
        return out, CNNCache(X, g, h, [gl > 0 for gl in g], out, conv)

    def backward(self, dout, cache) -> Gradients:
        """Gradients of Σ_i ⟨dout_i, ŷ_i⟩ (paper §5, reconstructed), as :meth:`MLP.backward` with
        ⋆ in place of the product: ∇W_ℓ F = Σ_positions dg_ℓ ⊗ windows of h_{ℓ−1}, and
        ∂F/∂h_{ℓ−1} = W_ℓᵀ ⋆ dg_ℓ (the flipped filters). dg[ℓ], dh[ℓ] : (n, m, H, W)."""
        # the argument check: one line a debugger steps over (a finite sum means finite entries)
        if type(dout) is not np.ndarray or dout.shape != cache.out.shape or dout.dtype != self.dtype or not np.isfinite(np.add.reduce(dout, None)):
            dout = self._check_dout(dout, cache)              # the slow path: names what is wrong, or casts
        L, h, D, conv = self.depth, cache.h, cache.D, cache.conv
        grads, dg, dh = {}, [None] * (L + 1), [None] * (L + 1)
        dh[L] = (dout @ self.params["B"]).reshape(h[L].shape)   # ∂F/∂h_L = Bᵀ (ŷ − y*)
        for l in range(L, 0, -1):
            dg[l] = D[l] * dh[l]                                 # dg_ℓ = D_ℓ ⊙ ∂F/∂h_ℓ
            dW = conv_backward_w(dg[l], conv[l])                 # ∇W_ℓ F = Σ_p dg_{ℓ,p} ⊗ window_p(h_{ℓ−1})
            grads[f"W{l}"] = dW
            if l > 1 or self.train_all:                          # A is fixed: nothing below W_1 is needed
                dh[l - 1] = conv_backward_x(dg[l], conv[l])      # ∂F/∂h_{ℓ−1} = W_ℓᵀ ⋆ dg_ℓ
        if self.train_all:
            dg[0] = D[0] * dh[0]                                 # dg_0 = D_0 ⊙ ∂F/∂h_0
            grads["A"] = conv_backward_w(dg[0], conv[0])         # ∇A F = Σ_p dg_{0,p} ⊗ window_p(x)
            grads["B"] = dout.T @ h[L].reshape(len(dout), -1)    # ∇B F = (ŷ − y*)ᵀ vec(h_L)
        return Gradients({name: grads[name] for name in self.trainable}, dg, dh)

    def gradient_parts(self, dout, cache):
        """Yields (name, G): the per-sample gradients of one trainable parameter, flattened to
        (n, params), one layer at a time (what :func:`ntkedu.ntk.empirical` contracts).

        Sample i's gradient of a convolution is dg_i·windows_i: (F, P)·(P, s²C), a batched product
        over the H·W positions P — a sum over positions, no longer rank one. A generator, so that
        only one layer's block is alive at a time.
        """
        dg = self.backward(dout, cache).dg
        n = len(dout)
        for name in self.trainable:
            if name == "B":                                              # ∇_B ŷ_k = e_k vec(h_L)ᵀ
                G = (dout[:, :, None] * cache.h[-1].reshape(n, 1, -1)).reshape(n, -1)
            else:
                l = 0 if name == "A" else int(name[1:])
                d = dg[l].reshape(n, dg[l].shape[1], -1)                 # (n, F, P)
                win = cache.conv[l].cols.reshape(n, d.shape[2], -1)      # (n, P, s·s·C)
                G = np.matmul(d, win).reshape(n, -1)                     # (n, F·s·s·C)
            yield name, G

    def per_sample_gradients(self, dout, cache) -> dict:
        """Each sample's own gradient: dict name -> (n, *param.shape).

        For a convolution, sample i's weight gradient sums over positions p the outer products of
        dg_{i,p} (m,) with the window cols_{i,p} (s·s·C,) — no longer rank one.
        """
        out = {}
        for name, G in self.gradient_parts(dout, cache):
            if name == "B":
                out[name] = G.reshape(len(dout), *self.params["B"].shape)
            else:
                F, C, s, _ = self.params[name].shape
                out[name] = G.reshape(len(dout), F, s, s, C).transpose(0, 1, 4, 2, 3)
        return out
