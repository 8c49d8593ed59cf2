"""Category 1: the reference reaches 5/5 through the real loop; trivial models score at most 1/5."""

from __future__ import annotations

import ast
import json
import time

import numpy as np
import pytest
from clirun import exam, exam_json, stderr_lines

from core import questions

QUESTION = questions.get("c1_line")


def starter_points(path) -> tuple[list[float], list[float]]:
    """The literal xs and ys arrays of a starter or solution file."""
    found = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id in ("xs", "ys"):
            found[node.targets[0].id] = ast.literal_eval(node.value.args[0])
    return found["xs"], found["ys"]


def test_starter_points_lie_on_the_declared_line_and_hidden_points_are_new():
    hidden = QUESTION.settings
    for path in (QUESTION.starter_path, QUESTION.solution_path):
        xs, ys = starter_points(path)
        assert xs == list(hidden.train_x)
        assert ys == [hidden.slope * x + hidden.intercept for x in xs]
    assert not set(hidden.x) & set(hidden.train_x)
    assert max(hidden.x) > max(hidden.train_x) and min(hidden.x) < min(hidden.train_x)


def save(tf, tmp_path, name, build):
    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
    build(model)
    path = tmp_path / f"{name}.h5"
    model.save(path)
    return path


def grade(path):
    from graders.pipeline import grade as grade_file

    return grade_file(path, QUESTION)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_untrained_models_score_at_most_1(tf, tmp_path, seed):
    tf.keras.utils.set_random_seed(seed)
    result = grade(save(tf, tmp_path, f"untrained{seed}", lambda m: None))
    assert result.status == "graded" and result.score <= 1, result.output


def test_constant_output_scores_at_most_1(tf, tmp_path):
    mean_y = float(np.mean([QUESTION.settings.slope * x + QUESTION.settings.intercept for x in QUESTION.settings.train_x]))

    def constant(model):
        model.layers[-1].set_weights([np.zeros((1, 1)), np.array([mean_y])])

    result = grade(save(tf, tmp_path, "constant", constant))
    assert result.status == "graded" and result.score == 0, result.output


def test_the_exact_line_scores_5(tf, tmp_path):
    def exact(model):
        model.layers[-1].set_weights([np.array([[QUESTION.settings.slope]]), np.array([QUESTION.settings.intercept])])

    result = grade(save(tf, tmp_path, "exact", exact))
    assert result.score == 5 and result.metric.value < 1e-4


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
    path = save(tf, tmp_path, "untrained", lambda m: None)
    from clirun import run

    done = run("-m", "graders", "1", str(path), "--json")
    assert done.returncode == 0, stderr_lines(done)
    result = json.loads(done.stdout)
    assert set(result) >= {"score", "max_score", "status", "checks", "metric", "elapsed", "output"}
    assert result["metric"]["name"] == "mae" and result["max_score"] == 5
