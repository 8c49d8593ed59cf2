"""`python -m exam fetch` as a user runs it: table or JSON, exit codes, one-line errors, offline behaviour."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEADER = "file\tsize_bytes\tsha256\tcanonical_url\tnotes"


def run_fetch(*args, env_changes: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("TFEXAM_DATA_MIRROR", "NO_PROXY", "no_proxy") and not k.startswith("PYTEST")}
    env.update(env_changes)
    return subprocess.run([sys.executable, "-m", "exam", "fetch", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def synthetic_sunspots_mirror(folder: Path) -> Path:
    """A mirror holding a made-up Sunspots.csv with the real file's shape (3235 monthly rows)."""
    rows = [",Date,Monthly Mean Total Sunspot Number"]
    rows += [f"{i},{1749 + i // 12}-{i % 12 + 1:02d}-28,{(i * 7) % 200}.5" for i in range(3235)]
    body = ("\n".join(rows) + "\n").encode()
    folder.mkdir()
    (folder / "Sunspots.csv").write_bytes(body)
    line = f"Sunspots.csv\t{len(body)}\t{hashlib.sha256(body).hexdigest()}\thttps://example.invalid\tsynthetic"
    (folder / "MANIFEST.tsv").write_text(f"{HEADER}\n{line}\n")
    return folder


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_fetch_from_a_mirror_prints_a_table_then_serves_from_cache(tmp_path):
    env = {"TFEXAM_DATA_DIR": str(tmp_path / "cache"),
           "TFEXAM_DATA_MIRROR": str(synthetic_sunspots_mirror(tmp_path / "mirror"))}
    first = run_fetch("sunspots", env_changes=env)
    assert first.returncode == 0, first.stderr
    header, row = first.stdout.splitlines()[:2]
    assert header.split() == ["name", "size", "source", "verified"]
    assert row.split()[:4] == ["Sunspots.csv", "66.7", "kB", "mirror"]
    assert "sha256 + structure (mirror manifest)" in row
    second = run_fetch("sunspots", "--json", env_changes=env)
    assert second.returncode == 0
    (only,) = json.loads(second.stdout)["rows"]
    assert (only["name"], only["source"], only["ok"]) == ("Sunspots.csv", "cache", True)


def test_offline_without_mirror_is_one_line_and_exit_2(tmp_path):
    proxy = f"http://127.0.0.1:{closed_port()}"
    env = {"TFEXAM_DATA_DIR": str(tmp_path / "cache"), "HTTPS_PROXY": proxy, "HTTP_PROXY": proxy,
           "https_proxy": proxy, "http_proxy": proxy}
    result = run_fetch("mnist/t10k-labels-idx1-ubyte.gz", env_changes=env)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "mnist/t10k-labels-idx1-ubyte.gz" in line
    assert "https://storage.googleapis.com/cvdf-datasets/mnist/t10k-labels-idx1-ubyte.gz" in line
    assert "set TFEXAM_DATA_MIRROR" in line
    assert not (tmp_path / "cache" / "mnist" / "t10k-labels-idx1-ubyte.gz").exists()


def test_unknown_name_and_missing_names_are_usage_errors(tmp_path):
    env = {"TFEXAM_DATA_DIR": str(tmp_path / "cache")}
    for args, expected in ((("nope",), "unknown dataset 'nope'"), ((), "or use --all"),
                           (("sarcasm", "--all"), "not both")):
        result = run_fetch(*args, env_changes=env)
        assert result.returncode == 2, args
        assert expected in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
