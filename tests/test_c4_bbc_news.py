"""BBC news (multi-class text): the hidden rows, the frozen tokenizer rebuilt by the grader, baselines, the reference."""

from __future__ import annotations

import numpy as np
import pytest
from clirun import load_script, real_data

from core import questions

QUESTION = questions.get("c4_bbc_news")
CLASSES = list(QUESTION.data.class_names)
pytestmark = real_data


@pytest.fixture(scope="module")
def data():
    from core.data import training_data
    from core.data.hidden import hidden_data

    return training_data(QUESTION.id), hidden_data(QUESTION)


def test_hidden_articles_are_the_rows_after_the_training_part(data):
    import csv

    from core.data import ensure

    (train_x, train_y), (hidden_x, hidden_y) = data
    assert QUESTION.data.train.disjoint(QUESTION.data.hidden)
    assert (len(train_x), len(hidden_x)) == (1780, 445) and len(train_y) == 1780 and len(hidden_y) == 445
    with open(ensure("bbc-text.csv"), newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert train_x == [r["text"] for r in rows[:1780]] and hidden_x == [r["text"] for r in rows[1780:]]
    assert [CLASSES[i] for i in hidden_y] == [r["category"] for r in rows[1780:]]
    assert CLASSES == sorted(CLASSES) and set(np.unique(train_y)) == set(range(5))


@pytest.mark.parametrize("kind", ["starter", "solution"])
def test_grader_rebuilds_the_scripts_tokenizer(data, kind):
    from graders import text

    script = load_script(QUESTION.starter_path if kind == "starter" else QUESTION.solution_path)
    hidden = QUESTION.settings
    assert (script.VOCAB_SIZE, script.OOV_TOKEN, script.MAX_LENGTH, script.PADDING, script.TRUNCATING) == (
        hidden.vocab_size, hidden.oov_token, hidden.max_length, hidden.padding, hidden.truncating)
    assert script.TRAINING_SIZE == QUESTION.data.train.stop and script.CATEGORIES == CLASSES
    (train_x, _), (hidden_x, _) = data
    theirs = script.fit_tokenizer(train_x)
    assert theirs.word_index == text.tokenizer_for(QUESTION).word_index
    np.testing.assert_array_equal(script.to_padded(theirs, hidden_x), text.encode(QUESTION, hidden_x))


def save_bag_of_words(tf, path, bias=None):
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(QUESTION.settings.max_length,)),
        tf.keras.layers.Embedding(QUESTION.settings.vocab_size, 16),
        tf.keras.layers.GlobalAveragePooling1D(),
        tf.keras.layers.Dense(5, activation="softmax"),
    ])
    if bias is not None:
        model.layers[-1].set_weights([np.zeros((16, 5)), np.asarray(bias, dtype="float32")])
    model.save(path)
    return path


def grade(path):
    from graders.pipeline import grade as grade_file

    return grade_file(path, QUESTION)


@pytest.mark.parametrize("answer", range(5))
def test_one_desk_for_every_article_scores_at_most_1(tf, tmp_path, data, answer):
    bias = np.zeros(5)
    bias[answer] = 5.0
    result = grade(save_bag_of_words(tf, tmp_path / f"always{answer}.h5", bias))
    assert result.status == "graded" and result.score <= 1, result.output
    assert result.metric.value <= result.diagnostics["majority_accuracy"] + 1e-9
    assert f"answers '{CLASSES[answer]}' for every hidden text" in result.output
    assert "pixel" not in result.output and "tokenizer" in result.output, "advice for a text question"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_untrained_models_score_at_most_1(tf, tmp_path, seed):
    tf.keras.utils.set_random_seed(seed)
    result = grade(save_bag_of_words(tf, tmp_path / f"untrained{seed}.h5"))
    assert result.status == "graded" and result.score <= 1, result.output


def test_a_binary_output_is_refused_with_the_five_units_it_needs(tf, tmp_path):
    model = tf.keras.Sequential([tf.keras.Input(shape=(120,)), tf.keras.layers.Embedding(1000, 8),
                                 tf.keras.layers.GlobalAveragePooling1D(), tf.keras.layers.Dense(1, activation="sigmoid")])
    model.save(tmp_path / "binary.h5")
    result = grade(tmp_path / "binary.h5")
    assert result.status == "refused" and "Dense(5)" in result.reason
