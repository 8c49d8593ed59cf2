"""The shared harness of the kind tests: the bank as test parameters, and the one way a test grades a saved model.

Every question of the bank is a parameter of the tests of its kind (tests/test_bank.py for what every kind shares,
tests/test_kind_<kind>.py for what a kind checks its own way): a new question is covered with no new test file."""

from __future__ import annotations

import re

import pytest
from clirun import REPO_ROOT, load_script, real_data

from tfexam import questions

CALIBRATION = REPO_ROOT / "hidden_tests" / "CALIBRATION.md"


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


def calibrated_starter_scores() -> dict[str, int]:
    """What CALIBRATION.md states the starter as shipped scores, per question (its `## ... (question_id)` sections)."""
    scores, current = {}, None
    for line in CALIBRATION.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            found = re.search(r"\((\w+)\)\s*$", line)
            current = found.group(1) if found else None
        elif current and line.startswith("| starter as shipped"):
            scores[current] = int(re.search(r"\| \**(\d)/5\**", line).group(1))
    return scores
