"""Horses or humans with a frozen ImageNet MobileNet: same hidden pictures as c3_horses_or_humans at 128x128, the
scripts load the ImageNet weights, the backbone is required, baselines built on the backbone. The preprocessing:
tests/test_kind_image_classification.py; the loop: tests/test_bank.py."""

from __future__ import annotations

import numpy as np
import pytest
import bank
from clirun import load_script, real_data

from tfexam import questions

QUESTION = questions.get("c3_horses_or_humans_transfer")
HIDDEN = QUESTION.settings
SIZE = tuple(HIDDEN.image_size)
pytestmark = real_data


def grade(path):
    return bank.grade(path, QUESTION)


def test_the_hidden_pictures_are_those_of_the_other_category_3_question():
    other = questions.get("c3_horses_or_humans")
    assert QUESTION.data.hidden == other.data.hidden and QUESTION.data.train == other.data.train
    assert QUESTION.data.train.disjoint(QUESTION.data.hidden) and SIZE == (128, 128)
    assert "mobilenet-weights" in QUESTION.datasets


@pytest.mark.parametrize("kind", ["starter", "solution"])
def test_scripts_load_the_imagenet_weights(tf, kind):
    script = load_script(QUESTION.starter_path if kind == "starter" else QUESTION.solution_path)
    if kind == "starter":  # the stub's backbone is random on purpose; the starter names the weights file to load
        from tfexam.data import FILES
        from tfexam.files import sha256_file

        assert sha256_file(script.mobilenet_weights()) == FILES[script.WEIGHTS].sha256
        return
    backbone = script.backbone()
    assert not backbone.trainable and backbone.output_shape == (None, 4, 4, 256)
    reference = tf.keras.applications.MobileNet(input_shape=SIZE + (3,), alpha=0.25, include_top=False, weights=None)
    assert not np.array_equal(backbone.get_weights()[0], reference.get_weights()[0])  # ImageNet weights, not random


def test_a_model_without_the_backbone_is_refused_with_what_to_build(tf, tmp_path):
    model = tf.keras.Sequential([tf.keras.Input(shape=SIZE + (3,)), tf.keras.layers.Conv2D(4, 3, activation="relu"),
                                 tf.keras.layers.GlobalAveragePooling2D(), tf.keras.layers.Dense(1, activation="sigmoid")])
    model.save(tmp_path / "plain.h5")
    result = grade(tmp_path / "plain.h5")
    assert result.status == "refused" and "MobileNet" in result.reason and "DepthwiseConv2D" in result.reason


def mobilenet_model(tf, weights=None, bias=None):
    base = tf.keras.applications.MobileNet(input_shape=SIZE + (3,), alpha=0.25, include_top=False, weights=weights)
    model = tf.keras.Sequential([tf.keras.Input(shape=SIZE + (3,)), tf.keras.layers.Rescaling(2.0, offset=-1.0), base,
                                 tf.keras.layers.GlobalAveragePooling2D(), tf.keras.layers.Dense(1, activation="sigmoid")])
    if bias is not None:
        model.layers[-1].set_weights([np.zeros((256, 1)), np.array([bias])])
    return model


@pytest.mark.parametrize("bias", [-8.0, 8.0])
def test_one_answer_for_every_picture_scores_0(tf, tmp_path, bias):
    mobilenet_model(tf, bias=bias).save(tmp_path / "constant.h5")
    result = grade(tmp_path / "constant.h5")
    assert result.status == "graded" and result.score == 0 and result.metric.value == 0.5, result.output
    assert any(c.name == "backbone" and c.passed for c in result.checks)


@pytest.mark.parametrize("seed", [0, 1])
def test_untrained_mobilenets_score_at_most_1(tf, tmp_path, seed):
    tf.keras.utils.set_random_seed(seed)
    mobilenet_model(tf).save(tmp_path / "untrained.h5")
    result = grade(tmp_path / "untrained.h5")
    assert result.status == "graded" and result.score <= 1, result.output
