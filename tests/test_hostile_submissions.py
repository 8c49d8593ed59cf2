"""No submitted file can crash, hang or run code in the grader: each hostile file gets one specific line.

The files are built once per module with tiny real models (tests/hostile_models.py). Most are graded in-process
with graders.pipeline.grade; the command line (`python -m exam submit`) is exercised for exit code, the single line,
the ledger record and the limits of the watched child, on a few representative files.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clirun import REPO_ROOT, env, exam, start_practice, stderr_lines

from tfexam import questions
from exam import ledger

QUESTION = questions.get("c1_line")
LINUX = sys.platform.startswith("linux")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    import hostile_models as build

    folder = tmp_path_factory.mktemp("hostile")
    markers = {"lambda": folder / "lambda-ran", "custom": folder / "custom-ran"}
    (folder / "empty.h5").touch()
    (folder / "a_folder").mkdir()
    files = {
        "missing": folder / "missing.h5",
        "directory": folder / "a_folder",
        "empty": folder / "empty.h5",
        "random bytes": build.random_bytes(folder),
        "truncated": build.truncated(folder),
        "weights only": build.weights_only(folder),
        "plain hdf5": build.plain_hdf5(folder),
        "lambda": build.lambda_layer(folder, markers["lambda"]),
        "custom layer": build.custom_layer(folder, markers["custom"]),
        "unknown class": build.unknown_class(folder),
        "foreign module": build.foreign_module(folder),
        "keras archive": build.keras_archive(folder),
        "keras named h5": build.keras_archive(folder, "renamed.h5"),
        "saved model": build.saved_model(folder),
        "wrong input": build.wrong_input(folder),
        "wrong units": build.wrong_units(folder),
        "nan output": build.nan_output(folder),
        "inf output": build.inf_output(folder),
        "over the cap": build.sparse_file(folder, 600),
        "huge layer": build.huge_layer(folder, 100_000_000),
        "good": build.good(folder),
    }
    if hasattr(os, "mkfifo"):
        files["pipe"] = build.fifo(folder)
    assert not any(m.exists() for m in markers.values())
    return {"files": files, "markers": markers, "folder": folder}


# (file, check that refuses it, words the learner must read)
REFUSALS = [
    ("missing", "file", "does not exist; run the category's train script first"),
    ("directory", "file", "is a directory, not a model file; save it with model.save('mymodel.h5')"),
    ("empty", "file", "is empty (0 bytes)"),
    ("random bytes", "file", "is not a Keras model file (no HDF5 signature)"),
    ("truncated", "file", "is cut short ("),
    ("weights only", "file", "holds no Keras model (only weights?); save the whole model"),
    ("plain hdf5", "file", "holds no Keras model"),
    ("lambda", "layers", "has a Lambda layer ('lambda'), which the grader will not load"),
    ("custom layer", "layers", "uses a custom class or function (hostile>MarkerLayer)"),
    ("unknown class", "layers", "custom or unknown layer class (NoSuchLayer)"),  # refused before any framework reads it
    ("foreign module", "layers", "uses a custom class or function (subprocess.Popen)"),
    ("keras archive", "format", "is a .keras archive; this question takes .h5: save with model.save('mymodel.h5')"),
    ("keras named h5", "format", "renamed.h5 is a .keras archive; this question takes .h5"),
    ("saved model", "format", "is a TensorFlow SavedModel folder; this question takes .h5: save with model.save('mymodel.h5')"),
    ("wrong input", "input_shape", "input shape is (None, 2); this question needs (1,)"),
    ("wrong units", "output_shape", "output shape is (None, 3); this question needs (1,) (batch dimension not counted): end the model with Dense(1)"),
    ("nan output", "output_values", "outputs NaN or Inf for 10 of 10 hidden examples"),
    ("inf output", "output_values", "outputs NaN or Inf for 10 of 10 hidden examples"),
    ("over the cap", "file_size", "is 600 MB, over the 512 MB cap"),
    ("pipe", "file", "is not a regular file"),
]


@pytest.mark.parametrize("name,check,words", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_each_hostile_file_is_refused_with_one_specific_line(hostile, name, check, words):
    if name not in hostile["files"]:
        pytest.skip("no named pipes on this system")
    from graders.pipeline import grade

    result = grade(hostile["files"][name], QUESTION)
    assert result.status == "refused", result.output
    assert result.score == 0
    failed = [c for c in result.checks if not c.passed]
    assert [c.name for c in failed] == [check], result.checks
    assert words in result.reason and "\n" not in result.reason, result.reason


def test_the_good_file_from_the_same_builders_scores_5(hostile):
    from graders.pipeline import grade

    result = grade(hostile["files"]["good"], QUESTION)
    assert result.status == "graded" and result.score == 5, result.output


def test_planted_code_never_runs_even_when_the_question_allows_every_layer(hostile):
    from graders.pipeline import grade

    permissive = dataclasses.replace(QUESTION, contract=dataclasses.replace(QUESTION.contract, forbidden_layers=()))
    for name, words in (("lambda", "Lambda layer"), ("custom layer", "custom class")):
        result = grade(hostile["files"][name], permissive)
        assert result.status == "refused" and words in result.reason, result.reason
    # the custom class is registered in this very process, so Keras would happily build it if asked
    assert not hostile["markers"]["lambda"].exists(), "the Lambda's code ran while grading"
    assert not hostile["markers"]["custom"].exists(), "the custom layer's code ran while grading"
    assert not Path("/tmp/owned").exists()


def test_a_keras_archive_is_graded_where_the_question_accepts_it(hostile, tmp_path):
    import tensorflow as tf

    from graders.pipeline import grade

    both = dataclasses.replace(QUESTION, contract=dataclasses.replace(QUESTION.contract, formats=("h5", "keras")))
    assert grade(hostile["files"]["keras archive"], both).score == 5
    # the same scan applies inside the archive: a Lambda in a .keras file is refused before Keras sees it
    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Lambda(lambda x: x * 2)])
    model.save(tmp_path / "lambda.keras")
    refused = grade(tmp_path / "lambda.keras", both)
    assert refused.status == "refused" and "Lambda layer" in refused.reason


def test_the_size_cap_comes_from_the_environment(hostile, monkeypatch):
    from graders.pipeline import grade

    monkeypatch.setenv("TFEXAM_MAX_MODEL_MB", "0.001")
    result = grade(hostile["files"]["good"], QUESTION)
    assert result.status == "refused" and "over the 0.001 MB cap" in result.reason


# ---- through the real command line: exit code 1, one line, a ledger record ----

@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ws")
    start_practice(folder, "c1_line")
    return folder


def submit(workspace: Path, model: Path, *options: str, **environ: str) -> tuple[subprocess.CompletedProcess, dict]:
    before = len(ledger.read(workspace))
    done = exam("submit", "1", "--workspace", str(workspace), "--model", str(model), *options, **environ)
    records = ledger.read(workspace)
    assert len(records) == before + 1, f"no ledger record for {model.name}: {done.stdout} {done.stderr[-400:]}"
    assert "Traceback" not in done.stdout + done.stderr
    return done, records[-1]


def one_line(done: subprocess.CompletedProcess) -> str:
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout
    assert [line for line in stderr_lines(done) if not line.startswith("Grading ")] == [], done.stderr
    return lines[0]


CLI_CASES = [  # every refusal the CLI makes without TensorFlow, plus representative ones from the grading child
    ("missing", "does not exist"), ("directory", "is a directory"), ("empty", "is empty"),
    ("random bytes", "no HDF5 signature"), ("over the cap", "over the 512 MB cap"), ("pipe", "not a regular file"),
    ("saved model", "is a TensorFlow SavedModel folder"), ("keras archive", "is a .keras archive"),
    ("lambda", "Lambda layer"), ("truncated", "truncated.h5 is cut short"),
    ("nan output", "outputs NaN or Inf"),
]


@pytest.mark.parametrize("name,words", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_submit_refuses_in_one_line_exit_1_and_records_it(hostile, workspace, name, words):
    if name not in hostile["files"]:
        pytest.skip("no named pipes on this system")
    done, record = submit(workspace, hostile["files"][name])
    assert done.returncode == 1
    line = one_line(done)
    assert line.startswith("Category 1 refused: ") and words in line and "time left" in line
    assert record["status"] == "refused" and record["score"] == 0
    assert words in next(c["message"] for c in record["checks"] if not c["passed"])
    if name == "lambda":
        assert not hostile["markers"]["lambda"].exists(), "the Lambda's code ran in the grading child"


def test_a_slow_grading_is_stopped_at_the_time_limit(hostile, workspace):
    # 1 s is less than TensorFlow's own import: the real grading child is stopped by the real watcher
    done, record = submit(workspace, hostile["files"]["good"], TFEXAM_GRADE_TIMEOUT="1")
    assert done.returncode == 1
    assert "grading stopped after 1 s" in one_line(done)
    assert record["status"] == "error" and record["stopped"] == "timeout" and record["score"] == 0
    assert record["usage"]["seconds"] < 10


def test_a_model_that_eats_memory_is_stopped_at_the_memory_limit(hostile, workspace):
    # a 30 kB file whose architecture declares a Dense layer of 10^8 units (800 MB of weights to build)
    done, record = submit(workspace, hostile["files"]["huge layer"], "--memory-mb", "1000")
    assert done.returncode == 1
    assert "grading used more than 1000 MB of memory" in one_line(done)
    assert record["status"] == "error" and record["stopped"] == "memory"
    if LINUX:
        assert record["usage"]["peak_mb"] > 1000


def grading_child(parent: int, timeout: float = 30) -> int:
    """The pid of the `python -m graders` process started by `parent` (Linux /proc)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"graders" in cmdline:
                return int(entry.name)
        time.sleep(0.05)
    raise AssertionError(f"process {parent} started no grading child within {timeout} s")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not LINUX, reason="finds the grading child through /proc")
def test_a_grading_child_that_dies_by_a_signal_is_a_crash_line_and_a_record(hostile, workspace):
    before = len(ledger.read(workspace))
    command = [sys.executable, "-m", "exam", "submit", "1", "--workspace", str(workspace), "--model", str(hostile["files"]["good"])]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    child = grading_child(process.pid)
    time.sleep(0.5)  # inside TensorFlow's import: a native crash there looks exactly like this
    os.kill(child, signal.SIGSEGV)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    assert out.strip().splitlines() == [out.strip()] and "the model file crashed the loader (signal 11, SIGSEGV)" in out
    assert "Traceback" not in out + err
    records = ledger.read(workspace)
    assert len(records) == before + 1 and records[-1]["stopped"] == "crash" and records[-1]["status"] == "error"


def test_limits_an_option_beats_the_environment_which_beats_the_default():
    from tfexam import limits
    from tfexam.errors import ExamError

    assert limits.current({}) == limits.Limits()
    chosen = limits.current({"TFEXAM_GRADE_TIMEOUT": "20", "TFEXAM_GRADE_MEMORY_MB": "900"}, memory_mb="1500")
    assert (chosen.seconds, chosen.memory_mb, chosen.file_mb) == (20, 1500, limits.Limits().file_mb)
    for bad in ("abc", "0", "-3", "nan", "inf"):
        with pytest.raises(ExamError, match="TFEXAM_MAX_MODEL_MB must be a positive number"):
            limits.current({"TFEXAM_MAX_MODEL_MB": bad})
    done = exam("submit", "1", "--workspace", "/nonexistent", "--timeout", "soon")
    assert done.returncode == 2 and stderr_lines(done) == ["tfexam: --timeout must be a positive number, got 'soon'"]
