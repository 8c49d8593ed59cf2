"""Household power (multivariate, 24 minutes in, 24 out): the hidden half, the exam's scaling in the scripts and the
grader, baselines as real models (persistence, training mean, untrained), refusals, the reference through the loop."""

from __future__ import annotations

import numpy as np
import pytest
from clirun import load_script, real_data

from core import questions

QUESTION = questions.get("c5_household_power")
SPLIT = QUESTION.data.train.stop
pytestmark = real_data


@pytest.fixture(scope="module")
def raw():
    from core.data.hidden import hidden_data

    return hidden_data(QUESTION, start=0)


@pytest.fixture(scope="module")
def series(raw):
    from graders.series import normalise

    return normalise(raw, QUESTION.settings.normalise)


def test_the_hidden_half_is_the_rows_the_training_loader_never_returns(raw):
    from core.data import training_data
    from core.data.hidden import hidden_data

    train = training_data(QUESTION.id)
    assert QUESTION.data.train.disjoint(QUESTION.data.hidden) and SPLIT == QUESTION.data.hidden.start == 43200
    assert train.shape == (43200, 7) and train.dtype == np.float32 and raw.shape == (86400, 7)
    np.testing.assert_array_equal(raw[:SPLIT], train)
    assert hidden_data(QUESTION).shape == (43200, 7)


def test_the_scaling_is_the_exams_min_over_max(raw, series):
    np.testing.assert_allclose(series, (raw - raw.min(axis=0)) / raw.max(axis=0), rtol=1e-6)
    assert series.min() == 0.0 and 0.10 < series[:, 2].max() < 0.11  # Voltage: (251.7 - 224.68) / 251.7


@pytest.mark.parametrize("kind", ["starter", "solution"])
def test_scripts_scale_and_window_like_the_grader(tf, raw, series, kind):
    from core.data import training_data
    from graders.series import multi_step_windows

    script = load_script(QUESTION.starter_path if kind == "starter" else QUESTION.solution_path)
    assert (script.N_PAST, script.N_FUTURE, script.N_FEATURES, script.SPLIT_TIME) == (24, 24, 7, SPLIT)
    np.testing.assert_allclose(script.COLUMN_MIN, raw.min(axis=0))
    np.testing.assert_allclose(script.COLUMN_MAX, raw.max(axis=0))
    theirs = script.normalize_series(training_data(QUESTION.id), script.COLUMN_MIN, script.COLUMN_MAX)
    np.testing.assert_allclose(theirs, series[:SPLIT], atol=1e-6)
    inputs, targets = multi_step_windows(series[:SPLIT], 24, 24)
    if kind == "starter":
        x, y = next(iter(script.windowed_dataset(theirs[:500], batch_size=1000, shuffle=False)))
        x, y = x.numpy(), y.numpy()
    else:
        x, y = script.windows(theirs[:500])
    np.testing.assert_allclose(x, inputs[: len(x)], atol=1e-6)
    np.testing.assert_allclose(y, targets[: len(y)], atol=1e-6)


def grade(path):
    from graders.pipeline import grade as grade_file

    return grade_file(path, QUESTION)


def test_persistence_scores_exactly_3_and_equals_the_baseline(tf, tmp_path):
    past = tf.keras.Input(shape=(24, 7))
    repeated = tf.keras.layers.UpSampling1D(24)(tf.keras.layers.Cropping1D((23, 0))(past))
    tf.keras.Model(past, repeated).save(tmp_path / "persistence.h5")
    result = grade(tmp_path / "persistence.h5")
    assert result.status == "graded" and result.score == 3, result.output
    assert result.metric.value == pytest.approx(result.diagnostics["baselines_mae"]["persistence"], abs=1e-6)
    assert "the same forecasts as persistence" in result.output


def test_the_training_mean_scores_0(tf, tmp_path, series):
    mean = series[:SPLIT].mean(axis=0)
    model = tf.keras.Sequential([tf.keras.Input(shape=(24, 7)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(168),
                                 tf.keras.layers.Reshape((24, 7))])
    model.layers[1].set_weights([np.zeros((168, 168)), np.tile(mean, 24).astype("float32")])
    model.save(tmp_path / "mean.h5")
    result = grade(tmp_path / "mean.h5")
    assert result.score == 0 and result.metric.value == pytest.approx(result.diagnostics["baselines_mae"]["training_mean"], abs=1e-5)


@pytest.mark.parametrize("seed", [0, 1])
def test_untrained_models_score_at_most_1(tf, tmp_path, seed):
    tf.keras.utils.set_random_seed(seed)
    model = tf.keras.Sequential([tf.keras.Input(shape=(24, 7)), tf.keras.layers.LSTM(32, return_sequences=True),
                                 tf.keras.layers.Dense(7)])
    model.save(tmp_path / "untrained.h5")
    result = grade(tmp_path / "untrained.h5")
    assert result.status == "graded" and result.score <= 1, result.output


def test_a_single_step_output_is_refused_with_the_shape_it_needs(tf, tmp_path):
    model = tf.keras.Sequential([tf.keras.Input(shape=(24, 7)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(7)])
    model.save(tmp_path / "one_step.h5")
    result = grade(tmp_path / "one_step.h5")
    assert result.status == "refused" and "needs (24, 7)" in result.reason
