"""Real data shipped with ntkedu, read with NumPy alone (no download, no scikit-learn).

``digits.npz`` holds the UCI optical-recognition hand-written digits (Alpaydin & Kaynak 1998,
CC BY 4.0; see README.md next to it): 1797 images of 8 × 8 pixels with values 0..16 and their
digit labels, unchanged except for the file format. :func:`ntkedu.data.digits` turns them into
inputs in the paper's format; :func:`load_digits` here gives the raw pixels.

``make_digits.py`` regenerates the file from scikit-learn's wheel; the two checksums below pin its
content, and ``load_digits`` refuses a file whose arrays do not match them.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import numpy as np

__all__ = ["DIGITS_PATH", "DIGITS_SHA256", "DIGITS_FILE_SHA256", "DIGITS_CLASS_COUNTS",
           "digits_sha256", "load_digits"]

DIGITS_PATH = Path(__file__).with_name("digits.npz")

#: sha256 of ``pixels.tobytes() + labels.tobytes()`` (both uint8, C order), see :func:`digits_sha256`.
DIGITS_SHA256 = "87ff0c9e40dc7e2c0e34e7257799c2e3f3aec1a016363bb11cad869ec428a826"

#: sha256 of the committed file's bytes (``make_digits`` rewrites them identically with the same zlib).
DIGITS_FILE_SHA256 = "7f5f3060d036cb2d6276a0fafebee57ff4b1d1e457f0717fb5133578233b9d98"

#: images per digit 0..9, as counted from the data.
DIGITS_CLASS_COUNTS = (178, 182, 177, 183, 181, 182, 181, 179, 174, 180)


def digits_sha256(pixels: np.ndarray, labels: np.ndarray) -> str:
    """The content checksum: sha256 of the uint8 pixel bytes followed by the uint8 label bytes.

    pixels : (n, 64) uint8, labels : (n,) uint8. It depends on the values only, not on how the
    file was compressed, so it is the same for every faithful copy.
    """
    pixels, labels = np.asarray(pixels), np.asarray(labels)
    if pixels.dtype != np.uint8 or labels.dtype != np.uint8:
        raise ValueError(f"pixels and labels must be uint8, got {pixels.dtype} and {labels.dtype}")
    digest = hashlib.sha256(np.ascontiguousarray(pixels).tobytes())
    digest.update(np.ascontiguousarray(labels).tobytes())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1797 digit images as stored: raw, checked against :data:`DIGITS_SHA256`.

    Returns
    -------
    pixels : (1797, 64) uint8, values 0..16, row i is image i read row by row (reshape to 8 × 8).
    labels : (1797,) uint8, the digit 0..9 that image i shows.

    Both arrays are read-only (they are cached and shared); copy them to change them.
    """
    with np.load(DIGITS_PATH, allow_pickle=False) as f:
        pixels, labels = f["pixels"], f["labels"]
    found = digits_sha256(pixels, labels)
    if found != DIGITS_SHA256:
        raise ValueError(f"{DIGITS_PATH} is damaged: its arrays hash to {found}, expected {DIGITS_SHA256}; "
                         "regenerate it with `python -m ntkedu.datasets.make_digits`")
    pixels.flags.writeable = False
    labels.flags.writeable = False
    return pixels, labels
