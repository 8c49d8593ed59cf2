"""The dataset cache: where verified files live, plus a small stamp per file so `ensure` need not re-hash.

Layout under the cache folder: files under their canonical names (fashion-mnist/...), zip archives next to the
folder they were extracted into, `.stamps/` (one JSON per verified file) and `.partial/` (downloads in progress).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import platformdirs

from tfexam import files
from tfexam.data.registry import DataFile

ENV_DIR = "TFEXAM_DATA_DIR"


def cache_dir() -> Path:
    """TFEXAM_DATA_DIR, else the per-user cache folder of this OS (platformdirs): ~/.cache/tfexam (or
    $XDG_CACHE_HOME/tfexam) on Linux, ~/Library/Caches/tfexam on macOS, %LOCALAPPDATA%\\tfexam\\Cache on Windows."""
    chosen = os.environ.get(ENV_DIR)
    if chosen:
        return Path(chosen).expanduser()
    return Path(platformdirs.PlatformDirs("tfexam", appauthor=False).user_cache_dir)


def file_path(file: DataFile) -> Path:
    return cache_dir() / file.name


def extracted_path(file: DataFile) -> Path:
    return cache_dir() / file.extracted_name


def result_path(file: DataFile) -> Path:
    """What callers get: the file itself, or for an archive the folder it was extracted into."""
    return extracted_path(file) if file.is_archive else file_path(file)


def partial_dir() -> Path:
    return cache_dir() / ".partial"


def _flat(folder: Path, name: str, suffix: str) -> Path:
    """One file per dataset file in a flat bookkeeping folder (its name's slashes folded)."""
    return folder / (name.replace("/", "__") + suffix)


def partial_path(file: DataFile) -> Path:
    return _flat(partial_dir(), file.name, ".part")


def staging_path(file: DataFile) -> Path:
    """Where an archive is extracted and checked before it takes its place."""
    return _flat(partial_dir(), file.extracted_name, ".extracting")


def lock_path(file: DataFile) -> Path:
    folder = cache_dir() / ".locks"
    folder.mkdir(parents=True, exist_ok=True)
    return _flat(folder, file.name, ".lock")


def _stamp_path(file: DataFile) -> Path:
    return _flat(cache_dir() / ".stamps", file.name, ".json")


def _identity(path: Path) -> dict:
    info = path.stat()
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns}


def write_stamp(file: DataFile, *, sha256: str, source: str, verified: str, extracted: dict | None) -> None:
    stamp = {"file": file.name, "sha256": sha256, "source": source, "verified": verified,
             **_identity(file_path(file))}
    if extracted is not None:
        stamp["extracted"] = extracted
    files.write_json(_stamp_path(file), stamp)


def read_stamp(file: DataFile, *, trust_mtime: bool = True) -> dict | None:
    """The stamp, if the cached file still has the size (and mtime) it had when it was verified."""
    try:
        stamp = json.loads(_stamp_path(file).read_text(encoding="utf-8"))
        identity = _identity(file_path(file))
        if identity["size"] != stamp["size"] or (trust_mtime and identity["mtime_ns"] != stamp["mtime_ns"]):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if file.is_archive and not extracted_path(file).is_dir():
        return None
    return stamp


def forget(file: DataFile) -> None:
    """Remove every trace of a file from the cache (a corrupt or refused one)."""
    _stamp_path(file).unlink(missing_ok=True)
    file_path(file).unlink(missing_ok=True)
    if file.is_archive:
        shutil.rmtree(extracted_path(file), ignore_errors=True)
