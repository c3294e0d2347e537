"""The readable core: backward in one frame, networks equal to their ops, clean layering, keyed
streams, stalled runs and memory refused up front, saved files read with clear errors, results that
are byte-identical for the same seed."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import ntkedu
import ntkedu.errors
from ntkedu import data, memory, ops
from ntkedu.errors import MemoryLimitError
from ntkedu.experiments import RunSpec, child_stream, make_data, run_one, run_sweep
from ntkedu.parallel import process_pool
from ntkedu.training import History, TrainingInterrupted, train

ROOT = Path(ntkedu.__file__).resolve().parent.parent


# ---- one frame that reads as the paper ---------------------------------------------------------

STEP = """
from ntkedu.trace import build
s = build()
net, cache, dout = s.net, s.cache, s.dout
breakpoint()
grads = net.backward(dout, cache)
"""


def test_a_debugger_reaches_the_first_formula_in_five_steps_and_names_each_gradient(tmp_path):
    script = tmp_path / "step.py"
    script.write_text(STEP)
    keys = "s\n" * 5 + "p 'MARK'\n" + "n\n" * 4 + "p sorted(k for k in locals() if k in ('dW', 'dg', 'dh', 'grads'))\nc\n"
    r = subprocess.run([sys.executable, str(script)], input=keys, capture_output=True, text=True, timeout=60,
                       env={"PYTHONBREAKPOINT": "pdb.set_trace", "PATH": "/usr/bin:/bin"})
    shown = r.stdout[:r.stdout.index("'MARK'")].splitlines()
    current = [l for l in shown if l.startswith("-> ") or l.startswith("(Pdb) -> ")][-1]   # pdb's current line
    assert 'dh[L] = dout @ W["B"]' in current, r.stdout
    assert "['dW', 'dg', 'dh', 'grads']" in r.stdout, r.stdout


@pytest.mark.parametrize("arch", ["mlp", "resnet", "cnn"])
def test_each_network_equals_the_composition_of_the_ops(arch):
    rng = np.random.default_rng(0)
    if arch == "cnn":
        net, X = ntkedu.CNN((1, 5, 5), 3, 2, 2, rng=rng), data.images(3, (1, 5, 5), rng=rng)
    else:
        net = ntkedu.MLP(4, 6, 3, 2, rng=rng) if arch == "mlp" else ntkedu.ResNet(4, 6, 3, 2, tau=0.4, rng=rng)
        X = data.unit_inputs(3, 4, rng=rng)
    out, cache = net.forward(X)
    dout = rng.standard_normal(out.shape)
    grads = net.backward(dout, cache)
    P, L = net.params, net.depth
    # forward by the ops alone
    conv = arch == "cnn"
    layer = (lambda h, W: ops.conv_forward(h, W)) if conv else (lambda h, W: ops.linear_forward(h, W))
    g0, c0 = layer(X, P["A"])
    h, rc = ops.relu_forward(g0)
    stack = []
    for l in range(1, L + 1):
        if arch == "resnet":
            g, c = ops.residual_forward(h, P[f"W{l}"], net.tau)
        else:
            g, c = layer(h, P[f"W{l}"])
        h_next, r = ops.relu_forward(g)
        stack.append((c, r))
        np.testing.assert_allclose(g, cache.g[l], rtol=1e-13, atol=1e-15)
        h = h_next
    y, lc = ops.linear_forward(h.reshape(len(X), -1), P["B"])
    np.testing.assert_allclose(y, out, rtol=1e-13, atol=1e-15)
    # backward by the ops alone
    dh, _ = ops.linear_backward(dout, lc)
    dh = dh.reshape(cache.h[L].shape)
    for l in range(L, 0, -1):
        c, r = stack[l - 1]
        dg = ops.relu_backward(dh, r)
        if arch == "resnet":
            dh, dW = ops.residual_backward(dg, c)
        elif conv:
            dh, dW = ops.conv_backward(dg, c)
        else:
            dh, dW = ops.linear_backward(dg, c)
        np.testing.assert_allclose(dg, grads.dg[l], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(dW, grads[f"W{l}"], rtol=1e-12, atol=1e-14)


# ---- layering ----------------------------------------------------------------------------------

def _imports(path: Path, package: str) -> set:
    """Modules a file imports (absolute names), including imports inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return found


def _graph(folder: str) -> dict:
    graph = {}
    for path in (ROOT / folder).rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        package = name if rel.name == "__init__" else ".".join(rel.parts[:-1])
        graph[name] = _imports(path, package)
    return graph


def test_the_library_never_imports_the_lessons_and_no_module_imports_itself_back():
    graph = {**_graph("ntkedu"), **_graph("lessons")}
    bad = {m: sorted(i for i in deps if i == "lessons" or i.startswith("lessons."))
           for m, deps in graph.items() if m.startswith("ntkedu")}
    assert not any(bad.values()), bad
    # `from . import x` names the package and x: keep only the module actually imported
    edges = {m: {d for d in deps if d in graph and d != m and not any(e.startswith(d + ".") for e in deps if e in graph)}
             for m, deps in graph.items()}

    def reaches(start, goal, seen=()):
        return any(d == goal or (d not in seen and reaches(d, goal, (*seen, d))) for d in edges[start])
    cycles = [(a, b) for a in edges for b in edges[a] if reaches(b, a)]
    # a package's __init__ re-exporting its own modules is not a cycle of ideas
    cycles = [(a, b) for a, b in cycles if not (b.startswith(a + ".") or a.startswith(b + "."))]
    assert not cycles, cycles


def test_no_module_switches_on_the_kind_of_network_or_calls_its_private_methods():
    for path in (ROOT / "ntkedu").rglob("*.py"):
        text = path.read_text()
        assert "net.kind ==" not in text and "net.kind !=" not in text, path
        assert "net._" not in text, path


# ---- keyed streams -------------------------------------------------------------------------------

def test_adding_a_width_leaves_every_other_run_bitwise_unchanged():
    base = RunSpec("mlp", 8, 2, 1, 6, 4, (1, 6, 6), "squared", 5, None, 1.0, None, None, 3, 1, [])
    X, Y = make_data(base)
    few = run_sweep([RunSpec(**{**vars(base), "width": m}) for m in (8, 32)], X, Y)
    more = run_sweep([RunSpec(**{**vars(base), "width": m}) for m in (8, 16, 32)], X, Y)
    assert few[0].as_dict() == more[0].as_dict() and few[1].as_dict() == more[2].as_dict()
    assert child_stream(3, "width", 8).spawn_key == child_stream(3, "width", 8).spawn_key
    with pytest.raises(ValueError, match="-1"):
        child_stream(3, -1)


def test_a_sweep_on_a_process_pool_gives_the_serial_histories():
    base = RunSpec("mlp", 8, 2, 1, 6, 4, (1, 6, 6), "squared", 5, None, 1.0, None, None, 0, 1, [])
    X, Y = make_data(base)
    specs = [RunSpec(**{**vars(base), "width": m}) for m in (8, 16)]
    with process_pool(2) as pool:
        parallel = run_sweep(specs, X, Y, executor=pool)
    assert [h.as_dict() for h in parallel] == [h.as_dict() for h in run_sweep(specs, X, Y)]


def test_the_same_seed_writes_byte_identical_history_files(tmp_path):
    spec = RunSpec("mlp", 16, 2, 1, 6, 4, (1, 6, 6), "squared", 8, None, 1.0, None, None, 5, 1, ["distance"])
    X, Y = make_data(spec)
    for name in ("a", "b"):
        run_one(spec, X, Y).save(tmp_path / f"{name}.json")
        run_one(spec, X, Y).save(tmp_path / f"{name}.npz")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert "time" not in json.loads((tmp_path / "a.json").read_text())


# ---- runs that cannot move are caught -------------------------------------------------------------

def test_a_step_that_kills_every_relu_stops_the_run_and_says_so():
    rng = np.random.default_rng(0)
    X, Y = data.unit_inputs(10, 5, rng=rng), data.regression_targets(10, rng=rng)
    net = ntkedu.MLP(5, 64, 3, rng=rng)
    hist = train(net, X, Y, steps=50, lr=3.0, seed=0)
    assert (hist.stalled or hist.diverged) and hist.stopped
    if hist.stalled:
        assert "layer" in hist.stalled and "step" in hist.stalled and "smaller step" in hist.stalled
        assert hist.steps[-1] < 50 and hist.grad_norm_sq[-1] == 0.0


def test_a_dead_network_at_initialisation_is_reported_with_its_layer():
    rng = np.random.default_rng(0)
    X, Y = data.unit_inputs(6, 4, rng=rng), data.regression_targets(6, rng=rng)
    net = ntkedu.MLP(4, 8, 2, rng=rng)
    net.params["W2"][:] = -np.abs(net.params["W2"])          # every unit of layer 2 off for h ≥ 0
    hist = train(net, X, Y, steps=20, lr_scale=1.0)
    assert hist.stalled and "layer 2" in hist.stalled and "initialisation" in hist.stalled
    assert hist.loss == [pytest.approx(0.5 * float(np.sum(Y**2)))] and hist.steps == [0]


def test_a_healthy_run_is_not_called_stalled():
    rng = np.random.default_rng(1)
    X, Y = data.unit_inputs(8, 4, rng=rng), data.regression_targets(8, rng=rng)
    hist = train(ntkedu.MLP(4, 64, 2, rng=rng), X, Y, steps=30, lr_scale=1.0)
    assert hist.stopped is None and len(hist.steps) == 31


def test_ctrl_c_keeps_the_history_so_far():
    rng = np.random.default_rng(0)
    X, Y = data.unit_inputs(6, 4, rng=rng), data.regression_targets(6, rng=rng)

    class Interrupt(ntkedu.probes.Probe):
        name = "interrupt"

        def measure(self, step, *args):
            if step == 3:
                raise KeyboardInterrupt
            return {}
    with pytest.raises(TrainingInterrupted) as info:
        train(ntkedu.MLP(4, 16, 2, rng=rng), X, Y, steps=10, lr_scale=1.0, probes=[Interrupt()])
    assert info.value.history.steps == [0, 1, 2] and "step 3" in info.value.history.interrupted


# ---- memory before allocation ---------------------------------------------------------------------

def test_allocations_that_cannot_fit_are_refused_before_they_start(monkeypatch):
    monkeypatch.setenv("NTKEDU_MAX_MEMORY", "64M")
    with pytest.raises(MemoryLimitError, match="MLP.*width=100000.*64.0 MB"):
        ntkedu.MLP(10, 10**5, 2)
    with pytest.raises(MemoryLimitError, match="ntk.analytic"):
        ntkedu.ntk.analytic(data.unit_inputs(3000, 4, rng=0), 3)
    net = ntkedu.MLP(4, 512, 3, seed=0)
    with pytest.raises(MemoryLimitError, match="forward and backward pass"):
        net.forward(data.unit_inputs(20000, 4, rng=0))
    memory.set_limit("1G")                                   # an explicit limit wins over the variable
    try:
        ntkedu.MLP(10, 4096, 2, seed=0)
    finally:
        memory.set_limit(None)
    assert memory.parse_size("1.5K") == 1536 and memory.parse_size("inf") == float("inf")
    with pytest.raises(ValueError, match="'lots'"):
        memory.parse_size("lots")


# ---- saved files ------------------------------------------------------------------------------------

@pytest.mark.parametrize("content, fragment", [
    ('{"format": "ntkedu.History/1", "steps": [0, 1], "loss": [1.0', "not valid JSON"),
    ('{"format": "ntkedu.History/1", "steps": [0], "loss": ["oops"], "grad_norm_sq": [1.0]}', "list of numbers"),
    ('{"format": "ntkedu.History/1", "steps": [0], "loss": [NaN], "grad_norm_sq": [1.0]}', "non-finite"),
    ('{"format": "ntkedu.History/1", "steps": [0], "loss": [1.0], "grad_norm_sq": [1.0], "pop": 1}', "unknown field"),
    ('{"format": "something.else/2"}', "not a saved ntkedu History"),
    ('[1, 2]', "no saved result"),
])
def test_a_broken_history_file_is_named_with_what_is_wrong(tmp_path, content, fragment):
    path = tmp_path / "run.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=fragment) as info:
        History.load(path)
    assert "run.json" in str(info.value)


def test_broken_npz_files_and_save_errors_name_the_users_path(tmp_path):
    bad = tmp_path / "run.npz"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ValueError, match="run.npz"):
        History.load(bad)
    np.savez(tmp_path / "other.npz", x=np.zeros(3))
    with pytest.raises(ValueError, match="other.npz.*not a saved ntkedu History"):
        History.load(tmp_path / "other.npz")
    hist = History(steps=[0], loss=[1.0], grad_norm_sq=[1.0])
    deep = tmp_path / "new" / "folder" / "run.npz"
    assert History.load(hist.save(deep)).loss == [1.0]          # missing folders are created
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match=r"file/run.json"):
        hist.save(tmp_path / "file" / "run.json")


# ---- the command line never shows a traceback ---------------------------------------------------------

def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "ntkedu", "--quiet", *map(str, args)], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


@pytest.mark.parametrize("args, fragment", [
    (("train", "--width", "1", "--steps", "20"), "stalled"),
    (("train", "--arch", "cnn", "--image-shape", "1,1,1", "--width", "2", "--steps", "3"), ""),
    (("--max-memory", "1M", "train", "--width", "4096"), "memory"),
    (("--max-memory", "lots", "train"), "lots"),
    (("bench", "--which", ""), "benchmark"),
])
def test_user_mistakes_end_in_one_line_and_exit_2_never_a_traceback(tmp_path, args, fragment):
    r = _cli(*args, "--out", tmp_path) if args[0] != "bench" else _cli(*args)
    assert "Traceback" not in r.stderr, r.stderr
    if fragment:
        assert r.returncode == 2 and fragment in r.stderr, (r.returncode, r.stderr)
    else:
        assert r.returncode in (0, 2)


def test_plot_reads_npz_and_refuses_non_finite_curves(tmp_path):
    hist = History(steps=[0, 1], loss=[2.0, 1.0], grad_norm_sq=[1.0, 0.5], lr=0.1, config={"arch": "mlp"})
    hist.save(tmp_path / "run.npz")
    ok = _cli("plot", tmp_path / "run.npz")
    assert ok.returncode == 0 and (tmp_path / "run_loss.png").exists(), ok.stderr
    (tmp_path / "nan.json").write_text(json.dumps({"format": "ntkedu.History/1", "steps": [0, 1],
                                                  "loss": [1.0, float("nan")], "grad_norm_sq": [1, 1]}))
    bad = _cli("plot", tmp_path / "nan.json")
    assert bad.returncode == 2 and "non-finite" in bad.stderr and "Traceback" not in bad.stderr


def test_output_piped_into_head_ends_quietly():
    r = subprocess.run(f"{sys.executable} -m ntkedu trace --depth 6 --width 8 | head -n 2", shell=True,
                       capture_output=True, text=True, timeout=60)
    assert "Traceback" not in r.stderr and len(r.stdout.splitlines()) == 2


def test_an_overflowing_forward_pass_names_its_layer_and_training_calls_it_divergence():
    X = data.unit_inputs(4, 4, rng=0)
    net = ntkedu.ResNet(4, 16, 3000, tau=1.0, seed=0)         # ‖h_ℓ‖ grows like e^{ℓ/2}: past 1e308
    with np.errstate(all="ignore"), pytest.raises(ntkedu.errors.ForwardOverflowError, match=r"h_\d+ overflowed"):
        net.forward(X)
    with pytest.raises(ValueError, match="non-finite"):
        ntkedu.losses.softmax_cross_entropy(np.array([[np.inf, 0.0]]), np.array([0]))
    small = ntkedu.MLP(4, 8, 2, seed=0)
    small.params["W2"] *= 1e200                              # weights already blown up
    with np.errstate(all="ignore"):
        hist = train(small, X, np.ones((4, 1)), steps=3, lr=1e-3)
    assert hist.diverged.startswith("diverged at step 0") and hist.steps == []
    small.params["W1"] *= 1e200                              # now h_2 itself overflows
    with np.errstate(all="ignore"):
        hist = train(small, X, np.ones((4, 1)), steps=3, lr=1e-3)
    assert "h_2 overflowed" in hist.diverged


def test_a_sweep_runs_on_a_spawn_process_pool_as_on_macos_and_windows():
    import concurrent.futures
    import multiprocessing

    from ntkedu.parallel import one_blas_thread
    base = RunSpec("mlp", 8, 2, 1, 6, 4, (1, 6, 6), "squared", 4, None, 1.0, None, None, 0, 1, [])
    X, Y = make_data(base)
    specs = [RunSpec(**{**vars(base), "width": m}) for m in (8, 16)]
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=one_blas_thread) as pool:
        spawned = run_sweep(specs, X, Y, executor=pool)
    assert [h.as_dict() for h in spawned] == [h.as_dict() for h in run_sweep(specs, X, Y)]
