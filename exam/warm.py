"""A warm grading worker that outlives one `tfexam submit`, so later Submit and Tests skip TensorFlow's start.

After a Submit and Test in a running session, submit starts this server in the background (`python -m exam.warm
WORKSPACE`) unless one already serves the workspace. The server never imports TensorFlow: it holds one warm
`python -m graders --worker --warm` (exam/workers.py: the same limits and the same psutil watcher as any grading) and
grades one job per connection on 127.0.0.1 (an OS-chosen port, and a random token in .tfexam/warm.json). It applies the
warm workers' reuse rule (exam/grading/policy.py), and exits after IDLE_S without a job, when the session ends, or when
warm.json no longer names it (a newer server, a deleted workspace).

Every connection gets its own thread, and no client can hold the server: the request line is read against one deadline
for the whole line (not per byte) and a size cap, and the token is checked before anything else is done. Grading is
serialized: a request with the token that finds a job running gets no answer (its submit grades afresh at once).
The server, like its worker, starts isolated (exam/launch.py).

Nothing depends on it: the client (exam/grading/warm_client.py, which also starts it) falls back to a fresh worker
on any failure. Submit writes the record itself after the result, so nothing recorded can be lost. This module
depends on exam.grading (the reuse rule, the client's line reader), never the reverse.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

from tfexam import files, questions
from tfexam import limits as limits_module
from tfexam.limits import Limits
from exam import launch, session
from exam.grading.outcome import interpret
from exam.grading.policy import died_before_taking, reusable
from exam.grading.warm_client import SLACK_S, TAKEN, Lines, read_state, state_file
from exam.workers import Job, Worker

IDLE_S = 600.0  # a learner who has not submitted for 10 minutes gets the memory back
REQUEST_BYTES = 8192  # a request is a token, a path and a question id
REQUEST_S = 3.0  # for the whole request line: a client sending a byte at a time is cut off after this
CONNECTIONS = 16  # connections served at once; more are closed at once (a submit then grades afresh)


class Server:
    """One warm worker and the connections that share it: many are read at once, one job runs at a time."""

    def __init__(self, chosen: Limits, token: str):
        self.chosen = chosen
        self.token = token
        self.grading = threading.Lock()  # whoever holds it owns the worker
        self.slots = threading.BoundedSemaphore(CONNECTIONS)
        self.worker = Worker(chosen, warm=True)
        self.last_job = time.monotonic()

    def take(self, connection: socket.socket) -> None:
        """Serve `connection` in its own thread, or close it at once when all slots are in use."""
        if not self.slots.acquire(blocking=False):
            connection.close()
            return
        threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        try:
            with connection:
                self._answer(connection)
        except OSError:  # the client left; its submit falls back or is gone
            pass
        finally:
            self.slots.release()

    def _answer(self, connection: socket.socket) -> None:
        line = Lines(connection).next(REQUEST_BYTES, REQUEST_S)
        try:
            request = json.loads(line)
            if not hmac.compare_digest(str(request.get("token")), self.token):
                return
            question = questions.get(request["question"])
            job = Job(Path(request["path"]), question,
                      Path(request["artifacts"]) if request.get("artifacts") else None)
        except Exception:  # no line, or a malformed one: no answer; the client falls back
            return
        if not self.grading.acquire(blocking=False):  # a job is running: this submit grades afresh at once
            return
        try:
            self._renew()
            connection.settimeout(REQUEST_S)
            connection.sendall(TAKEN + b"\n")
            outcome = self.worker.run(job)
            self.last_job = time.monotonic()
            if died_before_taking(outcome):  # submit grades it afresh
                return
            result = interpret(question, self.chosen, outcome)
            result.usage.worker = "warm"
            if self.worker.usable and not reusable(result, outcome):
                self.worker.stop()
        finally:
            self.grading.release()
        connection.settimeout(SLACK_S)
        connection.sendall((json.dumps(result.to_json()) + "\n").encode("utf-8"))

    def renew_when_idle(self) -> None:
        """Between jobs, replace a retired worker now, so the next submit finds it warm."""
        if self.grading.acquire(blocking=False):
            try:
                self._renew()
            finally:
                self.grading.release()

    def _renew(self) -> None:
        if not self.worker.usable:
            self.worker.stop()
            self.worker = Worker(self.chosen, warm=True)

    def stop(self) -> None:
        self.worker.stop()


def serve(workspace: Path, idle_s: float = IDLE_S) -> int:
    chosen = limits_module.current()
    token = secrets.token_hex(16)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(1.0)
    me = {"pid": os.getpid(), "port": listener.getsockname()[1], "token": token, "limits": limits_module.as_env(chosen)}
    files.write_json(state_file(workspace), me)
    try:
        os.chmod(state_file(workspace), 0o600)  # the token is for this user's submits only
    except OSError:
        pass
    server = Server(chosen, token)
    try:
        while time.monotonic() - server.last_job < idle_s and _still_wanted(workspace, me):
            server.renew_when_idle()
            try:
                connection, _ = listener.accept()
            except socket.timeout:
                continue
            server.take(connection)
    finally:
        server.stop()
        listener.close()
        if read_state(workspace) == me:
            state_file(workspace).unlink(missing_ok=True)
        _leave_private_folder()
    return 0


def _still_wanted(workspace: Path, me: dict) -> bool:
    if read_state(workspace) != me:
        return False
    try:
        current = session.load(workspace)
    except Exception:  # a damaged session file: submit reports it; nothing to serve meanwhile
        return False
    return current is not None and not current.ended


def _leave_private_folder() -> None:
    """The empty folder ensure() made for this server (and only such a folder) goes when the server does."""
    here = Path.cwd()
    if here.name.startswith(launch.PRIVATE_PREFIX) and not any(here.iterdir()):
        os.chdir(tempfile.gettempdir())
        launch.remove(here)


if __name__ == "__main__":
    sys.exit(serve(Path(sys.argv[1])))
