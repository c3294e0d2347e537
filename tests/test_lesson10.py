"""Lesson 10's certificate (paper.md §2.5): max_i ‖softmax(ŷ_i) − e_{y_i}‖ < ½ implies 100% accuracy,
and the converse is false."""

import numpy as np

from lessons import lesson10_classification as lesson
from ntkedu import losses


def certificate_of(out, y):
    return lesson.Certificate().measure(0, None, None, y, out, None, None, losses.softmax_cross_entropy(out, y)[0])


def test_every_certified_sample_is_classified_correctly():
    rng = np.random.default_rng(0)
    out = 3.0 * rng.standard_normal((4000, 4))
    y = rng.integers(0, 4, size=4000)
    _, dout = losses.softmax_cross_entropy(out, y)
    certified = np.linalg.norm(dout, axis=1) < lesson.CERTIFICATE_LEVEL
    assert 0 < certified.sum() < len(y)                     # both kinds occur, so the check has teeth
    assert np.all(np.argmax(out[certified], axis=1) == y[certified])
    assert certificate_of(out, y)["certified_fraction"] == certified.mean()


def test_certificate_below_half_means_full_accuracy_but_not_conversely():
    y = np.array([0, 1, 2])
    confident = np.log(np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]]))
    cert = certificate_of(confident, y)
    assert cert["max_norm"] < 0.5 and cert["certified_fraction"] == 1.0
    assert losses.accuracy(confident, y) == 1.0
    # p_y = 0.4 is still the arg-max (correct), yet ‖p − e_y‖ = √(0.36 + 0.09 + 0.09) > ½
    unsure = np.log(np.array([[0.4, 0.3, 0.3], [0.3, 0.4, 0.3], [0.3, 0.3, 0.4]]))
    cert = certificate_of(unsure, y)
    assert losses.accuracy(unsure, y) == 1.0
    assert np.isclose(cert["max_norm"], np.sqrt(0.54)) and cert["certified_fraction"] == 0.0


def test_first_step():
    assert lesson.first_step([0, 5, 10], [False, True, True]) == 5
    assert lesson.first_step([0, 5, 10], [False, False, False]) is None
