"""Univariate one-step forecasting questions on their real series (sunspots, daily minimum temperatures): the series'
lengths, the scripts' scaling and windows, the paired interval against persistence, sequence outputs, the reference's
diagnostics and plot. The baselines and the hidden split of every forecasting question: tests/test_kind_forecasting.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from bank import grade
from clirun import load_script, real_data

from tfexam import questions

BANK = [q for q in questions.all_questions().values() if q.kind == "forecasting" and q.settings.horizon == 1]
WINDOW = 30
ROWS = {"c5_sunspots": 3235, "c5_daily_min_temperatures": 3650, "c5_daily_max_temperatures": 3650}
pytestmark = real_data


@pytest.fixture(scope="module", params=BANK, ids=lambda q: q.id)
def question(request):
    assert request.param.settings.window == WINDOW
    return request.param


@pytest.fixture(scope="module")
def series(question):
    from tfexam.data.hidden import hidden_data
    from graders.series import normalise

    return normalise(hidden_data(question, start=0), question.settings.normalise)


def test_the_series_have_their_known_lengths(question):
    from tfexam.data.hidden import hidden_data

    assert len(hidden_data(question, start=0)) == ROWS[question.id]


@pytest.mark.parametrize("kind", ["starter", "solution"])
def test_scripts_normalise_and_window_like_the_grader(tf, question, series, kind):
    from tfexam.data import training_data
    from tfexam.data.hidden import hidden_data
    from graders.series import windows

    split = question.data.train.stop
    script = load_script(question.starter_path if kind == "starter" else question.solution_path)
    assert (script.WINDOW_SIZE, script.SPLIT_TIME) == (WINDOW, split)
    whole = hidden_data(question, start=0)
    assert (script.SERIES_MIN, script.SERIES_MAX) == (float(whole.min()), pytest.approx(float(whole.max())))
    theirs = script.normalise(training_data(question.id))
    np.testing.assert_allclose(theirs, series[:split], atol=1e-6)
    x, y = next(iter(script.windowed_dataset(theirs, batch_size=split, shuffle_buffer=1)))
    np.testing.assert_allclose(x.numpy(), windows(series, range(WINDOW, split), WINDOW), atol=1e-6)
    np.testing.assert_allclose(y.numpy()[:, 0], series[WINDOW:split], atol=1e-6)


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


def test_persistence_differs_from_itself_by_nothing_and_moving_averages_score_at_most_3(tf, tmp_path, question):
    persistence = grade(save_window_model(tf, tmp_path / "persistence.h5", last(1)), question)
    assert persistence.score == 3, persistence.output
    low, high = persistence.diagnostics["difference_to_persistence_ci95"]
    assert low == pytest.approx(0, abs=1e-6) and high == pytest.approx(0, abs=1e-6)
    for k in (2, 3, 4, 6, 12):
        result = grade(save_window_model(tf, tmp_path / f"ma{k}.h5", last(k)), question)
        assert result.score <= 3, (k, result.output)


def test_sequence_output_uses_the_last_step_and_says_so(tf, tmp_path, question):
    # Dense(1) on each time step with weight 1: the output sequence is the input, so its last step is persistence.
    model = tf.keras.Sequential([tf.keras.Input(shape=(WINDOW, 1)), tf.keras.layers.Dense(1)])
    model.layers[-1].set_weights([np.ones((1, 1), dtype="float32"), np.zeros(1, dtype="float32")])
    model.save(tmp_path / "seq.h5")
    result = grade(tmp_path / "seq.h5", question, artifacts=tmp_path / "artifacts")
    assert result.status == "graded" and result.diagnostics["output_form"] == "sequence"
    assert "last time step" in result.output
    assert result.metric.value == pytest.approx(result.diagnostics["baselines_mae"]["persistence"], abs=1e-6)
    plot = Path(result.artifacts[0])
    assert plot.parent == tmp_path / "artifacts" and plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_retired_formula_would_give_persistence_5_of_5():
    from graders.series import retired_exam_score

    assert retired_exam_score(0.0405) == 5 and retired_exam_score(0.127) == 5 and retired_exam_score(0.175) == 0


@pytest.mark.slow
def test_reference_solution_scores_5_through_submit_with_a_plot(trained, question):
    graded = trained.graded_reference(question.id)
    code, payload = graded.code, graded.payload
    result = payload["result"]
    assert code == 0 and result["score"] == 5, result["output"]
    diagnostics = result["diagnostics"]
    assert diagnostics["output_form"] == "single"
    assert diagnostics["difference_to_persistence_ci95"][1] < 0  # better than persistence beyond the noise
    assert set(diagnostics["baselines_mae"]) == {"persistence", "moving_average_2", "training_mean"}
    plot = Path(payload["record"]["artifacts"][0])
    assert plot.is_file() and graded.workspace in plot.parents and plot.read_bytes()[:4] == b"\x89PNG"
