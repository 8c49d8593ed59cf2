"""The warm grading server behind Submit and Test (exam/warm.py), through the real command line.

A sequence on one workspace: the first submit grades in a fresh worker and starts the server; the next ones are graded
warm; a hostile file that could have touched the worker gets it replaced; a killed server never costs a submit or a
record; `end` makes the server go away. Timings are measured in benchmarks, never asserted here.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import psutil
import pytest

from clirun import exam, exam_json
from exam import ledger

WARM = {"TFEXAM_WARM": "1"}


def wait_for_server(workspace: Path, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            info = json.loads((workspace / ".tfexam" / "warm.json").read_text())
            worker = [c for c in psutil.Process(info["pid"]).children() if "--worker" in " ".join(c.cmdline())]
            if worker:
                return info | {"worker": worker[0].pid}
        except (OSError, ValueError, psutil.Error):
            pass
        time.sleep(0.2)
    raise AssertionError("no warm server came up")


def submit(workspace: Path, model: Path) -> tuple[int, dict]:
    before = len(ledger.read(workspace))
    code, payload = exam_json("submit", "1", "--workspace", str(workspace), "--model", str(model), **WARM)
    assert len(ledger.read(workspace)) == before + 1
    return code, payload["result"]


@pytest.fixture
def models(tmp_path):
    import hostile_models as make

    made = {}
    for name, build in {"good": make.good, "unbuildable": make.unbuildable, "wrong input": make.wrong_input,
                        "lambda": lambda f: make.lambda_layer(f, tmp_path / "ran")}.items():
        folder = tmp_path / name.replace(" ", "_")
        folder.mkdir()
        made[name] = build(folder)
    return made


def test_submits_after_the_first_are_graded_warm_and_a_dead_server_costs_nothing(tmp_path, models):
    workspace = tmp_path / "my exam"
    code, _ = exam_json("start", "--workspace", str(workspace), "--categories", "1", "--question", "c1_line", "--no-fetch",
                        **WARM)
    assert code == 0
    code, first = submit(workspace, models["good"])
    assert code == 0 and first["score"] == 5 and "worker" not in first["usage"]  # a fresh worker, as always
    server = wait_for_server(workspace)

    code, second = submit(workspace, models["good"])
    assert code == 0 and second["score"] == 5 and second["usage"]["worker"] == "warm"
    # refused before anything was built, or after a safe load: the same warm worker goes on
    for name, words in (("lambda", "Lambda layer"), ("wrong input", "input shape is (None, 2)")):
        code, result = submit(workspace, models[name])
        assert code == 1 and words in result["output"] and result["usage"]["worker"] == "warm"
    assert wait_for_server(workspace)["worker"] == server["worker"]
    assert not (tmp_path / "ran").exists()
    # a load that failed half way: that worker is killed and a new one warms up
    code, result = submit(workspace, models["unbuildable"])  # an unknown class is refused before anything is built
    assert code == 1 and "could not be loaded as a Keras model" in result["output"]
    assert not psutil.pid_exists(server["worker"]) or psutil.Process(server["worker"]).status() == psutil.STATUS_ZOMBIE
    replaced = wait_for_server(workspace)
    assert replaced["pid"] == server["pid"] and replaced["worker"] != server["worker"]

    # the server dies without cleaning up (SIGKILL): the next submit grades afresh and records as always
    psutil.Process(server["pid"]).kill()
    psutil.Process(replaced["worker"]).wait(timeout=30)  # its worker sees stdin close and leaves too
    code, result = submit(workspace, models["good"])
    assert code == 0 and result["score"] == 5 and "worker" not in result["usage"]
    restarted = wait_for_server(workspace)
    assert restarted["pid"] != server["pid"]

    # a request without the token gets nothing
    with socket.create_connection(("127.0.0.1", restarted["port"]), timeout=5) as connection:
        connection.sendall(json.dumps({"token": "guess", "path": str(models["good"]), "question": "c1_line"}).encode() + b"\n")
        connection.settimeout(30)
        assert connection.makefile("rb").readline() == b""

    ended = exam("end", "--workspace", str(workspace), "--yes", **WARM)  # --yes where End asks for confirmation
    if ended.returncode == 2 and "unrecognized arguments" in ended.stderr:
        ended = exam("end", "--workspace", str(workspace), **WARM)
    assert ended.returncode == 0, ended.stderr
    process = psutil.Process(restarted["pid"])
    process.wait(timeout=30)
    assert not (workspace / ".tfexam" / "warm.json").exists()
    assert len(ledger.read(workspace)) == 6


def test_a_flooding_and_a_slow_client_neither_hold_memory_nor_delay_a_submit(tmp_path, monkeypatch):
    """Real sockets on 127.0.0.1 against the real server: MBs without a newline, a byte every 0.5 s, a few silent
    connections; meanwhile a learner's submit is graded warm, at once, and the server's memory stays flat."""
    import threading

    import hostile_models as make
    from tfexam import limits
    from exam import warm
    from exam.grading import warm_client

    workspace = tmp_path / "ws"
    code, _ = exam_json("start", "--workspace", str(workspace), "--categories", "1", "--question", "c1_line",
                        "--no-fetch", **WARM)
    assert code == 0
    good = make.good(tmp_path)
    monkeypatch.setenv("TFEXAM_WARM", "1")
    warm_client.start_server(workspace, limits.current())  # what a first submit does, after its cold grading
    server = wait_for_server(workspace)
    process = psutil.Process(server["pid"])
    before = process.memory_info().rss
    address = ("127.0.0.1", server["port"])
    cut_off: dict[str, float] = {}

    def flood():
        started = time.monotonic()
        with socket.create_connection(address, timeout=10) as connection:
            try:
                for _ in range(64):
                    connection.sendall(b"x" * 2**20)
            except OSError:
                pass
        cut_off["flood"] = time.monotonic() - started

    def slow():
        started = time.monotonic()
        with socket.create_connection(address, timeout=10) as connection:
            try:
                while time.monotonic() - started < 30:
                    connection.sendall(b"{")
                    time.sleep(0.5)
            except OSError:
                pass
        cut_off["slow"] = time.monotonic() - started

    silent = [socket.create_connection(address, timeout=10) for _ in range(4)]
    clients = [threading.Thread(target=flood), threading.Thread(target=slow)]
    for client in clients:
        client.start()
    time.sleep(1.0)  # both are mid-request when the learner submits
    started = time.monotonic()
    code, result = submit(workspace, good)
    took = time.monotonic() - started
    for client in clients:
        client.join(timeout=40)
    for connection in silent:
        connection.close()
    assert code == 0 and result["score"] == 5 and result["usage"]["worker"] == "warm"
    assert took < 20, f"the submit took {took:.1f} s"  # a cold fallback, or a stalled server, costs far more
    assert cut_off["slow"] < warm.REQUEST_S + 3, cut_off
    assert process.memory_info().rss - before < 16 * 2**20
    exam("end", "--workspace", str(workspace), "--yes", **WARM)


def test_a_server_that_never_answers_costs_a_submit_seconds_not_minutes(tmp_path, monkeypatch):
    """A port that takes connections and says nothing (a stuck server, or someone else's): ask() gives up fast."""
    from tfexam import files, limits, questions
    from exam.grading import warm_client as warm
    from exam.workers import Job

    monkeypatch.setenv("TFEXAM_WARM", "1")
    monkeypatch.setattr(warm, "TAKEN_S", 1.0)
    chosen = limits.current()
    with socket.create_server(("127.0.0.1", 0)) as stuck:  # listening, never accepting, never answering
        (tmp_path / ".tfexam").mkdir()
        files.write_json(warm.state_file(tmp_path), {"pid": 0, "port": stuck.getsockname()[1], "token": "t",
                                                     "limits": limits.as_env(chosen)})
        started = time.monotonic()
        assert warm.ask(tmp_path, Job(tmp_path / "mymodel.h5", questions.get("c1_line")), chosen) is None
        assert time.monotonic() - started < warm.TAKEN_S + 1


def test_grading_a_submission_never_starts_a_server(tmp_path, monkeypatch):
    """Starting the warm server is submit's own step (after its record), not a side effect of grading."""
    from tfexam import limits, questions
    from exam import grading
    from exam.grading import warm_client

    monkeypatch.setenv("TFEXAM_WARM", "1")
    (tmp_path / ".tfexam").mkdir()
    empty = tmp_path / "mymodel.h5"
    empty.write_bytes(b"")
    result = grading.grade_submission(grading.Job(empty, questions.get("c1_line")), limits.current(), tmp_path)
    assert result.status == "refused" and result.failed_check.name == "file"
    time.sleep(1.0)
    assert not warm_client.state_file(tmp_path).exists()
    assert not [p for p in psutil.Process().children(recursive=True) if "exam.warm" in command_line(p)]


def command_line(process: psutil.Process) -> str:
    """A child's command line; a child another test left as a zombie (both share a test worker) has none."""
    try:
        return " ".join(process.cmdline())
    except (psutil.ZombieProcess, psutil.NoSuchProcess, psutil.AccessDenied):
        return ""
