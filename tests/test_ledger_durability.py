"""The ledger survives SIGKILL at any moment and concurrent submits: real processes, really killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clirun import REPO_ROOT, env, exam, exam_json

from tfexam import files
from exam import ledger, session

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


@pytest.fixture(scope="module")
def good_model(tmp_path_factory) -> Path:
    import hostile_models

    return hostile_models.good(tmp_path_factory.mktemp("model"))


@pytest.fixture()
def workspace(tmp_path, good_model) -> Path:
    code, payload = exam_json("start", "--workspace", str(tmp_path), "--categories", "1", "--question", "c1_line", "--no-fetch")
    assert code == 0, payload
    (tmp_path / "Category1" / "mymodel.h5").write_bytes(good_model.read_bytes())
    return tmp_path


def start_submit(workspace: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "exam", "submit", "1", "--workspace", str(workspace), "--json", *extra],
                            cwd=REPO_ROOT, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def strict_lines(workspace: Path) -> list[dict]:
    """Every line of the ledger parsed; only a last line torn by a kill may fail, and only if it has no newline."""
    text = ledger.ledger_file(workspace).read_text(encoding="utf-8")
    lines = text.split("\n")
    records = [json.loads(line) for line in lines[:-1]]
    if lines[-1]:  # torn tail: the next append seals it
        with pytest.raises(ValueError):
            json.loads(lines[-1])
    return records


def graders_running_for(workspace: Path) -> list[int]:
    """Live grading processes whose command line names this workspace (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"graders" in cmdline and str(workspace).encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def test_two_submits_at_once_both_land(workspace):
    first, second = start_submit(workspace), start_submit(workspace)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), [err[-500:] for _, err in outputs]
    payloads = [json.loads(out) for out, _ in outputs]
    records = strict_lines(workspace)
    assert sorted(r["seq"] for r in records) == [1, 2]
    assert sorted(p["record"]["seq"] for p in payloads) == [1, 2]
    assert all(r["status"] == "graded" and r["score"] == 5 for r in records)
    copies = {r["model_copy"] for r in records}
    assert len(copies) == 2, "each submit keeps its own copy"
    assert all((workspace / c).is_file() and files.sha256_file(workspace / c) == r["model_sha256"] for c, r in zip(copies, records))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="looks for orphaned grading processes in /proc")
def test_killing_submit_at_any_moment_keeps_every_earlier_record_and_the_session(workspace):
    for _ in range(2):  # earlier records to protect: refusals cost no TensorFlow import
        assert exam("submit", "1", "--workspace", str(workspace), "--model", str(workspace / "nothing.h5")).returncode == 1
    session_bytes = session.session_file(workspace).read_bytes()
    # from Python start-up, through the copy and the grading child's TensorFlow import, to the append itself
    for delay in (0.05, 0.2, 0.4, 0.8, 1.5, 2.5, 3.5, 4.5):
        before_bytes = ledger.ledger_file(workspace).read_bytes()
        before = strict_lines(workspace)
        process = start_submit(workspace)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        after = strict_lines(workspace)
        assert ledger.ledger_file(workspace).read_bytes().startswith(before_bytes), f"killed at {delay} s: earlier bytes changed"
        assert after[: len(before)] == before and len(after) - len(before) in (0, 1), f"killed at {delay} s"
        assert session.session_file(workspace).read_bytes() == session_bytes
        assert session.load(workspace).id == json.loads(session_bytes)["id"]
        deadline = time.monotonic() + 10
        while graders_running_for(workspace) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert graders_running_for(workspace) == [], f"killed at {delay} s: the grading child outlived the exam command"
    survivors = strict_lines(workspace)
    code, payload = exam_json("submit", "1", "--workspace", str(workspace))
    assert code == 0 and payload["record"]["seq"] == len(ledger.read(workspace))
    assert strict_lines(workspace)[:-1] == survivors and strict_lines(workspace)[-1]["score"] == 5


APPENDER = """
import sys
from pathlib import Path
from exam import ledger
workspace, start = Path(sys.argv[1]), int(sys.argv[2])
for n in range(start, start + 100000):
    ledger.append(workspace, {"n": n, "padding": "x" * 5000})
"""


def ledger_bytes(workspace) -> bytes:
    path = ledger.ledger_file(workspace)
    return path.read_bytes() if path.exists() else b""


def test_a_writer_killed_mid_append_never_damages_earlier_records(tmp_path):
    """A real process appending large records as fast as it can, killed at arbitrary moments, ten times."""
    written = 0
    for round_number, delay in enumerate((0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75)):
        before_bytes = ledger.ledger_file(tmp_path).read_bytes() if ledger.ledger_file(tmp_path).exists() else b""
        process = subprocess.Popen([sys.executable, "-c", APPENDER, str(tmp_path), str(written)], env=env(), cwd=REPO_ROOT)
        started = time.monotonic() + 60  # on a loaded machine the interpreter may need more than `delay` to start
        while len(ledger_bytes(tmp_path)) <= len(before_bytes) and time.monotonic() < started:
            time.sleep(0.01)
        time.sleep(delay - 0.3)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert ledger.ledger_file(tmp_path).read_bytes().startswith(before_bytes), f"round {round_number}"
        records = ledger.read(tmp_path)
        assert [r["n"] for r in records] == list(range(len(records))), "records are complete, in order, none lost"
        assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
        written = len(records)
    assert written > 10, "the appender never got going; raise the delays"


def test_a_torn_last_line_is_skipped_then_sealed_by_the_next_append(tmp_path):
    ledger.append(tmp_path, {"n": 0})
    with open(ledger.ledger_file(tmp_path), "ab") as handle:  # what a kill in the middle of write() leaves
        handle.write(b'{"n": 1, "padding": "xx')
    assert [r["n"] for r in ledger.read(tmp_path)] == [0]
    record = ledger.append(tmp_path, {"n": 2})
    assert record["seq"] == 2
    assert [r["n"] for r in ledger.read(tmp_path)] == [0, 2]
    lines = ledger.ledger_file(tmp_path).read_text().splitlines()
    assert len(lines) == 3 and json.loads(lines[2])["n"] == 2


def test_kept_copies_never_overwrite_each_other(tmp_path, good_model):
    copies = [ledger.keep_copy(tmp_path, good_model, "same-label") for _ in range(3)]
    assert len({c.parent for c in copies}) == 3 and all(c.name == good_model.name for c in copies)
    assert all(c.read_bytes() == good_model.read_bytes() for c in copies)


WRITER = """
import sys
from pathlib import Path
from exam import ledger
workspace, name = Path(sys.argv[1]), sys.argv[2]
for n in range(150):
    ledger.append(workspace, {"writer": name, "n": n})
"""


def test_concurrent_writers_never_lose_or_renumber_a_record(tmp_path):
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), name], env=env(), cwd=REPO_ROOT)
               for name in ("a", "b", "c")]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0]
    records = strict_lines(tmp_path)
    assert [r["seq"] for r in records] == list(range(1, 451)), "the lock serialises numbering and appends"
    for name in ("a", "b", "c"):
        assert [r["n"] for r in records if r["writer"] == name] == list(range(150))


def test_a_page_gets_the_umasks_mode_and_a_state_file_stays_private(tmp_path):
    """report.html and the class pages are meant to be opened or served by others; the workspace's state is not."""
    from tfexam import files

    previous = os.umask(0o022)
    try:
        files.write_text(tmp_path / "report.html", "<p>page</p>", readable_by_others=True)
        files.write_json(tmp_path / "session.json", {"a": 1})
    finally:
        os.umask(previous)
    assert (tmp_path / "report.html").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "session.json").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "<p>page</p>"
