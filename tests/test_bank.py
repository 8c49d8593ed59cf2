"""Every question of the bank through the real loop: its starter runs as shipped and is graded, and its reference
solution, trained by `exam solve`, scores 5/5 through `exam submit`. Adding a question adds it here by itself.

The first five questions and the univariate forecasters have these loop tests in their own files, with more checks
of their diagnostics (tests/test_cN_*.py, tests/test_forecasting_univariate.py)."""

from __future__ import annotations

import pytest
from clirun import real_data, solve_and_submit, train_starter_and_submit

from core import questions

OWN_FILES = {"c1_line", "c2_fashion_mnist", "c3_horses_or_humans", "c4_sarcasm", "c5_sunspots"}
BANK = [q for q in questions.all_questions().values()
        if q.id not in OWN_FILES and not (q.kind == "forecasting" and q.settings.horizon == 1)]
pytestmark = [*real_data, pytest.mark.slow]


@pytest.mark.parametrize("question", BANK, ids=lambda q: q.id)
def test_the_starter_runs_as_shipped_and_scores_no_more_than_a_naive_answer(tmp_path, question):
    code, payload = train_starter_and_submit(tmp_path, question.id)
    assert code == 0 and payload["result"]["status"] == "graded", payload["result"]["output"]
    assert payload["result"]["score"] <= 3 and payload["record"]["question"] == question.id


@pytest.mark.parametrize("question", BANK, ids=lambda q: q.id)
def test_the_reference_scores_5_through_solve_and_submit(tmp_path, question):
    code, payload = solve_and_submit(tmp_path, question.id)
    result = payload["result"]
    assert code == 0 and result["score"] == 5, result["output"]
    assert payload["record"]["question"] == question.id and payload["record"]["score"] == 5
