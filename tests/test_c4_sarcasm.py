"""Category 4 on the real headlines: the size of the hidden part, the reference's diagnostics (misclassified headlines).
The tokenizer, the baselines and refusals of every text question: tests/test_kind_text_classification.py."""

from __future__ import annotations

import numpy as np
import pytest
from clirun import real_data

from tfexam import questions

QUESTION = questions.get("c4_sarcasm")
pytestmark = real_data


@pytest.fixture(scope="module")
def data():
    from tfexam.data import training_data
    from tfexam.data.hidden import hidden_data

    return training_data(QUESTION.id), hidden_data(QUESTION)


def test_hidden_headlines_are_the_records_after_the_training_part(data):
    (train_x, train_y), (hidden_x, hidden_y) = data
    assert len(train_x) == len(train_y) == 20000
    assert len(train_x) + len(hidden_x) == 26709 and len(hidden_x) == len(hidden_y)
    assert set(np.unique(hidden_y)) == {0, 1}


@pytest.mark.slow
def test_reference_diagnostics_show_misclassified_headlines(trained):
    graded = trained.graded_reference(QUESTION.id)
    code, payload = graded.code, graded.payload
    result = payload["result"]
    assert code == 0 and result["score"] == 5, result["output"]
    diagnostics = result["diagnostics"]
    counts = np.array(diagnostics["confusion_matrix"])
    assert counts.sum() == diagnostics["hidden_examples"] == 6709
    assert np.trace(counts) / 6709 == pytest.approx(diagnostics["accuracy"])
    assert len(diagnostics["misclassified"]) == QUESTION.settings.misclassified_shown
    assert all(set(e) == {"text", "label", "output"} for e in diagnostics["misclassified"])
    assert payload["record"]["score"] == 5 and payload["record"]["diagnostics"] == diagnostics
