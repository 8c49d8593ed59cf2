"""A warm grading worker that outlives one `tfexam submit`, so later Submit and Tests skip TensorFlow's start.

After a Submit and Test in a running session, submit starts this server in the background (`python -m exam.warm
WORKSPACE`) unless one already serves the workspace. The server never imports TensorFlow: it holds one warm
`python -m graders --worker --warm` (exam/workers.py: the same limits and the same psutil watcher as any grading) and
grades one job per connection on 127.0.0.1 (an OS-chosen port, and a random token in .tfexam/warm.json). It applies the
warm workers' reuse rule (exam/grading.py), and exits after IDLE_S without a job, when the session ends, or when
warm.json no longer names it (a newer server, a deleted workspace).

Every connection gets its own thread, and no client can hold the server: the request line is read against one deadline
for the whole line (not per byte) and a size cap, and the token is checked before anything else is done. Grading is
serialized: a request with the token that finds a job running gets no answer (its submit grades afresh at once).
The server, like its worker, starts isolated (exam/launch.py).

Nothing depends on it: submit asks with short timeouts, and any failure (none running, other limits, a refused or
dropped connection, no "taken" within TAKEN_S, no answer within the time limit plus slack) falls back to a fresh
worker. Submit writes the
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
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path

from core import files, questions
from core import limits as limits_module
from core.limits import Limits
from exam import grading, launch, paths, session
from exam.workers import Job, Worker

IDLE_S = 600.0  # a learner who has not submitted for 10 minutes gets the memory back
CONNECT_S = 0.5
REQUEST_BYTES = 8192  # a request is a token, a path and a question id
REQUEST_S = 3.0  # for the whole request line: a client sending a byte at a time is cut off after this
TAKEN_S = 5.0  # the client's wait for the server to say it has started the job
ANSWER_BYTES = 64 * 2**20
SLACK_S = 15.0  # beyond the time limit, before a silent server counts as stuck
CONNECTIONS = 16  # connections served at once; more are closed at once (a submit then grades afresh)
TAKEN = b'{"taken": true}'


def state_file(workspace: Path) -> Path:
    return paths.state_dir(workspace) / "warm.json"


def enabled() -> bool:
    return os.environ.get("TFEXAM_WARM", "1").strip() not in ("0", "false", "no", "")


def _read(workspace: Path) -> dict | None:
    try:
        return json.loads(state_file(workspace).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class Lines:
    """Lines from a socket, each under a size cap and one deadline for the whole line."""

    def __init__(self, connection: socket.socket):
        self.connection = connection
        self.buffer = bytearray()

    def next(self, limit: int, seconds: float) -> bytes | None:
        """The next line without its newline; None at the deadline, past the cap, or at the end of the stream."""
        deadline = time.monotonic() + seconds
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or len(self.buffer) > limit:
                return None
            try:
                self.connection.settimeout(left)
                chunk = self.connection.recv(min(65536, limit + 1 - len(self.buffer)))
            except OSError:  # a timeout included
                return None
            if not chunk:
                return None
            self.buffer += chunk
        end = self.buffer.index(b"\n")
        line = bytes(self.buffer[:end])
        del self.buffer[:end + 1]
        return line if len(line) <= limit else None


def ask(workspace: Path, job: Job, chosen: Limits) -> dict | None:
    """The result from the workspace's warm server, or None when there is none or it cannot help right now."""
    if not enabled():
        return None
    info = _read(workspace)
    if not info or info.get("limits") != asdict(chosen):
        return None
    request = {"token": info.get("token"), "path": os.path.abspath(job.path), "question": job.question.id,
               "artifacts": None if job.artifacts is None else os.path.abspath(job.artifacts)}
    try:
        with socket.create_connection(("127.0.0.1", int(info["port"])), timeout=CONNECT_S) as connection:
            connection.sendall((json.dumps(request) + "\n").encode("utf-8"))
            lines = Lines(connection)
            if lines.next(len(TAKEN), TAKEN_S) != TAKEN:  # stuck, busy, or not our server: grade afresh now
                return None
            result = json.loads(lines.next(ANSWER_BYTES, chosen.seconds + SLACK_S) or b"")
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
    subprocess.Popen(launch.command("exam.warm", str(Path(workspace).resolve())), stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=launch.environment(chosen),
                     cwd=launch.private_folder(), close_fds=True, **options)


def _alive(info: dict) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", int(info["port"])), timeout=CONNECT_S):
            return True
    except (OSError, KeyError, ValueError, TypeError):
        return False


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
            if not (outcome.taken or outcome.stopped):  # the worker was gone before the job: submit grades it afresh
                return
            result = grading.interpret(question, self.chosen, outcome)
            result["usage"]["worker"] = "warm"
            if self.worker.usable and not grading.reusable(result, outcome):
                self.worker.stop()
        finally:
            self.grading.release()
        connection.settimeout(SLACK_S)
        connection.sendall((json.dumps(result) + "\n").encode("utf-8"))

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
    me = {"pid": os.getpid(), "port": listener.getsockname()[1], "token": token, "limits": asdict(chosen)}
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
        if _read(workspace) == me:
            state_file(workspace).unlink(missing_ok=True)
        _leave_private_folder()
    return 0


def _still_wanted(workspace: Path, me: dict) -> bool:
    if _read(workspace) != me:
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
