"""The submission ledger: one JSON line per Submit and Test, appended under a lock and flushed to disk.

A copy of every submitted file is kept under .tfexam/submissions/, so overwriting mymodel.h5 later loses nothing.
Readers that show results (status, report, end, the clock) use `entries()`: every line is checked there, once, and
a line of the wrong shape is skipped and counted, never fatal; the file itself is never rewritten.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import shutil
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core import files
from core.errors import ExamError
from core.questions import CATEGORIES, MAX_SCORE
from exam.paths import state_dir

REFERENCE_SHOWN = "reference_shown"  # the `event` of the line `solve N` writes during a running sitting
STATUSES = ("graded", "refused", "error")
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

    records: tuple[dict, ...]
    skipped: int
    path: Path

    def warning(self) -> str | None:
        if not self.skipped:
            return None
        return (f"warning: skipped {self.skipped} line(s) of {self.path} that are not tfexam records (damaged or "
                "edited); the rest is shown and the file is left as it is. If you did not edit it, keep it and "
                "restore your own backup of it to see those attempts")


def entries(workspace: Path) -> Reading:
    """The one reader for status, report, end and the clock: each line checked by `problem()`."""
    path = ledger_file(workspace)
    kept, skipped = [], 0
    for line in _lines(path):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:  # junk, a torn last line, or a line over MAX_LINE_BYTES (cut short by _lines)
            record = None
        if problem(record) is None:
            kept.append(record)
        else:
            skipped += 1
    return Reading(tuple(kept), skipped, path)


def problem(record) -> str | None:
    """What is wrong with one ledger record's shape, or None: the fields the report relies on, with their types."""
    if not isinstance(record, dict):
        return "not a JSON object"
    if not isinstance(record.get("session"), str):
        return "no session id"
    event = record.get("event")
    if event is not None:
        if not isinstance(event, str):
            return "event is not a name"
        if event == REFERENCE_SHOWN and not (_category(record.get("category")) and _time(record.get("shown_at"))):
            return "a reference_shown line without its category or time"
        return None  # other events are ignored by every reader
    if not _category(record.get("category")):
        return "category is not 1-5"
    score = record.get("score")
    if not (isinstance(score, int) and not isinstance(score, bool) and 0 <= score <= MAX_SCORE):
        return f"score is not a whole number from 0 to {MAX_SCORE}"
    if record.get("status") not in STATUSES:
        return "status is not one of " + ", ".join(STATUSES)
    if not isinstance(record.get("late"), bool):
        return "late is not true or false"
    if not _time(record.get("submitted_at")):
        return "submitted_at is not a time"
    optional = {"question": str, "metric": dict, "diagnostics": dict, "usage": dict, "stopped": str, "model_copy": str,
                "checks": list, "artifacts": list}
    for name, kind in optional.items():
        if record.get(name) is not None and not isinstance(record[name], kind):
            return f"{name} is not a {kind.__name__}"
    if not all(isinstance(check, dict) for check in record.get("checks") or []):
        return "a check is not an object"
    if not all(isinstance(item, str) for item in record.get("artifacts") or []):
        return "an artifact is not a file name"
    metric = record.get("metric") or {}
    if not (_number(metric.get("value"), missing_ok=True)
            and isinstance(metric.get("thresholds") or [], list) and all(map(_number, metric.get("thresholds") or []))
            and isinstance(metric.get("name", ""), str) and isinstance(metric.get("higher_is_better", True), bool)):
        return "metric has a value, thresholds, name or direction of the wrong type"
    return None


def _number(value, missing_ok: bool = False) -> bool:
    if value is None:
        return missing_ok
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _category(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in CATEGORIES


def _time(value) -> bool:
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except (TypeError, ValueError):
        return False


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
