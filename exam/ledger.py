"""The submission ledger: one JSON line per Submit and Test, appended under a lock and flushed to disk.

A copy of every submitted file is kept under .tfexam/submissions/, so overwriting mymodel.h5 later loses nothing.
Readers that show results (status, report, end, the clock) use `entries()`: every line is parsed there, once, into
its typed record (exam/attempt.py, versioned), and a line of the wrong shape is skipped and counted, never fatal;
the file itself is never rewritten.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

from tfexam import files
from tfexam.errors import ExamError
from exam.attempt import REFERENCE_SHOWN, Attempt, Damaged, ReferenceShown, parse  # noqa: F401  (REFERENCE_SHOWN: re-exported)
from exam.paths import state_dir

MAX_LINE_BYTES = 4 * 1024 * 1024  # a real record is a few kB (diagnostics included); longer lines are skipped unread


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
    """Every line that parses as a JSON object, unchecked (for numbering and durability checks): whoever shows
    results reads `entries()`. A torn last line (a writer killed mid-append) is skipped, never fatal."""
    records = []
    for line in _lines(ledger_file(workspace)):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


@dataclass(frozen=True)
class Reading:
    """The ledger's records of a valid shape, in order, and how many lines were skipped."""

    records: tuple[Attempt | ReferenceShown, ...]
    skipped: int
    path: Path

    def warning(self) -> str | None:
        if not self.skipped:
            return None
        return (f"warning: skipped {self.skipped} line(s) of {self.path} that are not tfexam records (damaged or "
                "edited); the rest is shown and the file is left as it is. If you did not edit it, keep it and "
                "restore your own backup of it to see those attempts")


def entries(workspace: Path) -> Reading:
    """The one reader for status, report, end and the clock: each line parsed into its record (exam.attempt)."""
    path = ledger_file(workspace)
    kept, skipped = [], 0
    for line in _lines(path):
        if not line.strip():
            continue
        try:
            record = parse(json.loads(line))
        except (ValueError, Damaged):  # junk, a torn last line, a line over MAX_LINE_BYTES (cut short by _lines)
            skipped += 1
            continue
        if record is not None:
            kept.append(record)
    return Reading(tuple(kept), skipped, path)


def problem(record) -> str | None:
    """What is wrong with one ledger line's shape (exam.attempt.parse), or None."""
    try:
        parse(record)
    except Damaged as damage:
        return str(damage)
    return None


def _lines(path: Path):
    """The file's lines as bytes, each at most MAX_LINE_BYTES: a longer one is yielded as b"!" (unparseable) and its
    rest skipped, so a huge line neither fills memory nor hides the records after it."""
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return
    except OSError as error:  # a folder in its place, no permission: say so, never a traceback
        raise ExamError(f"the ledger {path} cannot be read ({error.strerror or error}); nothing was changed. Make it "
                        "a readable file again (from your own backup), or run `tfexam start --restart` to archive "
                        "this exam and begin a new one") from None
    with handle:
        while line := handle.readline(MAX_LINE_BYTES + 1):
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while (rest := handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass
                line = b"!"
            yield line


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
