"""Lesson 2's helpers: a pair of inputs at an exact distance, and a rescaled network."""

import numpy as np

import ntkedu
from lessons import lesson02_initialisation as lesson
from ntkedu import measure


def test_pair_at_distance_has_the_papers_form_and_the_asked_distance():
    rng = np.random.default_rng(5)
    for delta in (0.05, 0.2, 1.0):
        x, z = lesson.pair_at_distance(8, delta, rng=rng)
        assert np.isclose(np.linalg.norm(x), 1) and np.isclose(np.linalg.norm(z), 1)
        assert np.isclose(x[-1], 2 ** -0.5) and np.isclose(z[-1], 2 ** -0.5)
        assert np.isclose(np.linalg.norm(x - z), delta)


def test_rescaled_network_multiplies_layer_l_by_c_to_the_l_plus_1():
    net = ntkedu.MLP(6, 32, 4, seed=1)
    X = np.random.default_rng(2).standard_normal((5, 6))
    c = np.sqrt(4.0 / 2)
    ratio = measure.forward_norms(lesson.rescaled(net, 4.0), X) / measure.forward_norms(net, X)
    assert np.allclose(ratio, c ** (np.arange(5) + 1))
    assert np.array_equal(net.params["W1"], ntkedu.MLP(6, 32, 4, seed=1).params["W1"])   # original untouched


def test_separation_claim_band_shrinks_with_the_number_of_nets():
    small = lesson.run(seed=0, forward_nets=2, forward_L=2, forward_m=64, products_nets=1, products_L=2,
                       backward_widths=[32, 64], backward_nets=1, pairs=2)
    sep = small["measurements"]
    assert np.isclose(sep["separation_band"], lesson.SEP_Z * lesson.SEP_SPREAD * np.sqrt(3 / 64) / np.sqrt(2))
    assert set(sep["separation_deviation"]) == {"0.05", "0.2"}
    assert small["config"]["changed_settings"]
