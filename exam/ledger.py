"""The submission ledger: one JSON line per Submit and Test, appended under a lock and flushed to disk.

A copy of every submitted file is kept under .tfexam/submissions/, so overwriting mymodel.h5 later loses nothing.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import shutil
import socket
from pathlib import Path

from core import files
from exam.paths import state_dir


def who() -> dict:
    """The user and host a record is written for (a login name can be missing in some containers)."""
    try:
        user = getpass.getuser()
    except Exception:
        user = "unknown"
    return {"user": user, "host": socket.gethostname()}


def ledger_file(workspace: Path) -> Path:
    return state_dir(workspace) / "ledger.jsonl"


def submissions_dir(workspace: Path) -> Path:
    return state_dir(workspace) / "submissions"


@contextlib.contextmanager
def locked(workspace: Path):
    """One writer at a time, across processes, on every OS (filelock: flock on POSIX, msvcrt on Windows).

    No timeout: another Submit and Test may legitimately hold the lock for the length of a copy and an fsync.
    """
    from filelock import FileLock  # imported here: ~0.1 s that status and the clock never need

    path = state_dir(workspace) / "ledger.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(path):
        yield


def read(workspace: Path) -> list[dict]:
    """Every complete record. A torn last line (a writer killed mid-append) is skipped, never fatal."""
    path = ledger_file(workspace)
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def append(workspace: Path, record: dict) -> dict:
    """Number the record, append it, fsync; returns the record as written."""
    path = ledger_file(workspace)
    with locked(workspace):
        record = {"seq": len(read(workspace)) + 1, **record}
        line = json.dumps(record, sort_keys=True) + "\n"
        with open(path, "ab") as handle:
            if handle.tell() and not _ends_with_newline(path):
                handle.write(b"\n")  # seal a line torn by an earlier kill so this record stays parseable
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        files.fsync_dir(path.parent)
    return record


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def keep_copy(workspace: Path, source: Path, label: str) -> Path:
    """Copy a submitted file (or SavedModel folder) to submissions/<label>/<its name>, fsynced; never overwrites.

    The copy keeps the learner's file name, so the grader's messages speak of mymodel.h5, not of a label.
    """
    store = submissions_dir(workspace)
    store.mkdir(parents=True, exist_ok=True)
    folder = files.unique_folder(store, label)
    target = folder / source.name
    if source.is_dir():
        shutil.copytree(source, target, symlinks=True)  # a link to /dev/zero is copied as a link, never read
    else:
        tmp = folder / f".{source.name}.part"
        shutil.copyfile(source, tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    files.fsync_dir(folder)
    files.fsync_dir(store)
    return target
