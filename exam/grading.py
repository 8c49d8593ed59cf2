"""Run the grader in a watched child process: TensorFlow and the submitted file never touch the CLI's process.

The child gets a wall-time limit and a memory limit (exam/limits.py). A child that hangs, grows past the limit or
dies by a signal becomes a result with one clear line and status "error"; `stopped` says which limit or crash.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from exam import limits as limits_module
from exam.limits import Limits
from exam.paths import REPO_ROOT
from exam.questions import Question
from graders.result import ERROR, Check, Result

POLL_S = 0.05  # how often the watcher samples the child's memory; a model fills well under 1 GB in this time
STOPPED_CHECKS = ("timeout", "memory", "crash")


def child_env(limits: Limits | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if limits is not None:
        env.update(limits_module.as_env(limits))
    return env


def failure(question: Question, check: str, message: str) -> dict:
    """A result the grader never produced (stopped, crashed, or refused before it started), in its own format."""
    return Result(question=question.id, category=question.category, status=ERROR,
                  checks=[Check(check, False, message)], output=message).to_json()


def crash_message(signal_number: int) -> str:
    if signal_number == getattr(signal, "SIGKILL", 9):  # not sent by us: the system's out-of-memory killer, or the learner
        return ("the grader was killed from outside (SIGKILL), most likely by the system running out of memory; "
                "close other programs or make the model smaller, then submit again")
    return (f"the model file crashed the loader ({_signal_name(signal_number)}); save it again with "
            "model.save('mymodel.h5') and submit again")


def _signal_name(number: int) -> str:
    try:
        return f"signal {number}, {signal.Signals(number).name}"
    except ValueError:
        return f"signal {number}"


def resident_mb(pid: int) -> float | None:
    """The child's resident memory from /proc (Linux); None where there is no /proc or the child is gone."""
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def grade_in_child(path: Path, question: Question, artifacts: Path | None, limits: Limits | None = None) -> dict:
    """The grader's Result as a dict, plus `stopped` (None or a limit/crash name) and `usage` (seconds, peak MB)."""
    limits = limits or limits_module.current()
    command = [sys.executable, "-m", "graders", str(question.category), str(path), "--json", "--question", question.id,
               "--exit-with-parent"]
    if artifacts is not None:
        command += ["--artifacts", str(artifacts)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        code, stopped, usage = _watch(command, limits, out, err)
        out.seek(0)
        err.seek(0)
        result = _interpret(question, limits, code, stopped, out.read().decode("utf-8", "replace"),
                            err.read().decode("utf-8", "replace"))
    failed = next((c["name"] for c in result.get("checks", []) if not c.get("passed")), None)
    result["stopped"] = failed if result.get("status") == "error" and failed in STOPPED_CHECKS else None
    result["usage"] = usage
    return result


def _watch(command: list[str], limits: Limits, out, err) -> tuple[int, str | None, dict]:
    """Run the child to its end or until a limit; (exit code, limit that stopped it or None, usage)."""
    started = time.monotonic()
    peak = 0.0
    stopped = None
    # stdin stays open and unused: when this process dies, the child sees EOF and exits (graders/isolation.py).
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=out, stderr=err, env=child_env(limits),
                             cwd=REPO_ROOT, start_new_session=os.name == "posix")
    try:
        while True:
            try:
                code = child.wait(timeout=POLL_S)
                break
            except subprocess.TimeoutExpired:
                pass
            rss = resident_mb(child.pid)
            peak = max(peak, rss or 0.0)
            if rss is not None and rss > limits.memory_mb:
                stopped = "memory"
            elif time.monotonic() - started > limits.seconds:
                stopped = "timeout"
            if stopped:
                _kill(child)
                code = child.wait()
                break
    except BaseException:  # Ctrl-C or any failure here: the child never outlives the command
        _kill(child)
        child.wait()
        raise
    finally:
        child.stdin.close()
    return code, stopped, {"seconds": round(time.monotonic() - started, 2), "peak_mb": round(peak, 1)}


def _kill(child: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(child.pid, signal.SIGKILL)  # the whole group: the child has no business starting others
        else:
            child.kill()
    except (ProcessLookupError, PermissionError):
        pass


def _interpret(question: Question, limits: Limits, code: int, stopped: str | None, stdout: str, stderr: str) -> dict:
    if stopped == "timeout":
        return failure(question, "timeout", limits_module.timeout_message(limits.seconds))
    if stopped == "memory":
        return failure(question, "memory", limits_module.memory_message(limits.memory_mb))
    lines = stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1])
        if isinstance(result, dict) and "status" in result:
            return result  # the grader finished; a crash while the interpreter shut down changes nothing
    except (IndexError, ValueError):
        pass
    if code < 0:
        return failure(question, "crash", crash_message(-code))
    tail = (stderr.strip().splitlines() or ["no output"])[-1]
    return failure(question, "crash", f"the grader stopped without a result (exit {code}: {tail[:200]})")
