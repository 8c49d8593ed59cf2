"""The client side of the workspace's warm server (exam/warm.py): ask it to grade, and start it.

Nothing depends on the server: any failure (none running, other limits, a refused or dropped connection, no "taken"
within TAKEN_S, no answer within the time limit plus SLACK_S) falls back to another grader at once. Starting a server
is its own step (`start_server`), taken by submit after it has recorded a result; grading never starts one.
TFEXAM_WARM=0 turns both off.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path

from tfexam import limits as limits_module
from tfexam.limits import Limits
from tfexam.result import Result
from exam import launch, paths
from exam.workers import Job

CONNECT_S = 0.5
TAKEN_S = 5.0  # the client's wait for the server to say it has started the job
ANSWER_BYTES = 64 * 2**20
SLACK_S = 15.0  # beyond the time limit, before a silent server counts as stuck
TAKEN = b'{"taken": true}'
SERVER_MODULE = "exam.warm"


def state_file(workspace: Path) -> Path:
    return paths.state_dir(workspace) / "warm.json"


def enabled() -> bool:
    return os.environ.get("TFEXAM_WARM", "1").strip() not in ("0", "false", "no", "")


def read_state(workspace: Path) -> dict | None:
    try:
        return json.loads(state_file(workspace).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def serves(info: dict | None, chosen: Limits) -> bool:
    return bool(info) and isinstance(info, dict) and info.get("limits") == limits_module.as_env(chosen)  # the encoding the server read them from


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


class WarmClient:
    """Grades through the workspace's warm server, or through `fallback` whenever the server cannot help."""

    def __init__(self, workspace: Path, limits: Limits, fallback):
        self.workspace = workspace
        self.limits = limits
        self.fallback = fallback

    def grade(self, job: Job) -> Result:
        result = ask(self.workspace, job, self.limits)
        return result if result is not None else self.fallback.grade(job)


def ask(workspace: Path, job: Job, chosen: Limits) -> Result | None:
    """The result from the workspace's warm server, or None when there is none or it cannot help right now."""
    if not enabled():
        return None
    info = read_state(workspace)
    if not serves(info, chosen):
        return None
    request = {"token": info.get("token"), "path": os.path.abspath(job.path), "question": job.question.id,
               "artifacts": None if job.artifacts is None else os.path.abspath(job.artifacts)}
    try:
        with socket.create_connection(("127.0.0.1", int(info["port"])), timeout=CONNECT_S) as connection:
            connection.sendall((json.dumps(request) + "\n").encode("utf-8"))
            lines = Lines(connection)
            if lines.next(len(TAKEN), TAKEN_S) != TAKEN:  # stuck, busy, or not our server: grade afresh now
                return None
            return Result.from_json(json.loads(lines.next(ANSWER_BYTES, chosen.seconds + SLACK_S) or b""))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def start_server(workspace: Path, chosen: Limits) -> None:
    """Start a server for the workspace in the background, unless one with these limits is there or warmth is off."""
    if not enabled():
        return
    info = read_state(workspace)
    if serves(info, chosen) and _alive(info):
        return
    options = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.DETACHED_PROCESS} if os.name == "nt" \
        else {"start_new_session": True}
    subprocess.Popen(launch.command(SERVER_MODULE, str(Path(workspace).resolve())), stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=launch.environment(chosen),
                     cwd=launch.private_folder(), close_fds=True, **options)


def _alive(info: dict) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", int(info["port"])), timeout=CONNECT_S):
            return True
    except (OSError, KeyError, ValueError, TypeError):
        return False
