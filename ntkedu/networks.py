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
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from . import _checks, losses
from .ops import _ShapesRepr, conv_backward_w, conv_backward_x, conv_forward

__all__ = ["MLP", "ResNet", "CNN", "MLPCache", "CNNCache", "RankOne"]


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


@dataclass(repr=False)
class RankOne(_ShapesRepr):
    """A gradient that is a sum of per-sample outer products (paper §1.3).

    Sample i contributes ``outer(left[i], right[i])``; the full gradient is ``left.T @ right``.
    left : (n, p), right : (n, q).
    """
    left: np.ndarray
    right: np.ndarray


def _shape(a) -> str:
    return "x".join(map(str, np.shape(a)))


class _Network:
    """What the three networks share: parameters, the trainable set, checks and ``repr``."""

    kind = "network"

    def __init__(self, width, depth, d_out, seed, rng, dtype, train_all):
        self.width = _checks.positive_int("width", width)
        self.depth = _checks.positive_int("depth", depth)
        self.d_out = _checks.positive_int("d_out", d_out)
        self.dtype = _checks.float_dtype(dtype)
        self.train_all = bool(train_all)
        self._rng = _checks.generator(seed, rng)

    # The paper's initialisation (paper.md §1.2): one stream, drawn in the order A, W1..WL, B.
    def _init_params(self, shapes_and_vars) -> dict:
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
        return sum(self.params[k].size for k in self.trainable)

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

    def _check_dout(self, dout, cache):
        return _checks.array("dout", dout, ndim=2, shape=cache.out.shape, dtype=self.dtype)

    def loss_and_grads(self, X, Y, loss="squared"):
        """One forward and backward pass: returns (loss, grads, out, cache)."""
        out, cache = self.forward(X)
        value, dout = losses.get(loss).fn(out, Y)
        return value, self.backward(dout, cache), out, cache

    def __repr__(self) -> str:
        parts = []
        for name, p in self.params.items():
            parts.append(f"{name} {_shape(p)} {'trained' if name in self.trainable else 'fixed'}")
        return f"{self._signature()}\n  " + "\n  ".join(parts)


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

    kind = "mlp"

    def __init__(self, d_in, width, depth, d_out=1, *, seed=None, rng=None, dtype=np.float64,
                 train_all=False):
        super().__init__(width, depth, d_out, seed, rng, dtype, train_all)
        self.d_in = _checks.positive_int("d_in", d_in)
        m = self.width
        self._param_shapes = {"A": (m, self.d_in), **{w: (m, m) for w in self.layer_names},
                              "B": (self.d_out, m)}
        self.params = self._init_params(
            [("A", (m, self.d_in), 2 / m)]
            + [(w, (m, m), 2 / m) for w in self.layer_names]
            + [("B", (self.d_out, m), 1 / self.d_out)])

    def config(self) -> dict:
        return {**super().config(), "d_in": self.d_in}

    def _signature(self) -> str:
        return (f"{type(self).__name__}(d_in={self.d_in}, width={self.width}, depth={self.depth}, "
                f"d_out={self.d_out}, dtype={self.dtype.name})")

    def _check_input(self, X):
        return _checks.array("X", X, ndim=2, shape=(None, self.d_in), dtype=self.dtype)

    def _layer(self, l, h_prev):
        """g_ℓ = W_ℓ h_{ℓ−1}, for every row of h_prev."""
        return h_prev @ self.params[f"W{l}"].T

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
        X = self._check_input(X)
        self._check_params()
        g = [X @ self.params["A"].T]                 # g_0 = A x
        h = [np.maximum(g[0], 0)]                    # h_0 = φ(g_0)
        for l in range(1, self.depth + 1):
            g.append(self._layer(l, h[l - 1]))       # g_ℓ = W_ℓ h_{ℓ−1}   (ResNet: h_{ℓ−1} + τ W_ℓ h_{ℓ−1})
            h.append(np.maximum(g[l], 0))            # h_ℓ = φ(g_ℓ)
        out = h[-1] @ self.params["B"].T             # ŷ = B h_L
        return out, MLPCache(X, g, h, [gl > 0 for gl in g], out)

    def _back_through_layer(self, l, dg):
        """∂/∂h_{ℓ−1} from ∂/∂g_ℓ: W_ℓᵀ dg_ℓ."""
        return dg @ self.params[f"W{l}"]

    def backward_signals(self, dout, cache):
        """The backward vectors dg[ℓ] = ∂(Σ_i ⟨dout_i, ŷ_i⟩)/∂g_ℓ, one row per sample (paper §1.3).

        Row i of dg[ℓ] is D_{i,ℓ} Back_{i,ℓ}ᵀ dout_i with Back_{i,ℓ} = B D_{i,L} W_L ⋯ D_{i,ℓ+1} W_{ℓ+1}.

        Parameters
        ----------
        dout : (n, d_out), usually the loss gradient ŷ − y*.
        cache : the :class:`MLPCache` of the forward pass that produced ŷ.

        Returns
        -------
        dg : list of L + 1 arrays (n, m); dg[0] is None unless A trains (it would cost a product).
        """
        dout = self._check_dout(dout, cache)
        dg = [None] * (self.depth + 1)
        dh = dout @ self.params["B"]                      # ∂/∂h_L = Bᵀ dout
        for l in range(self.depth, 0, -1):
            dg[l] = dh * cache.D[l]                       # ∂/∂g_ℓ = D_ℓ ∂/∂h_ℓ
            if l == 1 and not self.train_all:
                break                                     # A is fixed: nothing below layer 1 is needed
            dh = self._back_through_layer(l, dg[l])       # ∂/∂h_{ℓ−1} = W_ℓᵀ ∂/∂g_ℓ
        if self.train_all:
            dg[0] = dh * cache.D[0]
        return dg

    def gradient_factors(self, dout, cache) -> dict:
        """Each trainable gradient as a sum of per-sample rank-one terms (paper §1.3).

        ∇_{W_ℓ} F = Σ_i [D_{i,ℓ} Back_{i,ℓ}ᵀ (ŷ_i − y_i*)] h_{i,ℓ−1}ᵀ, i.e. ``RankOne(dg[ℓ], h[ℓ−1])``.
        The layer-wise empirical NTK (:func:`ntkedu.ntk.empirical`) is built from these factors.

        Returns
        -------
        dict name -> :class:`RankOne`, in the order of ``net.trainable``.
        """
        dg = self.backward_signals(dout, cache)
        tau = self._branch_scale                          # 1 for the MLP: use dg itself, no scaled copy
        factors = {f"W{l}": RankOne(dg[l] if tau == 1 else tau * dg[l], cache.h[l - 1])
                   for l in range(1, self.depth + 1)}
        if self.train_all:
            factors = {"A": RankOne(dg[0], cache.X), **factors,
                       "B": RankOne(self._check_dout(dout, cache), cache.h[-1])}
        return factors

    _branch_scale = 1.0  # the ResNet's τ multiplies every W_ℓ-gradient

    def backward(self, dout, cache) -> dict:
        """Gradients of Σ_i ⟨dout_i, ŷ_i⟩ for every trainable parameter (fresh arrays).

        With dout = ŷ − y*, this is ∇F of the squared loss: ∇_{W_ℓ} F = Σ_i dg_{i,ℓ} h_{i,ℓ−1}ᵀ.

        Returns
        -------
        dict name -> array of the parameter's shape, for the names in ``net.trainable``.
        """
        return {name: f.left.T @ f.right for name, f in self.gradient_factors(dout, cache).items()}

    def per_sample_gradients(self, dout, cache) -> dict:
        """Each sample's own gradient: dict name -> (n, *param.shape). Memory n × #params: small nets only."""
        return {name: np.einsum("ip,iq->ipq", f.left, f.right)
                for name, f in self.gradient_factors(dout, cache).items()}


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

    kind = "resnet"

    def __init__(self, d_in, width, depth, d_out=1, *, tau, seed=None, rng=None, dtype=np.float64,
                 train_all=False):
        self.tau = _checks.positive_float("tau", tau)
        super().__init__(d_in, width, depth, d_out, seed=seed, rng=rng, dtype=dtype, train_all=train_all)

    @property
    def _branch_scale(self):
        return self.tau

    def config(self) -> dict:
        return {**super().config(), "tau": self.tau}

    def _signature(self) -> str:
        return super()._signature()[:-1] + f", tau={self.tau:g})"

    def _layer(self, l, h_prev):
        """g_ℓ = h_{ℓ−1} + τ W_ℓ h_{ℓ−1} (residual step before the ReLU)."""
        return h_prev + self.tau * (h_prev @ self.params[f"W{l}"].T)

    def _back_through_layer(self, l, dg):
        """∂/∂h_{ℓ−1} = dg_ℓ + τ W_ℓᵀ dg_ℓ: the identity path carries the signal straight down."""
        return dg + self.tau * (dg @ self.params[f"W{l}"])


class CNN(_Network):
    """A convolutional network in the paper's recipe (paper.md §5).

    The paper's CNN section could not be consulted; this network is a **reconstruction** that keeps
    the fully-connected theory's structure, as paper.md §5 says::

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

    kind = "cnn"

    def __init__(self, in_shape, width, depth, d_out=1, kernel_size=3, *, seed=None, rng=None,
                 dtype=np.float64, train_all=False):
        super().__init__(width, depth, d_out, seed, rng, dtype, train_all)
        if np.ndim(in_shape) != 1 or len(in_shape) != 3:
            raise ValueError(f"in_shape must be (C, H, W), got {in_shape!r}")
        self.in_shape = tuple(_checks.positive_int(k, v) for k, v in zip(("C", "H", "W"), in_shape))
        self.kernel_size = s = _checks.positive_int("kernel_size", kernel_size)
        if s % 2 == 0:
            raise ValueError(f"kernel_size must be odd for 'same' padding, got {s}")
        C, H, W = self.in_shape
        m = self.width
        self._param_shapes = {"A": (m, C, s, s), **{w: (m, m, s, s) for w in self.layer_names},
                              "B": (self.d_out, m * H * W)}
        self.params = self._init_params(
            [("A", (m, C, s, s), 2 / (s * s * m))]
            + [(w, (m, m, s, s), 2 / (s * s * m)) for w in self.layer_names]
            + [("B", (self.d_out, m * H * W), 1 / self.d_out)])

    def config(self) -> dict:
        return {**super().config(), "in_shape": list(self.in_shape), "kernel_size": self.kernel_size}

    def _signature(self) -> str:
        return (f"CNN(in_shape={self.in_shape}, width={self.width}, depth={self.depth}, "
                f"d_out={self.d_out}, kernel_size={self.kernel_size}, dtype={self.dtype.name})")

    def _check_input(self, X):
        return _checks.array("X", X, ndim=4, shape=(None, *self.in_shape), dtype=self.dtype)

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
        X = self._check_input(X)
        self._check_params()
        g0, conv0 = conv_forward(X, self.params["A"])            # g_0 = A ⋆ x
        g, h, conv = [g0], [np.maximum(g0, 0)], [conv0]
        for l in range(1, self.depth + 1):
            gl, convl = conv_forward(h[l - 1], self.params[f"W{l}"])   # g_ℓ = W_ℓ ⋆ h_{ℓ−1}
            g.append(gl)
            h.append(np.maximum(gl, 0))                          # h_ℓ = φ(g_ℓ)
            conv.append(convl)
        out = h[-1].reshape(len(X), -1) @ self.params["B"].T      # ŷ = B vec(h_L)
        return out, CNNCache(X, g, h, [gl > 0 for gl in g], out, conv)

    def backward_signals(self, dout, cache):
        """dg[ℓ] = ∂(Σ_i ⟨dout_i, ŷ_i⟩)/∂g_ℓ, shape (n, m, H, W); dg[0] is None unless A trains."""
        dout = self._check_dout(dout, cache)
        dg = [None] * (self.depth + 1)
        dh = (dout @ self.params["B"]).reshape(cache.h[-1].shape)   # ∂/∂h_L = Bᵀ dout
        for l in range(self.depth, 0, -1):
            dg[l] = dh * cache.D[l]                                  # ∂/∂g_ℓ = D_ℓ ∂/∂h_ℓ
            if l == 1 and not self.train_all:
                break
            dh = conv_backward_x(dg[l], cache.conv[l])               # ∂/∂h_{ℓ−1} = W_ℓᵀ ⋆ ∂/∂g_ℓ
        if self.train_all:
            dg[0] = dh * cache.D[0]
        return dg

    def backward(self, dout, cache) -> dict:
        """Gradients of Σ_i ⟨dout_i, ŷ_i⟩ for every trainable parameter (fresh arrays)."""
        dout = self._check_dout(dout, cache)
        dg = self.backward_signals(dout, cache)
        grads = {f"W{l}": conv_backward_w(dg[l], cache.conv[l]) for l in range(1, self.depth + 1)}
        if self.train_all:
            grads = {"A": conv_backward_w(dg[0], cache.conv[0]), **grads,
                     "B": dout.T @ cache.h[-1].reshape(len(dout), -1)}
        return grads

    def per_sample_gradients(self, dout, cache) -> dict:
        """Each sample's own gradient: dict name -> (n, *param.shape).

        For a convolution, sample i's weight gradient sums over positions p the outer products of
        dg_{i,p} (m,) with the window cols_{i,p} (s·s·C,) — no longer rank one.
        """
        dg = self.backward_signals(dout, cache)
        n = len(dout)
        out = {}
        for l in ([0] if self.train_all else []) + list(range(1, self.depth + 1)):
            name = "A" if l == 0 else f"W{l}"
            F, C, s, _ = self.params[name].shape
            d = dg[l].transpose(0, 2, 3, 1).reshape(n, -1, F)             # (n, positions, F)
            cols = cache.conv[l].cols.reshape(n, d.shape[1], -1)           # (n, positions, s*s*C)
            out[name] = np.einsum("npf,npk->nfk", d, cols).reshape(n, F, s, s, C).transpose(0, 1, 4, 2, 3)
        if self.train_all:
            out["B"] = np.einsum("ip,iq->ipq", self._check_dout(dout, cache), cache.h[-1].reshape(n, -1))
        return {name: out[name] for name in self.trainable}
