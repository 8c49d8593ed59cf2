"""Category 4 on the real headlines: the tokenizer contract, the hidden split, baselines, refusals, the reference."""

from __future__ import annotations

import numpy as np
import pytest
from clirun import load_script, real_data, solve_and_submit

from core import questions

QUESTION = questions.get("c4_sarcasm")
pytestmark = real_data


@pytest.fixture(scope="module")
def data():
    from core.data import training_data
    from core.data.hidden import hidden_data

    return training_data(QUESTION.id), hidden_data(QUESTION)


def test_hidden_headlines_are_the_records_after_the_training_part(data):
    (train_x, train_y), (hidden_x, hidden_y) = data
    assert QUESTION.data.train.disjoint(QUESTION.data.hidden)
    assert len(train_x) == len(train_y) == QUESTION.data.train.stop == QUESTION.data.hidden.start == 20000
    assert len(train_x) + len(hidden_x) == 26709 and len(hidden_x) == len(hidden_y)
    assert set(np.unique(hidden_y)) == {0, 1}


@pytest.mark.parametrize("kind", ["starter", "solution"])
def test_grader_rebuilds_the_scripts_tokenizer(data, kind):
    from graders import text

    path = QUESTION.starter_path if kind == "starter" else QUESTION.solution_path
    script = load_script(path)
    hidden = QUESTION.settings
    assert (script.VOCAB_SIZE, script.OOV_TOKEN, script.MAX_LENGTH, script.PADDING, script.TRUNCATING, script.TRAINING_SIZE) == (
        hidden.vocab_size, hidden.oov_token, hidden.max_length, hidden.padding, hidden.truncating, QUESTION.data.train.stop)
    (train_x, _), (hidden_x, _) = data
    theirs = script.fit_tokenizer(train_x)
    assert theirs.word_index == text.tokenizer_for(QUESTION).word_index
    np.testing.assert_array_equal(script.to_padded(theirs, hidden_x), text.encode(QUESTION, hidden_x))


def save_bag_of_words(tf, path, weights=None):
    """Embedding -> average -> one sigmoid unit; `weights` replaces the last layer's (kernel, bias)."""
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(QUESTION.settings.max_length,)),
        tf.keras.layers.Embedding(QUESTION.settings.vocab_size, 16),
        tf.keras.layers.GlobalAveragePooling1D(),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    if weights is not None:
        model.layers[-1].set_weights(weights)
    model.save(path)
    return path


def grade(path, artifacts=None):
    from graders.pipeline import grade as grade_file

    return grade_file(path, QUESTION, artifacts)


@pytest.mark.parametrize("name,bias", [("constant_half", 0.0), ("always_plain", -8.0), ("always_sarcastic", 8.0)])
def test_constant_answers_score_at_most_1(tf, tmp_path, data, name, bias):
    path = save_bag_of_words(tf, tmp_path / f"{name}.h5", [np.zeros((16, 1)), np.array([bias])])
    result = grade(path)
    assert result.status == "graded" and result.score <= 1, result.output
    (_, _), (_, hidden_y) = data
    majority = max(hidden_y.mean(), 1 - hidden_y.mean())
    assert result.metric.value <= majority + 1e-9
    assert result.diagnostics["majority_accuracy"] == pytest.approx(majority)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_untrained_models_score_at_most_1(tf, tmp_path, seed):
    tf.keras.utils.set_random_seed(seed)
    result = grade(save_bag_of_words(tf, tmp_path / f"untrained{seed}.h5"))
    assert result.status == "graded" and result.score <= 1, result.output


def test_raw_string_model_is_refused_with_the_reason(tf, tmp_path):
    vectorize = tf.keras.layers.TextVectorization(max_tokens=1000, output_sequence_length=120)
    vectorize.adapt(["a plain headline", "area man does something"])
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(1,), dtype="string"),
        vectorize,
        tf.keras.layers.Embedding(1000, 16),
        tf.keras.layers.GlobalAveragePooling1D(),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.save(tmp_path / "strings.h5")
    result = grade(tmp_path / "strings.h5")
    assert result.status == "refused"
    assert "raw strings" in result.reason and "TextVectorization" in result.reason and "(120,)" in result.reason
    assert result.checks[-1].name == "layers", "refused from the description, before Keras built the vocabulary layer"


@pytest.mark.slow
def test_reference_solution_scores_5_through_submit(tmp_path):
    code, payload = solve_and_submit(tmp_path, QUESTION.id)
    result = payload["result"]
    assert code == 0 and result["score"] == 5, result["output"]
    diagnostics = result["diagnostics"]
    counts = np.array(diagnostics["confusion_matrix"])
    assert counts.sum() == diagnostics["hidden_examples"] == 6709
    assert np.trace(counts) / 6709 == pytest.approx(diagnostics["accuracy"])
    assert len(diagnostics["misclassified"]) == QUESTION.settings.misclassified_shown
    assert all(set(e) == {"text", "label", "output"} for e in diagnostics["misclassified"])
    assert payload["record"]["score"] == 5 and payload["record"]["diagnostics"] == diagnostics
