"""What a submitted file is, decided from all of its bytes, and the private copy that the grader loads.

An HDF5 file may start at byte 0 or after a user block (512, 1024, 2048... bytes); a zip archive is found by the
end-of-central-directory record that zip readers look for, wherever it is. A file that is both can be read either
way (the loader would choose by the file's suffix), so it is refused: tfexam checks and loads one reading only.
"""

from __future__ import annotations

import hashlib
import os
import stat
import struct
from pathlib import Path

from tfexam.checks import CheckName
from tfexam.refusal import Refused

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
ZIP_LOCAL = b"PK\x03\x04"
ZIP_END = b"PK\x05\x06"
ZIP_CENTRAL = b"PK\x01\x02"
ZIP64_LOCATOR = b"PK\x06\x07"
CHUNK = 1 << 20
MAX_ZIP_ENDS = 10_000  # a model file has none (HDF5) or one (.keras)
SAVE_AGAIN = "save it again with model.save('mymodel.h5')"
SAVE_H5 = "save it with model.save('mymodel.h5')"


def content_kind(path: Path, size: int, shown: Path) -> str:
    """'h5' or 'keras' from the whole content of a regular file of `size` bytes, or raise Refused."""
    try:
        with path.open("rb") as handle:
            hdf5 = _hdf5_offset(handle, size)
            zips = _zip_ends(handle, size)
            handle.seek(0)
            head = handle.read(4)
    except OSError as error:
        raise Refused(CheckName.FILE, unreadable(shown, error)) from None
    if hdf5 is not None and (zips or head == ZIP_LOCAL):
        where = f"a zip directory at byte {zips[0][0]}" if zips else "a zip header at byte 0"
        raise Refused(CheckName.FILE, f"{shown.name} is both an HDF5 file and a zip archive (HDF5 signature at byte {hdf5}, "
                              f"{where}), so it could be loaded as either; {SAVE_AGAIN}")
    if hdf5 is not None:
        return "h5"
    if zips:
        if len(zips) > 1 or head != ZIP_LOCAL or zips[0][1]:
            raise Refused(CheckName.FILE, f"{shown.name} is a zip archive with other data before or inside it, not a clean "
                                  ".keras archive; save it again with model.save('mymodel.keras')")
        return "keras"
    raise Refused(CheckName.FILE, f"{shown} is not a Keras model file (no HDF5 signature); {SAVE_H5}")


def _hdf5_offset(handle, size: int) -> int | None:
    """Where the HDF5 library would find a superblock: byte 0, 512, 1024, 2048..."""
    offset = 0
    while offset + len(HDF5_MAGIC) <= size:
        handle.seek(offset)
        if handle.read(len(HDF5_MAGIC)) == HDF5_MAGIC:
            return offset
        offset = 512 if offset == 0 else offset * 2
    return None


def _zip_ends(handle, size: int) -> list[tuple[int, bool]]:
    """(position, data before the archive?) of every end-of-central-directory record that points at a real central
    directory (or ends an empty or zip64 archive): a record that chance put in weight data does not."""
    found, candidates, position, tail = [], 0, 0, b""
    handle.seek(0)
    while position < size and (chunk := handle.read(min(CHUNK, size - position))):
        window, start = tail + chunk, position - len(tail)
        position += len(chunk)
        at = window.find(ZIP_END)
        while at >= 0:
            candidates += 1
            if candidates > MAX_ZIP_ENDS:
                raise Refused(CheckName.FILE, f"the file holds over {MAX_ZIP_ENDS} zip end records; it is not a model file")
            end = _zip_end(handle, start + at)
            found += [end] if end else []
            at = window.find(ZIP_END, at + 1)
        tail = window[-3:]
        handle.seek(position)
    return found


def _zip_end(handle, at: int) -> tuple[int, bool] | None:
    handle.seek(at)
    record = handle.read(22)
    if len(record) < 22:
        return None  # cut short: zip readers refuse it too
    _, _, _, _, entries, cd_size, cd_offset, _ = struct.unpack("<4s4H2LH", record)
    if at >= 20:
        handle.seek(at - 20)
        if handle.read(4) == ZIP64_LOCATOR:
            return (at, False)
    if entries == 0 and cd_size == 0:
        return (at, cd_offset != at)
    if cd_size > at:
        return None
    handle.seek(at - cd_size)
    if handle.read(4) != ZIP_CENTRAL:
        return None
    return (at, at - cd_size != cd_offset)


def private_copy(path: Path, folder: Path, cap: int, shown: Path) -> tuple[Path, str]:
    """Copy `path` into `folder` (which only this process can write) reading it once, at most `cap` bytes; the copy
    and its sha256. Everything after this reads the copy: the learner's file can change, the copy cannot."""
    copy = folder / "submitted"
    digest = hashlib.sha256()
    try:
        # non-blocking open: a file swapped for a pipe since it was checked must not hang the grader
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            os.close(descriptor)
            raise Refused(CheckName.FILE, not_regular(shown))
        with open(descriptor, "rb", buffering=0) as source, open(copy, "xb") as target:
            copied = 0
            while block := source.read(CHUNK):
                copied += len(block)
                if copied > cap:
                    raise Refused(CheckName.FILE_SIZE, f"{shown} grew past the {cap / 2**20:.3g} MB cap while it was read; "
                                               "submit a finished file")
                digest.update(block)
                target.write(block)
    except OSError as error:
        raise Refused(CheckName.FILE, unreadable(shown, error)) from None
    return copy, digest.hexdigest()


def unreadable(shown: Path, error: OSError) -> str:
    return f"{shown} cannot be read ({error.strerror or error}); check its permissions"


def not_regular(shown: Path) -> str:
    return f"{shown} is not a regular file (a device, pipe or socket); {SAVE_H5}"
