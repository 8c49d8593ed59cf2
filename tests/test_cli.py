"""The exam runtime end to end through the real command line (no TensorFlow needed for most of it)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from clirun import REPO_ROOT, env, exam, exam_json, run, stderr_lines


@pytest.fixture()
def workspace(tmp_path):
    code, payload = exam_json("start", "--workspace", str(tmp_path), "--categories", "1", "--no-fetch")
    assert code == 0, payload
    return tmp_path


def test_start_lays_out_starters_and_persists_the_clock(workspace):
    starter = workspace / "Category1" / "starter.py"
    assert starter.read_text().startswith('"""\nCategory 1 (Basic model)')
    saved = json.loads((workspace / ".tfexam" / "session.json").read_text())
    assert saved["deadline"] - saved["started_at"] == pytest.approx(300 * 60)
    code, status = exam_json("status", "--workspace", str(workspace))
    assert code == 0
    assert status["state"] == "running"
    # a later process computes the same deadline: time left = deadline - now, whatever restarts happen
    assert status["time_left_s"] == pytest.approx(saved["deadline"] - time.time(), abs=5)


def test_a_second_start_is_refused_and_restart_archives(workspace):
    done = exam("start", "--workspace", str(workspace), "--no-fetch")
    assert done.returncode == 2
    assert stderr_lines(done) == [stderr_lines(done)[0]] and "already running" in done.stderr
    first = json.loads((workspace / ".tfexam" / "session.json").read_text())["id"]
    (workspace / "Category1" / "starter.py").write_text("# my work\n")
    code, payload = exam_json("start", "--workspace", str(workspace), "--restart", "--categories", "1", "--no-fetch")
    assert code == 0
    archived = list((workspace / ".tfexam" / "archive").iterdir())
    assert len(archived) == 1 and archived[0].name.startswith(first)
    assert json.loads((archived[0] / "session.json").read_text())["id"] == first
    assert (workspace / "Category1" / "starter.py").read_text() == "# my work\n", "a learner's file is never overwritten"
    assert payload["notes"] == ["kept your existing Category1/starter.py"]


def test_submit_without_a_session_is_one_line_exit_2(tmp_path):
    done = exam("submit", "1", "--workspace", str(tmp_path))
    assert done.returncode == 2
    assert stderr_lines(done) == [f"tfexam: no exam session in {tmp_path}; run Start exam (or `tfexam start`) first, "
                                  "or pass --workspace DIR"]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("argv", [["submit"], ["submit", "9"], ["start", "--minutes", "soon"], ["nonsense"]])
def test_usage_errors_are_one_line_exit_2(argv):
    done = exam(*argv)
    assert done.returncode == 2
    assert len(stderr_lines(done)) == 1 and stderr_lines(done)[0].startswith("tfexam: ")


def test_missing_model_is_refused_in_one_line_and_recorded(workspace):
    done = exam("submit", "1", "--workspace", str(workspace))
    assert done.returncode == 1
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1 and "mymodel.h5 does not exist" in lines[0] and "time left" in lines[0]
    assert "run Category 1 - 1. Train (or `tfexam train 1`)" in lines[0], "the button and the command"
    records = [json.loads(line) for line in (workspace / ".tfexam" / "ledger.jsonl").read_text().splitlines()]
    assert [(r["status"], r["score"], r["category"]) for r in records] == [("refused", 0, 1)]


def test_non_model_file_is_refused_in_one_line(workspace):
    (workspace / "Category1" / "mymodel.h5").write_text("this is not a model\n")
    done = exam("submit", "1", "--workspace", str(workspace))
    assert done.returncode == 1
    assert len(done.stdout.strip().splitlines()) == 1 and "not a Keras model file" in done.stdout


def test_tfexam_cli_never_imports_tensorflow(workspace):
    probe = (
        "import sys\nfrom exam.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('TF' if 'tensorflow' in sys.modules else 'no TF')\n"
    )
    for argv in (["status"], ["submit", "1"], ["end", "--yes"]):
        done = run("-c", probe, *argv, "--workspace", str(workspace))
        assert done.stdout.strip().splitlines()[-1] == "no TF", (argv, done.stdout, done.stderr)


def test_end_closes_the_session_and_reports(workspace):
    code, payload = exam_json("end", "--workspace", str(workspace), "--yes")
    assert code == 0
    assert payload["report"]["passed"] is False and payload["report"]["percent"] == 0.0
    assert payload["session"]["ended_at"] is not None
    done = exam("end", "--workspace", str(workspace))
    assert done.returncode == 0 and "already ended" in done.stdout


def test_output_piped_into_a_reader_that_leaves_early_is_not_an_error(workspace):
    """`tfexam status | head -3`: the reader closes the pipe before tfexam writes; tfexam says nothing about it."""
    for argv in (["questions"], ["status", "--workspace", str(workspace)]):
        child = subprocess.Popen([sys.executable, "-m", "exam", *argv], cwd=REPO_ROOT, env=env(),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        child.stdout.close()  # the reader is gone before anything was written
        stderr = child.stderr.read().decode()
        assert child.wait(timeout=60) == 0, stderr
        assert "internal error" not in stderr and "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
