"""A dataset mirror: a folder or an http(s) base URL holding files under their canonical names and a MANIFEST.tsv.

The manifest (tab-separated, header row) needs the columns file, size_bytes and sha256; other columns are
ignored. Files from a mirror are verified against the mirror's own manifest, because a mirror may hold re-packed
copies whose hash differs from the canonical download's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import requests

from tfexam.data.download import download, timeout_setting
from tfexam.data.progress import Progress

ENV_MIRROR = "TFEXAM_DATA_MIRROR"
MANIFEST = "MANIFEST.tsv"
REQUIRED_COLUMNS = ("file", "size_bytes", "sha256")
COPY_CHUNK = 1 << 20


class MirrorError(Exception):
    """The mirror cannot serve a file; the message is a short reason."""


@dataclass(frozen=True)
class Entry:
    file: str
    size: int
    sha256: str


def parse_manifest(text: str) -> dict[str, Entry]:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise MirrorError(f"its {MANIFEST} is empty")
    header = lines[0].split("\t")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise MirrorError(f"its {MANIFEST} lacks the column(s) {', '.join(missing)}")
    where = {column: header.index(column) for column in REQUIRED_COLUMNS}
    entries = {}
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        try:
            entry = Entry(cells[where["file"]], int(cells[where["size_bytes"]]), cells[where["sha256"]].lower())
        except (IndexError, ValueError):
            raise MirrorError(f"line {number} of its {MANIFEST} is malformed") from None
        entries[entry.file] = entry
    return entries


class Mirror:
    def __init__(self, location: str):
        self.location = location.rstrip("/") if "://" in location else location
        self.is_url = location.startswith(("http://", "https://"))
        self._entries: dict[str, Entry] | None = None

    def __str__(self) -> str:
        return f"mirror {self.location}"

    def entries(self) -> dict[str, Entry]:
        if self._entries is None:
            self._entries = parse_manifest(self._read_manifest())
        return self._entries

    def _read_manifest(self) -> str:
        if self.is_url:
            try:
                response = requests.get(f"{self.location}/{MANIFEST}", timeout=timeout_setting())
            except requests.RequestException as error:
                raise MirrorError(f"its {MANIFEST} cannot be read ({type(error).__name__})") from None
            if response.status_code != 200:
                raise MirrorError(f"its {MANIFEST} answered HTTP {response.status_code}")
            return response.content.decode("utf-8", errors="replace")
        path = Path(self.location).expanduser() / MANIFEST
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            raise MirrorError(f"{path} does not exist or cannot be read") from None

    def entry(self, name: str) -> Entry | None:
        return self.entries().get(name)

    def fetch(self, name: str, dest: Path, progress: Progress | None) -> None:
        """Copy or download the mirror's copy of `name` into `dest` (not yet verified)."""
        if self.is_url:
            download(f"{self.location}/{name}", dest, progress=progress)
            return
        source = Path(self.location).expanduser() / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(source, "rb") as reader, open(dest, "wb") as writer:
                while chunk := reader.read(COPY_CHUNK):
                    writer.write(chunk)
                    if progress:
                        progress.update(len(chunk))
        except OSError as error:
            raise MirrorError(f"{source} cannot be copied ({error.strerror or error})") from None


_URL_MIRRORS: dict[str, Mirror] = {}


def configured() -> Mirror | None:
    """The mirror TFEXAM_DATA_MIRROR names; a URL mirror's manifest is read once per process."""
    location = os.environ.get(ENV_MIRROR, "").strip()
    if not location:
        return None
    if location.startswith(("http://", "https://")):
        return _URL_MIRRORS.setdefault(location, Mirror(location))
    return Mirror(location)

