"""Data that meets the paper's assumptions (paper.md §1.1).

The theorem needs only two things of the inputs: every x_i has unit norm, and every pair is at
least δ apart (δ-separation). The paper also fixes the last coordinate to 1/√2, a constant that
plays the role of a bias since the network has none. We build such inputs as

    x = (z / √2, 1 / √2),   z uniform on the unit sphere S^{d−2},

so ‖x‖ = 1, x_i·x_j = (1 + z_i·z_j)/2 ∈ [0, 1], and ‖x_i − x_j‖ = ‖z_i − z_j‖ / √2.

Every generator takes ``rng``: a ``numpy.random.Generator`` or an int seed.
"""

from __future__ import annotations

import numpy as np

from . import _checks

__all__ = ["unit_inputs", "separation", "separated_inputs", "max_separation",
           "regression_targets", "class_labels", "images"]


def _rng(rng) -> np.random.Generator:
    if rng is None:
        raise ValueError("rng is required: pass a numpy.random.Generator or an int seed")
    return _checks.generator(rng=rng) if isinstance(rng, np.random.Generator) else _checks.generator(seed=rng)


def unit_inputs(n: int, d: int, *, rng) -> np.ndarray:
    """n unit-norm inputs in R^d whose last coordinate is 1/√2 (paper.md §1.1).

    Returns
    -------
    X : (n, d) float64, one sample per row, ‖X[i]‖ = 1, X[i, -1] = 1/√2.
    """
    n = _checks.positive_int("n", n)
    d = _checks.positive_int("d", d, minimum=2)
    z = _rng(rng).standard_normal((n, d - 1))
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    return np.hstack([z, np.ones((n, 1))]) / np.sqrt(2.0)


def separation(X) -> float:
    """δ of the paper: the smallest pairwise distance min_{i≠j} ‖x_i − x_j‖.

    X : (n, ...) — each sample is flattened, so images work too. n >= 2.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 2 or X.shape[0] < 2:
        raise ValueError(f"X must hold at least 2 samples as rows, got shape {X.shape}")
    F = X.reshape(X.shape[0], -1)
    sq = np.sum(F**2, axis=1)
    dist2 = sq[:, None] + sq[None, :] - 2.0 * F @ F.T
    np.fill_diagonal(dist2, np.inf)
    return float(np.sqrt(max(dist2.min(), 0.0)))


def max_separation(n: int, d: int) -> float:
    """An upper bound on the δ that n inputs of :func:`unit_inputs` form can reach in R^d.

    The z-parts live on a unit sphere in R^{d−1}; there n points are at most the regular simplex's
    √(2n/(n−1)) apart when n <= d (Rankin's simplex bound) and at most √2 apart otherwise; the
    1/√2 scaling of z carries over to x.
    """
    k = d - 1  # dimension of the space z lives in
    if n <= k + 1:
        return float(np.sqrt(n / (n - 1)))
    return 1.0


def separated_inputs(n: int, d: int, delta: float, *, rng, max_candidates: int = 200_000) -> np.ndarray:
    """Inputs as :func:`unit_inputs` whose pairwise distances are all at least ``delta``.

    Candidates are drawn uniformly and kept when they are at least δ from every kept point, so for
    small δ the result is simply uniform data and for larger δ it is a random δ-packing.

    Raises ``ValueError`` when δ exceeds what n points can reach in R^d (:func:`max_separation`), or
    when no packing was found among ``max_candidates`` draws.

    Returns
    -------
    X : (n, d) float64 with ``separation(X) >= delta``.
    """
    n = _checks.positive_int("n", n, minimum=2)
    d = _checks.positive_int("d", d, minimum=2)
    delta = _checks.positive_float("delta", delta)
    bound = max_separation(n, d)
    if delta > bound:
        raise ValueError(f"delta={delta} is impossible: {n} unit inputs in d={d} (last coordinate 1/√2) "
                         f"can be at most {bound:.4f} apart")
    gen = _rng(rng)
    kept = np.empty((0, d))
    drawn = 0
    while len(kept) < n and drawn < max_candidates:
        batch = unit_inputs(min(4 * n, max_candidates - drawn), d, rng=gen)
        drawn += len(batch)
        for x in batch:
            if len(kept) == 0 or np.min(np.linalg.norm(kept - x, axis=1)) >= delta:
                kept = np.vstack([kept, x])
                if len(kept) == n:
                    break
    if len(kept) < n:
        raise ValueError(f"could not place n={n} inputs in d={d} at separation delta={delta}: only "
                         f"{len(kept)} fitted among {drawn} random candidates; use a smaller delta or a larger d")
    return kept


def regression_targets(n: int, d_out: int = 1, *, rng) -> np.ndarray:
    """Gaussian targets y_i* rescaled to root-mean-square 1, so ‖y_i*‖ = O(1) (paper.md §1.1).

    Returns
    -------
    Y : (n, d_out) float64.
    """
    n = _checks.positive_int("n", n)
    d_out = _checks.positive_int("d_out", d_out)
    Y = _rng(rng).standard_normal((n, d_out))
    return Y / np.sqrt(np.mean(Y**2))


def class_labels(n: int, n_classes: int, *, rng, X=None, rule: str = "random") -> np.ndarray:
    """Class labels in {0, …, n_classes − 1}.

    rule="random": independent uniform labels (the paper's worst case, Zhang et al.'s experiment).
    rule="linear": y_i = argmax_k ⟨v_k, x_i⟩ for random directions v_k, a simple learnable rule;
    needs ``X`` of shape (n, d).

    Returns
    -------
    y : (n,) int64.
    """
    n = _checks.positive_int("n", n)
    n_classes = _checks.positive_int("n_classes", n_classes, minimum=2)
    gen = _rng(rng)
    if rule == "random":
        return gen.integers(0, n_classes, size=n)
    if rule == "linear":
        if X is None:
            raise ValueError("rule='linear' needs the inputs X, shape (n, d)")
        X = _checks.array("X", X, ndim=2, shape=(n, None))
        V = gen.standard_normal((X.shape[1] - 1, n_classes))
        return np.argmax(X[:, :-1] @ V, axis=1)  # the constant last coordinate carries no class information
    raise ValueError(f"rule must be 'random' or 'linear', got {rule!r}")


def images(n: int, shape=(1, 8, 8), *, rng) -> np.ndarray:
    """Small random images for the CNN, each of unit Frobenius norm (the CNN analogue of ‖x‖ = 1).

    Returns
    -------
    X : (n, C, H, W) float64.
    """
    n = _checks.positive_int("n", n)
    if len(tuple(shape)) != 3:
        raise ValueError(f"shape must be (C, H, W), got {shape!r}")
    C, H, W = (_checks.positive_int(k, v) for k, v in zip(("C", "H", "W"), shape))
    X = _rng(rng).standard_normal((n, C, H, W))
    return X / np.linalg.norm(X.reshape(n, -1), axis=1)[:, None, None, None]
