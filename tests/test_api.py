"""exam.api: one keyword function per verb; the command line reaches every option of every verb through it."""

from __future__ import annotations

import inspect

import pytest

from exam import api, cli

COMMON = {"workspace", "json", "command", "verb"}  # every subcommand's own options, and what argparse adds


def subparsers():
    parser = cli.build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


@pytest.mark.parametrize("name", cli.COMMANDS)
def test_each_verb_is_a_keyword_function_that_takes_every_option_its_command_declares(name):
    verb = getattr(api, name)
    parameters = inspect.signature(verb).parameters
    assert all(p.kind is p.KEYWORD_ONLY for p in parameters.values()), f"api.{name} takes keywords only"
    dests = {a.dest for a in subparsers()[name]._actions if a.dest != "help"}
    limits = {d for d in dests if d.startswith("limit_")}
    assert not limits or "limits" in parameters, f"api.{name} drops the limit options"
    dropped = dests - limits - COMMON - set(parameters)
    assert not dropped, f"`tfexam {name}` options that api.{name} would never see: {sorted(dropped)}"
    assert set(parameters) - dests - COMMON - {"limits"} <= {"quiet"}, "an API keyword no option sets"


def test_the_cli_calls_the_api_with_the_parsed_options(tmp_path, monkeypatch):
    seen = {}

    def fake_submit(*, category, workspace=None, model=None, limits=None):
        seen.update(category=category, workspace=workspace, model=model, limits=limits)
        return api.Reply(code=1)

    monkeypatch.setattr(api, "submit", fake_submit)
    assert cli.main(["submit", "2", "--workspace", str(tmp_path), "--model", "m.h5", "--timeout", "9"]) == 1
    assert (seen["category"], seen["model"], seen["limits"].seconds) == (2, "m.h5", 9)


def test_the_demo_runs_its_steps_through_the_api_functions():
    source = inspect.getsource(api.demo)
    assert "Namespace" not in source and "perform" not in source
    assert all(f"{step}(" in source for step in ("start", "solve", "submit", "end"))


def test_every_grader_has_the_one_interface(tmp_path):
    from tfexam.limits import Limits
    from exam import grading

    graders = [grading.ColdGrader(Limits()), grading.PoolGrader(Limits(), 1),
               grading.WarmClient(tmp_path, Limits(), fallback=grading.ColdGrader(Limits()))]
    assert all(isinstance(g, grading.Grader) for g in graders)
    assert not isinstance(object(), grading.Grader)


def test_a_sitting_through_the_api_returns_typed_values(tmp_path):
    """start, submit (a file that is not there: refused before any grading process), status, end: no parser, no
    subprocess of ours; the submit's reply carries the Result and the recorded Attempt themselves."""
    from tfexam.result import Result
    from exam.attempt import Attempt

    assert api.start(workspace=str(tmp_path), categories=[1], question=["c1_line"], no_fetch=True).code == 0
    reply = api.submit(category=1, workspace=str(tmp_path))
    result, record = reply.result, reply.record
    assert reply.code == 1 and isinstance(result, Result) and isinstance(record, Attempt)
    assert result.status == "refused" and record.seq == 1 and record.result is result
    assert "does not exist" in reply.text and result.failed_check.name == "file"
    status = api.status(workspace=str(tmp_path))
    assert status.code == 0 and status.report.categories[0].attempts == 1
    ended = api.end(workspace=str(tmp_path), yes=True)
    assert ended.code == 0 and ended.ended is True and ended.report.passed is False
