"""Every text classification question (Category 4): the hidden texts are the rows after the training part, the grader
rebuilds the starter's and the solution's tokenizer exactly, one answer for every text and untrained models score at
most 1/5 (CALIBRATION.md), a model on raw strings is refused with the reason. What every kind shares:
tests/test_bank.py."""

from __future__ import annotations

import numpy as np
import pytest
from bank import bank, grade, script

TEXTS = bank("text_classification")


@pytest.fixture(scope="module")
def data():
    """(training texts and labels, hidden texts and labels) per question, read once."""
    from tfexam.data import training_data
    from tfexam.data.hidden import hidden_data

    cache = {}
    return lambda q: cache.setdefault(q.id, (training_data(q.id), hidden_data(q)))


def units(question) -> int:
    return question.contract.output_shapes[0][0]


@pytest.mark.parametrize("question", TEXTS)
def test_hidden_texts_are_the_rows_after_the_training_part(data, question):
    (train_x, train_y), (hidden_x, hidden_y) = data(question)
    assert len(train_x) == len(train_y) == question.data.train.stop == question.data.hidden.start
    assert len(hidden_x) == len(hidden_y) > 0
    assert set(np.unique(hidden_y)) <= set(range(max(units(question), 2)))


@pytest.mark.parametrize("which", ["starter", "solution"])
@pytest.mark.parametrize("question", TEXTS)
def test_grader_rebuilds_the_scripts_tokenizer(data, question, which):
    from graders import text

    module = script(question, which)
    hidden = question.settings
    assert (module.VOCAB_SIZE, module.OOV_TOKEN, module.MAX_LENGTH, module.PADDING, module.TRUNCATING) == (
        hidden.vocab_size, hidden.oov_token, hidden.max_length, hidden.padding, hidden.truncating)
    assert module.TRAINING_SIZE == question.data.train.stop
    assert getattr(module, "CATEGORIES", list(question.data.class_names)) == list(question.data.class_names)
    (train_x, _), (hidden_x, _) = data(question)
    theirs = module.fit_tokenizer(train_x)
    assert theirs.word_index == text.tokenizer_for(question).word_index
    np.testing.assert_array_equal(module.to_padded(theirs, hidden_x), text.encode(question, hidden_x))


def bag_of_words(tf, question, bias=None):
    """Embedding -> average -> one unit per class (or one sigmoid); `bias` with zero weights answers the same always."""
    n = units(question)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=question.contract.input_shape),
        tf.keras.layers.Embedding(question.settings.vocab_size, 16),
        tf.keras.layers.GlobalAveragePooling1D(),
        tf.keras.layers.Dense(n, activation="sigmoid" if n == 1 else "softmax"),
    ])
    if bias is not None:
        model.layers[-1].set_weights([np.zeros((16, n)), np.asarray(bias, dtype="float32")])
    return model


@pytest.mark.parametrize("question", TEXTS)
def test_one_answer_for_every_text_scores_at_most_1_and_says_why(tf, tmp_path, data, question):
    n, names = units(question), list(question.data.class_names)
    binary = [(np.array([-8.0]), 0), (np.array([0.0]), 0), (np.array([8.0]), 1)]  # an output of 0.5 counts as label 0
    _, (_, hidden_y) = data(question)
    majority = np.bincount(hidden_y).max() / len(hidden_y)
    for bias, answer in binary if n == 1 else [(np.eye(n)[a] * 5, a) for a in range(n)]:
        bag_of_words(tf, question, bias).save(tmp_path / f"always{answer}.h5")
        result = grade(tmp_path / f"always{answer}.h5", question)
        assert result.status == "graded" and result.score <= 1, result.output
        assert result.metric.value <= majority + 1e-9 and result.diagnostics["majority_accuracy"] == pytest.approx(majority)
        assert f"answers '{names[answer]}' for every hidden text" in result.output
        assert "pixel" not in result.output and "tokenizer" in result.output, "advice for a text question"
        assert {"same_answer", "frozen_tokenizer"} <= {a.rule for a in result.advice}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("question", TEXTS)
def test_untrained_models_score_at_most_1(tf, tmp_path, question, seed):
    tf.keras.utils.set_random_seed(seed)
    bag_of_words(tf, question).save(tmp_path / "untrained.h5")
    result = grade(tmp_path / "untrained.h5", question)
    assert result.status == "graded" and result.score <= 1, result.output


@pytest.mark.parametrize("question", TEXTS)
def test_a_model_on_raw_strings_is_refused_with_the_reason(tf, tmp_path, question):
    length = question.settings.max_length
    vectorize = tf.keras.layers.TextVectorization(max_tokens=1000, output_sequence_length=length)
    vectorize.adapt(["a plain headline", "area man does something"])
    model = tf.keras.Sequential([tf.keras.Input(shape=(1,), dtype="string"), vectorize, tf.keras.layers.Embedding(1000, 16),
                                 tf.keras.layers.GlobalAveragePooling1D(), tf.keras.layers.Dense(units(question))])
    model.save(tmp_path / "strings.h5")
    result = grade(tmp_path / "strings.h5", question)
    assert result.status == "refused"
    assert "raw strings" in result.reason and "TextVectorization" in result.reason and f"({length},)" in result.reason
