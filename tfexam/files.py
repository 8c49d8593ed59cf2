"""File primitives the ledger, the session and the dataset cache share.

Durable writes (a reader sees the old content or the new one, never a mix, even after SIGKILL), folders that no
concurrent process can also get, and content digests.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open a directory; os.replace is atomic there anyway
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json(path: Path, data: dict) -> None:
    write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def write_text(path: Path, text: str, readable_by_others: bool = False) -> None:
    """Written beside, flushed to disk and renamed: a reader never sees half a file, a crash never leaves one.
    Private (0600, as mkstemp makes it) unless `readable_by_others`: a page gets the mode the umask gives a new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if readable_by_others:
            os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def unique_folder(parent: Path, name: str) -> Path:
    """A new folder under parent named `name`, else `name-2`, `name-3`...: mkdir is atomic, so racers never share."""
    for attempt in range(1, 1000):
        folder = parent / (name if attempt == 1 else f"{name}-{attempt}")
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise FileExistsError(f"{parent / name} and 998 alternatives already exist")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
