"""Lesson 16's helpers: slopes, power-law fits and the success boundary recover known answers."""

import numpy as np
import pytest

from lessons import kit

L16 = kit.load(16)
WIDTHS, DEPTHS = [16, 32, 64, 128], [1, 2, 4, 8]


def test_width_slopes_and_boundary_recover_a_known_line():
    # log10 ratio = -0.5·log2 m + 0.1·L : slope -0.5 per doubling at every depth
    table = np.array([[-0.5 * np.log2(m) + 0.1 * L for m in WIDTHS] for L in DEPTHS])
    assert L16.width_slopes(table, WIDTHS) == pytest.approx([-0.5] * len(DEPTHS))
    crossing = L16.boundary(table, WIDTHS, -3.0)            # -0.5 x + 0.1 L = -3  ->  x = 6 + 0.2 L
    assert crossing == pytest.approx([6 + 0.2 * L for L in DEPTHS])
    assert np.isnan(L16.boundary(-table, WIDTHS, -3.0)[0])   # a row that rises has no crossing ahead


def test_power_fit_and_ratio_slope_recover_exponents():
    M, L = np.meshgrid(WIDTHS, DEPTHS)
    table = 3.0 * M ** -1.0 * L ** 0.5
    a, b = L16.power_fit(table, WIDTHS, DEPTHS)
    assert (a, b) == pytest.approx((-1.0, 0.5))
    assert L16.ratio_slope((L / M) ** 0.7, WIDTHS, DEPTHS) == pytest.approx(0.7)
    assert L16.ratio_slope(2 * np.log(L / M), WIDTHS, DEPTHS, log_values=False) == pytest.approx(2.0)


def test_cell_table_reduces_over_nets_and_leaves_out_dead_ones():
    alive = {"diverged": None, "stalled": None}
    cells = {"16,1": [{**alive, "movement": 1.0, "steps_to_eps": 5}, {**alive, "movement": 3.0, "steps_to_eps": None},
                      {"diverged": None, "stalled": "stalled at step 3", "movement": 1e5, "steps_to_eps": None}]}
    assert L16.cell_table(cells, [16], [1], "movement", "median")[0, 0] == 2.0     # the stalled net left out
    assert L16.cell_table(cells, [16], [1], "movement", "mean")[0, 0] == pytest.approx((4 + 1e5) / 3)
    assert L16.cell_table(cells, [16], [1], "steps_to_eps", "steps")[0, 0] == np.inf   # 2 of 3 never got there


def test_false_alarm_is_the_normal_tail_of_the_design():
    assert L16.normal_tail(0.0) == pytest.approx(0.5)
    assert L16.normal_tail(3.5) == pytest.approx(2.326e-4, rel=1e-3)
    mean, sd = L16.DESIGN["mlp_max_width_slope"]
    assert L16.false_alarm("mlp_max_width_slope", hi=0) == pytest.approx(L16.normal_tail(-mean / sd))
    assert L16.false_alarm("mlp_max_width_slope", hi=0) < 1 / 2000
