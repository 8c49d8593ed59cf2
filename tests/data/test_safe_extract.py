"""Safe extraction: hostile archives are refused whole and leave nothing behind, in a folder or in the cache."""

from __future__ import annotations

import hashlib
import io
import stat
import zipfile

import pytest

from tfexam.data import store
from tfexam.data.checks import ImageFolders
from tfexam.data.extract import UnsafeArchive, safe_extract
from tfexam.data.registry import DataFile

PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)


def zip_bytes(members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in members:
            archive.writestr(name, body)
    return buffer.getvalue()


def symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


GOOD = [("cats/a.png", PNG), ("cats/b.png", PNG), ("dogs/c.png", PNG)]
HOSTILE = {
    "absolute path": [("/tmp/evil.png", PNG)],
    "dot-dot": [("cats/../../evil.png", PNG)],
    "backslash dot-dot": [("cats\\..\\..\\evil.png", PNG)],
    "drive letter": [("C:/evil.png", PNG)],
    "symbolic link": [("cats/a.png", PNG), symlink("cats/link.png", "/etc/passwd")],
}


def test_good_archive_extracts_with_its_fingerprint(tmp_path):
    archive = tmp_path / "good.zip"
    archive.write_bytes(zip_bytes(GOOD))
    result = safe_extract(archive, tmp_path / "out", limit=10_000)
    assert result == {"files": 3, "bytes": 3 * len(PNG)}
    assert (tmp_path / "out" / "dogs" / "c.png").read_bytes() == PNG


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_archive_is_refused_before_anything_is_written(tmp_path, kind):
    archive = tmp_path / "bad.zip"
    archive.write_bytes(zip_bytes(HOSTILE[kind]))
    with pytest.raises(UnsafeArchive):
        safe_extract(archive, tmp_path / "out", limit=10_000)
    assert not (tmp_path / "out").exists()
    assert not (tmp_path.parent / "evil.png").exists()


def test_archive_over_the_size_limit_is_refused(tmp_path):
    archive = tmp_path / "big.zip"
    archive.write_bytes(zip_bytes([("a/big.png", bytes(5000))]))  # compresses to almost nothing
    with pytest.raises(UnsafeArchive, match="over the limit of 4000"):
        safe_extract(archive, tmp_path / "out", limit=4000)
    assert not (tmp_path / "out").exists()


def test_not_a_zip_is_refused(tmp_path):
    archive = tmp_path / "fake.zip"
    archive.write_bytes(b"this is not a zip")
    with pytest.raises(UnsafeArchive, match="not a readable zip"):
        safe_extract(archive, tmp_path / "out", limit=4000)


def archive_file(loopback, members, counts=(("cats", 2), ("dogs", 1))) -> DataFile:
    body = zip_bytes(members)
    (loopback.root / "pets.zip").write_bytes(body)
    return DataFile(name="pets.zip", urls=(f"{loopback.url}/pets.zip",), size=len(body),
                    sha256=hashlib.sha256(body).hexdigest(), kind="zip",
                    check=ImageFolders(root="", counts=counts), unpack_limit=10_000)


def cache_files(cache) -> list[str]:
    """Everything in the cache but the per-file locks (empty files, kept for the next fetch)."""
    found = cache.rglob("*") if cache.exists() else []
    return sorted(str(p.relative_to(cache)) for p in found if ".locks" not in p.relative_to(cache).parts)


def test_verified_archive_is_installed_with_its_extraction(loopback, fresh_cache):
    file = archive_file(loopback, GOOD)
    path = store.ensure_file(file, progress=False)
    assert path == fresh_cache / "pets"
    assert sorted(p.name for p in path.iterdir()) == ["cats", "dogs"]
    assert (fresh_cache / "pets.zip").is_file()


def test_refused_archive_leaves_nothing_in_the_cache(loopback, fresh_cache):
    file = archive_file(loopback, HOSTILE["dot-dot"] + GOOD)
    with pytest.raises(store.DatasetMissing, match="archive refused: member 'cats/../../evil.png'"):
        store.ensure_file(file, progress=False)
    assert cache_files(fresh_cache) == []


def test_archive_with_the_wrong_class_folders_leaves_nothing_in_the_cache(loopback, fresh_cache):
    file = archive_file(loopback, GOOD, counts=(("cats", 2), ("dogs", 5)))
    with pytest.raises(store.DatasetMissing, match="1 images in dogs/, expected 5"):
        store.ensure_file(file, progress=False)
    assert cache_files(fresh_cache) == []


def test_lost_file_in_an_extraction_is_detected_by_fetch(loopback, fresh_cache):
    file = archive_file(loopback, GOOD)
    folder = store.ensure_file(file, progress=False)
    (folder / "cats" / "a.png").unlink()
    (row,) = store.fetch_files([file], progress=False)
    assert "failed verification" in row["message"]
    assert (folder / "cats" / "a.png").read_bytes() == PNG
