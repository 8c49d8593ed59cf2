"""The shared harness of the kind tests: the bank as test parameters, and the one way a test grades a saved model.

Every question of the bank is a parameter of the tests of its kind (tests/test_bank.py for what every kind shares,
tests/test_kind_<kind>.py for what a kind checks its own way): a new question is covered with no new test file."""

from __future__ import annotations

import pytest
from clirun import load_script, real_data

from core import questions


def bank(kind: str | None = None, where=lambda question: True) -> list:
    """The questions of one kind (all kinds: None), as pytest parameters named after the question."""
    return [pytest.param(q, id=q.id, marks=real_data if q.datasets else ()) for q in questions.all_questions().values()
            if (kind is None or q.kind == kind) and where(q)]


def script(question, which: str):
    """The question's starter or solution as a module (its constants and functions, not its __main__ block)."""
    return load_script(question.starter_path if which == "starter" else question.solution_path)


def grade(path, question, artifacts=None):
    """The grader's verdict on one saved model, in this process (TensorFlow is loaded once per run)."""
    from graders.pipeline import grade as grade_file

    return grade_file(path, question, artifacts)
