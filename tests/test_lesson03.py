"""Lesson 3's helper: the straight-line fit of log F_t."""

import numpy as np

from lessons import lesson03_width as lesson


def test_log_linear_fit_recovers_a_geometric_rate_exactly():
    t = np.arange(50)
    rate, r2 = lesson.log_linear_fit(t, 3.0 * 0.9**t)
    assert np.isclose(rate, -np.log(0.9)) and np.isclose(r2, 1.0)


def test_log_linear_fit_sees_the_bend_of_a_sum_of_exponentials():
    t = np.arange(200)
    _, r2 = lesson.log_linear_fit(t, 0.9**t + 1e-3 * 0.999**t)    # fast, then a slow floor
    assert r2 < 0.95
