"""Run the real command lines as a learner would, in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def env(**extra: str) -> dict:
    merged = dict(os.environ)
    merged["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), merged.get("PYTHONPATH")]))
    merged.update(extra)
    return merged


def run(*args: str, cwd: Path | None = None, timeout: float = 600, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd or REPO_ROOT, env=env(**extra), capture_output=True,
                          text=True, timeout=timeout)


def exam(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return run("-m", "exam", *args, **kwargs)


def exam_json(*args: str, **kwargs) -> tuple[int, dict]:
    done = exam(*args, "--json", **kwargs)
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, f"--json must print exactly one line, got {done.stdout!r} (stderr {done.stderr[-500:]!r})"
    return done.returncode, json.loads(lines[0])


def stderr_lines(done: subprocess.CompletedProcess) -> list[str]:
    """What the learner reads on stderr, minus TensorFlow's own start-up chatter."""
    noise = ("I0000", "W0000", "E0000", "WARNING: All log messages", "To enable the following")
    return [line for line in done.stderr.splitlines() if line.strip() and not line.startswith(noise)]
