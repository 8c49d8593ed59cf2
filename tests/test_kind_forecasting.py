"""Every forecasting question (Category 5): the hidden steps are those the training loader never returns, and the
baselines as real models score what CALIBRATION.md states: persistence exactly 3/5 (and equal to the grader's own
persistence baseline), the training mean 0/5, untrained networks at most 1/5. The scripts' scaling and windowing
differ between the univariate and the multivariate questions: tests/test_forecasting_univariate.py and
tests/test_c5_household_power.py. What every kind shares: tests/test_bank.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from bank import bank, grade

SERIES = bank("forecasting")


@pytest.fixture(scope="module")
def normalised():
    """The whole series of a question, normalised as the grader does, read once per question."""
    from tfexam.data.hidden import hidden_data
    from graders.series import normalise

    cache = {}
    return lambda q: cache.setdefault(q.id, normalise(hidden_data(q, start=0), q.settings.normalise))


def shapes(question) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return question.contract.input_shape, question.contract.output_shapes[0]


@pytest.mark.parametrize("question", SERIES)
def test_the_hidden_steps_are_those_the_training_loader_never_returns(question):
    from tfexam.data import training_data
    from tfexam.data.hidden import hidden_data

    split = question.data.train.stop
    train, whole = training_data(question.id), hidden_data(question, start=0)
    assert len(train) == split == question.data.hidden.start
    np.testing.assert_array_equal(whole[:split], train)
    assert len(hidden_data(question)) == len(whole) - split > 0


def persistence(tf, question):
    """The last input step repeated for every output step: what `baselines_mae["persistence"]` measures."""
    (window, _), out = shapes(question)
    past = tf.keras.Input(shape=question.contract.input_shape)
    last = tf.keras.layers.Cropping1D((window - 1, 0))(past)
    forecast = tf.keras.layers.Flatten()(last) if len(out) == 1 else tf.keras.layers.UpSampling1D(out[0])(last)
    return tf.keras.Model(past, forecast)


@pytest.mark.parametrize("question", SERIES)
def test_persistence_scores_exactly_3_and_equals_the_baseline(tf, tmp_path, question):
    persistence(tf, question).save(tmp_path / "persistence.h5")
    result = grade(tmp_path / "persistence.h5", question)
    assert result.status == "graded" and result.score == 3, result.output
    assert result.metric.value == pytest.approx(result.diagnostics["baselines_mae"]["persistence"], abs=1e-6)
    interval = result.metric.interval  # persistence sits at 3/5: how far from 2/5 and 4/5 is the interval's business
    assert interval.low < result.metric.value < interval.high and result.advice == []


@pytest.mark.parametrize("question", SERIES)
def test_the_training_mean_scores_0(tf, tmp_path, normalised, question):
    inputs, out = shapes(question)
    mean = normalised(question)[: question.data.train.stop].mean(axis=0)
    model = tf.keras.Sequential([tf.keras.Input(shape=inputs), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(math.prod(out)), tf.keras.layers.Reshape(out)])
    model.layers[1].set_weights([np.zeros((math.prod(inputs), math.prod(out))),
                                 np.resize(np.asarray(mean, dtype="float32"), math.prod(out))])
    model.save(tmp_path / "mean.h5")
    result = grade(tmp_path / "mean.h5", question)
    assert result.status == "graded" and result.score == 0, result.output
    assert result.metric.value == pytest.approx(result.diagnostics["baselines_mae"]["training_mean"], abs=1e-5)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("question", SERIES)
def test_untrained_networks_score_at_most_1(tf, tmp_path, question, seed):
    tf.keras.utils.set_random_seed(seed)
    inputs, out = shapes(question)
    model = tf.keras.Sequential([tf.keras.Input(shape=inputs),
                                 tf.keras.layers.Conv1D(32, 5, padding="causal", activation="relu"),
                                 tf.keras.layers.LSTM(32), tf.keras.layers.Dense(math.prod(out)),
                                 tf.keras.layers.Reshape(out)])
    model.save(tmp_path / "untrained.h5")
    result = grade(tmp_path / "untrained.h5", question)
    assert result.status == "graded" and result.score <= 1, result.output
