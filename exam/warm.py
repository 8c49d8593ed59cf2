"""A warm grading worker that outlives one `tfexam submit`, so later Submit and Tests skip TensorFlow's start.

After a Submit and Test in a running session, submit starts this server in the background (`python -m exam.warm
WORKSPACE`) unless one already serves the workspace. The server never imports TensorFlow: it holds one warm
`python -m graders --worker --warm` (exam/workers.py: the same limits and the same psutil watcher as any grading) and
grades one job per connection on 127.0.0.1 (an OS-chosen port, and a random token in .tfexam/warm.json). It applies the
warm workers' reuse rule (exam/grading.py), and exits after IDLE_S without a job, when the session ends, or when
warm.json no longer names it (a newer server, a deleted workspace).

Nothing depends on it: submit asks with short timeouts, and any failure (none running, other limits, a refused or
dropped connection, no answer within the time limit plus slack) falls back to a fresh worker. Submit writes the
record itself after the result, as it always did, so nothing recorded can be lost. TFEXAM_WARM=0 turns it off.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from core import files, questions
from core import limits as limits_module
from core.limits import Limits
from exam import grading, paths, session
from exam.workers import Job, Worker, child_env

IDLE_S = 600.0  # a learner who has not submitted for 10 minutes gets the memory back
CONNECT_S = 0.5
SLACK_S = 15.0  # beyond the time limit, before a silent server counts as stuck


def state_file(workspace: Path) -> Path:
    return paths.state_dir(workspace) / "warm.json"


def enabled() -> bool:
    return os.environ.get("TFEXAM_WARM", "1").strip() not in ("0", "false", "no", "")


def _read(workspace: Path) -> dict | None:
    try:
        return json.loads(state_file(workspace).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def ask(workspace: Path, job: Job, chosen: Limits) -> dict | None:
    """The result from the workspace's warm server, or None when there is none or it cannot help right now."""
    if not enabled():
        return None
    info = _read(workspace)
    if not info or info.get("limits") != asdict(chosen):
        return None
    request = {"token": info.get("token"), "path": str(job.path), "question": job.question.id,
               "artifacts": None if job.artifacts is None else str(job.artifacts)}
    try:
        with socket.create_connection(("127.0.0.1", int(info["port"])), timeout=CONNECT_S) as connection:
            connection.settimeout(chosen.seconds + SLACK_S)
            connection.sendall((json.dumps(request) + "\n").encode("utf-8"))
            answer = connection.makefile("rb").readline()
        result = json.loads(answer)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return result if isinstance(result, dict) and "status" in result else None


def ensure(workspace: Path, chosen: Limits) -> None:
    """Start a server for the workspace in the background, unless one with these limits is there or warmth is off."""
    if not enabled():
        return
    info = _read(workspace)
    if info and info.get("limits") == asdict(chosen) and _alive(info):
        return
    options = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.DETACHED_PROCESS} if os.name == "nt" \
        else {"start_new_session": True}
    subprocess.Popen([sys.executable, "-m", "exam.warm", str(workspace)], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=child_env(chosen), cwd=paths.REPO_ROOT,
                     close_fds=True, **options)


def _alive(info: dict) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", int(info["port"])), timeout=CONNECT_S):
            return True
    except (OSError, KeyError, ValueError, TypeError):
        return False


def serve(workspace: Path, idle_s: float = IDLE_S) -> int:
    chosen = limits_module.current()
    token = secrets.token_hex(16)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(1.0)
    me = {"pid": os.getpid(), "port": listener.getsockname()[1], "token": token, "limits": asdict(chosen)}
    files.write_json(state_file(workspace), me)
    try:
        os.chmod(state_file(workspace), 0o600)  # the token is for this user's submits only
    except OSError:
        pass
    worker = Worker(chosen, warm=True)
    last_job = time.monotonic()
    try:
        while time.monotonic() - last_job < idle_s and _still_wanted(workspace, me):
            if not worker.usable:
                worker.stop()
                worker = Worker(chosen, warm=True)
            try:
                connection, _ = listener.accept()
            except socket.timeout:
                continue
            with connection:
                _answer(connection, token, chosen, worker)
            last_job = time.monotonic()
    finally:
        worker.stop()
        listener.close()
        if _read(workspace) == me:
            state_file(workspace).unlink(missing_ok=True)
    return 0


def _still_wanted(workspace: Path, me: dict) -> bool:
    if _read(workspace) != me:
        return False
    try:
        current = session.load(workspace)
    except Exception:  # a damaged session file: submit reports it; nothing to serve meanwhile
        return False
    return current is not None and not current.ended


def _answer(connection: socket.socket, token: str, chosen: Limits, worker: Worker) -> None:
    connection.settimeout(5.0)
    try:
        request = json.loads(connection.makefile("rb").readline())
        if not hmac.compare_digest(str(request.get("token")), token):
            return
        question = questions.get(request["question"])
        job = Job(Path(request["path"]), question, Path(request["artifacts"]) if request.get("artifacts") else None)
    except Exception:  # a malformed request gets no answer; the client falls back
        return
    outcome = worker.run(job)
    if not (outcome.taken or outcome.stopped):  # the worker was gone before the job: let submit grade it afresh
        return
    result = grading.interpret(question, chosen, outcome)
    result["usage"]["worker"] = "warm"
    if worker.usable and not grading.leaves_worker_clean(result):
        worker.stop()
    try:
        connection.sendall((json.dumps(result) + "\n").encode("utf-8"))
    except OSError:  # the submit that asked is gone (Ctrl-C); its file was kept, nothing to record here
        pass


if __name__ == "__main__":
    sys.exit(serve(Path(sys.argv[1])))
