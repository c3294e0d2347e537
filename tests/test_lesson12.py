"""Lesson 12's derivation (paper.md §4): one residual layer h_1 = φ(h_0 + τ W_1 h_0) multiplies
‖h‖² by a factor between ½ + τ² and 1 + 2τ², which makes τ = 1 explode and τ = 1/√L stay O(1)."""

import numpy as np
import pytest

import ntkedu
from lessons import lesson12_resnet as lesson
from ntkedu import data


@pytest.mark.parametrize("tau", [0.5, 1.0])
def test_one_residual_layer_stays_between_the_derived_bounds(tau):
    X = data.unit_inputs(20, 16, rng=0)
    net = ntkedu.ResNet(16, 2048, 1, tau=tau, seed=1)   # wobble 2τ√(2/m) ≈ 0.03
    _, cache = net.forward(X)
    growth = np.mean(np.sum(cache.h[1] ** 2, axis=1) / np.sum(cache.h[0] ** 2, axis=1))
    assert 0.5 + tau**2 < growth < 1 + 2 * tau**2


def test_norm_profile_starts_at_one_and_has_a_value_per_layer():
    X = data.unit_inputs(5, 8, rng=0)
    net = ntkedu.ResNet(8, 64, 6, tau=1.0, seed=0)
    result = lesson.norm_profile(net, X)
    profile = result["profile"]
    assert len(profile) == 7 and profile[0] == pytest.approx(1.0) and result["overflow"] is None
    assert profile[-1] > profile[0]                          # τ = 1: grows with every layer on average


def test_an_overflowing_forward_pass_gives_its_layer_not_an_error():
    X = data.unit_inputs(4, 8, rng=0)
    net = ntkedu.ResNet(8, 16, 2500, tau=1.0, seed=0)
    result = lesson.norm_profile(net, X)
    # ln‖h_ℓ‖ rises by ½ln(3/2)..½ln3 per layer and float64 ends at e^709.8: layer ≈ 1290..3500
    assert 1000 < result["overflow"] <= 2500
    assert len(result["profile"]) == result["overflow"]      # h_0 .. h_{overflow−1}, all finite
    assert np.all(np.isfinite(result["log_profile"])) and result["log_profile"][-1] > 600
