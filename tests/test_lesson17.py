"""Lesson 17's width search on tiny problems whose answer is known."""

import numpy as np

import lessons
import ntkedu
from lessons import kit
from ntkedu import data, ntk

L17 = lessons.load(17)


def _problem(n=4, d=6, seed=3):
    rng = np.random.default_rng(seed)
    return data.unit_inputs(n, d, rng=rng), data.regression_targets(n, rng=rng)


def _search(budget_factor, widths=(8, 16, 32), **kw):
    X, Y = _problem()
    args = dict(nets=3, need=2, eps=0.5, budget_factor=budget_factor, lr_scale=1.0, seq=kit.stream(0, "test"))
    args.update(kw)
    return L17.width_search(X, Y, 2, list(widths), **args)


def test_a_huge_budget_lets_the_smallest_width_pass_and_the_search_stops_there():
    found = _search(1000.0, widths=(32, 64, 128))      # m >= 32: a layer of dead ReLUs is out of reach
    assert found["m_star"] == 32
    assert [row["width"] for row in found["widths"]] == [32]         # stopped at the first pass
    assert found["widths"][0]["succeeded"] == 2 and found["widths"][0]["tried"] == 2


def test_a_zero_budget_finds_no_width_and_settles_each_width_after_enough_failures():
    found = _search(0.0)
    assert found["m_star"] is None
    assert [row["width"] for row in found["widths"]] == [8, 16, 32]   # every width tried
    for row in found["widths"]:
        assert not row["passed"] and row["succeeded"] == 0
        assert row["tried"] == 2                                      # 2 failures of 3 settle "need 2"
        assert all(r["status"] == "budget" and r["steps"] is None for r in row["runs"])


def test_steps_to_eps_stops_at_the_first_step_below_eps():
    X, Y = _problem()
    lr = 1.0 / (64 * np.linalg.eigvalsh(ntk.analytic(X, 2))[-1])
    net = ntkedu.MLP(X.shape[1], 64, 2, rng=np.random.default_rng(1))
    reference = ntkedu.MLP(X.shape[1], 64, 2, rng=np.random.default_rng(1))
    hist = ntkedu.train(reference, X, Y, steps=200, lr=lr)
    expected = int(np.flatnonzero(np.asarray(hist.loss) <= 0.3 * hist.loss[0])[0])
    steps, status = L17.steps_to_eps(net, X, Y, lr, 0.3, 200)
    assert (steps, status) == (expected, "reached")
    assert L17.steps_to_eps(ntkedu.MLP(X.shape[1], 64, 2, rng=np.random.default_rng(1)), X, Y, lr, 0.3,
                            expected - 1) == (None, "budget")


def test_kernel_steps_match_the_closed_form_decay():
    X, Y = _problem()
    K = ntk.analytic(X, 2)
    lam, vec = np.linalg.eigh(K)
    u0 = np.zeros_like(Y)
    c2 = (vec.T @ (u0 - Y)[:, 0]) ** 2
    loss = [0.5 * np.sum((1 - lam / lam[-1]) ** (2 * t) * c2) for t in range(2000)]
    expected = next(t for t, F in enumerate(loss) if F <= 0.01 * loss[0])
    assert L17.kernel_steps(K, u0, Y, 1.0, 0.01) == expected


def test_fit_recovers_known_exponents():
    cells = [{"n": n, "depth": L, "m_star": 3 * n**1.5 * L**0.5} for n in (10, 20, 40) for L in (1, 4)]
    fit = L17.fit_exponents(cells)
    assert abs(fit["a"] - 1.5) < 1e-9 and abs(fit["b"] - 0.5) < 1e-9
    assert L17.fit_exponents([{"n": 10, "depth": 2, "m_star": None}, {"n": 20, "depth": 2, "m_star": 64}])["a"] is None
