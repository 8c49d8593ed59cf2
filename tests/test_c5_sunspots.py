"""Category 5 on the real series: the hidden months, the starter's pipeline, baselines as models, the reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from clirun import load_script, real_data, solve_and_submit, train_starter_and_submit
from exam import questions

QUESTION = questions.get("c5_sunspots")
WINDOW = QUESTION.hidden["window"]
SPLIT = QUESTION.data.train.stop
pytestmark = real_data


@pytest.fixture(scope="module")
def series():
    from exam.data.hidden import hidden_data

    from graders.series import normalise

    return normalise(hidden_data(QUESTION, start=0))


def test_hidden_targets_are_the_months_the_training_loader_never_returns():
    from exam.data import training_data
    from exam.data.hidden import hidden_data

    train_values = training_data(QUESTION.id)
    all_values = hidden_data(QUESTION, start=0)
    assert len(train_values) == SPLIT == QUESTION.data.hidden.start and QUESTION.data.train.disjoint(QUESTION.data.hidden)
    assert len(all_values) == 3235 and len(hidden_data(QUESTION)) == 235
    np.testing.assert_array_equal(all_values[:SPLIT], train_values)


@pytest.mark.parametrize("kind", ["starter", "solution"])
def test_scripts_normalise_and_window_like_the_grader(tf, series, kind):
    from exam.data import training_data
    from exam.data.hidden import hidden_data

    from graders.series import windows

    script = load_script(QUESTION.starter_path if kind == "starter" else QUESTION.solution_path)
    assert (script.WINDOW_SIZE, script.SPLIT_TIME) == (WINDOW, SPLIT)
    whole = hidden_data(QUESTION, start=0)
    assert (script.SERIES_MIN, script.SERIES_MAX) == (float(whole.min()), pytest.approx(float(whole.max())))
    theirs = script.normalise(training_data(QUESTION.id))
    np.testing.assert_allclose(theirs, series[:SPLIT], atol=1e-6)
    x, y = next(iter(script.windowed_dataset(theirs, batch_size=SPLIT, shuffle_buffer=1)))
    np.testing.assert_allclose(x.numpy(), windows(series, range(WINDOW, SPLIT), WINDOW), atol=1e-6)
    np.testing.assert_allclose(y.numpy()[:, 0], series[WINDOW:SPLIT], atol=1e-6)


def save_window_model(tf, path, kernel=None, bias=0.0):
    """Flatten -> Dense(1): with a chosen kernel it is an exact baseline (persistence, moving average, constant)."""
    model = tf.keras.Sequential([tf.keras.Input(shape=(WINDOW, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)])
    if kernel is not None:
        model.layers[-1].set_weights([np.asarray(kernel, dtype="float32").reshape(WINDOW, 1), np.array([bias], dtype="float32")])
    model.save(path)
    return path


def last(k):
    kernel = np.zeros(WINDOW)
    kernel[-k:] = 1.0 / k
    return kernel


def grade(path, artifacts=None):
    from graders.core import grade as grade_file

    return grade_file(path, QUESTION, artifacts)


def test_training_mean_scores_0(tf, tmp_path, series):
    result = grade(save_window_model(tf, tmp_path / "mean.h5", np.zeros(WINDOW), float(series[:SPLIT].mean())))
    assert result.status == "graded" and result.score == 0, result.output
    assert result.metric.value == pytest.approx(result.diagnostics["baselines_mae"]["training_mean"], abs=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_untrained_models_score_at_most_1(tf, tmp_path, seed):
    tf.keras.utils.set_random_seed(seed)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(WINDOW, 1)),
        tf.keras.layers.Conv1D(32, 5, padding="causal", activation="relu"),
        tf.keras.layers.LSTM(32),
        tf.keras.layers.Dense(1),
    ])
    model.save(tmp_path / "untrained.h5")
    result = grade(tmp_path / "untrained.h5")
    assert result.status == "graded" and result.score <= 1, result.output


def test_persistence_scores_exactly_3_and_moving_averages_at_most_3(tf, tmp_path):
    persistence = grade(save_window_model(tf, tmp_path / "persistence.h5", last(1)))
    assert persistence.score == 3, persistence.output
    assert persistence.metric.value == pytest.approx(persistence.diagnostics["baselines_mae"]["persistence"], abs=1e-6)
    low, high = persistence.diagnostics["difference_to_persistence_ci95"]
    assert low == pytest.approx(0, abs=1e-6) and high == pytest.approx(0, abs=1e-6)
    for k in (2, 3, 4, 6, 12):
        result = grade(save_window_model(tf, tmp_path / f"ma{k}.h5", last(k)))
        assert result.score <= 3, (k, result.output)


def test_sequence_output_uses_the_last_step_and_says_so(tf, tmp_path):
    # Dense(1) on each time step with weight 1: the output sequence is the input, so its last step is persistence.
    model = tf.keras.Sequential([tf.keras.Input(shape=(WINDOW, 1)), tf.keras.layers.Dense(1)])
    model.layers[-1].set_weights([np.ones((1, 1), dtype="float32"), np.zeros(1, dtype="float32")])
    model.save(tmp_path / "seq.h5")
    result = grade(tmp_path / "seq.h5", artifacts=tmp_path / "artifacts")
    assert result.status == "graded" and result.diagnostics["output_form"] == "sequence"
    assert "last time step" in result.output
    assert result.metric.value == pytest.approx(result.diagnostics["baselines_mae"]["persistence"], abs=1e-6)
    plot = Path(result.artifacts[0])
    assert plot.parent == tmp_path / "artifacts" and plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_retired_formula_would_give_persistence_5_of_5():
    from graders.series import retired_exam_score

    assert retired_exam_score(0.0405) == 5 and retired_exam_score(0.127) == 5 and retired_exam_score(0.175) == 0


@pytest.mark.slow
def test_starter_runs_as_is_and_is_graded(tmp_path):
    code, payload = train_starter_and_submit(tmp_path, QUESTION.id)
    assert code == 0 and payload["result"]["status"] == "graded"
    assert payload["result"]["score"] <= 2


@pytest.mark.slow
def test_reference_solution_scores_5_through_submit_with_a_plot(tmp_path):
    code, payload = solve_and_submit(tmp_path, QUESTION.id)
    result = payload["result"]
    assert code == 0 and result["score"] == 5, result["output"]
    diagnostics = result["diagnostics"]
    assert diagnostics["output_form"] == "single"
    assert diagnostics["difference_to_persistence_ci95"][1] < 0  # better than persistence beyond the noise
    assert set(diagnostics["baselines_mae"]) == {"persistence", "moving_average_2", "training_mean"}
    plot = Path(payload["record"]["artifacts"][0])
    assert plot.is_file() and tmp_path in plot.parents and plot.read_bytes()[:4] == b"\x89PNG"
