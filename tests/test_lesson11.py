"""Lesson 11's step-size rule: η_b = (b/n)·η_GD, or GD's η for every b when the setting says so."""

import numpy as np

import ntkedu
from lessons import lesson11_sgd as lesson
from ntkedu import data


def _run(b, scale):
    rng = np.random.default_rng(0)
    X, Y = data.unit_inputs(4, 5, rng=rng), data.regression_targets(4, rng=rng)
    net = ntkedu.MLP(5, 16, 2, rng=rng)
    cfg = dict(lr_scale=1.5, eps=1e-2, scale_lr_with_b=scale)
    return lesson.train_with_batch(net, X, Y, cfg, b, epochs=2, seed_seq=1)


def test_the_step_grows_like_b_and_one_record_per_epoch():
    gd, sgd = _run(4, True), _run(1, True)
    assert np.isclose(sgd["lr"] / gd["lr"], 1 / 4)           # η_b = (b/n)·η_GD
    assert sgd["steps"] == [0, 4, 8] and sgd["epochs"] == [0.0, 1.0, 2.0]
    assert gd["steps"] == [0, 1, 2]


def test_without_scaling_every_batch_size_gets_the_gd_step():
    assert np.isclose(_run(1, False)["lr"], _run(4, False)["lr"])
