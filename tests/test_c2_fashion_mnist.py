"""Category 2 on the real Fashion-MNIST files: the class counts, logits and softmax, the channel-axis hint, the
diagnostics and their pictures, a trained linear model, the reference's diagnostics. The split, the scaling and the
baselines of every image question: tests/test_kind_image_classification.py; the loop: tests/test_bank.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import bank
from clirun import real_data

from tfexam import questions

QUESTION = questions.get("c2_fashion_mnist")
HIDDEN = QUESTION.settings
pytestmark = real_data
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def data():
    from tfexam.data import training_data
    from tfexam.data.hidden import hidden_data

    return training_data(QUESTION.id), hidden_data(QUESTION)


def grade(path, artifacts=None):
    return bank.grade(path, QUESTION, artifacts)


def test_hidden_pictures_are_the_official_test_set(data):
    (train_x, train_y), (hidden_x, hidden_y) = data
    assert train_x.shape == (60000, 28, 28) and train_y.shape == (60000,)
    assert hidden_x.shape == (HIDDEN.hidden_images, 28, 28) and train_x.dtype == hidden_x.dtype == np.uint8
    assert np.bincount(hidden_y).tolist() == [1000] * 10 and np.bincount(train_y).tolist() == [6000] * 10


def linear_model(tf, activation="softmax"):
    return tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10, activation=activation),
    ])


def test_logits_and_softmax_grade_the_same(tf, tmp_path):
    tf.keras.utils.set_random_seed(3)
    logits = linear_model(tf, activation=None)
    softmax = linear_model(tf)
    softmax.set_weights(logits.get_weights())
    logits.save(tmp_path / "logits.h5")
    softmax.save(tmp_path / "softmax.h5")
    a, b = grade(tmp_path / "logits.h5"), grade(tmp_path / "softmax.h5")
    assert a.status == b.status == "graded"
    assert a.metric.value == b.metric.value and a.diagnostics["confusion_matrix"] == b.diagnostics["confusion_matrix"]


def test_channel_axis_outside_the_model_is_refused_with_the_shape_it_needs(tf, tmp_path):
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28, 1)),
        tf.keras.layers.Conv2D(8, 3, activation="relu"),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    model.save(tmp_path / "channels.h5")
    result = grade(tmp_path / "channels.h5")
    assert result.status == "refused" and "(None, 28, 28, 1)" in result.reason and "needs (28, 28)" in result.reason


def test_diagnostics_hold_per_class_accuracy_a_confusion_matrix_and_two_pngs(tf, tmp_path):
    tf.keras.utils.set_random_seed(5)
    linear_model(tf).save(tmp_path / "untrained.h5")
    result = grade(tmp_path / "untrained.h5", artifacts=tmp_path / "artifacts")
    diagnostics = result.diagnostics
    counts = np.array(diagnostics["confusion_matrix"])
    assert counts.shape == (10, 10) and counts.sum() == HIDDEN.hidden_images and (counts.sum(axis=1) == 1000).all()
    assert np.trace(counts) / counts.sum() == pytest.approx(result.metric.value)
    assert list(diagnostics["per_class_accuracy"]) == list(QUESTION.data.class_names)
    assert [diagnostics["per_class_accuracy"][n] for n in list(QUESTION.data.class_names)] == pytest.approx(np.diag(counts) / 1000)
    assert "confusion matrix" in result.output and "Ankle boot (p9)" in result.output
    written = [Path(a) for a in result.artifacts]
    assert [a.name for a in written] == ["confusion_matrix.png", "misclassified.png"]
    assert all(a.parent == tmp_path / "artifacts" and a.read_bytes()[:8] == PNG_MAGIC for a in written)


@pytest.mark.slow
def test_a_linear_model_scores_at_most_1(tf, tmp_path, data):
    (train_x, train_y), _ = data
    tf.keras.utils.set_random_seed(0)
    model = linear_model(tf)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(train_x.astype("float32") / 255.0, train_y, epochs=10, batch_size=64, verbose=0)
    model.save(tmp_path / "linear.h5")
    result = grade(tmp_path / "linear.h5")
    assert result.status == "graded" and result.score <= 1, result.output
    assert result.metric.value > 0.8, "a trained linear model should get past 0.8; is the scaling the same?"


@pytest.mark.slow
def test_reference_diagnostics_reach_the_ledger_with_both_pictures(trained):
    graded = trained.graded_reference(QUESTION.id)
    code, payload = graded.code, graded.payload
    result = payload["result"]
    assert code == 0 and result["score"] == 5, result["output"]
    counts = np.array(result["diagnostics"]["confusion_matrix"])
    assert counts.sum() == HIDDEN.hidden_images and np.trace(counts) / counts.sum() == pytest.approx(result["metric"]["value"])
    assert payload["record"]["score"] == 5 and payload["record"]["diagnostics"] == result["diagnostics"]
    pngs = [Path(a) for a in payload["record"]["artifacts"]]
    assert sorted(p.name for p in pngs) == ["confusion_matrix.png", "misclassified.png"]
    assert all((p if p.is_absolute() else graded.workspace / p).read_bytes()[:8] == PNG_MAGIC for p in pngs)
