"""Check names are one enum (tfexam/checks.py): every name the code can produce is a member, and each member states
whether a warm worker may take another file after it (the reuse rule of exam/grading/policy.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tfexam.checks import CheckName
from tfexam.result import ERROR, NO_USAGE, REFUSED, Check, Result, Usage

ROOT = Path(__file__).resolve().parent.parent
# The decision for every member, written out: a new check fails here until someone states it.
REUSE_AFTER = {
    CheckName.FILE: True, CheckName.FILE_SIZE: True, CheckName.FORMAT: True, CheckName.LAYERS: True,
    CheckName.INPUT_SHAPE: True, CheckName.INPUT_DTYPE: True, CheckName.OUTPUT_SHAPE: True,
    CheckName.OUTPUT_VALUES: True,
    CheckName.LOAD: False, CheckName.INPUT: False, CheckName.OUTPUT: False, CheckName.BACKBONE: False,
    CheckName.GRADER: False, CheckName.TIMEOUT: False, CheckName.MEMORY: False, CheckName.CRASH: False,
}
CLASSES = {"Refused", "Check"}  # what takes a check name first
CONSTRUCTORS = {"refused", "error", "stopped_by"}  # Result's, called on Result or cls


def named_checks() -> list[tuple[str, ast.expr]]:
    """(where, first argument) of every call that names a check, in the three packages."""
    found = []
    for path in sorted(p for package in ("tfexam", "exam", "graders") for p in (ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            function = node.func
            named = getattr(function, "id", None) in CLASSES or (
                isinstance(function, ast.Attribute) and function.attr in CONSTRUCTORS
                and getattr(function.value, "id", None) in ("Result", "cls"))
            if named:
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}:{ast.unparse(function)}", node.args[0]))
    return found


def test_every_member_states_its_reuse_decision():
    assert set(REUSE_AFTER) == set(CheckName)
    assert {name for name in CheckName if name.clean} == {name for name, clean in REUSE_AFTER.items() if clean}
    assert not any(name.clean for name in CheckName if name.stops)


def test_every_check_the_code_names_is_a_member():
    found = named_checks()
    assert len(found) > 50  # the scan sees the graders' and tfexam's refusals
    literals = [(where, arg.value) for where, arg in found if isinstance(arg, ast.Constant)]
    unknown = [(where, value) for where, value in literals if value not in set(CheckName)]
    assert not unknown, unknown
    members = [(where, arg.attr) for where, arg in found
               if isinstance(arg, ast.Attribute) and getattr(arg.value, "id", None) == "CheckName"]
    assert not [(where, attr) for where, attr in members if attr not in CheckName.__members__]
    refusals = [where for where, _ in literals if where.endswith(":Refused") or where.startswith("tfexam/")]
    assert not refusals, "every refusal names its check by the enum"


def test_a_name_that_is_not_a_check_is_refused_where_it_is_made_or_read():
    with pytest.raises(ValueError):
        Check("fille", False, "typo")
    with pytest.raises(ValueError):
        Result.from_json({"question": "c1_line", "category": 1, "status": "refused",
                          "checks": [{"name": "fille", "passed": False, "message": "m"}]})


class Q:
    id, category = "c1_line", 1


def test_the_constructors_keep_their_status_and_the_stop_rule_lives_in_one_place():
    refused = Result.refused(Q, CheckName.FILE, "no file")
    assert refused.status == REFUSED and refused.reason == "no file" and refused.leaves_worker_clean
    error = Result.error(Q, CheckName.GRADER, "bug")
    assert error.status == ERROR and not error.leaves_worker_clean and error.finish(NO_USAGE).stopped is None
    stopped = Result.stopped_by(Q, CheckName.TIMEOUT, "slow", Usage(1.0, 2.0))
    assert (stopped.status, stopped.stopped, stopped.usage.seconds) == (ERROR, "timeout", 1.0)
    with pytest.raises(ValueError):
        Result.stopped_by(Q, CheckName.LOAD, "not a limit", NO_USAGE)
    # the child's own out-of-memory error is a stop too, decided by the same rule
    assert Result.error(Q, CheckName.MEMORY, "big").finish(NO_USAGE).stopped == "memory"
    # a refusal whose failed checks are not all clean retires the worker
    mixed = Result(question="c1_line", category=1, status=REFUSED,
                   checks=[Check(CheckName.INPUT_SHAPE, False, "a"), Check(CheckName.LOAD, False, "b")])
    assert not mixed.leaves_worker_clean and mixed.reason == "a"


def test_the_json_of_a_result_is_plain_text_names():
    import json

    data = json.loads(json.dumps(Result.refused(Q, CheckName.FILE_SIZE, "big").finish(Usage(1.5, 9.0)).to_json()))
    assert data["checks"] == [{"name": "file_size", "passed": False, "message": "big"}]
    assert data["usage"] == {"seconds": 1.5, "peak_mb": 9.0}  # no worker key unless the warm server graded it
    assert Result.from_json(data).checks[0].name is CheckName.FILE_SIZE
    assert Result.from_json(data | {"usage": {"seconds": 1, "peak_mb": 2, "worker": "warm"}}).usage.worker == "warm"
    with pytest.raises(ValueError):
        Result.from_json(data | {"usage": {"seconds": "slow", "peak_mb": 2}})
