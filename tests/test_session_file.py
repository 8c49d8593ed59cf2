"""A damaged or edited session file is one line with a way out; it is never silently replaced by a fresh clock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clirun import REPO_ROOT, env, exam, exam_json, stderr_lines

from tfexam.errors import ExamError
from exam import session


@pytest.fixture()
def workspace(tmp_path) -> Path:
    code, payload = exam_json("start", "--workspace", str(tmp_path), "--categories", "1", "--question", "c1_line",
                              "--no-fetch")
    assert code == 0, payload
    return tmp_path


def saved(workspace: Path) -> dict:
    return json.loads(session.session_file(workspace).read_text())


def rewrite(workspace: Path, **changes) -> None:
    data = saved(workspace) | changes
    session.session_file(workspace).write_text(json.dumps(data))


def damage_message(workspace: Path) -> str:
    with pytest.raises(ExamError) as caught:
        session.load(workspace)
    return str(caught.value)


def test_every_save_leaves_an_identical_copy_and_a_checksum(workspace):
    assert session.backup_file(workspace).read_bytes() == session.session_file(workspace).read_bytes()
    data = saved(workspace)
    assert data["checksum"] == session.checksum(data) and data["version"] == session.FORMAT_VERSION
    loaded = session.load(workspace)
    assert loaded.deadline == data["deadline"] and loaded.questions == {"1": "c1_line"}
    assert isinstance(data["seed"], int) and loaded.seed == data["seed"]


EDITS = {
    "a longer exam": lambda w: rewrite(w, minutes=3000),
    "a later deadline, checksum recomputed": lambda w: rewrite(w, deadline=saved(w)["deadline"] + 3600,
                                                               checksum=session.checksum(saved(w) | {"deadline": saved(w)["deadline"] + 3600})),
    "a start in the future, consistently": lambda w: rewrite(w, **_shifted(saved(w), 86400)),
    "cut in half": lambda w: session.session_file(w).write_bytes(session.session_file(w).read_bytes()[:80]),
    "binary garbage": lambda w: session.session_file(w).write_bytes(os.urandom(200)),
    "a JSON list": lambda w: session.session_file(w).write_text("[1, 2, 3]"),
    "no deadline": lambda w: session.session_file(w).write_text(json.dumps({k: v for k, v in saved(w).items() if k != "deadline"})),
    "a text deadline": lambda w: rewrite(w, deadline="tomorrow"),
    "a path as id": lambda w: rewrite(w, id="../../elsewhere"),
    "a newer format": lambda w: rewrite(w, version=99),
}


def _shifted(data: dict, seconds: float) -> dict:
    moved = data | {"started_at": data["started_at"] + seconds, "deadline": data["deadline"] + seconds}
    return moved | {"checksum": session.checksum(moved)}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_a_damaged_or_edited_file_is_refused_and_left_as_it_is(workspace, edit):
    EDITS[edit](workspace)
    damaged = session.session_file(workspace).read_bytes()
    message = damage_message(workspace)
    assert message.startswith(f"the session file {session.session_file(workspace)} is damaged (")
    assert "\n" not in message and "nothing was changed" in message
    assert f"is {session.backup_file(workspace)}: copy it over session.json" in message
    assert "tfexam start --restart" in message
    assert session.session_file(workspace).read_bytes() == damaged


def test_the_reason_is_specific(workspace):
    rewrite(workspace, minutes=3000)
    assert "checksum does not match" in damage_message(workspace)
    data = saved(workspace) | {"minutes": 3000}
    rewrite(workspace, minutes=3000, checksum=session.checksum(data))
    assert "the deadline is not the start plus the exam length" in damage_message(workspace)


def test_the_offered_copy_restores_the_exam(workspace):
    original = session.load(workspace)
    rewrite(workspace, minutes=3000)
    session.backup_file(workspace).replace(session.session_file(workspace))  # what the message tells the learner
    restored = session.load(workspace)
    assert (restored.id, restored.deadline) == (original.id, original.deadline)


def _unchecked(data: dict, **changes) -> dict:
    return {k: v for k, v in data.items() if k != "checksum"} | changes


def _later_by_a_day(data: dict) -> dict:
    return {"deadline": data["deadline"] + 86400, "minutes": data["minutes"] + 1440}


CHECKSUM_EDITS = {  # edit -> words of the reason
    "checksum deleted, version 1, deadline a day later": (
        lambda w: session.session_file(w).write_text(json.dumps(_unchecked(saved(w), version=1, **_later_by_a_day(saved(w))))),
        "carries no checksum"),
    "checksum deleted, version kept": (
        lambda w: session.session_file(w).write_text(json.dumps(_unchecked(saved(w)))), "carries no checksum"),
    "checksum deleted, no version": (
        lambda w: session.session_file(w).write_text(json.dumps(_unchecked(saved(w), version=None))), "carries no checksum"),
    "version changed to 1": (lambda w: rewrite(w, version=1), "unknown format version 1"),
    "version changed to a text": (lambda w: rewrite(w, version="2"), "unknown format version '2'"),
    "checksum moved from another session": (
        lambda w: rewrite(w, **_later_by_a_day(saved(w)), checksum=saved(w)["checksum"]), "checksum does not match"),
}


def saved_session(folder: Path, minutes: float = 300) -> Path:
    """A session file as `start` writes it (session.save), without the cost of a command line."""
    session.save(folder, session.new({1: "c1_line"}, minutes=minutes))
    return folder


@pytest.mark.parametrize("edit", list(CHECKSUM_EDITS), ids=list(CHECKSUM_EDITS))
def test_a_file_without_its_valid_checksum_is_damaged_whatever_its_version_says(tmp_path, edit):
    workspace = saved_session(tmp_path)
    change, words = CHECKSUM_EDITS[edit]
    change(workspace)
    message = damage_message(workspace)
    assert words in message and "is damaged" in message and "tfexam start --restart" in message, message


def test_a_checksum_copied_from_another_workspace_does_not_vouch_for_this_one(tmp_path):
    workspace, other = saved_session(tmp_path / "mine"), saved_session(tmp_path / "other", minutes=600)
    rewrite(workspace, minutes=600, deadline=saved(workspace)["started_at"] + 36000, checksum=saved(other)["checksum"])
    assert "checksum does not match" in damage_message(workspace)


def test_status_on_a_version_1_file_refuses_with_the_way_out(workspace):
    """Version 1 files (no checksum) are refused as damaged: the copy tfexam saved, or a restart."""
    session.session_file(workspace).write_text(json.dumps(_unchecked(saved(workspace), version=1)))
    done = exam("status", "--workspace", str(workspace))
    assert done.returncode == 2 and len(stderr_lines(done)) == 1, done.stderr
    assert "carries no checksum" in done.stderr and "copy it over session.json" in done.stderr


def test_a_deleted_session_file_next_to_exam_records_is_not_a_fresh_start(workspace):
    exam("submit", "1", "--workspace", str(workspace))  # a refusal: one record in the ledger
    session.session_file(workspace).unlink()
    done = exam("start", "--workspace", str(workspace), "--no-fetch")
    assert done.returncode == 2
    assert stderr_lines(done) == [stderr_lines(done)[0]] and "session file" in done.stderr and "is missing" in done.stderr
    assert not session.session_file(workspace).exists(), "no fresh clock"


def test_commands_on_a_damaged_file_are_one_line_exit_2_and_restart_archives_it(workspace):
    rewrite(workspace, minutes=3000)
    damaged = session.session_file(workspace).read_bytes()
    for argv in (["status"], ["submit", "1"], ["end"], ["start", "--no-fetch"]):
        done = exam(*argv, "--workspace", str(workspace))
        assert done.returncode == 2, argv
        lines = stderr_lines(done)
        assert len(lines) == 1 and lines[0].startswith("tfexam: the session file") and "Traceback" not in done.stderr, argv
        assert session.session_file(workspace).read_bytes() == damaged, f"{argv} changed the damaged file"
    code, payload = exam_json("start", "--workspace", str(workspace), "--restart", "--categories", "1", "--no-fetch")
    assert code == 0, payload
    archived = Path(payload["archived"])
    assert (archived / "session.json").read_bytes() == damaged and (archived / "session.json.bak").exists()


def test_an_id_from_the_file_cannot_steer_the_archive_elsewhere(workspace):
    rewrite(workspace, id="../../../escaped")
    archived = session.archive(workspace)
    assert archived.parent == session.state_dir(workspace) / "archive"
    assert not (workspace.parent / "escaped").exists() and not list(workspace.parent.glob("escaped*"))


SAVER = """
import sys, time
from pathlib import Path
from exam import session
workspace = Path(sys.argv[1])
current = session.load(workspace)
while True:
    current.ended_at = None if current.ended_at else time.time()
    session.save(workspace, current)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_save_killed_at_any_moment_leaves_a_readable_session(workspace):
    first = session.load(workspace)
    for delay in (0.15, 0.2, 0.25, 0.3, 0.35, 0.4):
        process = subprocess.Popen([sys.executable, "-c", SAVER, str(workspace)], env=env(), cwd=REPO_ROOT)
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        for path in (session.session_file(workspace), session.backup_file(workspace)):
            assert session.parse(path.read_bytes()).id == first.id, f"{path.name} after a kill at {delay} s"
        assert session.load(workspace).deadline == first.deadline
