"""Results in Gradescope's autograder format (results.json), from our graders' results.

The format (gradescope-autograders.readthedocs.io, "Autograder Specifications"): a top-level object with an optional
`score`, `execution_time` (seconds), `output`, `visibility`, `stdout_visibility`, `extra_data` and `tests`, a list of
objects with `score`, `max_score`, `name`, `number`, `output`, `visibility` ("hidden", "after_due_date",
"after_published" or "visible"), `status` ("passed"/"failed") and `extra_data`. One test per category: its points
are the exam's x/5 times the category's weight, so the total is the exam's weighted total.
"""

from __future__ import annotations

from tfexam.questions import MAX_SCORE, Question
from tfexam.result import Result
from exam.report import PASS_MARK


def test_entry(question: Question, result: Result | None, label: str = "") -> dict:
    """One Gradescope test for one category; `result` None means nothing was submitted for it."""
    entry = {"name": f"Category {question.category} - {question.title} ({question.id})", "number": str(question.category),
             "max_score": MAX_SCORE * question.weight, "visibility": "visible"}
    if result is None:
        return entry | {"score": 0, "status": "failed", "output": f"No submission for category {question.category}."}
    points = result.score * question.weight if result.graded else 0
    if result.graded:
        output = f"{label}: {result.score}/{MAX_SCORE} (weight {question.weight})\n{result.output}".lstrip(": ")
    else:
        output = f"{label}: {result.status}: {result.reason}".lstrip(": ")
    extra = {"status": result.status, "exam_score": result.score, "weight": question.weight,
             "stopped": result.stopped, "file": label}
    return entry | {"score": points, "status": "passed" if points == entry["max_score"] else "failed",
                    "output": output, "extra_data": extra}


def results(tests: list[dict], execution_time: float, heading: str = "") -> dict:
    """The whole results.json: the total score, a summary line, the tests."""
    earned = sum(t["score"] for t in tests)
    possible = sum(t["max_score"] for t in tests)
    share = earned / possible if possible else 0.0
    verdict = "PASS" if share >= PASS_MARK else "FAIL"
    summary = (f"{heading}Weighted total {earned:g}/{possible:g} ({100 * share:.0f}%): {verdict} "
               f"(pass mark {100 * PASS_MARK:.0f}%)")
    return {"score": earned, "execution_time": round(execution_time, 1), "output": summary, "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests,
            "extra_data": {"percent": round(100 * share, 1), "passed": share >= PASS_MARK}}
