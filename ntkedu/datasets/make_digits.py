"""Regenerate ``digits.npz`` from the copy of the UCI digits inside scikit-learn's wheel.

    python -m ntkedu.datasets.make_digits --wheel scikit_learn-1.9.1-cp311-...whl
    python -m ntkedu.datasets.make_digits            # runs `pip download scikit-learn` itself

A wheel is a zip file; the data is its member ``sklearn/datasets/data/digits.csv.gz``, one image per
line: 64 pixel values 0..16 (the 8 × 8 image row by row) and then the digit 0..9, comma-separated.
Nothing of scikit-learn is imported or installed; any recent version holds the same data.

The file written holds two uint8 arrays, ``pixels`` (1797, 64) and ``labels`` (1797,), in NumPy's
``.npz`` format (a zip of ``.npy`` files). It is written with a fixed timestamp so that the same
arrays give the same bytes. The script prints the content checksum and exits with status 1 if it
differs from the one recorded in :mod:`ntkedu.datasets`.
"""

from __future__ import annotations

import argparse
import gzip
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from . import DIGITS_PATH, DIGITS_SHA256, digits_sha256

CSV_MEMBER = "sklearn/datasets/data/digits.csv.gz"


def parse_digits_csv(csv_gz: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Parse scikit-learn's ``digits.csv.gz``: rows of 64 pixels 0..16 then a label 0..9.

    Returns
    -------
    pixels : (n, 64) uint8,  labels : (n,) uint8.

    Raises ``ValueError`` on a row that does not have 65 integer fields in those ranges.
    """
    text = gzip.decompress(csv_gz).decode("ascii")
    rows = [line for line in text.splitlines() if line.strip()]
    table = np.zeros((len(rows), 65), dtype=np.int64)
    for i, line in enumerate(rows):
        fields = line.split(",")
        if len(fields) != 65:
            raise ValueError(f"row {i} has {len(fields)} fields, expected 65 (64 pixels and a label)")
        try:
            values = [float(v) for v in fields]
        except ValueError:
            raise ValueError(f"row {i} holds a field that is not a number: {line!r}") from None
        if any(v != int(v) for v in values):
            raise ValueError(f"row {i} holds a non-integer value: {line!r}")
        table[i] = values
    pixels, labels = table[:, :64], table[:, 64]
    if table.size and (pixels.min() < 0 or pixels.max() > 16):
        raise ValueError(f"pixel values must lie in 0..16, found {pixels.min()}..{pixels.max()}")
    if table.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"labels must lie in 0..9, found {labels.min()}..{labels.max()}")
    return pixels.astype(np.uint8), labels.astype(np.uint8)


def read_wheel(wheel) -> tuple[np.ndarray, np.ndarray]:
    """Pixels and labels from the ``digits.csv.gz`` inside a scikit-learn wheel (a zip file)."""
    with zipfile.ZipFile(wheel) as z:
        if CSV_MEMBER not in z.namelist():
            raise ValueError(f"{wheel} holds no {CSV_MEMBER}; is it a scikit-learn wheel?")
        return parse_digits_csv(z.read(CSV_MEMBER))


def download_wheel(directory) -> Path:
    """Fetch a scikit-learn wheel (without its dependencies) into ``directory`` with pip."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                    "--dest", str(directory), "scikit-learn"], check=True)
    wheels = sorted(Path(directory).glob("scikit_learn-*.whl"))
    if not wheels:
        raise RuntimeError(f"pip download left no scikit-learn wheel in {directory}")
    return wheels[-1]


def write_npz(path, pixels: np.ndarray, labels: np.ndarray) -> None:
    """Write the arrays as a compressed ``.npz`` that ``np.load`` reads, with reproducible bytes.

    ``np.savez_compressed`` stamps the current time into the zip; here every member gets the zip
    format's earliest date instead, and the strongest deflate level.
    """
    with zipfile.ZipFile(path, "w") as z:
        for name, array in (("pixels", pixels), ("labels", labels)):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            z.writestr(info, buffer.getvalue(), compresslevel=9)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ntkedu.datasets.make_digits",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--wheel", type=Path, help="a scikit-learn wheel; without it, pip downloads one")
    parser.add_argument("--out", type=Path, default=DIGITS_PATH, help=f"file to write (default {DIGITS_PATH})")
    args = parser.parse_args(argv)

    if args.wheel is not None:
        pixels, labels = read_wheel(args.wheel)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            pixels, labels = read_wheel(download_wheel(tmp))
    write_npz(args.out, pixels, labels)

    digest = digits_sha256(pixels, labels)
    counts = np.bincount(labels, minlength=10).tolist()
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes): pixels {pixels.shape}, labels {labels.shape}, "
          f"images per digit {counts}")
    print(f"content sha256 {digest}")
    if digest != DIGITS_SHA256:
        print(f"this differs from the recorded {DIGITS_SHA256}", file=sys.stderr)
        return 1
    print("matches the checksum recorded in ntkedu.datasets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
