"""Work done once per test run, however many pytest-xdist workers share it.

Each xdist worker is its own pytest session: a session fixture alone runs once per worker. pytest-xdist's documented
pattern makes it run once per run: the result goes to a folder under the base temp folder the workers share (the
parent of each worker's own base temp), and a file lock makes the first worker do the work while the others wait and
then read what it left."""

from __future__ import annotations

import os
from pathlib import Path

from filelock import FileLock


def worker_id() -> str:
    """'gw0', 'gw1'... under pytest-xdist; 'master' in a run without workers."""
    return os.environ.get("PYTEST_XDIST_WORKER", "master")


def run_folder(tmp_path_factory, name: str) -> Path:
    """A folder of this run, the same for every worker (created by the first to ask)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker_id() != "master" else base
    folder = shared / f"shared-{name}"
    folder.mkdir(exist_ok=True)
    return folder


def lock(path: Path) -> FileLock:
    """A lock beside `path` that every worker of the run (and every run sharing the path) respects."""
    return FileLock(str(path) + ".lock")
