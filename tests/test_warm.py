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
