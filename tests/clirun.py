"""Run the real command lines as a learner would, in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
MIRROR_REASON = "needs the dataset mirror: set TFEXAM_DATA_MIRROR to a folder like ../shared/datasets"
# `pytestmark = real_data` in a module of tests on the real files (conftest.py sets the mirror when it can)
real_data = [pytest.mark.mirror, pytest.mark.skipif(not os.environ.get("TFEXAM_DATA_MIRROR"), reason=MIRROR_REASON)]


def needs_real_data(test):
    """The `real_data` marks on one test."""
    for mark in real_data:
        test = mark(test)
    return test


def env(**extra: str) -> dict:
    merged = dict(os.environ)
    merged["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), merged.get("PYTHONPATH")]))
    merged.update(extra)
    return merged


def run(*args: str, cwd: Path | None = None, timeout: float = 600, input: str | None = None,
        **extra: str) -> subprocess.CompletedProcess:
    """stdin is `input`, else empty (closed): a command that asks a question never waits on the test's terminal."""
    stdin = {"input": input} if input is not None else {"stdin": subprocess.DEVNULL}
    return subprocess.run([sys.executable, *args], cwd=cwd or REPO_ROOT, env=env(**extra), capture_output=True,
                          text=True, timeout=timeout, **stdin)


def exam(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return run("-m", "exam", *args, **kwargs)


def exam_json(*args: str, **kwargs) -> tuple[int, dict]:
    done = exam(*args, "--json", **kwargs)
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, f"--json must print exactly one line, got {done.stdout!r} (stderr {done.stderr[-500:]!r})"
    return done.returncode, json.loads(lines[0])


def report_page(workspace: Path) -> str:
    """`exam report` (it must succeed), then the report.html it wrote."""
    done = exam("report", "--workspace", str(workspace))
    assert done.returncode == 0, done.stdout + done.stderr
    return (workspace / "report.html").read_text(encoding="utf-8")


def stderr_lines(done: subprocess.CompletedProcess) -> list[str]:
    """What the learner reads on stderr, minus TensorFlow's own start-up chatter."""
    noise = ("I0000", "W0000", "E0000", "WARNING: All log messages", "To enable the following")
    return [line for line in done.stderr.splitlines() if line.strip() and not line.startswith(noise)]


def load_script(path: Path):
    """A starter or solution as a module: its functions and constants, without running its __main__ block."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"script_{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def category_of(question: str) -> int:
    from tfexam import questions

    return questions.get(question).category


def start_practice(workspace: Path, question: str | int) -> dict:
    """A session with only this question's category, set to this question (a category number means its default
    question); datasets already in the test cache."""
    if isinstance(question, int):
        from tfexam import questions

        question = questions.default_for_category(question).id
    code, payload = exam_json("start", "--workspace", str(workspace), "--categories", str(category_of(question)),
                              "--question", question, "--no-fetch")
    assert code == 0, payload
    return payload


def submit(workspace: Path, category: int) -> tuple[int, dict]:
    return exam_json("submit", str(category), "--workspace", str(workspace))


def submit_model(workspace: Path, question: str, model: Path, runs_from: Path | None = None) -> tuple[int, dict]:
    """A practice session on this question, a copy of `model` as its CategoryN/mymodel.h5, then the real `exam submit`
    (the models come trained once per run from the `trained` fixture: tests/trained.py). `runs_from`: the workspace
    whose recorded training runs are copied in first, so `submit` can name the run that saved the file."""
    import shutil

    start_practice(workspace, question)
    if runs_from is not None:
        from exam import runs

        shutil.copytree(runs.runs_dir(runs_from), runs.runs_dir(workspace))
    category = category_of(question)
    shutil.copyfile(model, workspace / f"Category{category}" / "mymodel.h5")
    return submit(workspace, category)
