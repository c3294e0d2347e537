"""The ``ntkedu`` command, driven as a new user would: as a subprocess, reading stdout, stderr and files.

Independent invocations run a few at a time (each one pays Python's and NumPy's start-up).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import ntkedu
from ntkedu import data, losses
from ntkedu.training import History

# One BLAS thread per process: several small runs share the machine's cores.
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
TINY = ["--width", "16", "--depth", "2", "--n", "6", "--d", "4", "--quiet"]
COMMANDS = ("train", "sweep", "trace", "gradcheck", "ntk", "bench", "plot", "lessons", "notebooks")


@dataclass
class Result:
    args: list
    returncode: int
    stdout: str
    stderr: str


def ntkedu_run(*args, cwd=None, timeout=120, prefix=("-m", "ntkedu")) -> Result:
    args = [str(a) for a in args]
    p = subprocess.run([sys.executable, *prefix, *args], capture_output=True, text=True, env=ENV,
                       cwd=cwd, timeout=timeout)
    return Result(args, p.returncode, p.stdout, p.stderr)


def parallel(*calls) -> list:
    """Run the given zero-argument callables a few at a time; their results in order."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda call: call(), calls))


def ntkedu_all(cases, cwd=None) -> list:
    return parallel(*(lambda args=args: ntkedu_run(*args, cwd=cwd) for args in cases))


def is_png(path) -> bool:
    return Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------------------------------
# --help, and bad input
# --------------------------------------------------------------------------------------------------

def test_help_for_every_command_shows_usage_and_examples():
    results = ntkedu_all([["--help"]] + [[c, "--help"] for c in COMMANDS])
    top = results[0]
    assert top.returncode == 0 and top.stderr == ""
    for c in COMMANDS:
        assert c in top.stdout
    for c, r in zip(COMMANDS, results[1:]):
        assert r.returncode == 0, (c, r.stderr)
        assert r.stdout.startswith(f"usage: ntkedu {c}"), (c, r.stdout[:80])
        assert "examples:" in r.stdout and f"ntkedu {c}" in r.stdout.split("examples:")[1], c


def test_bad_inputs_get_one_line_exit_2_and_name_the_value(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"format": "ntkedu.History/1", "steps": [0, 1')
    out = tmp_path / "out"
    cases = [  # (arguments, text the one-line message must contain)
        (["train", "--width", "0"], "0"),
        (["train", "--width", "abc"], "'abc'"),
        (["train", "--arch", "transformer"], "'transformer'"),
        (["train", "--loss", "hinge"], "'hinge'"),
        # a huge run: only a check made before training can answer at once
        (["train", "--out", blocker / "sub", "--width", "4096", "--steps", "100000", "--quiet"],
         str(blocker / "sub")),
        (["train", "--arch", "resnet", "--tau", "0"], "'0'"),
        (["train", "--batch-size", "7", *TINY, "--out", out], "--batch-size 7"),
        (["train", "--loss", "cross_entropy", "--d-out", "1", *TINY, "--out", out], "--d-out 1"),
        (["train", "--steps", "0"], "0"),
        (["sweep", "--widths", "64,abc"], "'abc'"),
        (["sweep", "--depths", "3,0"], "0"),
        (["plot", tmp_path / "missing.json"], "missing.json"),
        (["plot", corrupt], "corrupt.json"),
        (["trace", "--width", "0"], "0"),
        (["ntk", "--n", "1"], "1"),
        (["bench", "--which", "gpu"], "'gpu'"),
        (["train", "--lr", "nan"], "'nan'"),
    ]
    results = ntkedu_all([args for args, _ in cases])
    for (args, offending), r in zip(cases, results):
        assert r.returncode == 2, (args, r.returncode, r.stderr)
        assert "Traceback" not in r.stderr, (args, r.stderr)
        lines = [line for line in r.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, (args, r.stderr)
        assert offending in lines[0], (args, lines[0])
        assert lines[0].startswith(f"ntkedu {args[0]}: error:"), (args, lines[0])
    assert not (blocker.parent / "sub").exists()


def test_a_diverging_step_size_exits_2_with_the_histories_message(tmp_path):
    r = ntkedu_run("train", "--lr", "1000", *TINY, "--steps", "50", "--out", tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    hist = History.load(tmp_path / "history.json")
    assert hist.diverged is not None
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and hist.diverged in lines[0] and "1000" in lines[0]
    assert hist.steps[-1] < 50                                   # it stopped early
    assert is_png(tmp_path / "loss.png")


# --------------------------------------------------------------------------------------------------
# train, sweep, plot
# --------------------------------------------------------------------------------------------------

def test_train_writes_history_and_figure_atomically_and_summarises(tmp_path):
    out = tmp_path / "run"
    r = ntkedu_run("train", *TINY, "--steps", "30", "--record-every", "5", "--out", out)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""                                       # --quiet
    assert sorted(p.name for p in out.iterdir()) == ["history.json", "loss.png"]   # no temporary files left
    hist = History.load(out / "history.json")
    assert hist.steps == [0, 5, 10, 15, 20, 25, 30]
    assert hist.loss[-1] < hist.loss[0]
    assert hist.config["width"] == 16 and hist.config["depth"] == 2 and hist.config["n"] == 6
    assert hist.config["lr_scale"] == 1.0
    assert is_png(out / "loss.png")
    summary = r.stdout.splitlines()[0]
    assert f"{hist.loss[0]:.4g}" in summary and f"{hist.loss[-1]:.4g}" in summary
    assert "30 steps" in summary
    # redraw without retraining
    (out / "loss.png").unlink()
    redraw = ntkedu_run("plot", out / "history.json", "--out", tmp_path / "again")
    assert redraw.returncode == 0, redraw.stderr
    assert [p.name for p in (tmp_path / "again").iterdir()] == ["history_loss.png"]
    assert is_png(tmp_path / "again" / "history_loss.png")
    assert History.load(out / "history.json").loss == hist.loss                    # untouched


def test_sweep_runs_are_independent_of_the_other_widths_and_report_progress(tmp_path):
    r_sweep, r_train = ntkedu_all([
        ["sweep", "--widths", "8,16", "--depth", "2", "--n", "6", "--d", "4", "--steps", "10",
         "--out", tmp_path / "sweep"],
        ["train", *TINY, "--steps", "10", "--out", tmp_path / "train"]])
    assert r_sweep.returncode == 0 and r_train.returncode == 0, (r_sweep.stderr, r_train.stderr)
    saved = json.loads((tmp_path / "sweep" / "sweep.json").read_text())
    assert saved["sweep"]["vary"] == "width" and saved["sweep"]["values"] == [8, 16]
    assert [h["config"]["width"] for h in saved["histories"]] == [8, 16]
    alone = History.load(tmp_path / "train" / "history.json")
    assert saved["histories"][1]["loss"] == alone.loss          # width 16 is the same run either way
    assert saved["histories"][0]["loss"] != alone.loss
    assert is_png(tmp_path / "sweep" / "loss.png")
    assert "run=1 of 2" in r_sweep.stderr and "run=2 of 2" in r_sweep.stderr
    assert "elapsed" in r_sweep.stderr and "left" in r_sweep.stderr and "loss=" in r_sweep.stderr
    redraw = ntkedu_run("plot", tmp_path / "sweep" / "sweep.json")
    assert redraw.returncode == 0, redraw.stderr
    assert is_png(tmp_path / "sweep" / "sweep_loss.png")


def test_plot_redraws_a_lesson_json_through_the_lessons_framework(tmp_path):
    from lessons import kit          # the repository's lessons/ (pytest runs from the repository root)
    saved = kit.run_lesson(1, "quick", seed=0, out_dir=tmp_path / "l", quiet=True)   # setup, in-process
    r = ntkedu_run("plot", tmp_path / "l" / "lesson01.json", "--out", tmp_path / "p")
    assert r.returncode == 0, r.stderr
    drawn = sorted(p.name for p in (tmp_path / "p").iterdir())
    assert drawn == sorted(Path(f).name for f in saved["files"] if f.endswith(".png"))
    assert all(is_png(tmp_path / "p" / name) for name in drawn)


# --------------------------------------------------------------------------------------------------
# trace
# --------------------------------------------------------------------------------------------------

def _norm(text: str, formula_start: str) -> float:
    """The ‖·‖ column of the trace line whose formula starts with ``formula_start``."""
    for line in text.splitlines():
        if line.strip().startswith(formula_start):
            m = re.match(r"^\s+(.+?)\s{2,}(\S+)\s{2,}(\S+)", line)
            return float(m.group(3))
    raise AssertionError(f"no line {formula_start!r} in the trace")


def test_trace_fits_on_one_screen_and_matches_the_library():
    r = ntkedu_run("trace", "--width", "4", "--depth", "2", "--seed", "3")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.rstrip("\n").splitlines()
    assert len(lines) <= 45 and max(len(line) for line in lines) <= 100
    # the same network, built independently as the trace's documentation says
    rng = np.random.default_rng(3)
    X = data.unit_inputs(1, 3, rng=rng)
    Y = data.regression_targets(1, 1, rng=rng)
    net = ntkedu.MLP(3, 4, 2, 1, rng=rng)
    out, cache = net.forward(X)
    loss, dout = losses.squared(out, Y)
    grads = net.backward(dout, cache)
    dg = net.backward_signals(dout, cache)
    for l in (1, 2):
        assert _norm(r.stdout, f"∇W_{l} =") == pytest.approx(np.linalg.norm(grads[f"W{l}"]), rel=1e-5)
        assert _norm(r.stdout, f"∂F/∂g_{l} =") == pytest.approx(np.linalg.norm(dg[l]), rel=1e-5)
        assert _norm(r.stdout, f"h_{l} =") == pytest.approx(np.linalg.norm(cache.h[l]), rel=1e-5)
    F = float(re.search(r"F = .*?scalar\s+(\S+)", r.stdout).group(1))
    assert F == pytest.approx(loss, rel=1e-5)
    printed_h0 = re.search(r"h_0 = φ\(g_0\).*?\[(.*?)\]", r.stdout).group(1).split()
    assert [float(v) for v in printed_h0] == pytest.approx(cache.h[0][0], abs=5e-4)


def test_trace_of_a_resnet_uses_tau_in_the_residual_step():
    r = ntkedu_run("trace", "--arch", "resnet", "--depth", "3", "--width", "4")
    assert r.returncode == 0, r.stderr
    rng = np.random.default_rng(0)
    X, Y = data.unit_inputs(1, 3, rng=rng), data.regression_targets(1, 1, rng=rng)
    net = ntkedu.ResNet(3, 4, 3, 1, tau=1 / np.sqrt(3), rng=rng)
    out, cache = net.forward(X)
    grads = net.backward(losses.squared(out, Y)[1], cache)
    assert "g_1 = h_0 + τ W_1 h_0" in r.stdout
    for l in (1, 2, 3):
        assert _norm(r.stdout, f"∇W_{l} =") == pytest.approx(np.linalg.norm(grads[f"W{l}"]), rel=1e-5)


# --------------------------------------------------------------------------------------------------
# gradcheck, ntk, bench, lessons, notebooks
# --------------------------------------------------------------------------------------------------

BROKEN_BACKWARD = """
import sys
from ntkedu import networks
right = networks.MLP.backward
def wrong(self, dout, cache):                  # a wrong backward: ∇W_1 twice too large
    grads = right(self, dout, cache)
    grads["W1"] = 2 * grads["W1"]
    return grads
networks.MLP.backward = wrong
from ntkedu.cli import main
sys.exit(main(["gradcheck"]))
"""


def test_gradcheck_exits_0_when_every_check_passes_and_1_when_backward_is_wrong():
    ok, broken = parallel(lambda: ntkedu_run("gradcheck"), lambda: ntkedu_run(prefix=("-c", BROKEN_BACKWARD)))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    for what in ("linear", "relu", "conv", "MLP", "ResNet", "CNN"):
        assert what in ok.stdout
    assert " NO" not in ok.stdout and "all 5 checks pass" in ok.stdout
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert " NO" in broken.stdout and "FAILED" in broken.stdout


def test_ntk_prints_memory_then_consistent_kernel_statistics():
    r = ntkedu_run("ntk", "--width", "64", "--depth", "2", "--n", "6", "--d", "4")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "memory" in lines[1] and lines.index(lines[1]) < lines.index(next(l for l in lines if "λ_min" in l))

    def stats(prefix):
        line = next(l for l in lines if l.strip().startswith(prefix))
        lo, hi, cond = (float(re.search(rf"{k} = (\S+?),?\s", line + " ").group(1))
                        for k in ("λ_min", "λ_max", "λ_max/λ_min"))
        return lo, hi, cond
    for prefix in ("empirical", "infinite-width"):
        lo, hi, cond = stats(prefix)
        assert 0 < lo <= hi and cond == pytest.approx(hi / lo, rel=1e-3)
    _, hi_bar, _ = stats("infinite-width")
    eta = float(re.search(r"2/\(m·λ_max\(Θ̄\)\) = (\S+?),", r.stdout).group(1))
    assert eta == pytest.approx(2 / (64 * hi_bar), rel=1e-3)
    dist = float(re.search(r"‖Θ_m/m − Θ̄‖_F / ‖Θ̄‖_F = (\S+)", r.stdout).group(1))
    assert 0 < dist < 2


def test_bench_quick_and_lessons_forwarding(tmp_path):
    bench, listed, direct, unknown = parallel(
        lambda: ntkedu_run("bench", "--quick", "--which", "mlp"),
        lambda: ntkedu_run("lessons"),
        lambda: ntkedu_run(prefix=("-m", "lessons"), cwd=Path(ntkedu.__file__).parent.parent),
        lambda: ntkedu_run("lessons", "run", "999", "--quiet", "--out", tmp_path))
    assert bench.returncode == 0 and "ratio" in bench.stdout, bench.stderr
    assert "1 BLAS thread, set by OPENBLAS_NUM_THREADS=1" in bench.stdout      # the user's setting is named
    assert listed.returncode == 0 and direct.returncode == 0, (listed.stderr, direct.stderr)
    assert listed.stdout == direct.stdout and listed.stdout.strip()
    assert unknown.returncode == 2 and "999" in unknown.stderr and "Traceback" not in unknown.stderr


NO_JUPYTEXT = """
import sys
sys.modules["jupytext"] = None      # as if the optional extra were not installed
from lessons.__main__ import main
sys.exit(main(["notebooks", "--out", sys.argv[1]]))
"""


def test_notebooks_without_jupytext_exit_2_with_the_install_command(tmp_path):
    r = ntkedu_run(tmp_path / "nb", prefix=("-c", NO_JUPYTEXT))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "pip install" in r.stderr and "notebooks" in r.stderr
    assert not (tmp_path / "nb").exists() or not any((tmp_path / "nb").iterdir())


def test_notebooks_writes_every_lesson_as_ipynb(tmp_path):
    r = ntkedu_run("notebooks", "--out", tmp_path / "nb")
    assert r.returncode == 0, r.stderr
    import lessons
    written = sorted(p.name for p in (tmp_path / "nb").iterdir())
    assert written == sorted(f"{name}.ipynb" for name in lessons.available().values())


def test_console_script_and_python_m_are_the_same_program():
    script = Path(sysconfig.get_path("scripts")) / "ntkedu"
    via_m = ntkedu_run("--version")
    via_script = subprocess.run([str(script), "--version"], capture_output=True, text=True, env=ENV, timeout=60)
    assert via_m.returncode == 0 and via_script.returncode == 0
    assert via_m.stdout == via_script.stdout == f"ntkedu {ntkedu.__version__}\n"


def test_bench_times_the_engine_on_one_blas_thread_as_train_runs_it():
    # a fresh process without the thread variables: its BLAS starts with one thread per core
    chosen = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    env = {k: v for k, v in os.environ.items() if k not in chosen}
    code = ("from ntkedu import bench, threads; before = threads.blas_threads(); "
            "print(bench.run(('mlp',), quick=True).splitlines()[0]); print(before, threads.blas_threads())")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    header, counts = r.stdout.splitlines()
    assert "1 BLAS thread, as ntkedu.train runs" in header, (header, r.stderr)
    before, after = counts.split()
    assert before == after                                   # the limit is lifted afterwards
