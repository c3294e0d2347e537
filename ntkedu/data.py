"""Data that meets the paper's assumptions (paper.md §1.1).

The theorem needs only two things of the inputs: every x_i has unit norm, and every pair is at
least δ apart (δ-separation). ntkedu also fixes the last coordinate to 1/√2 (paper.md §1.1 marks the
exact constant as unchecked), a constant that plays the role of a bias since the network has none.
We build such inputs as

    x = (z / √2, 1 / √2),   z uniform on the unit sphere S^{d−2},

so ‖x‖ = 1, x_i·x_j = (1 + z_i·z_j)/2 ∈ [0, 1], and ‖x_i − x_j‖ = ‖z_i − z_j‖ / √2.

Real images in the same format come from :func:`digits` (the UCI hand-written digits, shipped
with ntkedu).

Every generator takes ``rng``: a ``numpy.random.Generator`` or an int seed.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from . import _checks
from .datasets import load_digits
from .ops import _ShapesRepr

__all__ = ["unit_inputs", "separation", "separated_inputs", "max_separation",
           "regression_targets", "class_labels", "images", "digits", "Digits"]


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


# --------------------------------------------------------------------------------------------------
# Real data: the UCI hand-written digits
# --------------------------------------------------------------------------------------------------

@dataclass(repr=False)
class Digits(_ShapesRepr):
    """Digit images split into a training set and a held-out set, returned by :func:`digits`.

    X           : (n, 65) inputs in the paper's format, or (n, 1, 8, 8) unit-norm images.
    labels      : (n,) int64, ``labels[i] = k`` means X[i] shows the digit ``classes[k]``.
    X_test      : (n_test, 65) or (n_test, 1, 8, 8), prepared exactly as X.
    labels_test : (n_test,) int64, as ``labels``.
    classes     : the digits kept, in the order that labels count them.
    format      : "vectors" or "images".
    """
    X: np.ndarray
    labels: np.ndarray
    X_test: np.ndarray
    labels_test: np.ndarray
    classes: tuple
    format: str


def digits(classes=None, *, n_train=None, held_out=0.25, format: str = "vectors",
           centre: bool = True, rng) -> Digits:
    """The UCI hand-written digits (1797 images, 8 × 8 pixels), ready for the paper's networks.

    The images (Alpaydin & Kaynak 1998, CC BY 4.0; ``ntkedu/datasets/README.md``) ship with
    ntkedu, so this works offline. Each image v ∈ R^64 becomes

        format="vectors":  x = (z / √2, 1 / √2) ∈ R^65,   z = (v − μ) / ‖v − μ‖,
        format="images":   x = z as a 1 × 8 × 8 image of unit norm (the CNN's input),

    the same construction as :func:`unit_inputs` and :func:`images`, so ‖x‖ = 1 and, for vectors,
    the last coordinate is 1/√2 (paper.md §1.1).

    Why centre (μ = mean training image, ``centre=True``): raw pixels are all ≥ 0 and every digit
    is ink in the middle of the frame, so the raw directions crowd into one small cap of the sphere
    (mean cosine between two images 0.69). Subtracting μ spreads them out (mean cosine ≈ 0), as the
    paper's random inputs are. μ is the mean of the returned training images only, and the same μ
    is subtracted from the held-out images, so nothing about the held-out set leaks into the
    inputs. ``centre=False`` keeps μ = 0, to compare.

    δ-separation: the 1797 images are pairwise distinct, so there are no duplicates to drop (the
    tests check it). Two distinct images could still meet after normalising if v − μ were a
    positive multiple of v' − μ; none do, and digits() checks δ > 0 of the training set it returns
    and raises otherwise. All 1797 images in the "vectors" format are δ ≈ 0.096 apart centred and
    δ ≈ 0.066 apart uncentred (see :func:`separation`).

    Parameters
    ----------
    classes : digits to keep, e.g. ``(0, 1)``; None keeps all ten. Labels number them 0, 1, …
        in the order given.
    n_train : training images to keep (at least 2), drawn from the training part in proportion
        to the classes' sizes; None keeps the whole training part.
    held_out : the held-out part, a fraction in [0, 1) of the kept classes' images or an int
        count; split per class (stratified) before n_train is drawn, so the held-out set for a
        seed does not depend on n_train. 0 gives empty test arrays.
    format : "vectors" for the MLP and ResNet (d = 65), "images" for the CNN.
    centre : subtract the mean training image before normalising (see above).
    rng : numpy.random.Generator or int seed; it draws the split, the subsample and the order.

    Returns
    -------
    Digits with fields X, labels, X_test, labels_test, classes, format; the samples of each set
    come in random order, float64.

    Example: ``d = digits(classes=(0, 1), n_train=200, rng=0)`` gives d.X (200, 65) and
    d.X_test (90, 65): 25% of the 360 zeros and ones are held out, 200 of the other 270 are kept.
    """
    classes = _digit_classes(classes)
    if format not in ("vectors", "images"):
        raise ValueError(f"format must be 'vectors' or 'images', got {format!r}")
    if not isinstance(centre, (bool, np.bool_)):
        raise ValueError(f"centre must be True or False, got {centre!r}")
    gen = _rng(rng)

    pixels, digit = load_digits()
    members = [np.flatnonzero(digit == c) for c in classes]  # ascending image indices per class
    sizes = np.array([len(m) for m in members])
    n_test = _held_out_count(held_out, sizes.sum(), classes)
    test_per_class = _apportion(n_test, sizes)
    n_left = int(sizes.sum() - n_test)
    if n_train is None:
        n_train = n_left
    n_train = _checks.positive_int("n_train", n_train, minimum=2)
    if n_train > n_left:
        raise ValueError(f"n_train={n_train} is larger than the {n_left} training images of classes {classes} "
                         f"left after holding out {n_test} of {sizes.sum()}")
    train_per_class = _apportion(n_train, sizes - test_per_class)

    train, test = [], []
    for idx, t, r in zip(members, test_per_class, train_per_class):
        shuffled = gen.permutation(idx)
        test.append(shuffled[:t])
        train.append(shuffled[t:t + r])
    test = gen.permutation(np.concatenate(test))  # held-out order drawn first: it must not depend on n_train
    train = gen.permutation(np.concatenate(train))

    mu = pixels[train].mean(axis=0) if centre else np.zeros(pixels.shape[1])
    X = _digit_inputs(pixels[train], mu, format)
    if separation(X) < 1e-9:  # the paper's δ > 0; the data holds no duplicates, so this is a safeguard
        raise ValueError("two training images coincide after centring and normalising; use another rng or n_train")
    label_of = np.full(10, -1, dtype=np.int64)
    label_of[list(classes)] = np.arange(len(classes))
    return Digits(X=X, labels=label_of[digit[train]], X_test=_digit_inputs(pixels[test], mu, format),
                  labels_test=label_of[digit[test]], classes=classes, format=format)


def _digit_inputs(pixels: np.ndarray, mu: np.ndarray, format: str) -> np.ndarray:
    """(n, 64) raw pixels -> z = (v − μ)/‖v − μ‖ as paper vectors (n, 65) or images (n, 1, 8, 8)."""
    Z = pixels.astype(np.float64) - mu
    norms = np.linalg.norm(Z, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError("an image equals the mean training image, so it has no direction; "
                         "use another rng or n_train, or centre=False")
    Z /= norms
    if format == "images":
        return Z.reshape(len(Z), 1, 8, 8)
    return np.hstack([Z, np.ones((len(Z), 1))]) / np.sqrt(2.0)


def _digit_classes(classes) -> tuple:
    """``classes`` as a tuple of distinct digits 0..9 (None: all ten)."""
    if classes is None:
        return tuple(range(10))
    if isinstance(classes, (str, bytes)) or not hasattr(classes, "__iter__"):
        raise ValueError(f"classes must be a sequence of digits such as (0, 1), got {classes!r}")
    classes = tuple(classes)
    if not classes:
        raise ValueError("classes must name at least one digit, got an empty sequence")
    for c in classes:
        if isinstance(c, (bool, np.bool_)) or not isinstance(c, numbers.Integral):
            raise ValueError(f"classes must hold integer digits 0..9, got {c!r} in {classes!r}")
        if not 0 <= c <= 9:
            raise ValueError(f"unknown class {c}: the digits are 0..9")
    if len(set(classes)) != len(classes):
        raise ValueError(f"classes must not repeat a digit, got {classes!r}")
    return tuple(int(c) for c in classes)


def _held_out_count(held_out, n: int, classes) -> int:
    """The number of held-out images: ``held_out`` as a fraction in [0, 1) of n or as a count."""
    if isinstance(held_out, (bool, np.bool_)) or not isinstance(held_out, numbers.Real):
        raise ValueError(f"held_out must be a fraction in [0, 1) or a count of images, got {held_out!r}")
    if isinstance(held_out, numbers.Integral):
        count = int(held_out)
    elif 0 <= held_out < 1:
        count = int(np.floor(held_out * n + 0.5))
    else:
        raise ValueError(f"held_out must be a fraction in [0, 1) or a count of images, got {held_out}")
    if not 0 <= count <= n - 2:
        raise ValueError(f"held_out={held_out} must leave at least 2 of the {n} images of classes {classes} "
                         f"for training (held-out count 0..{n - 2})")
    return count


def _apportion(total: int, sizes) -> np.ndarray:
    """Split ``total`` over groups in proportion to ``sizes`` (largest remainders round up).

    Used to stratify by class: each class gets its share of the held-out set and of n_train, and
    no group gets more than its size.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    quota = total * sizes / sizes.sum()
    counts = np.floor(quota).astype(np.int64)
    order = np.argsort(-(quota - counts), kind="stable")
    counts[order[:total - counts.sum()]] += 1
    return counts
