"""MNIST digits from the four official IDX files: the hidden test digits and the official checksums, a trained linear
model. The split, the scaling and the baselines of every image question: tests/test_kind_image_classification.py."""

from __future__ import annotations

import numpy as np
import pytest
import bank
from clirun import real_data

from tfexam import questions

QUESTION = questions.get("c2_mnist")
HIDDEN = QUESTION.settings
pytestmark = real_data


@pytest.fixture(scope="module")
def data():
    from tfexam.data import training_data
    from tfexam.data.hidden import hidden_data

    return training_data(QUESTION.id), hidden_data(QUESTION)


def grade(path):
    return bank.grade(path, QUESTION)


def test_hidden_digits_are_the_official_t10k_files(data):
    import hashlib

    from tfexam.data import FILES, ensure

    (train_x, train_y), (hidden_x, hidden_y) = data
    assert train_x.shape == (60000, 28, 28) and hidden_x.shape == (HIDDEN.hidden_images, 28, 28)
    assert np.bincount(hidden_y).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    # the registry's checksums are those of the official files (MD5s as published with MNIST)
    official_md5 = {"train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c"}
    for name, md5 in official_md5.items():
        assert hashlib.md5(ensure(f"mnist/{name}").read_bytes()).hexdigest() == md5
        assert FILES[f"mnist/{name}"].sha256


def linear_model(tf):
    return tf.keras.Sequential([tf.keras.Input(shape=(28, 28)), tf.keras.layers.Flatten(),
                                tf.keras.layers.Dense(10, activation="softmax")])


@pytest.mark.slow
def test_a_linear_model_scores_at_most_1(tf, tmp_path, data):
    (train_x, train_y), _ = data
    tf.keras.utils.set_random_seed(0)
    model = linear_model(tf)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(train_x.astype("float32") / 255.0, train_y, epochs=5, batch_size=128, verbose=0)
    model.save(tmp_path / "linear.h5")
    result = grade(tmp_path / "linear.h5")
    assert result.status == "graded" and result.score <= 1 and result.metric.value > 0.9, result.output
