"""MNIST digits from the four official IDX files: the hidden test digits, the scripts' scaling, baselines, the reference."""

from __future__ import annotations

import numpy as np
import pytest
from clirun import load_script, real_data

from core import questions

QUESTION = questions.get("c2_mnist")
HIDDEN = QUESTION.settings
pytestmark = real_data


@pytest.fixture(scope="module")
def data():
    from core.data import training_data
    from core.data.hidden import hidden_data

    return training_data(QUESTION.id), hidden_data(QUESTION)


def grade(path):
    from graders.pipeline import grade as grade_file

    return grade_file(path, QUESTION)


def test_hidden_digits_are_the_t10k_files_the_loader_never_returns(data):
    import hashlib

    from core.data import FILES, ensure

    (train_x, train_y), (hidden_x, hidden_y) = data
    assert QUESTION.data.train.disjoint(QUESTION.data.hidden)
    assert train_x.shape == (60000, 28, 28) and hidden_x.shape == (HIDDEN.hidden_images, 28, 28)
    assert np.bincount(hidden_y).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    seen = {picture.tobytes() for picture in train_x}
    assert not any(picture.tobytes() in seen for picture in hidden_x)
    # the registry's checksums are those of the official files (MD5s as published with MNIST)
    official_md5 = {"train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c"}
    for name, md5 in official_md5.items():
        assert hashlib.md5(ensure(f"mnist/{name}").read_bytes()).hexdigest() == md5
        assert FILES[f"mnist/{name}"].sha256


@pytest.mark.parametrize("kind", ["starter", "solution"])
def test_scripts_scale_pixels_exactly_like_the_grader(data, kind):
    from graders.images import scale_pixels

    script = load_script(QUESTION.starter_path if kind == "starter" else QUESTION.solution_path)
    assert script.PIXEL_SCALE == HIDDEN.pixel_scale and script.CLASS_NAMES == list(QUESTION.data.class_names)
    _, (hidden_x, _) = data
    np.testing.assert_array_equal(script.scale(hidden_x), scale_pixels(hidden_x, HIDDEN.pixel_scale))


def linear_model(tf):
    return tf.keras.Sequential([tf.keras.Input(shape=(28, 28)), tf.keras.layers.Flatten(),
                                tf.keras.layers.Dense(10, activation="softmax")])


@pytest.mark.parametrize("answer", [1, 7])
def test_one_answer_for_every_digit_scores_0(tf, tmp_path, answer):
    model = linear_model(tf)
    bias = np.zeros(10, dtype="float32")
    bias[answer] = 5.0
    model.layers[-1].set_weights([np.zeros((784, 10), dtype="float32"), bias])
    model.save(tmp_path / "constant.h5")
    result = grade(tmp_path / "constant.h5")
    assert result.status == "graded" and result.score == 0, result.output
    assert f"answers '{answer}' for every hidden picture" in result.output


@pytest.mark.parametrize("seed", [0, 1])
def test_untrained_models_score_at_most_1(tf, tmp_path, seed):
    tf.keras.utils.set_random_seed(seed)
    linear_model(tf).save(tmp_path / "untrained.h5")
    result = grade(tmp_path / "untrained.h5")
    assert result.status == "graded" and result.score <= 1, result.output


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
