"""python -m graders N PATH [--json] [--question ID] [--artifacts DIR]: grade any file, no session.

python -m graders --worker [--warm]: the grading worker exam/workers.py drives. It reads one job per line on stdin
({"category", "question", "path", "artifacts"[, "fingerprint": true]}), answers {"taken": true} when it starts the job and then one Result
JSON line on stdout, and exits when stdin closes. `--warm` imports TensorFlow before the first job, so a pool pays that start once per worker, not per file.
Each answer carries `integrity` (graders/isolation.py): whether anything since start was imported from outside the
allowed locations, or any grader function is no longer the original; the parent retires the worker on either.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import sys
from pathlib import Path

from tfexam import limits, questions
from tfexam.errors import ExamError
from graders import isolation


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        print(f"graders: {message} (see python -m graders --help)", file=sys.stderr)
        raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m graders", description="Grade a saved model for one category, without a session.")
    parser.add_argument("category", type=int, nargs="?", choices=questions.CATEGORIES, help="category number 1-5")
    parser.add_argument("path", type=Path, nargs="?", help="the saved model, e.g. Category1/mymodel.h5")
    parser.add_argument("--question", help="question id (default: the category's first question)")
    parser.add_argument("--artifacts", type=Path, help="folder for diagnostic PNGs")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="stop when stdin closes (so a killed exam command leaves no grader behind)")
    parser.add_argument("--worker", action="store_true", help="grade jobs read from stdin, one JSON line each")
    parser.add_argument("--warm", action="store_true", help="with --worker: import TensorFlow before the first job")
    args = parser.parse_args(argv)
    if args.worker:
        return serve(args.warm)
    if args.category is None or args.path is None:
        parser.error("the category and the path are required")
    if args.exit_with_parent:
        isolation.exit_with_parent()
    try:
        question = _question(args.category, args.question)
        isolation.limit_data(limits.current().memory_mb)
    except ExamError as error:
        print(f"graders: {error}", file=sys.stderr)
        return error.exit_code
    from graders.pipeline import grade

    with contextlib.redirect_stdout(sys.stderr):  # keep stdout for the result alone
        result = grade(args.path, question, args.artifacts)
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(f"Category {result.category} ({question.id}): {result.score}/{result.max_score} [{result.status}]")
        print(result.output)
    return 0 if result.status == "graded" else 1


def serve(warm: bool) -> int:
    """The worker loop. Results go to a private copy of stdout; fd 1 itself is pointed at stderr, so nothing a
    library (or native code) prints can corrupt the one-line-per-job protocol."""
    results = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    jobs: queue.Queue[bytes] = queue.Queue()
    isolation.exit_with_parent(jobs.put)  # stdin closed = the parent is done (or gone): exit at once
    isolation.limit_data(limits.current().memory_mb)
    from graders.pipeline import grade

    if warm:
        _warm_up()
    integrity = isolation.Integrity()  # after the warm-up: what is there now is what every later job must find

    def answer(payload: dict) -> None:
        try:
            report = integrity.report()
        except Exception as error:  # the file still gets its result; a report the parent cannot read retires us
            report = {"error": f"{type(error).__name__}: {error}"}
        results.write(json.dumps(payload | {"integrity": report}) + "\n")

    while True:
        job = json.loads(jobs.get())
        results.write('{"taken": true}\n')  # the parent can tell "died before this job" from "died on this job"
        try:
            question = _question(int(job["category"]), job.get("question"))
        except (ExamError, KeyError, ValueError) as error:
            answer({"error": f"bad job: {error}"})
            continue
        artifacts = Path(job["artifacts"]) if job.get("artifacts") else None
        result = grade(Path(job["path"]), question, artifacts, fingerprint=job.get("fingerprint") is True)
        _forget_models()
        answer(result.to_json())


def _warm_up() -> None:
    """TensorFlow and Keras imported, every kind's grader imported (so the integrity report knows its functions from
    the start) and one tiny model run, so the first real job starts warm."""
    import importlib

    import numpy as np
    import tensorflow as tf

    for module in sorted({question.grader_module for question in questions.all_questions().values()}):
        importlib.import_module(module)

    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
    model.predict(np.zeros((1, 1)), verbose=0)
    _forget_models()


def _forget_models() -> None:
    """Drop the last job's model and Keras' global graph state, so one submission's memory is not the next one's."""
    import gc

    if "tensorflow" in sys.modules:  # a job refused from the file's bytes never imported it: nothing to drop
        sys.modules["tensorflow"].keras.backend.clear_session()
    gc.collect()


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
