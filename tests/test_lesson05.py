"""Lesson 5's measurements at initialisation."""

import numpy as np

from lessons import kit
from lessons import lesson05_depth as lesson
from ntkedu import data, ntk


def test_init_statistics_are_small_for_a_wide_shallow_net_and_grow_with_depth():
    X = data.unit_inputs(10, 6, rng=0)
    cfg = {"width": 256}
    shallow = lesson.init_statistics(X, ntk.analytic(X, 1), 1, cfg, [kit.stream(0, "init", j) for j in range(4)])
    deep = lesson.init_statistics(X, ntk.analytic(X, 30), 30, cfg, [kit.stream(1, "init", j) for j in range(4)])
    assert len(shallow["log_norm_hL"]) == 4 and len(shallow["kernel_error"]) == 4
    # Lemma 7.1: log ‖h_L‖ fluctuates by about √(L/m): 0.06 for L = 1 and 0.34 for L = 30 at m = 256
    assert shallow["rms_log_norm_hL"] < 0.2
    assert deep["rms_log_norm_hL"] > shallow["rms_log_norm_hL"]
    assert np.isclose(shallow["rms_kernel_error"], np.sqrt(np.mean(np.square(shallow["kernel_error"]))))


def test_loss_spikes_counts_only_steps_that_raise_the_loss_by_more_than_one_percent():
    assert lesson.loss_spikes([10.0, 5.0, 2.0, 1.0]) == 0
    assert lesson.loss_spikes([10.0, 5.0, 5.04, 6.0, 1.0, 3.0]) == 2      # 5.04 is within 1 %
