"""Every verb of exam.api returns its own typed reply, and `--json` prints exactly that reply's encoding, with the
keys (in their order) that the command line has always printed."""

from __future__ import annotations

import dataclasses
import functools
import io
import os
import json
import types
import typing
from pathlib import Path

import pytest

from exam import api, cli, doctor
from exam.output import Reply

# The --json contract, verb by verb: scripts and tests read these keys. A reply class must keep them, in this order.
JSON_KEYS = {
    "start": ["workspace", "session", "archived", "notes", "datasets_fetched"],
    "status": ["workspace", "state", "time_left_s", "session", "keras", "report", "questions", "ledger_skipped"],
    "questions": ["questions"],
    "check": ["script", "keras", "findings"],
    "train": ["script", "keras", "exit_code", "findings", "run", "advice", "crash"],
    "submit": ["record", "result"],
    "end": ["workspace", "ended", "session", "report", "ledger_skipped", "report_html"],
    "report": ["workspace", "session", "report", "ledger_skipped", "report_html"],
    "solve": ["question", "model", "train_seconds", "reference_shown"],
    "demo": ["workspace", "steps"],
    "fetch": ["rows", "cache"],
    "doctor": ["verdict", "checks", "seconds", "workspace"],
    "grade": ["out", "candidates", "files", "graded", "failed", "no_submission", "not_on_roster", "flags",
              "class_csv", "files_csv", "flags_csv", "html", "graded_now",
              "reused", "ignored", "notes", "workers_started", "seconds"],
    "autograder": ["zip", "question", "files", "datasets"],
}
# Fields whose content is open by nature (what each doctor check measured): a bare mapping is right there.
OPEN_FIELDS = {(doctor.Verdict, "details")}
BARE = {dict, list, tuple, set, frozenset, typing.Any, object}


def lazy_names() -> dict:
    """Types a verb module imports only for type checkers (to keep the command line's start-up light)."""
    from tfexam.data.store import Row

    return {"Row": Row}


def reply_classes(verb) -> list[type]:
    returned = typing.get_type_hints(verb, localns=lazy_names())["return"]
    return list(typing.get_args(returned)) if isinstance(returned, types.UnionType) else [returned]


def json_fields(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if f.name not in ("code", "text")]


@pytest.mark.parametrize("name", cli.COMMANDS)
def test_each_verb_returns_a_frozen_reply_class_of_its_own_with_the_json_keys_of_the_command(name):
    classes = reply_classes(getattr(api, name))
    assert all(issubclass(c, Reply) and c is not Reply for c in classes), f"api.{name} returns {classes}"
    assert all(c.__dataclass_params__.frozen for c in classes)
    main = classes[0]  # status --live (ClockShown) prints no JSON: it refuses --json
    assert json_fields(main) == JSON_KEYS[name], f"api.{name}'s reply {main.__name__} changes the --json keys"


def untyped_fields(cls: type, seen: set) -> list[str]:
    """Fields (of cls, and of the dataclasses inside it that have no encoding of their own) with no precise type."""
    if cls in seen:
        return []
    seen.add(cls)
    found = []
    for name, hint in typing.get_type_hints(cls, localns=lazy_names()).items():
        for part in parts(hint):
            if part in BARE and (cls, name) not in OPEN_FIELDS:
                found.append(f"{cls.__name__}.{name}: {hint}")
            elif dataclasses.is_dataclass(part) and not hasattr(part, "to_json"):
                found += untyped_fields(part, seen)
    return found


def parts(hint) -> list:
    """A type and every type inside it (Union members, container arguments); a parameterised container counts as its
    arguments only, so `dict[str, int]` is typed and a bare `dict` is not."""
    arguments = typing.get_args(hint)
    if not arguments:
        return [hint]
    return [piece for argument in arguments if argument is not Ellipsis for piece in parts(argument)]


def test_every_field_of_every_reply_is_typed():
    seen: set = set()
    loose = [line for name in cli.COMMANDS for cls in reply_classes(getattr(api, name))
             for line in untyped_fields(cls, seen)]
    assert not loose, f"fields typed only as a bare container or Any: {loose}"


def test_the_encoder_leaves_out_an_absent_key_and_writes_typed_values_as_their_json():
    from exam.verbs.train import Trained

    ran = Trained(code=1, text="t", script="s", keras=3, exit_code=0, findings=("a",), run=None)
    assert ran.to_json() == {"script": "s", "keras": 3, "exit_code": 0, "findings": ["a"], "run": None}
    crashed = dataclasses.replace(ran, crash=("line",))
    assert crashed.to_json()["crash"] == ["line"] and "code" not in crashed.to_json()
    demo = api.DemoRun(workspace="w", steps={"train": ran})
    assert demo.to_json() == {"workspace": "w", "steps": {"train": ran.to_json()}}


@pytest.fixture
def replies(monkeypatch) -> list:
    """Every reply the command line gets from exam.api, in order (the API functions themselves still run)."""
    seen = []

    def recording(verb):
        @functools.wraps(verb)
        def call(**keywords):
            seen.append(verb(**keywords))
            return seen[-1]
        return call

    for name in cli.COMMANDS:
        monkeypatch.setattr(api, name, recording(getattr(api, name)))
    return seen


def command_json(capfd, replies, name: str, *argv: str) -> tuple[dict, Reply]:
    code = cli.main([name, *argv, "--json"])
    out = capfd.readouterr().out.splitlines()
    assert len(out) == 1, f"--json must print one line, got {out}"
    printed, reply = json.loads(out[0]), replies[-1]
    assert code == reply.code and printed == json.loads(json.dumps(reply.to_json()))
    present = [key for key in JSON_KEYS[name] if key in printed]
    assert list(printed) == present, f"{name}: the keys changed ({list(printed)})"
    return printed, reply


def test_each_command_prints_its_reply_encoded(tmp_path, capfd, replies, monkeypatch):
    """A sitting through the command line, in a folder whose name has a space: each verb that needs no TensorFlow
    (submit refuses a file that is not a model before any grader starts)."""
    monkeypatch.setenv("TFEXAM_DATA_DIR", str(tmp_path / "cache"))
    workspace = str(tmp_path / "my exam")
    printed, started = command_json(capfd, replies, "start", "--workspace", workspace, "--categories", "1",
                                    "--question", "c1_line", "--no-fetch")
    assert printed["session"]["id"] == started.session.id and printed["notes"] == list(started.notes)
    status = command_json(capfd, replies, "status", "--workspace", workspace)[1]
    assert status.report.categories[0].question == "c1_line" and status.questions == {"1": status.questions["1"]}
    assert command_json(capfd, replies, "questions")[1].questions[0].category == 1
    assert command_json(capfd, replies, "check", "1", "--workspace", workspace)[1].keras == 3

    starter = Path(workspace) / "Category1" / "starter.py"
    starter.write_text("raise SystemExit(7)\n")
    printed, crashed = command_json(capfd, replies, "train", "1", "--workspace", workspace)
    assert crashed.code == crashed.exit_code == 7 and printed["crash"] == list(crashed.crash)
    starter.write_text("open('mymodel.h5', 'w').write('not a model')\n")
    printed, trained = command_json(capfd, replies, "train", "1", "--workspace", workspace)
    assert trained.code == 0 and trained.crash is None and "crash" not in printed
    printed, submitted = command_json(capfd, replies, "submit", "1", "--workspace", workspace)
    assert submitted.code == 1 and submitted.result.status == "refused" and printed["record"]["seq"] == 1

    assert command_json(capfd, replies, "report", "--workspace", workspace)[1].report.categories[0].attempts == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    printed, kept = command_json(capfd, replies, "end", "--workspace", workspace)
    assert kept.ended is False and kept.report is None and list(printed) == ["workspace", "ended", "session"]
    ended = command_json(capfd, replies, "end", "--workspace", workspace, "--yes")[1]
    assert ended.ended and Path(ended.report_html).is_file() and ended.report.passed is False

    built = command_json(capfd, replies, "autograder", "--question", "c1_line", "--out", str(tmp_path / "a g.zip"))[1]
    assert Path(built.zip).is_file() and built.datasets == ()
    if os.environ.get("TFEXAM_DATA_MIRROR"):  # the mirror serves the fetch (conftest.has_mirror's rule)
        fetched = command_json(capfd, replies, "fetch", "daily-min-temperatures")[1]
        assert fetched.code == 0 and fetched.rows[0].ok and fetched.rows[0].name == "daily-min-temperatures.csv"
