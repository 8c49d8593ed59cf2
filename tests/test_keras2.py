"""Keras 2 files, written for real by tf-keras (tests/keras2_models.py in a TF_USE_LEGACY_KERAS=1 child), load, predict
what tf-keras predicted, and are graded in every category; a Keras 2 Lambda is refused without running.

Also the compatible-shape rules: open (None) sizes that really run on the declared shape are accepted, a channel
axis in Category 2 is refused with the exact change.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from clirun import REPO_ROOT, env, exam_json, needs_real_data, start_practice

from tfexam import questions

MAX_DIFFERENCE = 1e-5
LISTED_KINDS = {"Dense", "Conv2D", "MaxPooling2D", "Flatten", "Dropout", "BatchNormalization", "Rescaling", "RandomFlip",
                "RandomRotation", "RandomZoom", "Embedding", "LSTM", "GRU", "SimpleRNN", "Bidirectional", "Conv1D",
                "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "Functional"}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict:
    """The Keras 2 corpus, built once per test session by tf-keras itself (about 10-30 s)."""
    folder = tmp_path_factory.mktemp("keras2 corpus")
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(REPO_ROOT / "tests" / "keras2_models.py"), str(folder)],
                          env=env(TF_USE_LEGACY_KERAS="1"), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    index = json.loads((folder / "index.json").read_text())
    print(f"\nKeras 2 corpus: {len(index['models'])} models, {sum(p.stat().st_size for p in folder.glob('*.h5')) / 1e6:.1f} MB, "
          f"built in {time.monotonic() - started:.1f} s")
    return {"folder": folder, "index": index, "probes": dict(np.load(folder / "predictions.npz"))}


def test_the_corpus_is_keras_2_and_covers_every_listed_layer_kind(corpus):
    from tfexam import modelfile

    assert corpus["index"]["keras"].startswith("tf_keras")
    for name in corpus["index"]["models"]:
        assert modelfile.keras_generation(corpus["folder"] / f"{name}.h5", "h5") == 2, name
    seen = {kind for model in corpus["index"]["models"].values() for kind in model["layers"]}
    assert LISTED_KINDS <= seen, LISTED_KINDS - seen
    config = modelfile.h5_model_config(corpus["folder"] / "sarcasm_lstm.h5")
    assert any(o.get("input_length") == 120 for o in modelfile._objects(config))  # Embedding(input_length=...) kept
    assert any("MobileNet" in name or "mobilenet" in name for _, name in modelfile.layer_classes(
        modelfile.h5_model_config(corpus["folder"] / "mobilenet_transfer.h5")))


def test_keras_3_alone_cannot_load_a_keras_2_lstm_file(tf, corpus):
    """Why tf-keras loads Keras 2 files: Keras 3 refuses the LSTM's stored `time_major`."""
    with pytest.raises(Exception, match="time_major"):
        tf.keras.models.load_model(corpus["folder"] / "sunspots_lstm.h5", compile=False)


def test_every_keras_2_file_predicts_what_tf_keras_predicted(corpus):
    from graders.pipeline import check_contract, load, predict

    differences = {}
    for name, info in corpus["index"]["models"].items():
        question = questions.default_for_category(info["category"])
        checks = []
        model, _ = load(corpus["folder"] / f"{name}.h5", question, checks)
        check_contract(model, question, checks)
        assert all(c.passed for c in checks) and "Keras 2" in checks[1].message, checks
        predicted = predict(model, corpus["probes"][f"{name}_x"])
        differences[name] = float(np.abs(predicted - corpus["probes"][f"{name}_y"]).max())
    print(f"\nlargest prediction difference to tf-keras: {max(differences.values()):.3g} ({differences})")
    assert max(differences.values()) <= MAX_DIFFERENCE, differences


def test_a_keras_2_lambda_is_refused_and_its_code_never_runs(corpus):
    from graders.pipeline import grade

    question = questions.get("c1_line")
    permissive = dataclasses.replace(question, contract=dataclasses.replace(question.contract, forbidden_layers=()))
    for q in (question, permissive):
        result = grade(corpus["folder"] / "lambda.h5", q)
        assert result.status == "refused" and "Lambda layer" in result.reason, result.output
        assert [c.name for c in result.checks if not c.passed] == ["layers"]
    assert not (corpus["folder"] / "lambda-ran").exists(), "the Keras 2 Lambda's code ran while grading"


@pytest.mark.parametrize("edit,check,words", [  # an unknown class is refused from the description, before tf-keras
    ({"class_name": "NoSuchLayer"}, "layers", "the model uses a custom or unknown layer class (NoSuchLayer)"),
    ({"config": {"name": "dense", "units": "many"}}, "load", "this Keras 2 file names something tf-keras 2.21 cannot rebuild"),
])
def test_a_keras_2_file_tf_keras_cannot_rebuild_is_refused_in_the_learners_terms(corpus, tmp_path, edit, check, words):
    import h5py

    from graders.pipeline import grade

    path = tmp_path / "edited.h5"
    shutil.copyfile(corpus["folder"] / "line.h5", path)
    with h5py.File(path, "r+") as handle:
        config = json.loads(handle.attrs["model_config"])
        dense = next(layer for layer in config["config"]["layers"] if layer["class_name"] == "Dense")
        dense.update(edit)
        handle.attrs["model_config"] = json.dumps(config)
    result = grade(path, questions.get("c1_line"))
    assert result.status == "refused" and [c.name for c in result.checks if not c.passed] == [check]
    assert words in result.reason and "save it again" not in result.reason, result.reason


def test_a_keras_2_lambda_submitted_through_the_cli_never_runs(corpus, tmp_path):
    start_practice(tmp_path, 1)
    code, payload = exam_json("submit", "1", "--workspace", str(tmp_path), "--model", str(corpus["folder"] / "lambda.h5"))
    assert code == 1 and "Lambda layer" in payload["result"]["output"]
    assert not (corpus["folder"] / "lambda-ran").exists()


def submit_keras2(corpus, workspace: Path, name: str) -> dict:
    category = corpus["index"]["models"][name]["category"]
    start_practice(workspace, category)
    folder = workspace / f"Category{category}"
    shutil.copyfile(corpus["folder"] / f"{name}.h5", folder / "mymodel.h5")
    code, payload = exam_json("submit", str(category), "--workspace", str(workspace))
    result = payload["result"]
    assert code == 0 and result["status"] == "graded", result["output"]
    assert any("Keras 2" in c["message"] for c in result["checks"]), result["checks"]
    return result


def test_keras_2_category_1_through_submit_scores_5(corpus, tmp_path):
    result = submit_keras2(corpus, tmp_path, "line")
    assert result["score"] == 5, result["output"]


@needs_real_data
@pytest.mark.parametrize("name", ["sunspots_lstm", "sunspots_seq2seq"])
def test_keras_2_category_5_with_input_none_1_is_graded_through_submit(corpus, tmp_path, name):
    result = submit_keras2(corpus, tmp_path, name)
    shapes = {c["name"]: c["message"] for c in result["checks"]}
    assert "(None, None, 1) runs on (30, 1)" in shapes["input_shape"]
    if name == "sunspots_seq2seq":
        assert result["diagnostics"]["output_form"] == "sequence"


@needs_real_data
def test_keras_2_category_4_with_embedding_input_length_is_graded_through_submit(corpus, tmp_path):
    submit_keras2(corpus, tmp_path, "sarcasm_lstm")


@pytest.mark.slow
@needs_real_data
@pytest.mark.parametrize("name", ["fashion_cnn", "mobilenet_transfer"])
def test_keras_2_categories_2_and_3_are_graded_through_submit(corpus, tmp_path, name):
    submit_keras2(corpus, tmp_path, name)


# --- compatible shapes (Keras 3 models, built here) ----------------------------------------------------------------

def contract_checks(model, question_id: str):
    from graders.pipeline import check_contract

    checks = []
    check_contract(model, questions.get(question_id), checks)
    return {c.name: c.message for c in checks}


def test_open_sizes_that_run_on_the_declared_shape_are_accepted(tf):
    layers = tf.keras.layers
    single = tf.keras.Sequential([tf.keras.Input(shape=(None, 1)), layers.LSTM(4), layers.Dense(1)])
    sequence = tf.keras.Sequential([tf.keras.Input(shape=(None, 1)), layers.SimpleRNN(4, return_sequences=True), layers.Dense(1)])
    assert contract_checks(single, "c5_sunspots")["output_shape"] == "output shape (None, 1) accepted"
    assert contract_checks(sequence, "c5_sunspots")["output_shape"] == "output shape (None, 30, 1) accepted"


def test_an_open_size_that_gives_a_wrong_output_is_refused(tf):
    from tfexam.refusal import Refused

    model = tf.keras.Sequential([tf.keras.Input(shape=(None, 1)), tf.keras.layers.Conv1D(1, 5)])  # 30 steps -> 26
    with pytest.raises(Refused, match=r"on \(30, 1\) inputs the model outputs \(None, 26, 1\)"):
        contract_checks(model, "c5_sunspots")


def test_category_2_channel_axis_is_refused_with_the_exact_change(tf):
    from tfexam.refusal import Refused

    model = tf.keras.Sequential([tf.keras.Input(shape=(28, 28, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(10)])
    with pytest.raises(Refused) as refused:
        contract_checks(model, "c2_fashion_mnist")
    assert refused.value.check == "input_shape"
    assert ("input shape is (None, 28, 28, 1); this question needs (28, 28)" in refused.value.message
            and "tf.keras.Input(shape=(28, 28)) and put tf.keras.layers.Reshape((28, 28, 1)) right after it"
            in refused.value.message), refused.value.message


def test_category_4_near_chance_names_the_frozen_tokenizer():
    from graders import hints

    sarcasm = questions.get("c4_sarcasm")
    advice = hints.frozen_tokenizer(sarcasm, accuracy=0.55, majority=0.56)
    line = advice.text
    assert advice.rule == "frozen_tokenizer"
    assert "Tokenizer(num_words=1000, oov_token='<OOV>')" in line and "first 20,000 training texts" in line
    assert "padding='post'" in line
    assert hints.frozen_tokenizer(sarcasm, accuracy=0.80, majority=0.56) is None
    bbc = hints.frozen_tokenizer(questions.get("c4_bbc_news"), accuracy=0.25, majority=0.24)
    assert "first 1,780 training texts" in bbc.text


def test_category_2_takes_exactly_28_by_28_where_other_questions_take_open_sizes(tf):
    from tfexam.refusal import Refused

    layers = tf.keras.layers
    open_sizes = tf.keras.Sequential([tf.keras.Input(shape=(None, 28)), layers.GlobalAveragePooling1D(), layers.Dense(10)])
    for question in ("c2_fashion_mnist", "c2_mnist"):
        assert questions.get(question).contract.exact_input
        with pytest.raises(Refused) as refused:
            contract_checks(open_sizes, question)
        assert refused.value.check == "input_shape" and refused.value.message == (
            "input shape is (None, None, 28); this question needs exactly (28, 28) (batch dimension not counted): "
            "start the model with tf.keras.Input(shape=(28, 28))")
    exact = tf.keras.Sequential([tf.keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dense(10)])
    assert contract_checks(exact, "c2_mnist")["input_shape"] == "input shape (None, 28, 28) matches (28, 28)"
