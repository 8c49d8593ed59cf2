"""Safe zip extraction: every member is vetted before anything is written, and a failure leaves no folder behind."""

from __future__ import annotations

import os
import re
import shutil
import stat
import zipfile
from pathlib import Path

COPY_CHUNK = 1 << 20


class UnsafeArchive(Exception):
    """The archive is refused; the message says why."""


def _refusal(member: zipfile.ZipInfo) -> str | None:
    name = member.filename
    parts = re.split(r"[\\/]", name)
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return f"member {name!r} has an absolute path"
    if ".." in parts:
        return f"member {name!r} climbs out of the folder with '..'"
    if stat.S_ISLNK(member.external_attr >> 16):
        return f"member {name!r} is a symbolic link"
    return None


def fingerprint(folder: Path) -> dict:
    """Files and bytes under a folder: a cheap way to notice an extracted archive that lost or changed files."""
    files = size = 0
    for root, _, names in os.walk(folder):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(root, name))
    return {"files": files, "bytes": size}


def safe_extract(archive: Path, dest: Path, *, limit: int) -> dict:
    """Extract `archive` into the new folder `dest`; returns its fingerprint. Raises UnsafeArchive."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
            for member in members:
                refusal = _refusal(member)
                if refusal:
                    raise UnsafeArchive(refusal)
            declared = sum(member.file_size for member in members)
            if declared > limit:
                raise UnsafeArchive(f"it would unpack to {declared} bytes, over the limit of {limit}")
            shutil.rmtree(dest, ignore_errors=True)
            dest.mkdir(parents=True)
            try:
                _write_members(zipped, members, dest, limit)
            except BaseException:
                shutil.rmtree(dest, ignore_errors=True)
                raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
        raise UnsafeArchive(f"it is not a readable zip archive ({error})") from None
    return fingerprint(dest)


def _write_members(zipped: zipfile.ZipFile, members: list[zipfile.ZipInfo], dest: Path, limit: int) -> None:
    written = 0
    for member in members:
        target = dest.joinpath(*[p for p in re.split(r"[\\/]", member.filename) if p])
        if member.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipped.open(member) as reader, open(target, "wb") as writer:
            while chunk := reader.read(COPY_CHUNK):
                written += len(chunk)
                # headers can lie about sizes; count what really comes out
                if written > limit:
                    raise UnsafeArchive(f"it unpacks to more than the limit of {limit} bytes")
                writer.write(chunk)
