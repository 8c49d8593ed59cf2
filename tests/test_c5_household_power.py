"""Household power (multivariate, 24 minutes in, 24 out): the size of the hidden half, the exam's min-over-max scaling in
the scripts and the grader, what the grader says of persistence, a single-step output refused. Its split and baselines
are tested with every forecasting question (tests/test_kind_forecasting.py), its loop in tests/test_bank.py."""

from __future__ import annotations

import numpy as np
import pytest
from bank import grade
from clirun import load_script, real_data

from tfexam import questions

QUESTION = questions.get("c5_household_power")
SPLIT = QUESTION.data.train.stop
pytestmark = real_data


@pytest.fixture(scope="module")
def raw():
    from tfexam.data.hidden import hidden_data

    return hidden_data(QUESTION, start=0)


@pytest.fixture(scope="module")
def series(raw):
    from graders.series import normalise

    return normalise(raw, QUESTION.settings.normalise)


def test_the_hidden_half_is_the_second_half_of_the_minutes(raw):
    from tfexam.data import training_data

    train = training_data(QUESTION.id)
    assert SPLIT == 43200 and train.shape == (43200, 7) and train.dtype == np.float32 and raw.shape == (86400, 7)


def test_the_scaling_is_the_exams_min_over_max(raw, series):
    np.testing.assert_allclose(series, (raw - raw.min(axis=0)) / raw.max(axis=0), rtol=1e-6)
    assert series.min() == 0.0 and 0.10 < series[:, 2].max() < 0.11  # Voltage: (251.7 - 224.68) / 251.7


@pytest.mark.parametrize("kind", ["starter", "solution"])
def test_scripts_scale_and_window_like_the_grader(tf, raw, series, kind):
    from tfexam.data import training_data
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


def test_persistence_is_named_as_such(tf, tmp_path):
    past = tf.keras.Input(shape=(24, 7))
    repeated = tf.keras.layers.UpSampling1D(24)(tf.keras.layers.Cropping1D((23, 0))(past))
    tf.keras.Model(past, repeated).save(tmp_path / "persistence.h5")
    result = grade(tmp_path / "persistence.h5", QUESTION)
    assert result.status == "graded" and "the same forecasts as persistence" in result.output


def test_a_single_step_output_is_refused_with_the_shape_it_needs(tf, tmp_path):
    model = tf.keras.Sequential([tf.keras.Input(shape=(24, 7)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(7)])
    model.save(tmp_path / "one_step.h5")
    result = grade(tmp_path / "one_step.h5", QUESTION)
    assert result.status == "refused" and "needs (24, 7)" in result.reason
