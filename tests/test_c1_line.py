"""c1_line, the demo's question: the demo, a late submission, a refusal through submit, `python -m graders` without a
session. Its points, baselines and reference are tested with every regression question (tests/test_kind_regression.py,
tests/test_bank.py)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from clirun import exam, exam_json, stderr_lines


def save_untrained(tf, tmp_path):
    path = tmp_path / "untrained.h5"
    tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)]).save(path)
    return path


def test_wrong_input_shape_is_refused_with_the_shape_it_needs(tmp_path, tf):
    model = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1)])
    code, payload = exam_json("start", "--workspace", str(tmp_path), "--categories", "1", "--question", "c1_line", "--no-fetch")
    model.save(tmp_path / "Category1" / "mymodel.h5")
    done = exam("submit", "1", "--workspace", str(tmp_path))
    assert done.returncode == 1
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1 and "input shape is (None, 2); this question needs (1,)" in lines[0]
    assert "Traceback" not in done.stderr


def test_demo_trains_the_reference_and_reports_5_of_5(tmp_path):
    started = time.monotonic()
    code, payload = exam_json("demo", "--keep-in", str(tmp_path / "demo"))
    assert code == 0, payload
    assert payload["steps"]["submit"]["result"]["score"] == 5
    assert payload["steps"]["end"]["report"]["passed"] is True
    shown, record = map(json.loads, (tmp_path / "demo" / ".tfexam" / "ledger.jsonl").read_text().splitlines()[:2])
    assert shown["event"] == "reference_shown", "the demo runs `solve 1` during its sitting: the ledger says so"
    assert payload["steps"]["end"]["report"]["reference_shown"] == [1]
    assert (tmp_path / "demo" / "report.html").is_file()
    assert record["score"] == 5 and record["late"] is False and len(record["model_sha256"]) == 64
    assert (tmp_path / "demo" / record["model_copy"]).is_file()
    assert time.monotonic() - started < 600


def test_late_submission_is_graded_but_does_not_count(tmp_path):
    exam_json("start", "--workspace", str(tmp_path), "--categories", "1", "--question", "c1_line", "--no-fetch", "--minutes", "0.001")
    time.sleep(0.2)
    exam("solve", "1", "--workspace", str(tmp_path))
    code, payload = exam_json("submit", "1", "--workspace", str(tmp_path))
    assert code == 0
    assert payload["record"]["late"] is True and payload["result"]["score"] == 5
    code, report = exam_json("end", "--workspace", str(tmp_path), "--yes")
    assert report["report"]["categories"][0]["best"] is None and report["report"]["passed"] is False
    assert report["report"]["categories"][0]["late_attempts"] == 1


def test_graders_cli_grades_without_a_session(tmp_path, tf):
    path = save_untrained(tf, tmp_path)
    from clirun import run

    done = run("-m", "graders", "1", str(path), "--json")
    assert done.returncode == 0, stderr_lines(done)
    result = json.loads(done.stdout)
    assert set(result) >= {"score", "max_score", "status", "checks", "metric", "elapsed", "output"}
    assert result["metric"]["name"] == "mae" and result["max_score"] == 5


def test_solve_trains_the_reference_under_the_sessions_keras(tmp_path):
    """A `start --keras 2` sitting sees the reference written by exam-era Keras, as the learner's own runs are."""
    from tfexam.modelfile import keras_generation

    workspace = tmp_path / "keras two"
    code, _ = exam_json("start", "--workspace", str(workspace), "--categories", "1", "--question", "c1_line",
                        "--no-fetch", "--keras", "2")
    assert code == 0
    code, solved = exam_json("solve", "1", "--workspace", str(workspace))
    assert code == 0, solved
    assert keras_generation(Path(solved["model"]), "h5") == 2
    code, payload = exam_json("submit", "1", "--workspace", str(workspace))
    assert code == 0 and payload["result"]["score"] == 5
