"""The lessons: every discovered lesson runs once (quick size, seed 0), and that one run is shared
by every test of it: its claims hold from its own numbers, its JSON and PNGs are written, its
figures redraw from the JSON alone and are projector-ready, and the committed gallery holds exactly
its numbers. Other seeds are the robustness table's job (``python -m lessons robustness``). And the
``python -m lessons`` command line answers a user's mistakes with one line and exit code 2."""

from __future__ import annotations

import concurrent.futures
import importlib
import json
import multiprocessing
import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import lessons
from lessons import kit

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(lessons.available())
SEEDS = (0,)
GALLERY = ROOT / "lessons" / "gallery"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def is_png(path) -> bool:
    path = Path(path)
    return path.is_file() and path.stat().st_size > 100 and path.read_bytes()[:8] == PNG_MAGIC


@pytest.fixture(scope="module")
def lesson_run(tmp_path_factory):
    """``lesson_run(number, seed)``: the saved result of a quick run, computed once per module."""
    cache = {}

    def get(number, seed):
        if (number, seed) not in cache:
            out = tmp_path_factory.mktemp(f"lesson{number:02d}_seed{seed}")
            cache[number, seed] = kit.run_lesson(number, "quick", seed, out, quiet=True)
        return cache[number, seed]
    return get


def run_cli(*args, cwd=ROOT, timeout=300):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "lessons", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


# --------------------------------------------------------------------------------------------------
# Every lesson, two seeds
# --------------------------------------------------------------------------------------------------

def test_at_least_the_first_lessons_are_discovered():
    assert {1, 2} <= set(LESSONS)
    for number, name in lessons.available().items():
        assert name.startswith(f"lesson{number:02d}_") and (ROOT / "lessons" / f"{name}.py").is_file()


@pytest.mark.parametrize("number", LESSONS)
def test_importing_a_lesson_does_no_work(number, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    module = importlib.reload(lessons.load(number))
    assert module.NUMBER == number and module.TITLE.strip() and module.CLAIM.strip()
    assert callable(module.run) and callable(module.draw)
    assert capsys.readouterr() == ("", "")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("number", LESSONS)
def test_every_claim_holds(lesson_run, number, seed):
    result = lesson_run(number, seed)
    failed = [f"{c['statement']}: measured {c['measured']}, expected {c['expected']}"
              for c in result["claims"] if not c["holds"]]
    assert not failed, f"lesson {number} seed {seed}: " + "; ".join(failed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("number", LESSONS)
def test_json_holds_config_seed_measurements_and_claims(lesson_run, number, seed):
    result = lesson_run(number, seed)
    saved = json.loads(Path(result["files"][0]).read_text(encoding="utf-8"))
    assert Path(result["files"][0]).name == f"lesson{number:02d}.json"
    for key in kit.REQUIRED_KEYS:
        assert key in saved, f"lesson {number}: no {key!r} in the JSON"
    assert saved["lesson"] == number and saved["seed"] == seed and saved["size"] == "quick"
    assert "runtime_seconds" not in saved and {"numpy", "ntkedu"} <= set(saved["versions"])   # no clock in results
    assert result["runtime_seconds"] >= 0
    assert saved["claims"], "a lesson must state at least one claim"
    for c in saved["claims"]:
        assert set(kit.CLAIM_KEYS) <= set(c)
        assert isinstance(c["statement"], str) and isinstance(c["expected"], str)
        assert isinstance(c["measured"], float) and isinstance(c["holds"], bool)
    assert saved == {k: v for k, v in result.items() if k not in ("files", "runtime_seconds")}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("number", LESSONS)
def test_figures_are_written_and_redraw_from_the_json(lesson_run, number, seed, tmp_path):
    result = lesson_run(number, seed)
    pngs = [Path(f) for f in result["files"][1:]]
    assert pngs and all(p.name.startswith(f"lesson{number:02d}_") for p in pngs)
    assert all(is_png(p) for p in pngs)
    redrawn = kit.redraw(result["files"][0], tmp_path)
    assert sorted(Path(p).name for p in redrawn) == sorted(p.name for p in pngs)
    assert all(is_png(p) for p in redrawn)


def test_the_same_seed_gives_the_same_file_and_another_seed_does_not(lesson_run, tmp_path):
    first = lesson_run(1, 0)
    again = kit.run_lesson(1, "quick", 0, tmp_path / "again", quiet=True)
    other = kit.run_lesson(1, "quick", 1, tmp_path / "other", quiet=True)
    assert Path(again["files"][0]).read_bytes() == Path(first["files"][0]).read_bytes()   # byte-identical
    assert other["measurements"] != first["measurements"]


@pytest.mark.parametrize("number", LESSONS)
def test_the_committed_gallery_holds_this_runs_numbers(lesson_run, number):
    """lessons/gallery is `python -m lessons run all --quick --seed 0 --out lessons/gallery`: current."""
    fresh = json.loads(Path(lesson_run(number, 0)["files"][0]).read_text(encoding="utf-8"))
    committed = json.loads((GALLERY / f"lesson{number:02d}.json").read_text(encoding="utf-8"))
    drop = ("versions",)          # library versions may differ; every number must not
    assert {k: v for k, v in committed.items() if k not in drop} == {k: v for k, v in fresh.items() if k not in drop}, \
        f"lessons/gallery/lesson{number:02d}.json is stale: rerun python -m lessons run all --out lessons/gallery"
    summary = (GALLERY / "SUMMARY.md").read_text(encoding="utf-8")
    for c in fresh["claims"]:
        assert c["statement"].replace("|", "\\|") in summary


@pytest.mark.parametrize("number", LESSONS)
def test_figures_are_projector_ready(lesson_run, number):
    import unicodedata

    from matplotlib.text import Text

    from ntkedu import plotting
    result = json.loads(Path(lesson_run(number, 0)["files"][0]).read_text(encoding="utf-8"))
    for name, fig in kit.draw_figures(lessons.load(number), result).items():
        where = f"lesson {number} figure {name!r}"
        assert fig.get_size_inches()[0] * plotting.DPI >= 1600, where
        fig.canvas.draw()
        for text in fig.findobj(Text):
            content = text.get_text()
            if not content or not text.get_visible():
                continue
            assert text.get_fontsize() >= plotting.MIN_FONT_POINTS, f"{where}: {content!r} is {text.get_fontsize()} pt"
            assert not any(unicodedata.combining(ch) for ch in content), f"{where}: combining mark in {content!r}"
        for ax in fig.axes:
            if not ax.get_visible() or not ax.has_data():
                continue
            box = ax.get_window_extent()
            assert box.width > 50 and box.height > 50, f"{where}: axes squeezed to {box.width:.0f}×{box.height:.0f} px"
            assert not plotting.legend_covers_data(ax), f"{where}: the legend of {ax.get_title()!r} covers data"
            for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
                if scale == "log":
                    lo, hi = sorted(axis.get_view_interval())
                    locs = [v for v in axis.get_majorticklocs() if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9)]
                    labelled = [t for t in axis.get_major_formatter().format_ticks(locs) if t]
                    assert len(labelled) >= 2, f"{where}: a log axis of {ax.get_title()!r} has {len(labelled)} labelled tick(s)"


def test_the_figure_checks_can_fail():
    from matplotlib.figure import Figure

    from ntkedu import plotting
    fig = Figure(figsize=(4, 3))
    ax = fig.subplots()
    x = np.geomspace(1, 100, 200)
    ax.loglog(x, x, label="data")                  # a diagonal through the centre of the axes
    ax.legend(loc="center", fontsize=12)
    fig.canvas.draw()
    assert plotting.legend_covers_data(ax)
    assert fig.get_size_inches()[0] * plotting.DPI < 1600
    plotting.finish(fig)                          # what every saved lesson figure goes through
    assert fig.get_size_inches()[0] * plotting.DPI >= 1600
    assert plotting.tick_text(1e-6) == "1e-6" and plotting.tick_text(0.01) == "0.01"
    assert "$\\bar{\\Theta}$" in plotting._plain("λ_max(Θ̄)")


def test_summary_table_has_a_row_per_claim_with_its_verdict(lesson_run, tmp_path):
    results = [lesson_run(n, 0) for n in LESSONS]
    failure = kit.Failure(99, "a broken lesson", "RuntimeError: boom")
    text = Path(kit.write_summary(results, tmp_path / "SUMMARY.md", [failure])).read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    n_claims = sum(len(r["claims"]) for r in results)
    assert len(rows) == 1 + n_claims + 1                       # header, one per claim, the failure
    assert rows[0].split("|")[1:6] == [" lesson ", " claim ", " measured ", " expected ", " verdict "]
    assert sum(" holds " in row for row in rows) == sum(c["holds"] for r in results for c in r["claims"])
    assert "RuntimeError: boom" in rows[-1] and "**failed**" in rows[-1]
    assert f"of {n_claims} claims hold" in text


# --------------------------------------------------------------------------------------------------
# The kit
# --------------------------------------------------------------------------------------------------

def test_claim_and_to_jsonable_convert_numpy_and_refuse_what_json_cannot_hold():
    c = kit.claim("s", np.float32(0.5), "< 1", np.bool_(True))
    assert c == {"statement": "s", "measured": 0.5, "expected": "< 1", "holds": True, "false_alarm": None}
    assert type(c["measured"]) is float and type(c["holds"]) is bool
    with pytest.raises(ValueError, match="holds"):
        kit.claim("s", 0.5, "< 1", "yes")
    with pytest.raises(ValueError, match="expected"):
        kit.claim("s", 0.5, "", True)
    got = kit.to_jsonable({"a": np.arange(3), 2: (np.int64(4), np.float64(1.5)), "b": np.bool_(False)})
    assert got == {"a": [0, 1, 2], "2": [4, 1.5], "b": False}
    assert json.loads(json.dumps(got)) == got
    with pytest.raises(TypeError, match=r"result\['x'\]\[1\]"):
        kit.to_jsonable({"x": [1, object()]})


def test_sizes_and_seeds():
    assert kit.check_size("quick") == "quick" and kit.check_size("full") == "full"
    with pytest.raises(ValueError, match="'huge'"):
        kit.check_size("huge")
    a, b = kit.stream(3, "width", 64), kit.stream(3, "width", 128)
    draw = lambda seq: np.random.default_rng(seq).random()          # noqa: E731
    assert draw(a) != draw(b) and draw(a) != draw(kit.stream(4, "width", 64))
    assert draw(kit.stream(3, "width", 64)) == draw(a)              # the key alone decides the stream
    assert draw(kit.child(a, "net", 0)) != draw(kit.child(a, "net", 1)) != draw(a)
    with pytest.raises(ValueError, match="-2"):
        kit.stream(3, "width", -2)
    with pytest.raises(kit.UsageError, match="-1"):
        kit.check_seed(-1)


def _fake_lesson(number, fail=False):
    def run(size="quick", seed=0, progress=None):
        if fail:
            raise RuntimeError("this lesson is broken")
        return {"config": {}, "measurements": {"x": np.arange(3.0)},
                "claims": [kit.claim("x sums to 3", 3.0, "== 3", True)]}

    def draw(result):
        from ntkedu.plotting import figure
        fig, ax = figure()
        ax.plot(result["measurements"]["x"], label="x")
        return {"x": fig}
    return types.SimpleNamespace(NUMBER=number, TITLE=f"fake {number}", CLAIM="fake", run=run, draw=draw)


def test_a_lesson_that_raises_is_reported_and_the_others_still_run(tmp_path, capsys):
    results, failures = kit.run_many([_fake_lesson(97, fail=True), _fake_lesson(98)], out_dir=tmp_path,
                                      quiet=True)
    assert [r["lesson"] for r in results] == [98] and [f.lesson for f in failures] == [97]
    assert "this lesson is broken" in failures[0].error
    out, err = capsys.readouterr()
    assert "lesson 97 FAILED" in out and "lesson 98" in out and "Traceback" in err
    assert is_png(tmp_path / "lesson98_x.png") and not (tmp_path / "lesson97.json").exists()


def test_no_temporary_files_are_left_behind(tmp_path):
    kit.run_lesson(_fake_lesson(98), out_dir=tmp_path, quiet=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesson98.json", "lesson98_x.png", "timings.json"]


def test_notebooks_export_writes_every_cell(tmp_path):
    from lessons import notebooks
    paths = notebooks.export(tmp_path / "nb", numbers=[1])
    nb = json.loads(Path(paths[0]).read_text(encoding="utf-8"))
    assert Path(paths[0]).name == f"{lessons.available()[1]}.ipynb"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    kinds = [c["cell_type"] for c in nb["cells"]]
    assert kinds.count("markdown") >= 3 and kinds.count("code") >= 3


NOTEBOOK_LESSONS = (1, 10)      # quick ones; every lesson follows the same cell pattern


@pytest.mark.parametrize("number", NOTEBOOK_LESSONS)
def test_a_converted_lesson_executes_in_a_kernel_with_figures_inline_and_the_claims_table(number, tmp_path):
    from lessons import notebooks
    path = notebooks.export(tmp_path, numbers=[number], execute=True)[0]
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    tables = [o for o in outputs if "| claim | measured | expected | verdict |" in "".join(o.get("data", {}).get("text/markdown", ""))]
    assert len(images) >= 1 and len(tables) == 1
    assert list(tmp_path.glob("*.json")) == []               # in a notebook the lesson writes no files
    questions = [c for c in nb["cells"] if c["cell_type"] == "markdown" and "Predict, then run" in "".join(c["source"])]
    assert 2 <= sum("".join(c["source"]).count("Predict, then run") for c in questions) <= 4


def test_a_lesson_script_run_as_main_writes_its_files(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "lessons" / f"{lessons.available()[1]}.py"), "--out", str(tmp_path),
                        "--quiet"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "holds" in r.stdout and (tmp_path / "lesson01.json").is_file()


def test_without_jupytext_the_message_says_how_to_install(tmp_path, monkeypatch):
    from lessons import notebooks
    monkeypatch.setitem(sys.modules, "jupytext", None)          # makes `import jupytext` fail
    with pytest.raises(kit.UsageError, match=r"pip install -e '\.\[notebooks\]'"):
        notebooks.export(tmp_path)


def test_lesson_1_debugger_entry_point_stops_in_mlp_backward():
    code = "import lessons; grads = lessons.load(1).debug_backward(); print(sorted(grads))"
    r = subprocess.run([sys.executable, "-c", code], input="where\nc\n", cwd=ROOT, capture_output=True,
                       text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr
    assert "networks.py" in r.stdout and "backward()" in r.stdout and "['W1', 'W2']" in r.stdout


# --------------------------------------------------------------------------------------------------
# python -m lessons
# --------------------------------------------------------------------------------------------------

def test_cli_lists_every_lesson_with_title_and_claim():
    r = run_cli()
    assert r.returncode == 0, r.stderr
    for number in LESSONS:
        module = lessons.load(number)
        assert f"{number:2d}  {module.TITLE}" in r.stdout and module.CLAIM in r.stdout


def test_cli_runs_one_lesson_and_redraws_it(tmp_path):
    r = run_cli("run", "1", "--seed", "2", "--out", tmp_path, "--quiet")
    assert r.returncode == 0, r.stderr
    assert "lesson 01" in r.stdout and "holds" in r.stdout and r.stderr == ""
    saved = json.loads((tmp_path / "lesson01.json").read_text(encoding="utf-8"))
    assert saved["seed"] == 2
    pngs = sorted(tmp_path.glob("lesson01_*.png"))
    for p in pngs:
        p.unlink()
    r = run_cli("redraw", tmp_path / "lesson01.json")
    assert r.returncode == 0, r.stderr
    assert pngs and all(is_png(p) for p in pngs)


@pytest.mark.parametrize("args, fragment", [
    (("run", "99"), "99"),
    (("run", "seven"), "seven"),
    (("run", "1", "--seed", "-3"), "-3"),
    (("run", "1", "--seed", "1.5"), "1.5"),
    (("run", "1", "--quick", "--full"), "--full"),
    (("run", "all", "1"), "all"),
    (("redraw", "no-such-file.json"), "no-such-file.json"),
    (("frobnicate",), "frobnicate"),
])
def test_cli_user_errors_are_one_line_and_exit_code_2(args, fragment, capsys):
    from lessons.__main__ import main
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and fragment in err
    assert len(err.strip().splitlines()) == 1


def test_cli_unknown_lesson_in_a_real_process_has_no_traceback():
    r = run_cli("run", "99", "--quiet")
    assert r.returncode == 2 and "99" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_cli_unwritable_out_folder_is_a_user_error(tmp_path, capsys):
    from lessons.__main__ import main
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "1", "--out", str(blocker / "sub"), "--quiet"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and str(blocker / "sub") in err and len(err.strip().splitlines()) == 1
    assert blocker.read_text() == "not a folder"


def test_run_all_on_two_workers_writes_the_same_files_as_one(tmp_path):
    serial, _ = kit.run_many([1, 10], out_dir=tmp_path / "one", quiet=True, stream=open(os.devnull, "w"))
    parallel, failures = kit.run_many([1, 10], out_dir=tmp_path / "two", quiet=True, jobs=2,
                                      stream=open(os.devnull, "w"))
    assert not failures and [r["lesson"] for r in parallel] == [1, 10]
    # any Executor: here a pool that starts its workers as macOS and Windows do
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        spawned, failures = kit.run_many([1, 10], out_dir=tmp_path / "spawn", quiet=True, executor=pool,
                                         stream=open(os.devnull, "w"))
    assert not failures and [r["lesson"] for r in spawned] == [1, 10]
    for name in ("lesson01.json", "lesson10.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "spawn" / name).read_bytes()
    assert set(json.loads((tmp_path / "two" / "timings.json").read_text())) == {"lesson01", "lesson10"}


def test_a_pool_starts_the_longest_lesson_first():
    # lesson 17's full search is the longest; started last, it would leave the other worker idle
    assert kit.longest_first([1, 17, 4], "full") == [1, 2, 0]
    assert all(kit.expected_seconds(n, size) > 0 for n in kit.available() for size in ("quick", "full"))


def test_the_robustness_table_counts_every_failure(monkeypatch, tmp_path):
    def fake(number):
        def run(size="quick", seed=0, progress=None):
            return {"config": {}, "measurements": {},
                    "claims": [kit.claim("always", 1.0, "== 1", True, false_alarm=1e-4),
                               kit.claim("odd seeds fail", float(seed), "even", seed % 2 == 0)]}
        return types.SimpleNamespace(NUMBER=number, TITLE="fake", CLAIM="fake", run=run, draw=None)
    monkeypatch.setattr(kit, "load", fake)
    rows = kit.robustness([98], seeds=range(6))
    assert [r["hold_rate"] for r in rows] == [1.0, 0.5]
    assert rows[1]["failed_seeds"] == [1, 3, 5] and rows[0]["designed_false_alarm"] == 1e-4
    assert rows[1]["median"] == 2.5
    with concurrent.futures.ThreadPoolExecutor(2) as pool:        # any Executor gives the same table
        assert kit.robustness([98], seeds=range(6), executor=pool) == rows
    table = kit.robustness_markdown(rows, size="quick", seeds=range(6))
    assert "1 of 2 claims hold on every seed" in table and "| 3/6 |" in table and "1.0e-04" in table
    with pytest.raises(ValueError, match="false_alarm"):
        kit.claim("x", 1.0, "< 2", True, false_alarm=2.0)


@pytest.mark.parametrize("number", LESSONS)
def test_every_lesson_is_a_notebook_that_teaches(number):
    """Settings near the top, run(**changes), 2–4 predict-then-run questions, figures shown inline,
    the claims table at the end, and the script entry point that a notebook skips."""
    source = (ROOT / "lessons" / f"{lessons.available()[number]}.py").read_text(encoding="utf-8")
    assert "SIZE, SEED = " in source and "CHANGES = {}" in source
    assert "kit.settings(SIZES, size, changes)" in source and "**changes" in source
    assert 2 <= source.count("**Predict, then run.**") <= 4, "two to four questions"
    assert source.count("*Answer") >= source.count("**Predict, then run.**")
    assert "kit.run_here(" in source and "kit.show(" in source and "kit.claims_table(result)" in source
    assert 'if __name__ == "__main__" and not kit.interactive():' in source


def test_the_jobs_benchmark_names_a_result_file_that_differs(tmp_path):
    from lessons.bench_jobs import differing
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        d.mkdir()
        (d / "lesson01.json").write_text("{}")
        (d / "lesson01_fig.png").write_bytes(bytes([len(d.name)]))    # figures are not compared
    (a / "timings.json").write_text("1")
    (b / "timings.json").write_text("2")                              # nor the times
    assert differing(a, b) == []
    (b / "SUMMARY.md").write_text("x")
    (a / "lesson01.json").write_text('{"seed": 1}')
    assert differing(a, b) == ["SUMMARY.md", "lesson01.json"]
