"""Downloads against a real HTTP server on 127.0.0.1: success, bad hash, 404, dropped connection, stall, resume."""

from __future__ import annotations

import hashlib
import os
import threading
import time

import pytest

from tfexam.data import cache, store
from tfexam.data.checks import CsvTable
from tfexam.data.download import DownloadError, download
from tfexam.data.registry import DataFile

ROWS = 20000  # about 230 kB: several read chunks, so a cut-off body leaves a partial file


def sample_csv() -> bytes:
    lines = ["step,value"] + [f"{i},{i * 0.5}" for i in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


def serve(loopback, name="sample.csv", body=None) -> bytes:
    body = sample_csv() if body is None else body
    (loopback.root / name).write_bytes(body)
    return body


def data_file(urls, body: bytes, sha256: str | None = "auto", name="sample.csv") -> DataFile:
    digest = hashlib.sha256(body).hexdigest() if sha256 == "auto" else sha256
    return DataFile(name=name, urls=tuple(urls), size=len(body), sha256=digest, kind="csv",
                    check=CsvTable(rows=ROWS, columns=("step", "value")))


def files_in(folder) -> list[str]:
    """The cache's content, without the per-file lock files (empty, kept for the next fetch)."""
    found = folder.rglob("*") if folder.exists() else []
    return sorted(str(p.relative_to(folder)) for p in found if p.is_file() and p.parent.name != ".locks")


def test_download_verifies_and_installs(loopback, fresh_cache):
    body = serve(loopback)
    file = data_file([f"{loopback.url}/sample.csv"], body)
    row = store.acquire(file)
    assert row.source == f"{loopback.url}/sample.csv"
    assert row.verified == "sha256 + structure"
    assert (fresh_cache / "sample.csv").read_bytes() == body
    assert files_in(fresh_cache) == [".stamps/sample.csv.json", "sample.csv"]


def test_two_fetches_of_one_file_at_once_download_it_once(loopback, fresh_cache):
    """Parallel grading workers (or two trainings) asking for the same missing file: one downloads, the other waits
    for it instead of writing the same partial file at the same time."""
    body = serve(loopback)
    loopback.hold.add("sample.csv")
    file = data_file([f"{loopback.url}/sample.csv"], body)
    rows = {}
    first = threading.Thread(target=lambda: rows.setdefault("first", store.acquire(file)))
    first.start()
    while not loopback.requests:
        time.sleep(0.01)
    second = threading.Thread(target=lambda: rows.setdefault("second", store.ensure_file(file, progress=False)))
    second.start()
    time.sleep(0.5)  # time enough for a second request, were there no lock
    assert len(loopback.requests) == 1 and second.is_alive()
    loopback.released.set()
    first.join(30)
    second.join(30)
    assert rows["first"].source == f"{loopback.url}/sample.csv"
    assert rows["second"] == fresh_cache / "sample.csv" and rows["second"].read_bytes() == body
    assert len(loopback.requests) == 1
    assert files_in(fresh_cache) == [".stamps/sample.csv.json", "sample.csv"]


def test_second_fetch_is_served_from_cache_without_a_request(loopback, fresh_cache):
    body = serve(loopback)
    file = data_file([f"{loopback.url}/sample.csv"], body)
    store.fetch_files([file], progress=False)
    asked = len(loopback.requests)
    (row,) = store.fetch_files([file], progress=False)
    assert row["source"] == "cache" and row["ok"]
    assert store.ensure_file(file, progress=False) == fresh_cache / "sample.csv"
    assert len(loopback.requests) == asked


def test_checksum_mismatch_leaves_nothing_in_the_cache(loopback, fresh_cache):
    body = serve(loopback)
    file = data_file([f"{loopback.url}/sample.csv"], body, sha256="0" * 64)
    with pytest.raises(store.DatasetMissing) as caught:
        store.acquire(file)
    assert "does not match the expected" in str(caught.value)
    assert files_in(fresh_cache) == []


def test_structure_check_guards_a_file_without_known_hash(loopback, fresh_cache):
    body = serve(loopback, body=b"step,value\n1,2\n")
    file = data_file([f"{loopback.url}/sample.csv"], sample_csv(), sha256=None)
    with pytest.raises(store.DatasetMissing) as caught:
        store.acquire(file)
    assert f"1 data rows, expected {ROWS}" in str(caught.value)
    assert files_in(fresh_cache) == []
    assert body  # served, fetched, refused


def test_unknown_hash_is_reported_as_structure_only(loopback, fresh_cache):
    body = serve(loopback)
    row = store.acquire(data_file([f"{loopback.url}/sample.csv"], body, sha256=None))
    assert row.verified == "structure only (no known sha256)"


def test_404_is_not_retried_and_names_the_url(loopback, fresh_cache):
    url = f"{loopback.url}/absent.csv"
    with pytest.raises(store.DatasetMissing) as caught:
        store.acquire(data_file([url], sample_csv()))
    message = str(caught.value)
    assert url in message and "HTTP 404" in message and "TFEXAM_DATA_MIRROR" in message
    assert "\n" not in message
    assert loopback.paths_requested() == ["absent.csv"]
    assert caught.value.exit_code == 2
    assert files_in(fresh_cache) == []


def test_second_url_is_tried_after_the_first_fails(loopback, fresh_cache):
    body = serve(loopback)
    file = data_file([f"{loopback.url}/gone.csv", f"{loopback.url}/sample.csv"], body)
    assert store.acquire(file).source.endswith("/sample.csv")


def test_dropped_connection_is_resumed_with_a_range_request(loopback, fresh_cache):
    body = serve(loopback)
    loopback.drop_first["sample.csv"] = 1
    store.acquire(data_file([f"{loopback.url}/sample.csv"], body))
    assert (fresh_cache / "sample.csv").read_bytes() == body
    (_, first_range), (_, second_range) = loopback.requests
    assert first_range is None
    resumed_at = int(second_range.removeprefix("bytes=").rstrip("-"))
    assert 0 < resumed_at <= len(body) // 2


def test_server_ignoring_range_still_gives_the_right_file(loopback, fresh_cache):
    body = serve(loopback)
    loopback.drop_first["sample.csv"] = 1
    loopback.ignore_range.add("sample.csv")
    store.acquire(data_file([f"{loopback.url}/sample.csv"], body))
    assert (fresh_cache / "sample.csv").read_bytes() == body


def test_partial_file_from_an_earlier_run_is_resumed(loopback, fresh_cache):
    body = serve(loopback)
    url = f"{loopback.url}/sample.csv"
    file = data_file([url], body)
    part = cache.partial_path(file)
    part.parent.mkdir(parents=True)
    part.write_bytes(body[:1000])
    part.with_suffix(".origin").write_text(url)
    store.acquire(file)
    assert loopback.requests == [("sample.csv", "bytes=1000-")]
    assert (fresh_cache / "sample.csv").read_bytes() == body


def test_partial_file_from_another_source_is_not_resumed(loopback, fresh_cache):
    body = serve(loopback)
    file = data_file([f"{loopback.url}/sample.csv"], body)
    part = cache.partial_path(file)
    part.parent.mkdir(parents=True)
    part.write_bytes(b"garbage from elsewhere")
    part.with_suffix(".origin").write_text("http://elsewhere.invalid/sample.csv")
    store.acquire(file)
    assert loopback.requests == [("sample.csv", None)]


def test_stalled_server_times_out_with_a_clear_message(loopback, tmp_path):
    serve(loopback)
    loopback.stall.add("sample.csv")
    began = time.monotonic()
    with pytest.raises(DownloadError) as caught:
        download(f"{loopback.url}/sample.csv", tmp_path / "out.part", timeout=0.5, attempts=2, backoff=0)
    assert "no data for 0.5 s (the server stalled)" in str(caught.value)
    assert "gave up after 2 tries" in str(caught.value)
    assert time.monotonic() - began < 10


def test_offline_without_mirror_is_one_line_with_the_url_and_the_mirror_hint(fresh_cache):
    url = "http://tfexam-test.invalid/sample.csv"
    with pytest.raises(store.DatasetMissing) as caught:
        store.ensure_file(data_file([url], sample_csv()), progress=False)
    message = str(caught.value)
    assert "sample.csv" in message and url in message
    assert "set TFEXAM_DATA_MIRROR to a folder or http(s) URL" in message
    assert "\n" not in message


def test_corrupt_cache_is_detected_and_fetched_again(loopback, fresh_cache):
    body = serve(loopback)
    file = data_file([f"{loopback.url}/sample.csv"], body)
    store.acquire(file)
    cached = fresh_cache / "sample.csv"
    info = cached.stat()
    cached.write_bytes(body.replace(b"1,0.5", b"1,9.5"))  # same size
    os.utime(cached, ns=(info.st_atime_ns, info.st_mtime_ns))  # and same mtime: only a re-hash can tell
    assert store.ensure_file(file, progress=False) == cached  # the fast path trusts size + mtime
    (row,) = store.fetch_files([file], progress=False)
    assert row["ok"] and row["source"] != "cache"
    assert "failed verification" in row["message"]
    assert cached.read_bytes() == body


def test_ensure_refetches_a_file_changed_behind_its_back(loopback, fresh_cache):
    body = serve(loopback)
    file = data_file([f"{loopback.url}/sample.csv"], body)
    store.acquire(file)
    (fresh_cache / "sample.csv").write_bytes(b"truncated")
    store.ensure_file(file, progress=False)
    assert (fresh_cache / "sample.csv").read_bytes() == body


def test_progress_line_shows_size_and_speed(loopback, fresh_cache, capsys):
    body = serve(loopback)
    store.ensure_file(data_file([f"{loopback.url}/sample.csv"], body))
    line = capsys.readouterr().err.strip()
    assert line.startswith("sample.csv <- 127.0.0.1")
    assert "100%" in line and "/s" in line and line.endswith("verified")
