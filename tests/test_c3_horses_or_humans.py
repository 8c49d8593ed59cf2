"""Category 3 on the real horses-or-humans PNGs: the folder counts, RGBA pictures, other picture sizes refused, the
diagnostics and their pictures, a mean-colour model, the reference's diagnostics. The split, the preprocessing and the
baselines of every image question: tests/test_kind_image_classification.py; the loop: tests/test_bank.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
import bank
from clirun import load_script, real_data

from tfexam import questions

QUESTION = questions.get("c3_horses_or_humans")
HIDDEN = QUESTION.settings
SIZE = tuple(HIDDEN.image_size)
pytestmark = real_data
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def folders():
    from tfexam.data import training_data
    from tfexam.data.hidden import hidden_data

    return training_data(QUESTION.id), hidden_data(QUESTION)


@pytest.fixture(scope="module")
def hidden(tf):
    from graders.image_classification import hidden_pictures

    return hidden_pictures(QUESTION)


def grade(path, artifacts=None):
    return bank.grade(path, QUESTION, artifacts)


def digests(folder: Path) -> set[str]:
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*.png")}


def test_each_folder_holds_its_known_pictures(folders):
    train, hidden = folders
    counts = {folder: {c: len(list((folder / c).glob("*.png"))) for c in list(QUESTION.data.class_names)} for folder in folders}
    assert counts[train] == {"horses": 500, "humans": 527} and counts[hidden] == {"horses": 128, "humans": 128}
    assert len(digests(train)) == 1027 and len(digests(hidden)) == 256


def test_pngs_are_rgba_and_the_grader_keeps_their_rgb_channels(tf, folders):
    from PIL import Image

    from graders.images import decode_resized

    path = sorted((folders[1] / "horses").glob("*.png"))[0]
    with Image.open(path) as picture:
        assert picture.mode == "RGBA" and picture.size == (300, 300)
        rgb = np.asarray(picture.convert("RGB"))
    full = decode_resized([path], (300, 300))[0]
    np.testing.assert_array_equal(full, rgb.astype("float32"))


def small_model(tf, head=None):
    """Flatten -> one sigmoid unit; `head` replaces the unit's (kernel, bias)."""
    model = tf.keras.Sequential([
        tf.keras.Input(shape=SIZE + (3,)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    if head is not None:
        model.layers[-1].set_weights(head)
    return model


@pytest.mark.parametrize("shape", [(300, 300, 3), (150, 150, 4), (150, 150, 1)])
def test_a_model_built_for_another_picture_size_is_refused_with_the_size_it_needs(tf, tmp_path, shape):
    model = tf.keras.Sequential([
        tf.keras.Input(shape=shape),
        tf.keras.layers.Conv2D(4, 3, activation="relu"),
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.save(tmp_path / "other_size.h5")
    result = grade(tmp_path / "other_size.h5")
    assert result.status == "refused"
    assert f"(None, {', '.join(map(str, shape))})" in result.reason and "needs (150, 150, 3)" in result.reason


def test_diagnostics_hold_per_class_accuracy_a_confusion_matrix_and_two_pngs(tf, tmp_path):
    tf.keras.utils.set_random_seed(4)
    small_model(tf).save(tmp_path / "untrained.h5")
    result = grade(tmp_path / "untrained.h5", artifacts=tmp_path / "artifacts")
    diagnostics = result.diagnostics
    counts = np.array(diagnostics["confusion_matrix"])
    assert counts.shape == (2, 2) and (counts.sum(axis=1) == 128).all()
    assert np.trace(counts) / 256 == pytest.approx(result.metric.value)
    assert diagnostics["per_class_accuracy"] == pytest.approx({"horses": counts[0, 0] / 128, "humans": counts[1, 1] / 128})
    assert "horses (p0)" in result.output and "humans (p1)" in result.output
    written = [Path(a) for a in result.artifacts]
    assert [a.name for a in written] == ["confusion_matrix.png", "misclassified.png"]
    assert all(a.parent == tmp_path / "artifacts" and a.read_bytes()[:8] == PNG_MAGIC for a in written)


@pytest.mark.slow
def test_a_mean_colour_model_scores_at_most_1(tf, tmp_path, folders):
    """A model that sees only the average colour of a picture: the cheapest cue there is."""
    script = load_script(QUESTION.starter_path)
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=SIZE + (3,)),
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    model.fit(script.load_pictures(folders[0]).cache(), epochs=10, shuffle=False, verbose=0)
    model.save(tmp_path / "colour.h5")
    result = grade(tmp_path / "colour.h5")
    assert result.status == "graded" and result.score <= 1, result.output


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
