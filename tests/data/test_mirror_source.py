"""The mirror (a folder or an http base URL with MANIFEST.tsv) is tried first and verified against its manifest."""

from __future__ import annotations

import hashlib

import pytest

from tfexam.data import store
from tfexam.data.checks import CsvTable
from tfexam.data.mirror import MirrorError, parse_manifest
from tfexam.data.registry import DataFile

HEADER = "file\tsize_bytes\tsha256\tcanonical_url\tsource_repo_commit_path\tlicense\tnotes"
NAME = "sub/table.csv"
CANONICAL = b"a,b\n1,2\n3,4\n"
REPACKED = b"a,b\r\n1,2\r\n3,4\r\n"  # same records, other bytes: a re-packed mirror copy


def manifest_line(name: str, body: bytes, sha256: str | None = None) -> str:
    digest = sha256 or hashlib.sha256(body).hexdigest()
    return f"{name}\t{len(body)}\t{digest}\thttps://example.invalid/{name}\tsomewhere\tMIT\tre-packed for the test"


def make_mirror(folder, lines: list[str], files: dict[str, bytes]):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "MANIFEST.tsv").write_text("\n".join([HEADER, *lines]) + "\n")
    for name, body in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(body)
    return folder


def table_file(loopback) -> DataFile:
    (loopback.root / "table.csv").write_bytes(CANONICAL)
    return DataFile(name=NAME, urls=(f"{loopback.url}/table.csv",), size=len(CANONICAL),
                    sha256=hashlib.sha256(CANONICAL).hexdigest(), kind="csv",
                    check=CsvTable(rows=2, columns=("a", "b")))


def test_mirror_folder_is_used_first_and_verified_against_its_manifest(loopback, fresh_cache, tmp_path, monkeypatch):
    file = table_file(loopback)
    mirror = make_mirror(tmp_path / "mirror", [manifest_line(NAME, REPACKED)], {NAME: REPACKED})
    monkeypatch.setenv("TFEXAM_DATA_MIRROR", str(mirror))
    row = store.acquire(file)
    assert (row.source, row.verified) == ("mirror", "sha256 + structure (mirror manifest)")
    assert (fresh_cache / NAME).read_bytes() == REPACKED
    assert loopback.requests == []


def test_mirror_url_is_used_first(loopback, fresh_cache, monkeypatch):
    file = table_file(loopback)
    make_mirror(loopback.root / "mirror", [manifest_line(NAME, REPACKED)], {NAME: REPACKED})
    monkeypatch.setenv("TFEXAM_DATA_MIRROR", f"{loopback.url}/mirror/")
    row = store.acquire(file)
    assert row.source == "mirror"
    assert (fresh_cache / NAME).read_bytes() == REPACKED
    assert loopback.paths_requested() == ["mirror/MANIFEST.tsv", f"mirror/{NAME}"]


def test_corrupt_mirror_copy_falls_back_to_the_canonical_url(loopback, fresh_cache, tmp_path, monkeypatch):
    file = table_file(loopback)
    mirror = make_mirror(tmp_path / "mirror", [manifest_line(NAME, REPACKED)], {NAME: REPACKED.upper()})
    monkeypatch.setenv("TFEXAM_DATA_MIRROR", str(mirror))
    row = store.acquire(file)
    assert row.source == f"{loopback.url}/table.csv"
    assert (fresh_cache / NAME).read_bytes() == CANONICAL


def test_file_missing_from_the_mirror_comes_from_the_canonical_url(loopback, fresh_cache, tmp_path, monkeypatch):
    file = table_file(loopback)
    monkeypatch.setenv("TFEXAM_DATA_MIRROR", str(make_mirror(tmp_path / "mirror", [], {})))
    assert store.acquire(file).source.startswith(loopback.url)


def test_mirror_without_manifest_is_named_when_everything_fails(fresh_cache, tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("TFEXAM_DATA_MIRROR", str(tmp_path / "empty"))
    file = DataFile(name="x.csv", urls=("http://tfexam-test.invalid/x.csv",), size=1, sha256=None, kind="csv",
                    check=CsvTable(rows=1, columns=("a",)))
    with pytest.raises(store.DatasetMissing) as caught:
        store.acquire(file)
    message = str(caught.value)
    assert "MANIFEST.tsv does not exist" in message and "x.csv" in message
    assert "Add the file and its MANIFEST.tsv line to the mirror" in message


def test_manifest_parsing():
    entries = parse_manifest("\n".join([HEADER, manifest_line("a/b.gz", b"xyz")]))
    assert entries["a/b.gz"].size == 3
    assert entries["a/b.gz"].sha256 == hashlib.sha256(b"xyz").hexdigest()
    with pytest.raises(MirrorError, match="lacks the column"):
        parse_manifest("file\tsize\n")
    with pytest.raises(MirrorError, match="line 2"):
        parse_manifest(f"{HEADER}\nname\tnot-a-number\tabc\n")
