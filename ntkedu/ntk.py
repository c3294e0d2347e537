"""Neural tangent kernels of the paper's networks: empirical (finite m) and analytic (m → ∞).

The NTK of a network with outputs ŷ and trained parameters W is the Gram matrix of the per-sample
gradients, Θ(x_i, x_j) = ⟨∇_W ŷ(x_i), ∇_W ŷ(x_j)⟩ (paper.md §6). For the paper's network it is
built from the rank-one per-sample gradients of §1.3 without ever forming a Jacobian::

    ∇_{W_ℓ} ŷ_i = b_{i,ℓ} h_{i,ℓ−1}ᵀ     ⇒     Θ = Σ_ℓ (H_{ℓ−1} H_{ℓ−1}ᵀ) ⊙ (B_ℓ B_ℓᵀ)     (paper.md §9.4)

Parameterisation: the paper's standard (He) scaling with no 1/√m multipliers, so the empirical
kernel grows like m and Θ_m / m → Θ̄, the analytic kernel of paper.md §6.2. Kernel gradient descent
on the squared *sum* loss moves the outputs by u_{t+1} − y = (I − ηΘ)(u_t − y); time = η × steps.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from . import _checks, memory
from .threads import one_thread
from .ops import RankOne, _ShapesRepr

__all__ = ["kappa0", "kappa1", "analytic", "analytic_resnet", "empirical", "memory_estimate",
           "eigen", "Eigen", "max_learning_rate", "kernel_gd_prediction", "KernelGDPrediction",
           "residual_along_eigenvectors", "ResidualProjection", "kernel_distance"]

MEMORY_WARNING_BYTES = 300 * 2**20   # say how much memory a kernel needs before building more than this


# --------------------------------------------------------------------------------------------------
# Arc-cosine maps of the ReLU at He scale (paper.md §6.2)
# --------------------------------------------------------------------------------------------------

def kappa1(rho):
    """κ₁(ρ) = (√(1−ρ²) + (π − arccos ρ)·ρ) / π = 2·E[φ(u)φ(v)] (paper.md §6.2).

    u, v are standard Gaussians with correlation ρ; κ₁ maps the correlation of two inputs of a
    He-initialised ReLU layer to the (normalised) inner product of its outputs. κ₁(1) = 1,
    κ₁(0) = 1/π, κ₁(−1) = 0, and κ₁ ≥ 0. ρ is clipped to [−1, 1] against round-off.
    """
    rho = np.clip(rho, -1.0, 1.0)
    return (np.sqrt(1.0 - rho**2) + (np.pi - np.arccos(rho)) * rho) / np.pi


def kappa0(rho):
    """κ₀(ρ) = (π − arccos ρ) / π = 2·E[1(u>0)·1(v>0)] (paper.md §6.2).

    The derivative kernel: twice the probability that a ReLU is active for both inputs. κ₀(1) = 1,
    κ₀(0) = ½. (One secondary source prints an extra factor ρ; that is a typo, see §6.2.)
    """
    rho = np.clip(rho, -1.0, 1.0)
    return (np.pi - np.arccos(rho)) / np.pi


def _correlation(K):
    """K_ij / √(K_ii K_jj) and the outer product of norms √(K_ii K_jj); zero rows give ρ = 0."""
    norms = np.sqrt(np.clip(np.diag(K), 0.0, None))
    scale = np.outer(norms, norms)
    rho = np.divide(K, scale, out=np.zeros_like(K), where=scale > 0)
    return rho, scale


def _relu_layer(K):
    """One He-scaled ReLU layer in the limit: (K_next, K̇) = (√(K_ii K_jj)·κ₁(ρ), κ₀(ρ)).

    For general norms κ is applied to the normalised correlation and the result multiplied by the
    norms (paper.md §6.2), because φ is positively homogeneous.
    """
    rho, scale = _correlation(K)
    return scale * kappa1(rho), kappa0(rho)


def _check_X(X) -> np.ndarray:
    X = _checks.array("X", X, ndim=2, dtype=np.float64)
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X must have shape (n, d_in) with n, d_in >= 1, got shape {X.shape}")
    return X


# --------------------------------------------------------------------------------------------------
# Analytic (infinite-width) kernel of the MLP
# --------------------------------------------------------------------------------------------------

def analytic(X, depth, d_out=1, *, train_all=False):
    """Θ̄ = lim_{m→∞} Θ_m / m for the paper's MLP with only W_1..W_L trained (paper.md §6.2).

    .. math::

        K_{-1} = X X^T,\\quad K_0 = κ_1(K_{-1}),\\quad \\dot K_ℓ = κ_0(K_{ℓ-1}),\\quad
        K_ℓ = κ_1(K_{ℓ-1})\\ (ℓ = 1..L),

        \\bar Θ = \\frac{1}{2 d_{out}} \\sum_{ℓ=1}^{L} K_{ℓ-1} \\odot \\prod_{j=ℓ}^{L} \\dot K_j .

    K_ℓ is the limit of ⟨h_ℓ(x), h_ℓ(x')⟩ and K̇_j / 2 the fraction of units of layer j active for
    both inputs; the factor 1/(2 d_out) is E‖row of B‖²/m · ½. For unit inputs the diagonal is
    L / (2 d_out). Every output coordinate has this same kernel and different outputs decouple as
    m → ∞, so one (n, n) matrix describes all of them.

    Parameters
    ----------
    X : (n, d_in) float inputs, any norms (κ acts on correlations, norms are carried along).
    depth : L, the number of trained layers.
    d_out : output dimension (B ~ N(0, 1/d_out)).
    train_all : also count the gradient of A. Its term is (1/(2 d_out)) K_{−1} ⊙ Π_{j=0}^{L} K̇_j.
        The gradient of B contributes ⟨h_L, h'_L⟩ = K_L, which does not grow with m, so it
        vanishes from Θ_m / m and is left out.

    Returns
    -------
    Kbar : (n, n) symmetric positive semi-definite.

    Examples
    --------
    >>> from ntkedu import data
    >>> X = data.unit_inputs(5, 4, rng=0)
    >>> np.allclose(np.diag(analytic(X, depth=3)), 3 / 2)
    True
    """
    X = _check_X(X)
    L = _checks.positive_int("depth", depth)
    d_out = _checks.positive_int("d_out", d_out)
    n = len(X)   # K_{−1..L}, K̇_{0..L} and two temporaries, n × n each
    memory.check((2 * L + 6) * n * n * 8, f"ntk.analytic: the {n}×{n} kernel of depth {L}")
    K = [X @ X.T]                      # K_{−1}; stored at index 0, so K_ℓ sits at index ℓ + 1
    Kdot = []                          # Kdot[j] = K̇_j, j = 0..L
    for _ in range(L + 1):
        K_next, Kdot_j = _relu_layer(K[-1])
        K.append(K_next)
        Kdot.append(Kdot_j)
    # Σ_ℓ K_{ℓ−1} Π_{j≥ℓ} K̇_j, accumulating the product from the top layer down
    Kbar = np.zeros_like(K[0])
    back = np.ones_like(K[0])          # Π_{j=ℓ}^{L} K̇_j
    for l in range(L, 0, -1):
        back = back * Kdot[l]
        Kbar += K[l] * back            # K[l] is K_{ℓ−1}
    if train_all:
        Kbar += K[0] * back * Kdot[0]  # the A term: ∇_A ŷ = b_0 xᵀ
    return Kbar / (2 * d_out)


# --------------------------------------------------------------------------------------------------
# Analytic (infinite-width) kernel of the ResNet
# --------------------------------------------------------------------------------------------------

def analytic_resnet(X, depth, tau, d_out=1, *, samples=2**14, seed=0, verbose_memory=True):
    """lim_{m→∞} Θ_m / m for the paper's ResNet h_ℓ = φ(h_{ℓ−1} + τ W_ℓ h_{ℓ−1}), only W trained.

    **Derivation.** Write the coordinates of every vector at scale √m: U_ℓ = √m·g_ℓ (one number
    per input, for one unit k). Given h_{ℓ−1}, the n numbers (W_ℓ h_{i,ℓ−1})_k are *exactly*
    Gaussian, independent across units k, with covariance (2/m)·⟨h_{i,ℓ−1}, h_{j,ℓ−1}⟩. So one
    unit of an infinitely wide ResNet follows the coordinate process

    .. math::

        U_0 \\sim N(0, 2 X X^T),\\qquad U_ℓ = φ(U_{ℓ-1}) + τ Z_ℓ,\\quad
        Z_ℓ \\sim N(0, 2 K_{ℓ-1}),\\quad K_{ℓ-1} = E[φ(U_{ℓ-1}) φ(U_{ℓ-1})^T],

    and K_{ℓ−1} is the limit of ⟨h_{ℓ−1}(x_i), h_{ℓ−1}(x_j)⟩. Backward, with D_ℓ = 1[U_ℓ > 0]
    and the backward signal V_ℓ = coordinates of dg_ℓ (B's entry has variance 1/d_out),

    .. math::

        V_L = D_L β,\\qquad V_{ℓ-1} = D_{ℓ-1} (V_ℓ + τ Y_ℓ),\\quad Y_ℓ \\sim N(0, 2 E[V_ℓ V_ℓ^T]),

    where Y_ℓ, the coordinates of W_ℓᵀ dg_ℓ, is independent of the forward pass in the limit (the
    "gradient independence" that holds because B is drawn independently with mean zero). With
    ∇_{W_ℓ} ŷ = τ dg_ℓ h_{ℓ−1}ᵀ,

    .. math::

        \\bar Θ_{res} = τ^2 \\sum_{ℓ=1}^{L} K_{ℓ-1} \\odot E[V_ℓ V_ℓ^T].

    Without the identity path (U_ℓ = Z_ℓ, V_{ℓ−1} = D_{ℓ−1} Y_ℓ, τ = 1) every U_ℓ is Gaussian and
    this is exactly :func:`analytic`. *With* it, U_ℓ = φ(U_{ℓ−1}) + τZ_ℓ is not Gaussian (φ(U) ≥ 0
    is carried along unchanged), so the expectations have no arc-cosine closed form: a Gaussian
    approximation "g ~ N(0, K_h + 2τ²K_h)" is wrong, the identity part has a non-zero mean.

    **Evaluation.** The expectations are averages over ``samples`` independent units of the
    coordinate process, i.e. over M = samples draws of (U_ℓ, V_ℓ) for all n inputs jointly
    (cost O(L·M·n²), memory ≈ M·n·(3·8 + L + 1) bytes). The forward part is *exactly* the law of a
    width-M ResNet's pre-activations, obtained without its M × M matrices; only the statistical
    error O(1/√M) remains: about 2% (in ‖·‖_F and in λ_max, n = 40, L = 3) at the default
    M = 2¹⁴, far below the finite-width error of the m ≤ 2048 nets one can train (10–20%).
    β is replaced by its root-mean-square 1/√d_out: only second moments enter and β is
    independent of everything else. Deterministic for a given ``seed``.

    **Checks.** The same code without the identity path reproduces :func:`analytic` to within its
    statistical error, and the seed-averaged empirical Θ_m/m of real ResNets approaches this kernel
    as m grows (tests/test_ntk.py). Note that small τ is *not* the frozen-mask limit one might guess:
    a unit dead at layer 0 has U_ℓ = τ·(random walk), so its mask is re-drawn at every layer.

    Parameters
    ----------
    X : (n, d_in) inputs.  depth : L.  tau : τ > 0.  d_out : output dimension.
    samples : M, the number of simulated units (more: smaller statistical error).
    seed : int seed or Generator for the simulated units.
    verbose_memory : print the memory needed (stderr) when it exceeds a few hundred MB.

    Returns
    -------
    Kbar : (n, n) symmetric, the limit of Θ_m / m (the same block for every output).
    """
    X = _check_X(X)
    L = _checks.positive_int("depth", depth)
    tau = _checks.positive_float("tau", tau)
    d_out = _checks.positive_int("d_out", d_out)
    M = _checks.positive_int("samples", samples, minimum=2)
    rng = _rng(seed)
    need = M * X.shape[0] * (3 * 8 + L + 1) + 6 * X.shape[0] ** 2 * 8
    memory.check(need, f"ntk.analytic_resnet: {M} simulated units for n={X.shape[0]} inputs, L={L}")
    _say_memory(need, f"ntk.analytic_resnet: simulating {M} units for n={X.shape[0]} inputs, L={L}",
                verbose_memory)
    return _coordinate_process_ntk(X, L, tau, d_out, M, rng, identity=True)


def _rng(seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else _checks.generator(seed=seed)


def _gaussian_units(C, M, rng):
    """M independent units of N(0, C): an (n, M) array, column k ~ N(0, C) for a PSD (n, n) C.

    Uses the symmetric square root, so a singular C (repeated inputs) is fine.
    """
    w, Q = np.linalg.eigh((C + C.T) / 2)
    return (Q * np.sqrt(np.clip(w, 0.0, None))) @ rng.standard_normal((len(C), M))


def _coordinate_process_ntk(X, L, branch, d_out, M, rng, *, identity):
    """The coordinate process of :func:`analytic_resnet` (``identity=False``: the plain MLP).

    Arrays are (n, M): row i holds input i's coordinate in each of the M simulated units.
    """
    U = _gaussian_units(2.0 * X @ X.T, M, rng)           # U_0 = √m·A x
    D = [U > 0]
    K = []                                               # K[ℓ−1] = E φ(U_{ℓ−1}) φ(U_{ℓ−1})ᵀ
    for _ in range(L):
        H = np.maximum(U, 0.0)
        K.append(H @ H.T / M)
        U = (H if identity else 0.0) + branch * _gaussian_units(2.0 * K[-1], M, rng)
        D.append(U > 0)
    V = D[L] / np.sqrt(d_out)                           # V_L = D_L β, β → its RMS 1/√d_out
    Kbar = np.zeros_like(K[0])
    for l in range(L, 0, -1):
        S = V @ V.T / M                                  # E[V_ℓ V_ℓᵀ]
        Kbar += K[l - 1] * S
        if l > 1:
            Y = _gaussian_units(2.0 * S, M, rng)         # coordinates of W_ℓᵀ dg_ℓ
            V = D[l - 1] * ((V if identity else 0.0) + branch * Y)
    return branch**2 * Kbar


# --------------------------------------------------------------------------------------------------
# Empirical (finite-width) kernel
# --------------------------------------------------------------------------------------------------

def _say_memory(nbytes, what, verbose):
    if verbose and nbytes > MEMORY_WARNING_BYTES:
        print(f"{what}: needs about {nbytes / 2**20:,.0f} MB of memory", file=sys.stderr)


def memory_estimate(net, n, *, cross_outputs=False) -> int:
    """Bytes :func:`empirical` will need for n inputs (forward cache + backward signals + kernel).

    The network answers for its own pieces (:meth:`MLP.memory`): for the MLP and ResNet it grows
    like n² + n·m·L, never like n × (number of parameters); the CNN adds its im2col windows and one
    layer's per-sample gradients. An estimate within a factor of about 2.
    """
    return net.memory(_checks.positive_int("n", n), kernel=True, cross_outputs=cross_outputs)


@one_thread
def empirical(net, X, *, cross_outputs=False, verbose_memory=True):
    """The empirical NTK Θ_m(x_i, x_j) = ⟨∇ŷ(x_i), ∇ŷ(x_j)⟩ over the trained parameters (§6, §9.4).

    **MLP and ResNet**: the layer-wise factorisation. The gradient of output k of sample i with
    respect to W_ℓ is the rank-one b_{i,ℓ,k} h_{i,ℓ−1}ᵀ (paper §1.3), and
    ⟨u₁v₁ᵀ, u₂v₂ᵀ⟩_F = ⟨u₁, u₂⟩⟨v₁, v₂⟩, so

    .. math::

        Θ_k = \\sum_{name} (\\mathrm{left}\\,\\mathrm{left}^T) \\odot (\\mathrm{right}\\,\\mathrm{right}^T),

    with (left, right) = ``net.gradient_factors(e_k, cache)``: one forward pass, one backward pass
    per output coordinate (dout = e_k), two n×n Grams per layer. Cost O(L·n²·m) on top of the
    passes; memory O(n² + n·m·L). No per-example Jacobian is formed.

    **CNN**: sample i's gradient for a convolution, Σ_p dg_{i,p} ⊗ window_{i,p}, is a sum over the
    H·W positions p and no longer rank one. It is formed *one layer at a time* from the backward
    signals and the im2col windows of the forward cache (a batched matrix product, n × m × s²m
    numbers), contracted into the kernel, and dropped before the next layer, so at most one
    layer's per-sample gradients are alive. (The alternative, a positions-aware factorisation
    Σ_{p,q} ⟨dg_{i,p}, dg_{j,q}⟩⟨win_{i,p}, win_{j,q}⟩, needs (n·H·W)² Grams: far more for small
    images and widths.)

    Parameters
    ----------
    net : :class:`ntkedu.MLP`, :class:`ntkedu.ResNet` or :class:`ntkedu.CNN`.
    X : inputs the network accepts, n samples.
    cross_outputs : for d_out > 1 also compute the cross-output blocks ⟨∇ŷ_{ik}, ∇ŷ_{jk'}⟩.
    verbose_memory : print (stderr) the memory needed when it exceeds a few hundred MB.

    Returns
    -------
    K : (n, n) when d_out == 1 (Θ_m, *not* divided by m).
        (d_out, n, n) when d_out > 1: K[k] is the kernel of output k, ⟨∇ŷ_{ik}, ∇ŷ_{jk}⟩.
        The cross-output blocks are left out; they average to zero over B and vanish relative to
        the diagonal ones as m → ∞.
        With ``cross_outputs=True``: (d_out, d_out, n, n), K[k, k'][i, j] = ⟨∇ŷ_{ik}, ∇ŷ_{jk'}⟩;
        ``K.transpose(2, 0, 3, 1).reshape(n·d_out, n·d_out)`` is the full (sample, output) Gram.
    """
    X = net.check_input(X)
    n = len(X)
    nbytes, what = memory_estimate(net, max(n, 1), cross_outputs=cross_outputs), \
        f"ntk.empirical: the {n}×{n} kernel of {net.signature()}"
    memory.check(nbytes, what)
    _say_memory(nbytes, what, verbose_memory)
    out, cache = net.forward(X)
    d_out = out.shape[1]
    if cross_outputs:
        parts = [dict(net.gradient_parts(_unit_dout(out, k), cache)) for k in range(d_out)]
        K = np.zeros((d_out, d_out, n, n), dtype=out.dtype)
        for k in range(d_out):
            for k2 in range(k, d_out):
                K[k, k2] = sum(_pair_gram(parts[k][name], parts[k2][name]) for name in net.trainable)
                K[k2, k] = K[k, k2].T
        return K
    K = np.zeros((d_out, n, n), dtype=out.dtype)
    right_grams = {}                       # ⟨h_{ℓ−1}, h'_{ℓ−1}⟩ is the same for every output: share it
    for k in range(d_out):
        for name, part in net.gradient_parts(_unit_dout(out, k), cache):
            if not isinstance(part, RankOne):
                K[k] += part @ part.T      # one layer's per-sample gradients, dropped after this line
                continue
            right = right_grams.get(name)
            if right is None:
                right = part.right @ part.right.T
                if d_out > 1:
                    right_grams[name] = right
            K[k] += (part.left @ part.left.T) * right
    return K[0] if d_out == 1 else K


def _unit_dout(out, k):
    dout = np.zeros_like(out)
    dout[:, k] = 1.0                                     # dout = e_k: the backward pass of output k
    return dout


def _pair_gram(a, b):
    """[⟨grad_i from a, grad_j from b⟩]_{ij} for two parts of :func:`_gradient_parts`."""
    if isinstance(a, RankOne):                           # ⟨u₁v₁ᵀ, u₂v₂ᵀ⟩_F = ⟨u₁, u₂⟩⟨v₁, v₂⟩
        return (a.left @ b.left.T) * (a.right @ b.right.T)
    return a @ b.T


# --------------------------------------------------------------------------------------------------
# Spectra, step sizes and kernel gradient descent
# --------------------------------------------------------------------------------------------------

@dataclass(repr=False)
class Eigen(_ShapesRepr):
    """Eigen-decomposition of a symmetric kernel: values (n,) descending, vectors (n, n).

    vectors[:, i] is the unit eigenvector v_i of values[i] = λ_i.
    """
    values: np.ndarray
    vectors: np.ndarray


def _check_kernel(name, K, *, allow_blocks=False):
    K = _checks.array(name, K, dtype=np.float64)
    if K.ndim == 3 and allow_blocks:
        return np.stack([_check_kernel(f"{name}[{k}]", Kk) for k, Kk in enumerate(K)])
    if K.ndim != 2 or K.shape[0] != K.shape[1]:
        want = "(n, n) or (d_out, n, n)" if allow_blocks else "(n, n)"
        raise ValueError(f"{name} must be a square kernel matrix of shape {want}, got shape {K.shape}")
    scale = np.max(np.abs(K)) if K.size else 0.0
    if np.max(np.abs(K - K.T), initial=0.0) > 1e-8 * max(scale, 1e-300):
        raise ValueError(f"{name} must be symmetric, but max |K - K.T| = {np.max(np.abs(K - K.T)):.3g} "
                         f"(max |K| = {scale:.3g})")
    return K


def eigen(K) -> Eigen:
    """Eigenvalues (descending) and unit eigenvectors of a symmetric kernel K (n, n)."""
    K = _check_kernel("K", K)
    w, V = np.linalg.eigh((K + K.T) / 2)
    return Eigen(w[::-1].copy(), V[:, ::-1].copy())


def max_learning_rate(Kbar, width) -> float:
    """The largest stable GD step for the squared sum loss: η_max = 2 / (m·λ_max(Θ̄)) (paper.md §6.2, §7).

    Near initialisation the outputs follow kernel GD, u_{t+1} − y = (I − ηΘ)(u_t − y) with
    Θ ≈ m·Θ̄ (paper.md §6.1). The residual's component along the eigenvector v_i is multiplied by
    (1 − ηλ_i) every step, so it shrinks for every i exactly when |1 − ηλ_i| < 1, i.e. when
    η < 2/λ_max(Θ). At η = η_max the top component flips sign without shrinking; above it, it grows
    geometrically and the run diverges — for every width at the same η·m (claim C6). A finite net's
    λ_max(Θ_m)/m differs from λ_max(Θ̄) by O(1/√m), which moves its threshold by as much.

    Parameters
    ----------
    Kbar : (n, n) (or (d_out, n, n): the largest over the blocks). Pass Θ̄ with the width m, or an
        empirical Θ_m with ``width=1``.
    width : m.
    """
    K = _check_kernel("Kbar", Kbar, allow_blocks=True)
    width = _checks.positive_float("width", width)
    blocks = K if K.ndim == 3 else K[None]
    lam = max(float(np.linalg.eigvalsh((B + B.T) / 2)[-1]) for B in blocks)
    if lam <= 0:
        raise ValueError(f"Kbar must have a positive largest eigenvalue, got {lam:.3g}")
    return 2.0 / (width * lam)


@dataclass(repr=False)
class KernelGDPrediction(_ShapesRepr):
    """Kernel gradient descent's prediction of a run (paper.md §6.1).

    steps : (T,) step indices t.  loss : (T,) F_t = ½ Σ_i ‖u_t,i − y_i‖².
    outputs : (T, n, d_out) the predicted u_t, or None.  eigenvalues : (n,) or (d_out, n), descending.
    """
    steps: np.ndarray
    loss: np.ndarray
    outputs: np.ndarray | None
    eigenvalues: np.ndarray


def _check_steps(steps):
    if np.ndim(steps) == 0:
        return np.arange(_checks.positive_int("steps", steps, minimum=0) + 1)
    s = np.asarray(steps)
    if s.ndim != 1 or not np.issubdtype(s.dtype, np.integer) or np.any(s < 0):
        raise ValueError(f"steps must be an int T (for t = 0..T) or a 1-D array of step indices >= 0, "
                         f"got {steps!r}")
    return s.astype(np.int64)


def _as_columns(name, a, n):
    a = _checks.array(name, a, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n},) or ({n}, d_out), got shape {a.shape}")
    return a


def kernel_gd_prediction(K, u0, Y, lr, steps, *, return_outputs=False) -> KernelGDPrediction:
    """Kernel GD on the squared sum loss: u_t − y = (I − ηΘ)^t (u_0 − y) (paper.md §6.1, claim C11).

    Computed in the eigenbasis Θ = Σ_i λ_i v_i v_iᵀ, not by repeated products:
    u_t − y = Σ_i (1 − ηλ_i)^t ⟨v_i, u_0 − y⟩ v_i, and F_t = ½ Σ_i (1 − ηλ_i)^{2t} ⟨v_i, u_0 − y⟩².

    Parameters
    ----------
    K : (n, n) kernel used for every output column, or (d_out, n, n) one block per output (the
        layout of :func:`empirical`; cross-output blocks are neglected). Pass the empirical Θ_m with
        the raw η, or Θ̄ with η·m in place of η: the product ηΘ is what matters.
    u0 : (n,) or (n, d_out) outputs at initialisation.  Y : targets, the same shape as u0.
    lr : η.  steps : int T (records t = 0..T) or 1-D array of step indices.
    return_outputs : also return the predicted outputs u_t.

    Returns
    -------
    :class:`KernelGDPrediction` (time = η × steps).
    """
    K = _check_kernel("K", K, allow_blocks=True)
    n = K.shape[-1]
    u0, Y = _as_columns("u0", u0, n), _as_columns("Y", Y, n)
    if u0.shape != Y.shape:
        raise ValueError(f"u0 and Y must have the same shape, got {u0.shape} and {Y.shape}")
    if K.ndim == 3 and K.shape[0] != Y.shape[1]:
        raise ValueError(f"K has {K.shape[0]} output blocks but Y has d_out = {Y.shape[1]} columns")
    lr = _checks.positive_float("lr", lr)
    t = _check_steps(steps)
    r0 = u0 - Y
    loss = np.zeros(len(t))
    outputs = np.repeat(Y[None], len(t), axis=0) if return_outputs else None
    eigs = [eigen(B) for B in K] if K.ndim == 3 else [eigen(K)] * Y.shape[1]
    for k, e in enumerate(eigs):
        c = e.vectors.T @ r0[:, k]                                   # ⟨v_i, u_0 − y⟩
        with np.errstate(over="ignore", invalid="ignore"):
            decay = (1.0 - lr * e.values)[None, :] ** t[:, None]     # (1 − ηλ_i)^t, (T, n)
            loss += 0.5 * np.sum((decay * c) ** 2, axis=1)
            if return_outputs:
                outputs[:, :, k] += (decay * c) @ e.vectors.T        # y + Σ_i (1 − ηλ_i)^t c_i v_i
    values = eigs[0].values if K.ndim == 2 else np.stack([e.values for e in eigs])
    return KernelGDPrediction(t, loss, outputs, values)


@dataclass(repr=False)
class ResidualProjection(_ShapesRepr):
    """The residual along the kernel's eigenvectors (Arora et al.; paper.md §6.1, claim C12).

    steps : (T,).  eigenvalues : (n,) descending.  eigenvectors : (n, n), columns v_i.
    measured : (T, n, d_out) ⟨v_i, u_t − y⟩ of the run.
    predicted : (T, n, d_out) (1 − ηλ_i)^{t − t_0} ⟨v_i, u_{t_0} − y⟩, kernel GD from the first record.
    """
    steps: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    measured: np.ndarray
    predicted: np.ndarray


def residual_along_eigenvectors(K, residuals, lr, steps) -> ResidualProjection:
    """Project a run's residuals u_t − y on the eigenvectors of K, next to kernel GD's prediction.

    Along v_i kernel GD shrinks the residual by (1 − ηλ_i) per step: labels that lie along the top
    eigenvectors are fitted fast, labels spread over small-λ directions slowly (paper.md §8, Arora
    et al.'s random-label question).

    Parameters
    ----------
    K : (n, n) kernel (Θ_m with η, or Θ̄ with η·m).
    residuals : (T, n) or (T, n, d_out) measured u_t − y at the recorded ``steps``.
    lr : η.  steps : (T,) integer step indices, ascending; the prediction starts from steps[0].
    """
    K = _check_kernel("K", K)
    n = len(K)
    R = _checks.array("residuals", residuals, dtype=np.float64)
    if R.ndim == 2:
        R = R[:, :, None]
    t = _check_steps(np.asarray(steps))
    if R.ndim != 3 or R.shape[:2] != (len(t), n):
        raise ValueError(f"residuals must have shape ({len(t)}, {n}) or ({len(t)}, {n}, d_out) for "
                         f"{len(t)} steps and n = {n}, got shape {np.shape(residuals)}")
    if np.any(np.diff(t) < 0):
        raise ValueError("steps must be ascending")
    lr = _checks.positive_float("lr", lr)
    e = eigen(K)
    measured = np.einsum("ni,tnk->tik", e.vectors, R)
    with np.errstate(over="ignore", invalid="ignore"):
        decay = (1.0 - lr * e.values)[None, :] ** (t - t[0])[:, None]
    predicted = decay[:, :, None] * measured[0][None]
    return ResidualProjection(t, e.values, e.vectors, measured, predicted)


def kernel_distance(K1, K2) -> float:
    """‖K1 − K2‖_F / ‖K2‖_F: kernel drift ‖Θ_t − Θ_0‖/‖Θ_0‖ (§3.7) or ‖Θ_m/m − Θ̄‖/‖Θ̄‖ (§6.2).

    K1, K2 : arrays of the same shape (any, e.g. (n, n) or (d_out, n, n)); K2 the reference.
    """
    K1 = _checks.array("K1", K1, dtype=np.float64)
    K2 = _checks.array("K2", K2, dtype=np.float64)
    if K1.shape != K2.shape:
        raise ValueError(f"K1 and K2 must have the same shape, got {K1.shape} and {K2.shape}")
    ref = np.linalg.norm(K2.ravel())
    if ref == 0:
        raise ValueError("K2 is zero: the relative distance is undefined")
    return float(np.linalg.norm((K1 - K2).ravel()) / ref)
