"""The exercise checks can fail, proven: for every exercise the solution passes, the untouched stub
fails, the wrong answers students really write fail with the hint that names them, and the
tolerance sits where it says. Plus the command line's exit codes, the copies, and the generated
student files being up to date.

Sizes are the checks' own (a few samples, widths of 4–10): the whole file runs in a few seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import ntkedu
from ntkedu import exercises as E
from ntkedu.exercises.__main__ import main, main_check, main_exercises
from ntkedu.exercises._source import SOLUTIONS_DIR, STUDENT_DIR

SEED = 20181109  # fixed, so a failure here is repeatable; test_fresh_seeds_pass covers unseeded runs
NAMES = E.names()

needs_solutions = pytest.mark.skipif(not SOLUTIONS_DIR.is_dir(),
                                     reason="the solutions were withheld from this copy")

_loaded = {}


def solution(name, **override):
    """The solution functions of exercise ``name`` (by function name), some replaced by ``override``."""
    if name not in _loaded:
        ex = E.get(name)
        _loaded[name] = E.load_file(SOLUTIONS_DIR / ex.filename, ex.functions)
    unknown = set(override) - set(_loaded[name])
    assert not unknown, f"{name} has no function {unknown}"
    return {**_loaded[name], **override}


def student(name):
    ex = E.get(name)
    return E.load_file(STUDENT_DIR / ex.filename, ex.functions)


# --------------------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------------------

def test_eleven_exercises_each_with_a_student_file():
    assert len(NAMES) == 11 and len(set(NAMES)) == 11
    for ex in E.exercises():
        assert (STUDENT_DIR / ex.filename).is_file(), ex.filename
        text = (STUDENT_DIR / ex.filename).read_text(encoding="utf-8")
        assert "# %% [markdown]" in text and "paper.md §" in text and "Lesson" in text
        assert f'ntkedu.exercises.check("{ex.name}"' in text
        assert "BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text


@needs_solutions
def test_student_files_are_up_to_date():
    stale = E.generate(check_only=True)
    assert not stale, f"run `python -m ntkedu.exercises generate`: out of date: {stale}"


def test_strip_solutions_keeps_indentation_and_refuses_unbalanced_markers():
    text = "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n"
    assert E.strip_solutions(text) == ("def f(x):\n    y = 1\n    # YOUR CODE HERE\n"
                                       "    raise NotImplementedError()\n")
    with pytest.raises(ValueError, match="never closed"):
        E.strip_solutions("    ### BEGIN SOLUTION\n    x\n", "a.py")
    with pytest.raises(ValueError, match="line 1: ### END SOLUTION without"):
        E.strip_solutions("### END SOLUTION\n", "a.py")


def test_the_library_does_not_import_lessons():
    code = "import sys, ntkedu.exercises; sys.exit('lessons' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], env=_env()).returncode == 0


# --------------------------------------------------------------------------------------------------
# Solutions pass, stubs fail
# --------------------------------------------------------------------------------------------------

@needs_solutions
@pytest.mark.parametrize("name", NAMES)
def test_solution_passes(name):
    result = E.check(name, solution(name), seed=SEED)
    assert result.passed, str(result)
    assert not result.mistakes
    assert f"{name}: passed" in str(result)


@needs_solutions
def test_fresh_seeds_pass():
    for name in NAMES:
        result = E.check(name, solution(name))
        assert result.passed, str(result)
    seeds = {E.check("relu_backward", solution("relu_backward")).seed for _ in range(3)}
    assert len(seeds) == 3


@pytest.mark.parametrize("name", NAMES)
def test_untouched_stub_fails_clearly(name):
    result = E.check(name, student(name), seed=SEED)
    assert not result.passed
    assert result.mistakes == {"not_implemented"}
    assert "not implemented yet" in str(result) and "NotImplementedError" in str(result)


@needs_solutions
def test_same_seed_same_cases():
    a = E.check("mlp_backward", solution("mlp_backward"), seed=7)
    b = E.check("mlp_backward", solution("mlp_backward"), seed=7)
    assert str(a) == str(b) and "seed=7" in str(a)


@needs_solutions
def test_a_hard_coded_answer_cannot_pass():
    recorded = {}

    def record(dh, g):
        recorded.setdefault("answer", dh * (g > 0))
        return dh * (g > 0)

    E.check("relu_backward", record, seed=1, cases=1)
    canned = recorded["answer"]
    result = E.check("relu_backward", lambda dh, g: canned.copy(), seed=2)
    assert not result.passed


def test_student_errors_are_reported_not_raised():
    def crash(dh, g):
        return dh + undefined_name  # noqa: F821

    result = E.check("relu_backward", crash, seed=SEED, cases=2)
    assert not result.passed and "raised NameError" in str(result) and "line" in str(result)
    result = E.check("relu_backward", lambda dh, g: None, seed=SEED, cases=1)
    assert "forget to return" in str(result)
    result = E.check("linear_backward", lambda dout, x, W: dout @ W, seed=SEED, cases=1)
    assert "expected a list or tuple of 2" in str(result)


def test_check_arguments_are_validated():
    with pytest.raises(ValueError, match="no exercise named 'relu'"):
        E.check("relu", lambda dh, g: dh)
    with pytest.raises(ValueError, match="needs 2 functions"):
        E.check("sgd_step", (lambda: 0,))
    with pytest.raises(ValueError, match="gd_step, sgd_step"):
        E.check("sgd_step", lambda: 0)
    with pytest.raises(ValueError, match="seed must be"):
        E.check("relu_backward", lambda dh, g: dh, seed=-1)
    with pytest.raises(ValueError, match="cases must be"):
        E.check("relu_backward", lambda dh, g: dh, cases=0)
    assert E.functions("kernel_gd") == ("kernel_gd_outputs", "residual_along_eigenvectors")


# --------------------------------------------------------------------------------------------------
# The wrong answers students write (each an independent implementation of the mistake)
# --------------------------------------------------------------------------------------------------

def relu_in_place(dh, g):
    dh *= g > 0
    return dh


def mlp_wrong(*, mask_shift=0, no_mask=False, back_T=False, transpose=False, mean=False, pair=-1,
              extra_A=False):
    """The paper's MLP backward with one mistake switched on."""
    def mlp_backward(dout, h, D, params):
        L = len(h) - 1
        grads = {}
        dh = dout @ params["B"]
        for l in range(L, 0, -1):
            dg = dh if no_mask else dh * D[l - mask_shift]
            G = dg.T @ h[l + pair]
            G = G / len(dout) if mean else G
            grads[f"W{l}"] = G.T if transpose else G
            dh = dg @ (params[f"W{l}"].T if back_T else params[f"W{l}"])
        if extra_A:
            grads["A"] = np.zeros_like(params["A"])
        return grads
    return mlp_backward


def vectors_wrong(*, mask_shift=0, no_mask=False, back_T=False):
    def backward_vectors(dout, D, params):
        L = len(D) - 1
        b = [None] * (L + 1)
        dh = dout @ params["B"]
        for l in range(L, 0, -1):
            b[l] = dh if no_mask else dh * D[l - mask_shift]
            W = params[f"W{l}"]
            dh = b[l] @ (W.T if back_T else W)
        return b
    return backward_vectors


def sgd_wrong(factor):
    """factor(n, b) replaces n/b; factor None sums over every sample (ignoring the batch)."""
    def sgd_step(params, per_sample_grads, batch, lr):
        new = {k: v.copy() for k, v in params.items()}
        for k, G in per_sample_grads.items():
            n, b = len(G), len(batch)
            if factor is None:
                new[k] = params[k] - lr * (n / b) * G.sum(axis=0)
            else:
                new[k] = params[k] - lr * factor(n, b) * G[batch].sum(axis=0)
        return new
    return sgd_step


def gd_in_place(params, grads, lr):
    for k, g in grads.items():
        params[k] -= lr * g
    return params


def resnet_wrong(*, tau_in_dW=True, identity=True, tau_in_branch=True, mask="g", transpose=False,
                 back_T=False):
    def resnet_layer_backward(dh, g, h_prev, W, tau):
        dg = dh if mask is None else dh * ((g if mask == "g" else h_prev) > 0)
        dh_prev = (dg if identity else 0) + (tau if tau_in_branch else 1) * (dg @ (W.T if back_T else W))
        dW = (tau if tau_in_dW else 1) * (dg.T @ h_prev)
        return dh_prev, (dW.T if transpose else dW)
    return resnet_layer_backward


def conv_wrong(*, crop=True, accumulate=True, mean=False, swap_channels=False, flip_dw=False):
    def conv_backward(dout, x, w, pad):
        s = w.shape[-1]
        H, W = x.shape[2:]
        xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
        dxp, dw = np.zeros_like(xp), np.zeros_like(w)
        N, F, Ho, Wo = dout.shape
        for n in range(N):
            for f in range(F):
                for i in range(Ho):
                    for j in range(Wo):
                        if accumulate:
                            dw[f] += dout[n, f, i, j] * xp[n, :, i:i + s, j:j + s]
                            dxp[n, :, i:i + s, j:j + s] += dout[n, f, i, j] * w[f]
                        else:
                            dw[f] = dout[n, f, i, j] * xp[n, :, i:i + s, j:j + s]
                            dxp[n, :, i:i + s, j:j + s] = dout[n, f, i, j] * w[f]
        dx = dxp[:, :, pad:pad + H, pad:pad + W] if crop else dxp
        if mean:
            dw = dw / N
        if swap_channels:
            dw = dw.transpose(1, 0, 2, 3)
        if flip_dw:
            dw = dw[:, :, ::-1, ::-1]
        return dx, dw
    return conv_backward


def conv_no_flip(dout, x, w, pad):
    """dx as a 'full' convolution of dout, but with the filters not flipped in space."""
    s = w.shape[-1]
    dx = ntkedu.ops.conv_forward(dout, np.ascontiguousarray(w.transpose(1, 0, 2, 3)), pad=s - 1 - pad)[0]
    _, dw = conv_wrong()(dout, x, w, pad)
    return np.ascontiguousarray(dx), dw


def ntk_wrong(combine, *, shift=0, layers=None, divide_m=False):
    def empirical_ntk(h, b):
        L = len(h) - 1
        total = 0
        for l in (layers(L) if layers else range(1, L + 1)):
            total = total + combine(b[l] @ b[l].T, h[l - 1 + shift] @ h[l - 1 + shift].T)
        return total / h[0].shape[1] if divide_m else total
    return empirical_ntk


def kappa0_unclipped(rho):
    with np.errstate(invalid="ignore"):
        return (np.pi - np.arccos(rho)) / np.pi


def theta_wrong(*, A_layer=True, start=0, normalise=True, factor=True):
    k0, k1 = ntkedu.ntk.kappa0, ntkedu.ntk.kappa1

    def theta_bar(X, depth, d_out):
        def layer(K):
            if not normalise:
                return k1(K), k0(K)
            s = np.sqrt(np.outer(np.diag(K), np.diag(K)))
            return s * k1(K / s), k0(K / s)
        Ks = [X @ X.T]
        Ks.append(layer(Ks[0])[0] if A_layer else Ks[0])
        dots = [None]
        for _ in range(depth):
            K, dot = layer(Ks[-1])
            Ks.append(K)
            dots.append(dot)
        total = 0
        for l in range(1, depth + 1):
            total = total + Ks[l] * np.prod([dots[j] for j in range(l + start, depth + 1)] or [1.0], axis=0)
        return total / (2 * d_out) if factor else total
    return theta_bar


def kgd_wrong(power, *, keep_y=True, add_y=True, flow=False):
    def kernel_gd_outputs(K, u0, y, lr, t):
        lam, V = np.linalg.eigh(K)
        decay = np.exp(-lr * lam * t) if flow else (1 - lr * lam) ** power(t)
        r = V @ (decay * (V.T @ ((u0 - y) if keep_y else u0)))
        return (y + r) if add_y and keep_y else r
    return kernel_gd_outputs


def eig_ascending(K, r):
    lam, V = np.linalg.eigh(K)
    return lam, V.T @ r


def eig_rows(K, r):
    lam, V = np.linalg.eigh(K)
    return lam[::-1], V[:, ::-1] @ r


# (exercise, function replaced, wrong implementation, mistake key, a fragment of its hint)
WRONG = [
    ("relu_backward", "relu_backward", lambda dh, g: dh.copy(), "no_mask", "missing ReLU mask"),
    ("relu_backward", "relu_backward", lambda dh, g: dh * (g.T > 0), "transposed_mask", "mask looks transposed"),
    ("relu_backward", "relu_backward", lambda dh, g: np.maximum(dh, 0), "mask_from_dh", "mask came from dh"),
    ("relu_backward", "relu_backward", lambda dh, g: dh * g, "times_g", "multiplied by g itself"),
    ("relu_backward", "relu_backward", relu_in_place, "in_place", "modified in place"),
    ("relu_backward", "relu_backward", lambda dh, g: (dh * (g > 0)).astype(np.float32), "float32", "float32 result"),

    ("linear_backward", "linear_backward", lambda dout, x, W: (dout @ W, x.T @ dout), "transposed", "looks transposed"),
    ("linear_backward", "linear_backward", lambda dout, x, W: (dout @ W, dout.T @ x / len(x)), "mean", "a mean"),
    ("linear_backward", "linear_backward", lambda dout, x, W: (dout.T @ x, dout @ W), "swapped", "(dW, dx)"),
    ("linear_backward", "linear_backward", lambda dout, x, W: (dout @ W.T, dout.T @ x), "dx_WT", "multiplied by Wᵀ"),

    ("mlp_backward", "mlp_backward", mlp_wrong(mask_shift=1), "mask_below", "mask was taken from the layer below"),
    ("mlp_backward", "mlp_backward", mlp_wrong(no_mask=True), "no_mask", "missing ReLU mask"),
    ("mlp_backward", "mlp_backward", mlp_wrong(transpose=True), "transposed", "looks transposed"),
    ("mlp_backward", "mlp_backward", mlp_wrong(mean=True), "mean", "mean over the samples"),
    ("mlp_backward", "mlp_backward", mlp_wrong(back_T=True), "back_WT", "you wrote `dg @ W.T`"),
    ("mlp_backward", "mlp_backward", mlp_wrong(pair=0), "pair_same", "not its output h_ℓ"),
    ("mlp_backward", "mlp_backward", mlp_wrong(extra_A=True), "fixed_layers", "A and B are fixed"),

    ("backward_vectors", "backward_vectors", vectors_wrong(no_mask=True), "no_mask", "missing ReLU mask"),
    ("backward_vectors", "backward_vectors", vectors_wrong(mask_shift=1), "mask_below", "layer below"),
    ("backward_vectors", "backward_vectors", vectors_wrong(back_T=True), "back_WT", "`dg @ W`"),
    ("backward_vectors", "per_sample_gradients", lambda b, h: np.einsum("ip,iq->iqp", b, h), "transposed",
     "G_i looks transposed"),
    ("backward_vectors", "per_sample_gradients", lambda b, h: np.repeat((b.T @ h)[None], len(b), axis=0),
     "full_batch", "whole batch's gradient"),
    ("backward_vectors", "per_sample_gradients",
     lambda b, h: np.einsum("ip,iq->ipq", b, h).astype(np.float32), "float32", "float32 result"),

    ("sgd_step", "sgd_step", sgd_wrong(lambda n, b: 1.0), "missing_n_over_b", "missing factor n/b"),
    ("sgd_step", "sgd_step", sgd_wrong(lambda n, b: 1.0 / b), "mean", "averaged over the batch"),
    ("sgd_step", "sgd_step", sgd_wrong(None), "all_samples", "summed over all n samples"),
    ("sgd_step", "sgd_step", sgd_wrong(lambda n, b: n // b), "int_division", "n // b rounds down"),
    ("sgd_step", "sgd_step", sgd_wrong(lambda n, b: b / n), "b_over_n", "not b/n"),
    ("sgd_step", "gd_step", gd_in_place, "in_place", "modified in place"),
    ("sgd_step", "gd_step", lambda params, grads, lr: {k: params[k] + lr * g for k, g in grads.items()},
     "dropped_fixed", "A and B unchanged"),
    ("sgd_step", "gd_step", lambda params, grads, lr: {k: params[k] + lr * grads[k] if k in grads else params[k]
                                                       for k in params}, "sign", "went up the gradient"),

    ("resnet_backward", "resnet_layer_backward", resnet_wrong(tau_in_dW=False), "missing_tau", "missing factor τ"),
    ("resnet_backward", "resnet_layer_backward", resnet_wrong(identity=False), "no_identity", "identity path"),
    ("resnet_backward", "resnet_layer_backward", resnet_wrong(mask="h_prev"), "mask_below", "layer below"),
    ("resnet_backward", "resnet_layer_backward", resnet_wrong(mask=None), "no_mask", "missing ReLU mask"),
    ("resnet_backward", "resnet_layer_backward", resnet_wrong(transpose=True), "transposed", "looks transposed"),
    ("resnet_backward", "resnet_layer_backward", resnet_wrong(back_T=True), "back_WT", "`dg @ W.T`"),

    ("conv_backward", "conv_backward", conv_wrong(crop=False), "no_crop", "still includes the zero padding"),
    ("conv_backward", "conv_backward", conv_wrong(accumulate=False), "overwrite", "accumulate with `+=`"),
    ("conv_backward", "conv_backward", conv_wrong(mean=True), "mean", "divided dw by the number of images"),
    ("conv_backward", "conv_backward", conv_wrong(swap_channels=True), "channels_swapped", "channel axes"),
    ("conv_backward", "conv_backward", conv_wrong(flip_dw=True), "flipped", "flipped in space"),
    ("conv_backward", "conv_backward", conv_no_flip, "no_flip", "flipped in space"),

    ("empirical_ntk", "empirical_ntk", ntk_wrong(np.multiply, shift=1), "pair_same", "not with h_ℓ"),
    ("empirical_ntk", "empirical_ntk", ntk_wrong(np.matmul), "matmul", "not `@`"),
    ("empirical_ntk", "empirical_ntk", ntk_wrong(np.add), "sum_grams", "they do not add"),
    ("empirical_ntk", "empirical_ntk", ntk_wrong(np.multiply, divide_m=True), "divided_by_m", "divided by m"),
    ("empirical_ntk", "empirical_ntk", ntk_wrong(np.multiply, layers=lambda L: [L]), "last_layer_only",
     "only the top layer"),

    ("analytic_ntk", "kappa0", lambda rho: ntkedu.ntk.kappa0(rho) * rho, "kappa0_times_rho", "no factor ρ"),
    ("analytic_ntk", "kappa0", kappa0_unclipped, "no_clip", "clip ρ to [−1, 1]"),
    ("analytic_ntk", "kappa1", lambda rho: (np.pi - np.arccos(np.clip(rho, -1, 1))) * rho / np.pi,
     "kappa1_no_sqrt", "√(1 − ρ²) term is missing"),
    ("analytic_ntk", "theta_bar", theta_wrong(factor=False), "missing_factor", "missing factor 1/(2 d_out)"),
    ("analytic_ntk", "theta_bar", theta_wrong(A_layer=False), "no_A_layer", "K_0 = κ₁(K_{−1})"),
    ("analytic_ntk", "theta_bar", theta_wrong(start=1), "product_off_by_one", "starts at j = ℓ"),
    ("analytic_ntk", "theta_bar", theta_wrong(normalise=False), "not_normalised", "not unit vectors"),

    ("kernel_gd", "kernel_gd_outputs", kgd_wrong(lambda t: t, keep_y=False), "forgot_y", "residual u_t − y that decays"),
    ("kernel_gd", "kernel_gd_outputs", kgd_wrong(lambda t: t + 1), "off_by_one", "off by one step"),
    ("kernel_gd", "kernel_gd_outputs", kgd_wrong(lambda t: 2 * t), "loss_exponent", "decay of the loss"),
    ("kernel_gd", "kernel_gd_outputs", kgd_wrong(None, flow=True), "gradient_flow", "gradient flow"),
    ("kernel_gd", "kernel_gd_outputs", kgd_wrong(lambda t: t, add_y=False), "residual", "that is the residual u_t − y"),
    ("kernel_gd", "residual_along_eigenvectors", eig_ascending, "ascending", "ascending order"),
    ("kernel_gd", "residual_along_eigenvectors", eig_rows, "rows", "columns of V"),

    ("flips_and_step", "flipped_fraction",
     lambda D0, D: np.array([np.count_nonzero(a != b) for a, b in zip(D0, D)], dtype=float), "counts",
     "those are counts"),
    ("flips_and_step", "flipped_fraction", lambda D0, D: np.array([np.mean(a) for a in D]), "active_fraction",
     "fraction of active units"),
    ("flips_and_step", "flipped_fraction", lambda D0, D: np.array([np.mean(a & ~b) for a, b in zip(D0, D)]),
     "off_only", "only units that switched off"),
    ("flips_and_step", "normalised_lr", lambda K, m, s: s / np.linalg.eigvalsh(K)[-1], "no_width",
     "width m is missing"),
    ("flips_and_step", "normalised_lr", lambda K, m, s: s / (m * np.linalg.eigvalsh(K)[0]), "lambda_min",
     "largest eigenvalue"),
    ("flips_and_step", "normalised_lr", lambda K, m, s: s / (m * K.max()), "max_entry", "not the largest entry"),
]


@needs_solutions
@pytest.mark.parametrize("name, fname, wrong, key, hint", WRONG,
                         ids=[f"{w[0]}-{w[3]}-{w[1]}" for w in WRONG])
def test_wrong_answer_fails_with_its_hint(name, fname, wrong, key, hint):
    result = E.check(name, solution(name, **{fname: wrong}), seed=SEED)
    assert not result.passed, str(result)
    assert key in result.mistakes, f"expected mistake {key!r}, recognised {result.mistakes}\n{result}"
    assert hint in str(result), str(result)


def test_every_exercise_has_at_least_three_wrong_answers():
    counts = {name: sum(w[0] == name for w in WRONG) for name in NAMES}
    assert min(counts.values()) >= 3, counts


@needs_solutions
def test_a_non_symmetric_kernel_is_named():
    result = E.check("empirical_ntk", ntk_wrong(np.matmul), seed=SEED)
    assert "not_symmetric" in result.mistakes and "not symmetric" in str(result)


# --------------------------------------------------------------------------------------------------
# The tolerance is where it says
# --------------------------------------------------------------------------------------------------

def _noisy(func, relative, rng):
    """``func`` whose float64 results carry relative noise of Frobenius size ``relative``.

    Square matrices get symmetric noise, so a kernel stays exactly as symmetric as it was.
    """
    def add(x):
        if isinstance(x, float):
            return x * (1 + relative)
        if isinstance(x, np.ndarray) and x.dtype == np.float64:
            z = rng.standard_normal(x.shape)
            if x.ndim == 2 and x.shape[0] == x.shape[1]:
                z = z + z.T
            return x + relative * np.linalg.norm(x) * z / np.linalg.norm(z)
        if isinstance(x, (list, tuple)):
            return type(x)(add(v) for v in x)
        if isinstance(x, dict):
            return {k: add(v) for k, v in x.items()}
        return x

    return lambda *args: add(func(*args))


@needs_solutions
@pytest.mark.parametrize("name", NAMES)
def test_tolerance(name):
    tol = E.get(name).tol
    rng = np.random.default_rng(0)
    under = {f: _noisy(g, 0.9 * tol, rng) for f, g in solution(name).items()}
    over = {f: _noisy(g, 1.1 * tol, rng) for f, g in solution(name).items()}
    assert E.check(name, under, seed=SEED).passed, str(E.check(name, under, seed=SEED))
    result = E.check(name, over, seed=SEED)
    assert not result.passed and f"> tolerance {tol:g}" in str(result)


# --------------------------------------------------------------------------------------------------
# The command line: exit 0 / 1 / 2
# --------------------------------------------------------------------------------------------------

def _env():
    return {**os.environ, "OPENBLAS_NUM_THREADS": "1"}


@needs_solutions
def test_command_line_exit_codes(tmp_path, capsys):
    sol = str(SOLUTIONS_DIR / "ex01_relu_backward.py")
    stub = str(STUDENT_DIR / "ex01_relu_backward.py")
    assert main(["check", "relu_backward", sol, "--seed", "3"]) == 0
    assert "relu_backward: passed" in capsys.readouterr().out
    assert main_check(["relu_backward", stub]) == 1
    assert "not implemented yet" in capsys.readouterr().out

    syntax = tmp_path / "syntax.py"
    syntax.write_text("def relu_backward(dh, g):\n    return dh *\n")
    other = tmp_path / "other.py"
    other.write_text("def something_else():\n    pass\n")
    broken = tmp_path / "broken.py"
    broken.write_text("import numpy as np\nx = 1 / 0\n")
    for argv, fragment in [
        (["nope", sol], "no exercise named 'nope'"),
        (["relu_backward", str(tmp_path / "missing.py")], "no such file"),
        (["relu_backward", str(other)], "does not define relu_backward"),
        (["relu_backward", str(syntax)], "line 2: syntax error"),
        (["relu_backward", str(broken)], "running the file failed at line 2: ZeroDivisionError"),
        (["relu_backward"], "required: FILE"),
        (["relu_backward", sol, "--seed", "x"], "--seed"),
    ]:
        assert main_check(argv, prog="ntkedu check") == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("ntkedu check: error:") and fragment in err, err
        assert err.count("\n") == 1 and "Traceback" not in err


def test_the_check_cell_does_not_run_when_the_file_is_checked(tmp_path, capsys):
    f = tmp_path / "mine.py"
    f.write_text("def relu_backward(dh, g):\n    return dh * (g > 0)\n\n"
                 "if __name__ == '__main__':\n    raise SystemExit('the check cell ran')\n")
    assert main_check(["relu_backward", str(f), "--cases", "2"]) == 0
    assert "2 of 2 cases passed" in capsys.readouterr().out


@needs_solutions
def test_python_dash_m_runs_as_a_program():
    sol = str(SOLUTIONS_DIR / "ex02_linear_backward.py")
    stub = str(STUDENT_DIR / "ex02_linear_backward.py")
    codes = []
    for args in (["check", "linear_backward", sol], ["check", "linear_backward", stub],
                 ["check", "linear_backward"]):
        p = subprocess.run([sys.executable, "-m", "ntkedu.exercises", *args], capture_output=True,
                           text=True, env=_env(), timeout=120)
        codes.append(p.returncode)
        assert "Traceback" not in p.stderr
    assert codes == [0, 1, 2]


def test_list_and_copies(tmp_path, capsys):
    assert main_exercises([]) == 0
    out = capsys.readouterr().out
    for ex in E.exercises():
        assert ex.name in out and ex.lesson in out
    assert main(["list"]) == 0 and "flips_and_step" in capsys.readouterr().out

    folder = tmp_path / "work"
    assert main_exercises(["--out", str(folder)]) == 0
    written = sorted(p.name for p in folder.iterdir())
    assert written == sorted(ex.filename for ex in E.exercises())
    for name in written:
        assert (folder / name).read_text() == (STUDENT_DIR / name).read_text()
    capsys.readouterr()
    assert main_exercises(["--out", str(folder)]) == 2          # never clobber a student's work
    assert "already exists" in capsys.readouterr().err
    assert main(["copy", str(folder), "--force"]) == 0
    paths = E.write_copies(tmp_path / "fresh")
    assert len(paths) == 11 and all(p.is_file() for p in paths)
    # a copied stub is checked like the original
    assert main_check(["relu_backward", str(folder / "ex01_relu_backward.py"), "--cases", "1"]) == 1
