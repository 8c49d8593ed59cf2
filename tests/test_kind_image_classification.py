"""Every image classification question (Categories 2 and 3): no hidden picture is a training picture, the starter and
the solution prepare pictures exactly as the grader does, one answer for every picture scores 0/5 and says so, and
untrained networks score at most 1/5 (CALIBRATION.md). What every kind shares: tests/test_bank.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from bank import bank, grade, script

IMAGES = bank("image_classification")
# A question that requires a backbone refuses these plain networks: its own file builds its baselines on the backbone.
PLAIN = bank("image_classification", where=lambda q: not q.settings.required_layer)


def units(question) -> int:
    return question.contract.output_shapes[0][0]


def digests(folder: Path) -> set[str]:
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*.png")}


@pytest.mark.parametrize("question", IMAGES)
def test_no_hidden_picture_is_a_training_picture(question):
    from tfexam.data import training_data
    from tfexam.data.hidden import hidden_data

    train, hidden = training_data(question.id), hidden_data(question)
    if question.data.format == "image_folders":
        assert hidden.resolve() not in train.resolve().parents and train.resolve() not in hidden.resolve().parents
        seen = digests(train)
        assert seen and not seen & digests(hidden)
    else:
        (train_x, _), (hidden_x, _) = train, hidden
        seen = {picture.tobytes() for picture in train_x}
        assert len(hidden_x) == question.settings.hidden_images
        assert not any(picture.tobytes() in seen for picture in hidden_x)


@pytest.mark.parametrize("which", ["starter", "solution"])
@pytest.mark.parametrize("question", IMAGES)
def test_scripts_prepare_pictures_exactly_like_the_grader(tf, question, which):
    from tfexam.data.hidden import hidden_data
    from graders.image_classification import hidden_pictures
    from graders.images import scale_pixels

    module = script(question, which)
    scale = question.settings.pixel_scale
    assert module.PIXEL_SCALE == scale and module.CLASS_NAMES == list(question.data.class_names)
    pixels, labels, _ = hidden_pictures(question)
    if question.data.format == "image_folders":
        assert module.IMAGE_SIZE == tuple(question.settings.image_size)
        batches = list(module.load_pictures(hidden_data(question), shuffle=False))
        theirs = np.concatenate([x.numpy() for x, _ in batches])
        np.testing.assert_array_equal(np.concatenate([y.numpy() for _, y in batches]).reshape(-1), labels)
    else:
        theirs = module.scale(hidden_data(question)[0])
    assert theirs.dtype == np.float32 and theirs.shape == (question.settings.hidden_images, *question.contract.input_shape)
    np.testing.assert_array_equal(theirs, scale_pixels(pixels, scale))  # what the grader feeds the model
    assert 0.0 <= theirs.min() and theirs.max() <= 1.0


def one_answer(tf, question, answer: int):
    """Flatten -> Dense with zero weights: the same output, `answer`, for every picture."""
    n = units(question)
    model = tf.keras.Sequential([tf.keras.Input(shape=question.contract.input_shape), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(n, activation="sigmoid" if n == 1 else "softmax")])
    bias = np.full(n, 5.0 if answer else -5.0, dtype="float32") if n == 1 else np.eye(n, dtype="float32")[answer] * 5
    model.layers[-1].set_weights([np.zeros((int(np.prod(question.contract.input_shape)), n), dtype="float32"), bias])
    return model


@pytest.mark.parametrize("question", PLAIN)
def test_one_answer_for_every_picture_scores_0_and_says_why(tf, tmp_path, question):
    names = list(question.data.class_names)
    for answer in (0, len(names) - 1):
        one_answer(tf, question, answer).save(tmp_path / f"always{answer}.h5")
        result = grade(tmp_path / f"always{answer}.h5", question)
        assert result.status == "graded" and result.score == 0, result.output
        assert result.metric.value <= result.diagnostics["majority_accuracy"] + 1e-9
        assert f"answers '{names[answer]}' for every hidden picture" in result.output
        assert "same_answer" in [a.rule for a in result.advice]
        if result.metric.value == 0:  # no right answer in any resample: the interval is a point
            assert (result.metric.interval.low, result.metric.interval.high) == (0, 0)
        else:
            assert result.metric.interval.low < result.metric.value < result.metric.interval.high


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("question", PLAIN)
def test_untrained_convolutional_networks_score_at_most_1(tf, tmp_path, question, seed):
    tf.keras.utils.set_random_seed(seed)
    shape = question.contract.input_shape
    layers = [tf.keras.Input(shape=shape)] + ([tf.keras.layers.Reshape((*shape, 1))] if len(shape) == 2 else [])
    for filters in (16, 32):
        layers += [tf.keras.layers.Conv2D(filters, 3, activation="relu"), tf.keras.layers.MaxPooling2D()]
    n = units(question)
    layers += [tf.keras.layers.Flatten(), tf.keras.layers.Dense(128, activation="relu"),
               tf.keras.layers.Dense(n, activation="sigmoid" if n == 1 else "softmax")]
    tf.keras.Sequential(layers).save(tmp_path / "untrained.h5")
    result = grade(tmp_path / "untrained.h5", question)
    assert result.status == "graded" and result.score <= 1, result.output
