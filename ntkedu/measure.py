"""Measurements of the paper's quantities (paper.md §3): at initialisation and along a run.

At random initialisation the proof needs four facts (paper.md §2.6 step 1), each measurable here:

====================================  =================================  ==========================
fact                                  function                           paper
====================================  =================================  ==========================
‖h_{i,ℓ}‖ ≈ 1 at every layer          :func:`forward_norms`              Lemma 7.1, §3.1, claim C1
‖W_b D ⋯ D W_a‖_2 ≤ O(√L)             :func:`layer_product_norms`        Lemma 7.3, §3.2, claim C2
‖vᵀ B D W ⋯‖ ≤ O(√(m/d_out))‖v‖       :func:`backward_norms`             Lemma 7.4b, §3.3, claim C3
δ-separation survives every layer     :func:`separation_by_layer`        §3.4, claim C4
====================================  =================================  ==========================

and near initialisation the loss is semi-smooth (:func:`semi_smoothness`, Theorem 4, §2.4).
All functions observe: they never change the network they are given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _checks, losses
from .ntk import kappa1
from .networks import MLP, RankOne
from .ops import _ShapesRepr

__all__ = ["loglog_slope", "first_step_below", "spectral_norm", "forward_norms", "layer_product_norms", "LayerProducts",
           "backward_norms", "BackwardNorms", "separation_by_layer", "SeparationByLayer",
           "separation_prediction", "separation_limit", "random_direction", "semi_smoothness",
           "SemiSmoothness"]


def loglog_slope(x, y, *, return_intercept: bool = False):
    """Least-squares slope of log y against log x: the exponent p in y ∝ x^p (paper.md §7 rule).

    x, y : 1-D positive arrays of equal length (at least 2 points).
    """
    x, y = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape or x.size < 2:
        raise ValueError(f"x and y must be 1-D of equal length >= 2, got shapes {x.shape} and {y.shape}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("a log-log slope needs positive x and y values")
    slope, intercept = np.polyfit(np.log(x), np.log(y), 1)
    return (float(slope), float(intercept)) if return_intercept else float(slope)


def _rng(rng) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else _checks.generator(seed=rng)


def _rows(a):
    """(n, ...) -> (n, k): one flattened sample per row."""
    return a.reshape(len(a), -1)


# --------------------------------------------------------------------------------------------------
# Spectral norms by power iteration (paper.md §9.6)
# --------------------------------------------------------------------------------------------------

def first_step_below(values, eps):
    """The first index t with values[t] <= eps · values[0] (e.g. steps to reach ε·F(W_0)), or None.

    values : 1-D sequence, such as a loss curve recorded at every step or a kernel-GD prediction.
    """
    values = np.asarray(values, dtype=float)
    below = np.flatnonzero(values <= eps * values[0])
    return int(below[0]) if below.size else None


def spectral_norm(A, *, iterations: int = 30, rng=0) -> float:
    """‖A‖_2 by power iteration on AᵀA from a random start (paper.md §9.6).

    Each iteration costs two matrix-vector products instead of an O(m³) SVD. The estimate
    ‖A v‖ (v a unit vector) never exceeds ‖A‖_2 and rises towards it; 20–30 iterations give it to
    about a per cent for the m × m Gaussian-like matrices here (the top singular values of such
    matrices are close together, so the *vector* converges slowly, the *value* fast).

    A : 2-D array (a convolution kernel (F, C, s, s) is read as the (F, C·s·s) matrix).
    """
    A = np.asarray(A)
    A = A.reshape(A.shape[0], -1) if A.ndim > 2 else A
    if A.ndim != 2 or A.size == 0:
        raise ValueError(f"A must be a non-empty matrix, got shape {A.shape}")
    iterations = _checks.positive_int("iterations", iterations)
    v = _rng(rng).standard_normal(A.shape[1])
    for _ in range(iterations):
        v /= np.linalg.norm(v)
        v = A.T @ (A @ v)
        if not np.any(v):
            return 0.0
    v /= np.linalg.norm(v)
    return float(np.linalg.norm(A @ v))


# --------------------------------------------------------------------------------------------------
# Forward (Lemma 7.1)
# --------------------------------------------------------------------------------------------------

def forward_norms(net, X) -> np.ndarray:
    """‖h_{i,ℓ}‖ for every sample i and layer ℓ = 0..L (Lemma 7.1, paper.md §3.1).

    At initialisation with unit inputs these are 1 ± O(√(L/m)) for the MLP; the ResNet's grow like
    e^{Θ(τ²ℓ)} (paper.md §4). For the CNN, h_{i,ℓ} is the whole (m, H, W) activation.

    Returns
    -------
    norms : (n, L + 1); column ℓ is layer ℓ (0 is the fixed layer A).
    """
    _, cache = net.forward(X)
    return np.stack([np.linalg.norm(_rows(h), axis=1) for h in cache.h], axis=1)


# --------------------------------------------------------------------------------------------------
# Products of layers (Lemma 7.3)
# --------------------------------------------------------------------------------------------------

@dataclass(repr=False)
class LayerProducts(_ShapesRepr):
    """Spectral norms of W_b D_{b−1} W_{b−1} ⋯ D_a W_a for one start a and every end b (Lemma 7.3).

    start : a.  ends : (k,) the ends b = a..L.  norms : (k,) the spectral norms.
    iterations : power iterations used.
    """
    start: int
    ends: np.ndarray
    norms: np.ndarray
    iterations: int


def layer_product_norms(net, x, start: int = 1, *, iterations: int = 30, rng=0) -> LayerProducts:
    """‖W_b D_{b−1} W_{b−1} ⋯ D_a W_a‖_2 for a = ``start`` and every b = a..L (Lemma 7.3, §3.2, C2).

    The masks D_ℓ are those of the single input ``x`` at initialisation. The paper bounds these
    norms by O(√L) for all a ≤ b; one layer alone has ‖W_ℓ‖_2 ≈ 2√2, and the product grows like
    √(b − a + 1) (paper.md §3.2 measured ≈ 3√L at m = 1024).

    Power iteration (``iterations`` rounds of PᵀP v, from a Gaussian start drawn from ``rng``) runs
    for all ends at once: the product is applied layer by layer to a block of vectors, one per end
    b, so no m × m product matrix is ever formed. Cost per iteration: Σ_b 2(b − a + 1) products of
    an m × m matrix with a vector. The estimate is a lower bound that converges from below.

    For the ResNet the layer's linear part is the residual step I + τ W_ℓ in place of W_ℓ.

    Parameters
    ----------
    net : :class:`ntkedu.MLP` or :class:`ntkedu.ResNet`.
    x : (d_in,) or (1, d_in) one input.
    start : a in 1..L.
    iterations : power iterations (20–30 suffice, paper.md §9.6).
    rng : Generator or int seed for the starting vectors.
    """
    if not isinstance(net, MLP):
        raise ValueError(f"layer_product_norms needs an MLP or ResNet, got {type(net).__name__}")
    x = np.asarray(x)
    x = x[None] if x.ndim == 1 else x
    if x.ndim != 2 or x.shape[0] != 1:
        raise ValueError(f"x must be one input of shape (d_in,) or (1, d_in), got shape {np.shape(x)}")
    L = net.depth
    a = _checks.positive_int("start", start)
    if a > L:
        raise ValueError(f"start must lie in 1..L = 1..{L}, got {a}")
    iterations = _checks.positive_int("iterations", iterations)
    _, cache = net.forward(x)
    D = [mask[0] for mask in cache.D]                     # D_ℓ of this input, (m,) each
    layer, layer_T = net.layer, net.layer_T               # rows v ↦ W_ℓ v (ResNet: v + τW_ℓ v), and ᵀ

    # Row j of the block belongs to the end b = a + j. Rows with b >= ℓ are V[ℓ − a:], and among
    # them those with b > ℓ (all but the first) carry the mask D_ℓ after W_ℓ.
    def apply(V):                                         # P_b v for every row
        V = V.copy()
        for l in range(a, L + 1):
            V[l - a:] = layer(l, V[l - a:])
            V[l - a + 1:] *= D[l]
        return V

    def apply_T(V):                                       # P_bᵀ u for every row
        V = V.copy()
        for l in range(L, a - 1, -1):
            V[l - a + 1:] *= D[l]
            V[l - a:] = layer_T(l, V[l - a:])
        return V

    V = _rng(rng).standard_normal((L - a + 1, net.width))
    for _ in range(iterations):
        V /= np.linalg.norm(V, axis=1, keepdims=True)
        V = apply_T(apply(V))
    V /= np.linalg.norm(V, axis=1, keepdims=True)
    norms = np.linalg.norm(apply(V), axis=1)
    return LayerProducts(a, np.arange(a, L + 1), norms, iterations)


# --------------------------------------------------------------------------------------------------
# Backward signal (Lemma 7.4b)
# --------------------------------------------------------------------------------------------------

@dataclass(repr=False)
class BackwardNorms(_ShapesRepr):
    """Backward-signal sizes at layers ℓ = 1..L (Lemma 7.4b, paper.md §3.3, claim C3).

    layers : (L,) = 1..L.
    back : (n, L) ‖Back_{i,ℓ}ᵀ‖_2 / √(m/d_out), Back_{i,ℓ} = B D_{i,L} W_L ⋯ D_{i,ℓ+1} W_{ℓ+1}.
    signal : (n, L) ‖D_{i,ℓ} Back_{i,ℓ}ᵀ‖_2 / √(m/d_out), the masked vector that multiplies
        h_{i,ℓ−1}ᵀ in the gradient (≈ √½ at ℓ = L: half the units are active).
    grad_ratio : (n, L) ‖∇_{W_ℓ} F_i‖_F / (√m·‖ŷ_i − y_i*‖) (paper.md §1.3, C3).
    scale : √(m/d_out) (for the CNN m means m·H·W, the units of a layer).
    """
    layers: np.ndarray
    back: np.ndarray
    signal: np.ndarray
    grad_ratio: np.ndarray
    scale: float


def _spectral_per_sample(blocks):
    """For blocks (d_out, n, k): per sample i the spectral norm of the (k, d_out) matrix [b_1 … b_d]."""
    G = np.einsum("ank,bnk->nab", blocks, blocks)        # (n, d_out, d_out) per-sample Grams
    return np.sqrt(np.clip(np.linalg.eigvalsh(G)[:, -1], 0.0, None))


def _per_sample_norms(part):
    """‖∇F_i‖_F for every sample i of one parameter's gradient part (see ``net.gradient_parts``)."""
    if isinstance(part, RankOne):   # outer(left_i, right_i): its Frobenius norm is ‖left_i‖·‖right_i‖
        return np.linalg.norm(part.left, axis=1) * np.linalg.norm(part.right, axis=1)
    return np.linalg.norm(part, axis=1)


def backward_norms(net, X, Y=None) -> BackwardNorms:
    """Sizes of the backward signal and of the per-sample gradients at initialisation (Lemma 7.4b).

    Lemma 7.4b: ‖vᵀ B D_{i,L} W_L ⋯ D_{i,a} W_a‖ ≤ O(√(m/d_out))·‖v‖ — the backward operator is as
    large as B itself (‖B‖_2 ≈ √(m/d_out)) and does not grow with depth. Consequently
    ‖∇_{W_ℓ} F_i‖_F = ‖D Backᵀ (ŷ_i − y_i*)‖·‖h_{i,ℓ−1}‖ ≈ √(m/(2 d_out))·‖ŷ_i − y_i*‖: gradients
    grow like √m, which is why η ∝ 1/m (paper.md §1.3). All ratios here are O(1) and flat in m.

    One backward pass per output coordinate (dout = e_k) gives the rows of Back_{i,ℓ}ᵀ; the
    spectral norm of the m × d_out matrix comes from its d_out × d_out Gram.

    Parameters
    ----------
    net : MLP, ResNet or CNN.  X : n inputs.
    Y : (n, d_out) targets for the residual ŷ − y* in ``grad_ratio``; default 0 (residual = ŷ).
        With d_out = 1 the ratio does not depend on the residual.
    """
    out, cache = net.forward(X)
    n, d_out = out.shape
    L = net.depth
    Y = np.zeros_like(out) if Y is None else _checks.array("Y", Y, ndim=2, shape=out.shape, dtype=out.dtype)
    back = np.zeros((d_out, L, n, net.units))
    signal = np.zeros_like(back)
    for k in range(d_out):
        dout = np.zeros_like(out)
        dout[:, k] = 1.0
        grads = net.backward(dout, cache)                 # dh[ℓ] = Back_ℓᵀ e_k, dg[ℓ] = D_ℓ Back_ℓᵀ e_k
        for l in range(1, L + 1):
            signal[k, l - 1] = _rows(grads.dg[l])
            back[k, l - 1] = _rows(grads.dh[l])
    scale = float(np.sqrt(net.units / d_out))
    back_norm = np.stack([_spectral_per_sample(back[:, l]) for l in range(L)], axis=1) / scale
    signal_norm = np.stack([_spectral_per_sample(signal[:, l]) for l in range(L)], axis=1) / scale

    residual = out - Y
    parts = dict(net.gradient_parts(residual, cache))
    grad = np.stack([_per_sample_norms(parts[f"W{l}"]) for l in range(1, L + 1)], axis=1)
    r = np.linalg.norm(residual, axis=1)[:, None]
    grad_ratio = np.divide(grad, np.sqrt(net.units) * r, out=np.full_like(grad, np.nan), where=r > 0)
    return BackwardNorms(np.arange(1, L + 1), back_norm, signal_norm, grad_ratio, scale)


# --------------------------------------------------------------------------------------------------
# Separation through the layers (§3.4)
# --------------------------------------------------------------------------------------------------

@dataclass(repr=False)
class SeparationByLayer(_ShapesRepr):
    """sin∠(h_{i,ℓ}, h_{j,ℓ}) layer by layer (paper.md §3.4, claim C4).

    layers : (L + 2,) = −1, 0, 1, …, L; layer −1 is the input x itself.
    sin : (L + 2,) the sine of the angle; for all pairs, the smallest over pairs at each layer.
    pairs : (L + 2, 2) the pair (i, j) attaining it at each layer.
    delta : the input separation ‖x_i − x_j‖ (min over pairs, or of the given pair).
    """
    layers: np.ndarray
    sin: np.ndarray
    pairs: np.ndarray
    delta: float


def _sin_angles(F):
    """(n, k) rows -> (n, n) sines of the pairwise angles (diagonal +inf)."""
    norms = np.linalg.norm(F, axis=1)
    cos = (F @ F.T) / np.outer(norms, norms)
    sin = np.sqrt(np.clip(1.0 - cos**2, 0.0, None))
    np.fill_diagonal(sin, np.inf)
    return sin


def separation_by_layer(net, X, pair=None) -> SeparationByLayer:
    """How well the layers keep inputs apart: sin∠(h_{i,ℓ}, h_{j,ℓ}) for ℓ = −1 (input), 0..L (§3.4).

    The paper needs, for every pair and layer, that the part of h_{j,ℓ} orthogonal to h_{i,ℓ} has
    norm Ω(δ); with ‖h‖ ≈ 1 that is sin∠ ≥ Ω(δ). Compare with :func:`separation_prediction` and
    :func:`separation_limit` (infinite width).

    Parameters
    ----------
    net : MLP, ResNet or CNN.  X : n >= 2 inputs.
    pair : (i, j) to follow one pair; default: the smallest sine over all pairs at each layer.
    """
    out, cache = net.forward(X)
    n = len(out)
    if n < 2:
        raise ValueError(f"X must hold at least 2 inputs, got {n}")
    feats = [_rows(np.asarray(X, dtype=np.float64))] + [_rows(h) for h in cache.h]
    Xf = feats[0]
    if pair is not None:
        i, j = (int(p) for p in pair)
        if not (0 <= i < n and 0 <= j < n and i != j):
            raise ValueError(f"pair must be two different indices in [0, {n}), got {pair!r}")
        sin = np.array([_sin_angles(F[[i, j]])[0, 1] for F in feats])
        pairs = np.tile([i, j], (len(feats), 1))
        delta = float(np.linalg.norm(Xf[i] - Xf[j]))
    else:
        sin, pairs = [], []
        for F in feats:
            S = _sin_angles(F)
            i, j = np.unravel_index(np.argmin(S), S.shape)
            sin.append(S[i, j])
            pairs.append((min(i, j), max(i, j)))
        sin, pairs = np.array(sin), np.array(pairs)
        dist = np.linalg.norm(Xf[:, None] - Xf[None], axis=2)
        np.fill_diagonal(dist, np.inf)
        delta = float(dist.min())
    return SeparationByLayer(np.arange(-1, net.depth + 1), sin, pairs, delta)


def separation_prediction(delta, layers):
    """The small-angle law sin θ_ℓ ≈ δ / (1 + (ℓ + 1)·δ/(3π)) (paper.md §3.4).

    One He-scaled ReLU layer maps an angle θ to θ(1 − θ/(3π)) + O(θ³); counting h_0 as the first
    layer gives the formula. The separation halves near ℓ ≈ 3π/δ, hence the paper's δ ≤ O(1/L).

    delta : input separation ‖x_i − x_j‖ of unit inputs (≈ the input angle for small δ).
    layers : int or array of layer indices ℓ >= −1 (−1: the input itself).
    """
    delta = _checks.positive_float("delta", delta)
    ell = np.asarray(layers, dtype=np.float64)
    return delta / (1.0 + (ell + 1.0) * delta / (3.0 * np.pi))


def separation_limit(delta, layers):
    """sin θ_ℓ of the infinitely wide MLP: the input correlation iterated through κ₁ (paper.md §3.4, §6.2).

    Unit inputs at distance δ have cos θ_{−1} = 1 − δ²/2; each layer (A included) maps
    cos θ ↦ κ₁(cos θ). Exact at infinite width for the MLP (not the ResNet), valid for any δ ≤ 2.

    layers : int or array of layer indices ℓ >= −1.  Returns sin θ_ℓ, same shape as ``layers``.
    """
    delta = _checks.positive_float("delta", delta)
    if delta > 2:
        raise ValueError(f"delta must be at most 2 for unit inputs, got {delta}")
    ell = np.asarray(layers)
    if not np.issubdtype(ell.dtype, np.integer) or np.any(ell < -1):
        raise ValueError(f"layers must be integers >= -1, got {layers!r}")
    cos = [1.0 - delta**2 / 2.0]                         # layer −1: the inputs
    for _ in range(int(ell.max(initial=-1)) + 1):
        cos.append(float(kappa1(cos[-1])))
    cos = np.asarray(cos)[ell + 1]
    return np.sqrt(np.clip((1.0 - cos) * (1.0 + cos), 0.0, None))


# --------------------------------------------------------------------------------------------------
# Semi-smoothness (Theorem 4)
# --------------------------------------------------------------------------------------------------

_NORMS = ("spectral", "frobenius")


def _direction_size(direction, norm, iterations=30):
    if norm == "spectral":                                # ‖W′‖_2 := max_ℓ ‖W′_ℓ‖_2 (paper.md §1.2)
        return max(spectral_norm(a, iterations=iterations) for a in direction.values())
    return float(np.sqrt(sum(np.sum(a**2) for a in direction.values())))   # (Σ_ℓ ‖W′_ℓ‖_F²)^{1/2}


def _check_norm(norm):
    if norm not in _NORMS:
        raise ValueError(f"norm must be one of {_NORMS}, got {norm!r}")
    return norm


def random_direction(net, rng, *, norm: str = "spectral") -> dict:
    """A Gaussian direction W′ over the trainable parameters, normalised to size 1.

    ``norm="spectral"``: max_ℓ ‖W′_ℓ‖_2 = 1, the paper's tuple norm ‖W′‖_2 (paper.md §1.2), by
    power iteration (so within about a per cent). ``"frobenius"``: (Σ_ℓ ‖W′_ℓ‖_F²)^{1/2} = 1.
    A convolution kernel is read as an (F, C·s·s) matrix for the spectral norm.

    Returns
    -------
    dict name -> array of the parameter's shape, for every name in ``net.trainable``.
    """
    rng = _rng(rng)
    norm = _check_norm(norm)
    direction = {name: rng.standard_normal(net.params[name].shape) for name in net.trainable}
    size = _direction_size(direction, norm)
    return {name: (a / size).astype(net.dtype) for name, a in direction.items()}


@dataclass(repr=False)
class SemiSmoothness(_ShapesRepr):
    """F along a ray W + r·W′ next to its first-order prediction (Theorem 4, paper.md §2.4).

    sizes : (k,) r.  loss : (k,) F(W + rW′).  first_order : (k,) F(W) + r⟨∇F(W), W′⟩.
    gap : (k,) loss − first_order.  loss0 : F(W).  slope : ⟨∇F(W), W′⟩.
    norm : the norm in which ‖W′‖ = 1.
    quadratic_scale : n·L²·m/d_out, the constant-free coefficient of ‖rW′‖_2² in Theorem 4, so
        gap / (quadratic_scale·r²) is the bound's hidden constant as measured.
    """
    sizes: np.ndarray
    loss: np.ndarray
    first_order: np.ndarray
    gap: np.ndarray
    loss0: float
    slope: float
    norm: str
    quadratic_scale: float


def semi_smoothness(net, X, Y, direction, sizes, *, loss: str = "squared",
                    norm: str = "spectral") -> SemiSmoothness:
    """Theorem 4 (semi-smoothness) measured along a ray from the current weights W (paper.md §2.4).

    The paper's bound (its exact form reconstructed, paper.md §2.4) for ‖W′‖_2 ≤ ω near init::

        F(W + W′) ≤ F(W) + ⟨∇F(W), W′⟩
                    + O(√(n·m·log m / d) · ω^{1/3} · L²) · ‖W′‖_2 · √F(W)    ReLU kinks: first order
                    + O(n·L²·m / d) · ‖W′‖_2²                               smooth part: quadratic

    Between kinks F is a smooth function of W, so the gap is ≈ c·r² for small r. A ReLU that flips
    sign on the way adds an error linear in the distance past its kink; the paper bounds the total
    by the middle term because only O(m ω^{2/3} L) units flip (Lemma 8.2). So gap / r → 0 as r → 0,
    and gap / r² stays of the order n L² m / d_out.

    Parameters
    ----------
    net : any network; its parameters are not changed (a copy is moved along the ray).
    X, Y : inputs and targets (Y class labels for ``loss="cross_entropy"``).
    direction : dict name -> array for names in ``net.trainable`` (missing names: no movement).
        It is rescaled to size 1 in ``norm``, so ``sizes`` are the actual ‖rW′‖.
    sizes : 1-D positive r values.
    loss : "squared" or "cross_entropy" (any name :func:`ntkedu.losses.get` knows).
    norm : "spectral" (max_ℓ ‖W′_ℓ‖_2, the paper's) or "frobenius".
    """
    norm = _check_norm(norm)
    sizes = np.asarray(sizes, dtype=np.float64)
    if sizes.ndim != 1 or sizes.size == 0 or np.any(~np.isfinite(sizes)) or np.any(sizes <= 0):
        raise ValueError(f"sizes must be a 1-D array of positive numbers, got {sizes!r}")
    unknown = set(direction) - set(net.trainable)
    if unknown:
        raise ValueError(f"direction has names {sorted(unknown)} that are not trainable {net.trainable}")
    for name, a in direction.items():
        if np.shape(a) != net.params[name].shape:
            raise ValueError(f"direction[{name!r}] must have shape {net.params[name].shape}, "
                             f"got {np.shape(a)}")
    size = _direction_size({k: np.asarray(v, dtype=np.float64) for k, v in direction.items()}, norm)
    if size == 0:
        raise ValueError("direction is zero")
    unit = {name: np.asarray(a, dtype=np.float64) / size for name, a in direction.items()}

    loss_fn = losses.get(loss).fn
    value0, grads, _, _ = net.loss_and_grads(X, Y, loss=loss)
    slope = float(sum(np.sum(grads[name] * unit[name]) for name in unit))   # ⟨∇F(W), W′⟩
    moved = net.copy()
    values = []
    for r in sizes:
        for name in unit:
            moved.params[name] = (net.params[name] + r * unit[name]).astype(net.dtype)
        values.append(loss_fn(moved.forward(X)[0], Y)[0])
    values = np.array(values)
    first_order = value0 + sizes * slope
    n = len(Y)
    scale = n * net.depth**2 * net.width / net.d_out
    return SemiSmoothness(sizes, values, first_order, values - first_order, float(value0), slope, norm,
                          float(scale))
