"""Getting verified files into the cache: the cache first, then the mirror, then the canonical URLs.

A file reaches its cache path only after its hash and its structural check passed (archives: after a safe
extraction into a temporary folder); a stamp written last records the verification, so `ensure` can trust a
cached file by its size and mtime while `fetch` re-hashes it.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from tfexam import files
from tfexam.data import cache
from tfexam.data.checks import CheckFailed
from tfexam.data.download import DownloadError, download
from tfexam.data.extract import UnsafeArchive, fingerprint, safe_extract
from tfexam.data.mirror import ENV_MIRROR, MirrorError, configured
from tfexam.data.progress import Progress
from tfexam.data.registry import DataFile, resolve, resolve_all
from tfexam.errors import USAGE, ExamError

NO_MIRROR_HINT = (f"To work offline, set {ENV_MIRROR} to a folder or http(s) URL holding the files under their "
                  "canonical names and a MANIFEST.tsv")
MIRROR_HINT = ("Add the file and its MANIFEST.tsv line to the mirror, or connect to the internet and run "
               "`python -m exam fetch {name}`")


class DatasetMissing(ExamError):
    """A dataset file is neither in the cache nor obtainable from the mirror or its canonical URLs."""

    def __init__(self, message: str):
        super().__init__(message, USAGE)


class Rejected(Exception):
    """A fetched file failed verification."""


@dataclass
class Row:
    name: str
    size: int | None
    source: str  # "cache", "mirror" or the URL it came from
    verified: str
    ok: bool = True
    message: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _candidates(file: DataFile, tried: list[str]):
    """(source, where, sha256, size, fetcher) for each place the file may come from, mirror first."""
    mirror = configured()
    if mirror:
        try:
            entry = mirror.entry(file.name)
            if entry is None:
                tried.append(f"{mirror}: {file.name} is not listed in its MANIFEST.tsv")
        except MirrorError as error:
            tried.append(f"{mirror}: {error}")
            entry = None
        if entry:
            yield ("mirror", str(mirror), entry.sha256, entry.size,
                   lambda dest, progress: mirror.fetch(file.name, dest, progress))
    for url in file.urls:
        yield url, url, file.sha256, None, lambda dest, progress, url=url: download(url, dest, progress=progress)


def _drop_stale_partial(part: Path, where: str) -> None:
    """Resume only a partial file that came from the same place."""
    origin = part.with_suffix(".origin")
    try:
        stale = origin.read_text(encoding="utf-8") != where
    except OSError:
        stale = True
    if stale:
        part.unlink(missing_ok=True)
    part.parent.mkdir(parents=True, exist_ok=True)
    origin.write_text(where, encoding="utf-8")


def _clear_partial(part: Path) -> None:
    part.unlink(missing_ok=True)
    part.with_suffix(".origin").unlink(missing_ok=True)
    try:
        part.parent.rmdir()
    except OSError:
        pass


def _verify(file: DataFile, part: Path, sha256: str | None, size: int | None, source: str) -> tuple[str, str]:
    """(digest, how it was verified) of a fetched file; raises Rejected or CheckFailed."""
    actual = part.stat().st_size
    if size is not None and actual != size:
        raise Rejected(f"{actual} bytes where {size} were expected")
    digest = files.sha256_file(part)
    if sha256 and digest != sha256:
        raise Rejected(f"sha256 {digest[:16]}... does not match the expected {sha256[:16]}...")
    if not file.is_archive:
        file.check(part)
    if not sha256:
        return digest, "structure only (no known sha256)"
    return digest, "sha256 + structure (mirror manifest)" if source == "mirror" else "sha256 + structure"


def _install(file: DataFile, part: Path) -> dict | None:
    """Move a verified file (and its extraction) into place; returns the extraction's fingerprint."""
    extracted = None
    staging = cache.staging_path(file)
    if file.is_archive:
        extracted = safe_extract(part, staging, limit=file.unpack_limit)
        try:
            file.check(staging)
        except CheckFailed:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    cache.forget(file)
    final = cache.file_path(file)
    final.parent.mkdir(parents=True, exist_ok=True)
    if file.is_archive:
        os.replace(staging, cache.extracted_path(file))
    os.replace(part, final)
    return extracted


def _missing_message(file: DataFile, tried: list[str]) -> str:
    attempts = "; ".join(tried) or "no source was tried"
    hint = MIRROR_HINT.format(name=file.name) if configured() else NO_MIRROR_HINT
    return f"dataset file {file.name} is not in the cache ({cache.cache_dir()}) and could not be fetched: " \
           f"{attempts}. {hint}."


def acquire(file: DataFile, out=None, *, force: bool = False) -> Row:
    """Fetch `file` from the mirror or a canonical URL, verify it and install it; raises DatasetMissing.

    One process at a time per file (a class graded by parallel workers, two trainings started at once): the others
    wait, then find it installed, unless `force` asks for a fresh copy.
    """
    from filelock import FileLock  # imported here: ~0.1 s that a warm cache never needs

    with FileLock(str(cache.lock_path(file))):
        stamp = None if force else cache.read_stamp(file)
        return _acquire(file, out) if stamp is None else _cached_row(file, stamp)


def _acquire(file: DataFile, out) -> Row:
    tried: list[str] = []
    part = cache.partial_path(file)
    for source, where, sha256, size, fetcher in _candidates(file, tried):
        _drop_stale_partial(part, where)
        label = "mirror" if source == "mirror" else where.split("://", 1)[-1].split("/", 1)[0]
        progress = Progress(f"{file.name} <- {label}", size or file.size, out) if out else None
        try:
            fetcher(part, progress)
            digest, verified = _verify(file, part, sha256, size, source)
            extracted = _install(file, part)
        except DownloadError as error:
            tried.append(f"{where}: {error}")
            if not (part.exists() and part.stat().st_size):
                _clear_partial(part)  # otherwise it stays, for a later resume
            if progress and progress.done:
                progress.finish(f"failed: {error}")
            continue
        except (MirrorError, Rejected, CheckFailed, UnsafeArchive) as error:
            kind = "archive refused" if isinstance(error, UnsafeArchive) else "rejected"
            tried.append(f"{where}: {kind}: {error}")
            _clear_partial(part)
            if progress:
                progress.finish(f"{kind}: {error}")
            continue
        _clear_partial(part)
        cache.write_stamp(file, sha256=digest, source=source, verified=verified, extracted=extracted)
        if progress:
            progress.finish("verified")
        return Row(file.name, cache.file_path(file).stat().st_size, source, verified)
    raise DatasetMissing(_missing_message(file, tried))


def recheck(file: DataFile) -> Row | None:
    """Re-hash a cached file against its stamp; a verified row, or None after removing a corrupt copy."""
    stamp = cache.read_stamp(file, trust_mtime=False)
    path = cache.file_path(file)
    if stamp is None or not path.is_file():
        return None
    good = files.sha256_file(path) == stamp["sha256"]
    if good and file.is_archive:
        good = fingerprint(cache.extracted_path(file)) == stamp.get("extracted")
    if not good:
        cache.forget(file)
        return None
    cache.write_stamp(file, sha256=stamp["sha256"], source=stamp["source"], verified=stamp["verified"],
                      extracted=stamp.get("extracted"))
    return _cached_row(file, stamp)


def _cached_row(file: DataFile, stamp: dict) -> Row:
    return Row(file.name, cache.file_path(file).stat().st_size, "cache", stamp["verified"])


def ensure_file(file: DataFile, *, progress: bool = True) -> Path:
    if cache.read_stamp(file) is None:
        acquire(file, sys.stderr if progress else None)
    return cache.result_path(file)


def ensure(name: str, *, progress: bool = True) -> Path:
    """The verified cached file (for an archive: its extracted folder), fetched first if needed.

    A dataset name that stands for several files gives their common folder, if they have one of their own.
    """
    files = resolve(name)
    folders = {cache.file_path(f).parent for f in files}
    if len(files) > 1 and (len(folders) > 1 or folders == {cache.cache_dir()}):
        names = ", ".join(f.name for f in files)
        raise ExamError(f"{name!r} stands for several files ({names}); ask for one of them")
    paths = [ensure_file(f, progress=progress) for f in files]
    return paths[0] if len(paths) == 1 else folders.pop()


def fetch(names, *, progress: bool = True, force: bool = False) -> list[dict]:
    """Re-verify or fetch every file the names stand for; one report row each (missing ones have ok=False)."""
    return fetch_files(resolve_all(names), progress=progress, force=force)


def fetch_files(files: list[DataFile], *, progress: bool = True, force: bool = False) -> list[dict]:
    out = sys.stderr if progress else None
    rows = []
    for file in files:
        had_copy = cache.read_stamp(file, trust_mtime=False) is not None
        row = None if force else recheck(file)
        if row is None:
            try:
                row = acquire(file, out, force=force)
                if had_copy and not force:
                    row.message = "the cached copy failed verification and was fetched again"
            except DatasetMissing as error:
                row = Row(file.name, None, "-", "missing", ok=False, message=str(error))
        rows.append(row.as_dict())
    return rows


def prefetch(names, *, out=None) -> list[str]:
    """Fetch what is missing, with progress on `out` (default stderr); one line per file that could not be had."""
    out = out or sys.stderr
    try:
        files = resolve_all(names)
    except ExamError as error:
        return [str(error)]
    problems = []
    for file in files:
        if cache.read_stamp(file) is not None:
            continue
        try:
            acquire(file, out)
        except DatasetMissing as error:
            problems.append(str(error))
    return problems
