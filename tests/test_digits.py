"""The UCI hand-written digits shipped with ntkedu, and data.digits that puts them in the paper's format."""

import gzip
import hashlib
import zipfile

import numpy as np
import pytest

from ntkedu import data, datasets
from ntkedu.datasets import make_digits

CLASS_COUNTS = (178, 182, 177, 183, 181, 182, 181, 179, 174, 180)  # counted from the data


def _stored_arrays():
    with np.load(datasets.DIGITS_PATH, allow_pickle=False) as f:
        return f["pixels"], f["labels"]


def _raw_rows(X):
    """Index of the stored image behind each row of X (X from digits(..., centre=False))."""
    pixels, _ = datasets.load_digits()
    U = pixels / np.linalg.norm(pixels, axis=1, keepdims=True)
    Z = X.reshape(len(X), -1)[:, :64] * (np.sqrt(2.0) if X.ndim == 2 else 1.0)
    cos = Z @ U.T
    assert np.all(cos.max(axis=1) > 1 - 1e-12), "a row of X is not the direction of a stored image"
    return np.argmax(cos, axis=1)


# ------------------------------------------------------------------------------------------------
# The file
# ------------------------------------------------------------------------------------------------

def test_file_and_content_checksums_match_the_recorded_ones():
    raw = datasets.DIGITS_PATH.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == datasets.DIGITS_FILE_SHA256
    pixels, labels = _stored_arrays()
    expected = hashlib.sha256(pixels.tobytes() + labels.tobytes()).hexdigest()
    assert datasets.digits_sha256(pixels, labels) == expected == datasets.DIGITS_SHA256


def test_file_holds_1797_distinct_8x8_images_with_the_known_class_counts():
    pixels, labels = _stored_arrays()
    assert pixels.shape == (1797, 64) and pixels.dtype == np.uint8
    assert labels.shape == (1797,) and labels.dtype == np.uint8
    assert pixels.min() == 0 and pixels.max() == 16
    assert tuple(np.bincount(labels, minlength=10)) == CLASS_COUNTS == datasets.DIGITS_CLASS_COUNTS
    assert len(np.unique(pixels, axis=0)) == 1797  # no duplicate images, so nothing to drop for δ > 0


def test_load_digits_is_read_only_and_refuses_a_damaged_file(tmp_path, monkeypatch):
    pixels, labels = datasets.load_digits()
    assert not pixels.flags.writeable and not labels.flags.writeable
    damaged = pixels.copy()
    damaged[0, 0] += 1
    make_digits.write_npz(tmp_path / "digits.npz", damaged, labels)
    monkeypatch.setattr(datasets, "DIGITS_PATH", tmp_path / "digits.npz")
    datasets.load_digits.cache_clear()
    try:
        with pytest.raises(ValueError, match="damaged"):
            datasets.load_digits()
    finally:
        datasets.load_digits.cache_clear()


# ------------------------------------------------------------------------------------------------
# The regeneration script, offline: a fake wheel in scikit-learn's layout
# ------------------------------------------------------------------------------------------------

def _fake_wheel(path, lines):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("sklearn/__init__.py", "")
        z.writestr(make_digits.CSV_MEMBER, gzip.compress("\n".join(lines).encode() + b"\n"))
    return path


def test_script_reads_the_csv_out_of_a_wheel_and_writes_the_arrays(tmp_path, capsys):
    rows = np.arange(3 * 64).reshape(3, 64) % 17
    lines = [",".join(map(str, list(r) + [label])) for r, label in zip(rows, (7, 0, 9))]
    lines[1] = lines[1].replace(",", ".0,")  # scikit-learn's csv could spell integers as floats
    wheel = _fake_wheel(tmp_path / "scikit_learn-0-py3-none-any.whl", lines)
    out = tmp_path / "out.npz"
    status = make_digits.main(["--wheel", str(wheel), "--out", str(out)])
    assert status == 1  # written, but not the real data: the checksum does not match
    with np.load(out, allow_pickle=False) as f:
        assert f["pixels"].dtype == np.uint8 and f["labels"].dtype == np.uint8
        np.testing.assert_array_equal(f["pixels"], rows)
        np.testing.assert_array_equal(f["labels"], [7, 0, 9])
    printed = capsys.readouterr().out
    assert datasets.digits_sha256(rows.astype(np.uint8), np.array([7, 0, 9], np.uint8)) in printed


@pytest.mark.parametrize("line, fragment", [
    (",".join(["1"] * 64), "64 fields"),
    (",".join(["1"] * 63 + ["17", "3"]), "0..16"),
    (",".join(["1"] * 64 + ["10"]), "0..9"),
    (",".join(["1"] * 63 + ["1.5", "3"]), "non-integer"),
    (",".join(["1"] * 63 + ["x", "3"]), "not a number"),
])
def test_parser_refuses_malformed_rows(line, fragment):
    with pytest.raises(ValueError, match=fragment):
        make_digits.parse_digits_csv(gzip.compress(line.encode()))


def test_a_zip_without_the_csv_is_refused(tmp_path):
    path = tmp_path / "other.whl"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("numpy/__init__.py", "")
    with pytest.raises(ValueError, match="digits.csv.gz"):
        make_digits.read_wheel(path)


def test_written_file_is_reproducible_and_round_trips(tmp_path):
    pixels, labels = _stored_arrays()
    make_digits.write_npz(tmp_path / "a.npz", pixels, labels)
    make_digits.write_npz(tmp_path / "b.npz", pixels, labels)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()  # no timestamp inside
    with np.load(tmp_path / "a.npz") as f:
        assert datasets.digits_sha256(f["pixels"], f["labels"]) == datasets.DIGITS_SHA256


# ------------------------------------------------------------------------------------------------
# data.digits
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{}, {"classes": (0, 1)}, {"held_out": 0}, {"held_out": 0, "centre": False}])
def test_vectors_are_in_the_papers_format_and_separated(kwargs):
    d = data.digits(rng=0, **kwargs)
    for X in (d.X, d.X_test):
        assert X.shape[1:] == (65,) and X.dtype == np.float64
        np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=0, atol=1e-12)
        np.testing.assert_allclose(X[:, -1], 1 / np.sqrt(2), rtol=0, atol=1e-15)
    assert data.separation(d.X) > 0.05


def test_vectors_are_the_centred_normalised_pixels_with_the_training_mean():
    plain = data.digits(classes=(2, 7), rng=3, centre=False)
    d = data.digits(classes=(2, 7), rng=3)  # same rng: the same split, centred
    pixels, _ = datasets.load_digits()
    train, test = _raw_rows(plain.X), _raw_rows(plain.X_test)
    mu = pixels[train].mean(axis=0)  # the training images' mean, also used for the held-out ones
    for X, rows in ((d.X, train), (d.X_test, test)):
        z = pixels[rows] - mu
        z /= np.linalg.norm(z, axis=1, keepdims=True)
        np.testing.assert_allclose(X, np.hstack([z, np.ones((len(z), 1))]) / np.sqrt(2), rtol=0, atol=1e-14)


def test_centring_spreads_the_inputs_over_the_sphere():
    def mean_cosine(X):
        Z = X[:, :-1] * np.sqrt(2)
        G = Z @ Z.T
        return (G.sum() - np.trace(G)) / (len(Z) * (len(Z) - 1))
    centred = data.digits(held_out=0, rng=0)
    raw = data.digits(held_out=0, rng=0, centre=False)
    assert abs(mean_cosine(centred.X)) < 0.01 < 0.6 < mean_cosine(raw.X)


def test_images_are_unit_norm_8x8_and_the_vectors_reshaped():
    d = data.digits(classes=(0, 1), n_train=100, rng=5, format="images")
    v = data.digits(classes=(0, 1), n_train=100, rng=5)
    assert d.X.shape == (100, 1, 8, 8) and d.X_test.shape == (90, 1, 8, 8)
    for X in (d.X, d.X_test):
        np.testing.assert_allclose(np.linalg.norm(X.reshape(len(X), -1), axis=1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(d.X.reshape(100, 64), v.X[:, :64] * np.sqrt(2), rtol=0, atol=1e-14)
    np.testing.assert_array_equal(d.labels, v.labels)
    assert data.separation(d.X) > 0


@pytest.mark.parametrize("classes", [(3, 5), (5, 3), (9, 0, 4)])
def test_class_subset_and_labels(classes):
    d = data.digits(classes=classes, rng=1, centre=False)
    _, digit = datasets.load_digits()
    assert d.classes == classes
    for X, labels in ((d.X, d.labels), (d.X_test, d.labels_test)):
        assert labels.dtype == np.int64 and set(labels) == set(range(len(classes)))
        np.testing.assert_array_equal(np.asarray(classes)[labels], digit[_raw_rows(X)])


def test_split_is_disjoint_complete_and_stratified():
    d = data.digits(rng=2, centre=False)
    train, test = _raw_rows(d.X), _raw_rows(d.X_test)
    assert len(train) == 1348 and len(test) == 449  # 449 = round(0.25 · 1797)
    assert not set(train) & set(test) and len(set(train) | set(test)) == 1797
    for c, size in enumerate(CLASS_COUNTS):
        assert abs(np.sum(d.labels_test == c) - 0.25 * size) < 1  # each class gives its share
    sub = data.digits(n_train=300, rng=2)
    share = 300 * (np.array(CLASS_COUNTS) - np.bincount(d.labels_test)) / 1348
    assert np.all(np.abs(np.bincount(sub.labels, minlength=10) - share) < 1)


def test_split_is_seeded():
    a = data.digits(classes=(0, 1), n_train=200, rng=7)
    b = data.digits(classes=(0, 1), n_train=200, rng=np.random.default_rng(7))
    c = data.digits(classes=(0, 1), n_train=200, rng=8)
    for field in ("X", "labels", "X_test", "labels_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.X, c.X) and not np.array_equal(a.X_test, c.X_test)


def test_held_out_set_does_not_depend_on_n_train():
    small = data.digits(classes=(4, 6), n_train=20, rng=4, centre=False)
    full = data.digits(classes=(4, 6), rng=4, centre=False)
    np.testing.assert_array_equal(small.X_test, full.X_test)
    assert len(small.X) == 20 and set(small.labels) == {0, 1}


def test_held_out_as_a_count_or_zero():
    d = data.digits(classes=(0, 1), held_out=30, rng=0)
    assert d.X.shape == (330, 65) and d.X_test.shape == (30, 65) and list(np.bincount(d.labels_test)) == [15, 15]
    e = data.digits(classes=(0, 1), held_out=0, rng=0, format="images")
    assert e.X.shape == (360, 1, 8, 8) and e.X_test.shape == (0, 1, 8, 8) and e.labels_test.shape == (0,)


def test_repr_lists_shapes():
    d = data.digits(classes=(0, 1), n_train=200, rng=0)
    assert repr(d) == ("Digits(X=200x65, labels=200, X_test=90x65, labels_test=90, classes=(0, 1), "
                       "format='vectors')")


@pytest.mark.parametrize("kwargs, fragments", [
    ({"classes": (0, 11)}, ("unknown class 11", "0..9")),
    ({"classes": 3}, ("classes", "(0, 1)", "3")),
    ({"classes": ()}, ("classes", "empty")),
    ({"classes": (1, 1)}, ("repeat", "(1, 1)")),
    ({"classes": (0, 1.0)}, ("integer digits", "1.0")),
    ({"classes": (0, 1), "n_train": 1000}, ("n_train=1000", "270", "(0, 1)")),
    ({"n_train": 1}, ("n_train", "1")),
    ({"held_out": 1.5}, ("held_out", "1.5")),
    ({"held_out": -0.1}, ("held_out", "-0.1")),
    ({"classes": (0, 1), "held_out": 359}, ("held_out=359", "360")),
    ({"held_out": True}, ("held_out", "True")),
    ({"format": "vector"}, ("format", "'vector'", "'images'")),
    ({"centre": "yes"}, ("centre", "'yes'")),
])
def test_bad_arguments_are_named(bad_input, kwargs, fragments):
    bad_input(lambda: data.digits(rng=0, **kwargs), *fragments)


def test_rng_is_required(bad_input):
    bad_input(lambda: data.digits(classes=(0, 1), rng=None), "rng is required")
