"""A ledger line of the wrong shape is skipped with one warning; status, report and end still show the rest.

The records are real: a real refused submit writes the first one; the others are that record changed one field at a
time, and junk is appended to the real file. The commands run as a learner runs them (tests/clirun.py).
"""

from __future__ import annotations

import json
import re

import pytest
from clirun import exam, exam_json, start_practice, stderr_lines

from exam import ledger

HUGE = b'{"session": "' + b"x" * (ledger.MAX_LINE_BYTES + 10) + b'"}\n'


def bad_lines(good: dict) -> dict[str, bytes]:
    """Each kind of damage, as the bytes of one ledger line."""
    changed = {
        "non-numeric score": {"score": "five"}, "score out of range": {"score": 7}, "negative score": {"score": -1},
        "score true": {"score": True}, "float score": {"score": 4.5}, "category 9": {"category": 9},
        "category as text": {"category": "1"}, "unknown status": {"status": "passed"}, "late as text": {"late": "no"},
        "time not a time": {"submitted_at": "yesterday"}, "checks a string": {"checks": "ok"},
        "a check not an object": {"checks": ["ok"]}, "artifacts numbers": {"artifacts": [1]},
        "metric a list": {"metric": [1]}, "thresholds text": {"metric": {"thresholds": ["a"]}},
        "session a number": {"session": 5},
    }
    lines = {name: json.dumps(good | change).encode() + b"\n" for name, change in changed.items()}
    lines |= {f"missing {field}": json.dumps({k: v for k, v in good.items() if k != field}).encode() + b"\n"
              for field in ("session", "category", "score", "status", "late", "submitted_at")}
    lines |= {"a JSON array": b"[1, 2, 3]\n", "a JSON string": b'"graded"\n', "a number": b"42\n",
              "binary junk": bytes(b for b in range(256) if b != 10) + b"\n", "not UTF-8": b'{"score": "\xff\xfe"}\n', "huge": HUGE,
              "reference shown without category": json.dumps({"event": "reference_shown", "session": good["session"]}).encode() + b"\n"}
    return lines


@pytest.fixture(scope="module")
def damaged(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("ws")
    start_practice(workspace, "c1_line")
    code, refused = exam_json("submit", "1", "--workspace", str(workspace))  # no mymodel.h5 yet: a real refusal
    assert code == 1 and refused["record"]["status"] == "refused"
    good = refused["record"]
    graded = good | {"seq": 2, "status": "graded", "score": 4, "metric": {"name": "mae", "value": 0.3, "thresholds": [4, 2, 1, 0.5, 0.25],
                                                                          "higher_is_better": False}, "checks": []}
    assert ledger.problem(graded) is None
    bad = bad_lines(good)
    path = ledger.ledger_file(workspace)
    with open(path, "ab") as handle:
        handle.write(json.dumps(graded).encode() + b"\n")
        for line in bad.values():
            handle.write(line)
        handle.write(json.dumps(good)[:40].encode())  # a last line cut short by a kill
    return {"workspace": workspace, "bad": len(bad) + 1, "before": path.read_bytes()}


@pytest.mark.parametrize("damage", list(bad_lines({"session": "s", "category": 1, "score": 0, "status": "refused", "late": False,
                                                    "submitted_at": "2026-01-01T00:00:00+00:00"})))
def test_each_wrong_shape_is_named_by_the_one_validator(damage):
    good = {"session": "s", "category": 1, "score": 0, "status": "refused", "late": False, "submitted_at": "2026-01-01T00:00:00+00:00"}
    assert ledger.problem(good) is None
    line = bad_lines(good)[damage]
    try:
        record = json.loads(line)
    except ValueError:
        return  # junk that does not parse is skipped before any field is read
    assert ledger.problem(record) is not None, damage


@pytest.mark.parametrize("argv", [["status"], ["report"], ["end", "--yes"]], ids=["status", "report", "end"])
def test_status_report_and_end_skip_bad_lines_with_one_warning_and_show_the_rest(damaged, argv):
    workspace = damaged["workspace"]
    done = exam(*argv, "--workspace", str(workspace))
    assert done.returncode == 0, done.stderr
    lines = stderr_lines(done)
    assert len(lines) == 1 and lines[0].startswith(f"tfexam: warning: skipped {damaged['bad']} line(s) of "), lines
    assert "the file is left as it is" in lines[0]
    assert re.search(r"c1_line +4/5 +1 +2$", done.stdout, re.MULTILINE), done.stdout  # best 4/5 of the 2 good attempts
    code, payload = exam_json(*argv, "--workspace", str(workspace))
    assert code == 0 and payload["ledger_skipped"] == damaged["bad"]
    assert payload["report"]["categories"][0]["best"] == 4 and payload["report"]["categories"][0]["attempts"] == 2
    assert ledger.ledger_file(workspace).read_bytes() == damaged["before"], "the ledger was rewritten"


def test_the_live_clock_warns_once_and_keeps_showing_scores(damaged, capsys):
    import io

    from exam import clock

    polls = []

    def sleep(_seconds):
        polls.append(1)
        if len(polls) == 3:
            raise KeyboardInterrupt  # Ctrl-C after three refreshes

    out = io.StringIO()
    code, last = clock.run(damaged["workspace"], out, live_terminal=False, line_every=0, sleep=sleep)
    assert code == 0 and "C1 4/5" in out.getvalue() + last, (last, out.getvalue())
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning: skipped" in line]
    assert len(warnings) == 1, warnings


def test_a_ledger_that_cannot_be_read_is_one_line_not_a_traceback(tmp_path):
    start_practice(tmp_path, "c1_line")
    ledger.ledger_file(tmp_path).mkdir()  # a folder where the file should be
    done = exam("status", "--workspace", str(tmp_path))
    assert done.returncode == 2 and len(stderr_lines(done)) == 1 and "the ledger" in done.stderr, done.stderr
    assert "cannot be read" in done.stderr and "Traceback" not in done.stderr


def test_a_record_round_trips_and_the_current_version_is_read_strictly(damaged):
    """The record submit wrote (version 3) parses back into the same Attempt; a field it does not know, a field it
    needs missing, or a version this tfexam does not know makes the line damaged. Lines without a version (written
    before it) are read by that version's rules."""
    from exam import attempt

    written = json.loads(ledger.ledger_file(damaged["workspace"]).read_bytes().splitlines()[0])
    assert written["version"] == attempt.VERSION and written["checks"][0]["name"] == "file"
    record = attempt.parse(written)
    assert record.to_line() == written and record.result.failed_check.name == "file"
    assert record.result.reason.startswith(str(damaged["workspace"]))  # the missing mymodel.h5, named
    for change in ({"colour": "red"}, {"version": 4}, {"version": True}, {"metric": {"value": 1.0}}, {"run": "3"},
                   {"version": 2, "run": 3}):
        assert ledger.problem(written | change) is not None, change
    assert attempt.parse(written | {"run": 3}).run == 3  # the training run that saved the file (version 3)
    version_2 = attempt.parse(written | {"version": 2})  # what the tfexam before training runs wrote
    assert version_2.run is None and version_2.version == 2 and version_2.result == record.result
    for field in ("checks", "session"):
        assert ledger.problem({k: v for k, v in written.items() if k != field}) is not None, field
    previous = {k: v for k, v in written.items() if k not in ("version", "checks", "metric")}
    assert ledger.problem(previous) is None and attempt.parse(previous).version == 1


def test_a_ledger_written_by_the_previous_version_is_read_whole(tmp_path):
    """tests/ledger_v1/: a sitting recorded by the tfexam before versioned records (solve 1, a 5/5 submit, a
    refused one), copied as it was written. Every line is read, as the records it was."""
    import shutil
    from pathlib import Path

    from exam.attempt import Attempt, ReferenceShown

    (tmp_path / ".tfexam").mkdir()
    for name in ("session.json", "ledger.jsonl"):
        shutil.copy(Path(__file__).parent / "ledger_v1" / name, tmp_path / ".tfexam" / name)
    reading = ledger.entries(tmp_path)
    assert reading.skipped == 0 and [type(r) for r in reading.records] == [ReferenceShown, Attempt, Attempt]
    shown, graded, refused = reading.records
    assert (graded.score, graded.version, graded.result.metric.name, graded.result.usage.peak_mb > 0) == (5, 1, "mae", True)
    assert refused.status == "refused" and refused.result.failed_check.name == "file" and "nope.h5" in refused.result.reason
    code, payload = exam_json("status", "--workspace", str(tmp_path))
    line = payload["report"]["categories"][0]
    assert code == 0 and (line["best"], line["attempts"], line["reference_shown"], line["flagged_attempts"]) == (5, 2, True, 2)
