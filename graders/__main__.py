"""python -m graders N PATH [--json] [--question ID] [--artifacts DIR] [--exit-with-parent]: grade any file, no session."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from exam import limits, questions
from exam.errors import ExamError
from graders import isolation


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        print(f"graders: {message} (see python -m graders --help)", file=sys.stderr)
        raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m graders", description="Grade a saved model for one category, without a session.")
    parser.add_argument("category", type=int, choices=questions.CATEGORIES, help="category number 1-5")
    parser.add_argument("path", type=Path, help="the saved model, e.g. Category1/mymodel.h5")
    parser.add_argument("--question", help="question id (default: the category's first question)")
    parser.add_argument("--artifacts", type=Path, help="folder for diagnostic PNGs")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="stop when stdin closes (used by `tfexam submit`, so a killed exam leaves no grader behind)")
    args = parser.parse_args(argv)
    if args.exit_with_parent:
        isolation.exit_with_parent()
    try:
        question = _question(args.category, args.question)
        isolation.limit_data(limits.current().memory_mb)
    except ExamError as error:
        print(f"graders: {error}", file=sys.stderr)
        return error.exit_code
    from graders.core import grade

    with contextlib.redirect_stdout(sys.stderr):  # keep stdout for the result alone
        result = grade(args.path, question, args.artifacts)
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(f"Category {result.category} ({question.id}): {result.score}/{result.max_score} [{result.status}]")
        print(result.output)
    return 0 if result.status == "graded" else 1


def _question(category: int, question_id: str | None) -> questions.Question:
    if question_id:
        question = questions.get(question_id)
        if question.category != category:
            raise ExamError(f"question {question_id} belongs to category {question.category}, not {category}")
        return question
    question = questions.default_for_category(category)
    if question is None:
        raise ExamError(f"no question is declared for category {category} yet")
    return question


def exit_now(code: int) -> None:
    """Leave without the interpreter's teardown: TensorFlow's takes 1-1.5 s, and the result is already out."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
