"""The grading workers: psutil watching and killing whole process trees, warm reuse and replacement."""

from __future__ import annotations

import builtins
import json
import subprocess
import sys
import time

import psutil
import pytest

from tfexam import questions
from tfexam.checks import CheckName
from tfexam.limits import Limits, as_env
from exam import grading, workers

QUESTION = questions.get("c1_line")

# A parent that starts a child which holds 200 MB, then both sleep.
TREE = """
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096]); print('ready', flush=True); time.sleep(60)"])
time.sleep(60)
"""


def start_tree(new_session: bool) -> tuple[subprocess.Popen, psutil.Process]:
    parent = subprocess.Popen([sys.executable, "-c", TREE], start_new_session=new_session)
    watched = psutil.Process(parent.pid)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = watched.children()
        if children and children[0].memory_info().rss > 200 * 2**20:
            return parent, children[0]
        time.sleep(0.1)
    parent.kill()
    raise AssertionError("the test tree did not start")


@pytest.mark.parametrize("process_group", [True, False], ids=["posix (psutil + process group)", "psutil only (Windows)"])
def test_the_watcher_sees_the_whole_trees_memory_and_kills_the_whole_tree(process_group):
    if process_group and sys.platform == "win32":
        pytest.skip("no process groups on Windows")
    parent, child = start_tree(new_session=process_group)
    try:
        total = workers.tree_rss_mb(psutil.Process(parent.pid))
        assert total > 200, total  # the child's 200 MB count against the worker
        workers.kill_tree(parent.pid, process_group=process_group)
        assert parent.wait(timeout=10) != 0
        child.wait(timeout=10)
        assert not child.is_running()
    finally:
        parent.kill()


def test_the_data_limit_backstop_is_skipped_where_the_system_has_none(monkeypatch):
    from graders import isolation

    real_import = builtins.__import__

    def no_resource(name, *args, **kwargs):
        if name == "resource":
            raise ImportError("no resource module (Windows)")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_resource)
    isolation.limit_data(1000)  # returns quietly; the psutil watcher is the limit there


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    import hostile_models as make

    builders = {"good": make.good, "unbuildable": make.unbuildable, "wrong input": make.wrong_input,
                "lambda": lambda folder: make.lambda_layer(folder, folder / "ran")}
    return {name: build(tmp_path_factory.mktemp("models")) for name, build in builders.items()}  # one folder each


def worker_pids() -> list[int]:
    me = psutil.Process()
    return [p.pid for p in me.children(recursive=True) if "--worker" in " ".join(p.cmdline())]


def test_a_warm_worker_grades_many_files_and_is_kept_after_clean_refusals(files):
    jobs = [grading.Job(files[name], QUESTION) for name in ("good", "lambda", "wrong input", "good")]
    results, started = grading.grade_many(jobs, Limits(), workers=1)
    assert [r.status for r in results] == ["graded", "refused", "refused", "graded"]
    assert started == 1  # refused from the stored description, or after a safe built-in load: the same worker
    assert all(r.usage.peak_mb > 100 for r in results)  # TensorFlow's own memory is the worker's
    assert worker_pids() == []  # nothing outlives the batch


def test_a_worker_is_replaced_after_a_load_that_failed_half_way(files):
    jobs = [grading.Job(files[name], QUESTION) for name in ("unbuildable", "good")]
    results, started = grading.grade_many(jobs, Limits(), workers=1)
    assert results[0].status == "refused" and "could not be loaded as a Keras model" in results[0].output
    assert [c.name for c in results[0].checks if not c.passed] == [CheckName.LOAD] == ["load"]
    assert results[1].score == 5 and started == 2


def test_a_worker_that_dies_between_files_is_replaced_before_the_next_file(files):
    killed = []

    def kill_the_worker(index, job, result):
        if index == 0:
            for pid in worker_pids():
                psutil.Process(pid).kill()  # as the system's OOM killer would, while it waits for work
                killed.append(pid)

    jobs = [grading.Job(files["good"], QUESTION) for _ in range(3)]
    results, started = grading.grade_many(jobs, Limits(), workers=1, on_done=kill_the_worker)
    assert killed and [r.score for r in results] == [5, 5, 5] and started == 2


def test_one_file_uses_the_same_machinery_with_one_cold_worker(files, tmp_path):
    result = grading.grade_in_child(files["good"], QUESTION, tmp_path / "artifacts")
    assert result.status == "graded" and result.score == 5 and result.stopped is None
    assert set(result.to_json()["usage"]) == {"seconds", "peak_mb"} and result.usage.worker is None
    from tfexam.result import Result

    rebuilt = Result.from_json(json.loads(json.dumps(result.to_json())))  # what a ledger line or a warm answer holds
    assert rebuilt == result and rebuilt.checks[0].passed
    assert worker_pids() == []


NOISY_WORKER = """
import os
import graders.pipeline as pipeline
real = pipeline.grade
def noisy(*args, **kwargs):
    os.write(1, b"native noise\\n")
    print("python noise")
    return real(*args, **kwargs)
pipeline.grade = noisy
from graders.__main__ import serve
serve(False)
"""


def test_the_worker_protocol_keeps_stray_prints_off_the_result_line(files):
    """Whatever grading writes to stdout (Keras, native code) goes to stderr: exactly one answer line per job."""
    job = grading.Job(files["good"], QUESTION).line()
    worker = subprocess.Popen([sys.executable, "-c", NOISY_WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=workers.child_env() | as_env(Limits()), cwd=workers.REPO_ROOT)
    worker.stdin.write(job + job)
    worker.stdin.flush()
    answers = [worker.stdout.readline() for _ in range(4)]
    worker.stdin.close()  # end of work: the worker exits at once
    stderr = worker.stderr.read().decode()
    assert worker.wait(timeout=60) == 3
    lines = [json.loads(line) for line in answers]
    assert lines[0] == lines[2] == {"taken": True}, answers  # each job: taken, then its one result
    assert lines[1]["score"] == lines[3]["score"] == 5 and len(lines) == 4
    assert stderr.count("native noise") == 2 and stderr.count("python noise") == 2
