"""Structural checks run after a download or an extraction: they catch the wrong file even where no hash is known."""

from __future__ import annotations

import csv
import gzip
import json
import struct
from dataclasses import dataclass
from pathlib import Path

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


class CheckFailed(Exception):
    """The file does not have the structure its registry entry declares."""


@dataclass(frozen=True)
class CsvTable:
    rows: int  # data rows, header not counted
    columns: tuple[str, ...]
    member: str = ""  # for an archive: the CSV file inside the extracted folder

    def describe(self) -> str:
        return f"CSV, {self.rows} rows x {len(self.columns)} columns"

    def __call__(self, path: Path) -> None:
        with open(Path(path) / self.member if self.member else path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = tuple(next(reader, ()))
            if header != self.columns:
                raise CheckFailed(f"header is {list(header)}, expected {list(self.columns)}")
            rows = 0
            for row in reader:
                if len(row) != len(self.columns):
                    raise CheckFailed(f"row {rows + 1} has {len(row)} fields, expected {len(self.columns)}")
                rows += 1
        if rows != self.rows:
            raise CheckFailed(f"{rows} data rows, expected {self.rows}")


@dataclass(frozen=True)
class JsonRecords:
    count: int
    keys: tuple[str, ...]

    def describe(self) -> str:
        return f"JSON array of {self.count} records"

    def __call__(self, path: Path) -> None:
        try:
            records = json.loads(path.read_bytes())
        except ValueError as error:
            raise CheckFailed(f"not valid JSON ({error})") from None
        if not isinstance(records, list):
            raise CheckFailed("not a JSON array")
        if len(records) != self.count:
            raise CheckFailed(f"{len(records)} records, expected {self.count}")
        for index, record in enumerate(records):
            if not isinstance(record, dict) or not set(self.keys) <= record.keys():
                raise CheckFailed(f"record {index} lacks the keys {list(self.keys)}")


@dataclass(frozen=True)
class TextLines:
    """A UTF-8 text file of exactly this many newline-terminated lines."""

    lines: int

    def describe(self) -> str:
        return f"UTF-8 text, {self.lines} lines"

    def __call__(self, path: Path) -> None:
        try:
            text = Path(path).read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise CheckFailed(f"not UTF-8 text ({error.reason} at byte {error.start})") from None
        if text and not text.endswith("\n"):
            raise CheckFailed("the last line does not end with a newline")
        if text.count("\n") != self.lines:
            raise CheckFailed(f"{text.count(chr(10))} newline-terminated lines, expected {self.lines}")


IDX_TYPE_UINT8 = 0x08


@dataclass(frozen=True)
class IdxArray:
    """A gzipped IDX file of unsigned bytes (the MNIST family's format)."""

    shape: tuple[int, ...]

    def describe(self) -> str:
        return f"gzipped IDX uint8 {self.shape}"

    def __call__(self, path: Path) -> None:
        try:
            with gzip.open(path, "rb") as handle:
                header = handle.read(4 + 4 * len(self.shape))
                zero, kind, ndim = struct.unpack(">HBB", header[:4])
                if zero != 0 or kind != IDX_TYPE_UINT8 or ndim != len(self.shape):
                    raise CheckFailed(f"IDX magic {header[:4].hex()} is not uint8 with {len(self.shape)} dimensions")
                shape = struct.unpack(f">{ndim}I", header[4:])
                if shape != self.shape:
                    raise CheckFailed(f"IDX shape {shape}, expected {self.shape}")
                body = 0
                while chunk := handle.read(1 << 20):
                    body += len(chunk)
        except (OSError, EOFError, struct.error) as error:
            raise CheckFailed(f"not a readable gzipped IDX file ({error})") from None
        expected = 1
        for size in self.shape:
            expected *= size
        if body != expected:
            raise CheckFailed(f"IDX body has {body} bytes, expected {expected}")


HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


@dataclass(frozen=True)
class Hdf5File:
    """An HDF5 file (Keras weights): the signature at offset 0, as h5py writes it."""

    def describe(self) -> str:
        return "HDF5 file"

    def __call__(self, path: Path) -> None:
        with open(path, "rb") as handle:
            if handle.read(len(HDF5_SIGNATURE)) != HDF5_SIGNATURE:
                raise CheckFailed("not an HDF5 file (no HDF5 signature at its start)")


@dataclass(frozen=True)
class ImageFolders:
    """An extracted archive: `root` holds one folder per class with exactly this many images."""

    root: str  # folder inside the extraction holding the class folders ("" = the extraction itself)
    counts: tuple[tuple[str, int], ...]

    def describe(self) -> str:
        root = f"{self.root}/" if self.root else ""
        return ", ".join(f"{count} images in {root}{name}/" for name, count in self.counts)

    def __call__(self, path: Path) -> None:
        base = path / self.root if self.root else path
        for name, expected in self.counts:
            folder = base / name
            if not folder.is_dir():
                raise CheckFailed(f"folder {folder.relative_to(path)}/ is missing")
            found = sum(1 for item in folder.iterdir() if item.suffix.lower() in IMAGE_SUFFIXES)
            if found != expected:
                raise CheckFailed(f"{found} images in {folder.relative_to(path)}/, expected {expected}")
