"""BBC news (multi-class text): the hidden rows are the CSV's last 445, a binary output is refused with the five units
it needs. The tokenizer and the baselines of every text question: tests/test_kind_text_classification.py."""

from __future__ import annotations

import numpy as np
import pytest
import bank
from clirun import real_data

from tfexam import questions

QUESTION = questions.get("c4_bbc_news")
CLASSES = list(QUESTION.data.class_names)
pytestmark = real_data


@pytest.fixture(scope="module")
def data():
    from tfexam.data import training_data
    from tfexam.data.hidden import hidden_data

    return training_data(QUESTION.id), hidden_data(QUESTION)


def test_hidden_articles_are_the_rows_after_the_training_part(data):
    import csv

    from tfexam.data import ensure

    (train_x, train_y), (hidden_x, hidden_y) = data
    assert (len(train_x), len(hidden_x)) == (1780, 445) and len(train_y) == 1780 and len(hidden_y) == 445
    with open(ensure("bbc-text.csv"), newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert train_x == [r["text"] for r in rows[:1780]] and hidden_x == [r["text"] for r in rows[1780:]]
    assert [CLASSES[i] for i in hidden_y] == [r["category"] for r in rows[1780:]]
    assert CLASSES == sorted(CLASSES) and set(np.unique(train_y)) == set(range(5))


def grade(path):
    return bank.grade(path, QUESTION)


def test_a_binary_output_is_refused_with_the_five_units_it_needs(tf, tmp_path):
    model = tf.keras.Sequential([tf.keras.Input(shape=(120,)), tf.keras.layers.Embedding(1000, 8),
                                 tf.keras.layers.GlobalAveragePooling1D(), tf.keras.layers.Dense(1, activation="sigmoid")])
    model.save(tmp_path / "binary.h5")
    result = grade(tmp_path / "binary.h5")
    assert result.status == "refused" and "Dense(5)" in result.reason
