"""Run the grader in a child process: TensorFlow and the submitted file never touch the CLI's process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from exam.paths import REPO_ROOT
from exam.questions import Question

DEFAULT_TIMEOUT_S = float(os.environ.get("TFEXAM_GRADE_TIMEOUT", 300))


def child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return env


def failure(question: Question, check: str, message: str) -> dict:
    return {"question": question.id, "category": question.category, "status": "error", "score": 0, "max_score": 5,
            "checks": [{"name": check, "passed": False, "message": message}], "metric": None, "diagnostics": {},
            "artifacts": [], "output": message, "elapsed": 0.0}


def grade_in_child(path: Path, question: Question, artifacts: Path | None, timeout: float = DEFAULT_TIMEOUT_S) -> dict:
    """The grader's Result as a dict; a child that hangs or dies becomes a result with one clear line."""
    command = [sys.executable, "-m", "graders", str(question.category), str(path), "--json", "--question", question.id]
    if artifacts is not None:
        command += ["--artifacts", str(artifacts)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=child_env(), cwd=REPO_ROOT)
    except subprocess.TimeoutExpired:
        return failure(question, "timeout", f"grading stopped after {timeout:g} s; the model is too slow to evaluate")
    lines = done.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, ValueError):
        pass
    if done.returncode < 0:
        return failure(question, "crash", f"the model file crashed the loader (signal {-done.returncode})")
    tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return failure(question, "crash", f"the grader stopped without a result (exit {done.returncode}: {tail[:200]})")
