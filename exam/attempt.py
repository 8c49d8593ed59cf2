"""The ledger's records as types: an Attempt (one Submit and Test) built once from the grading's Result, and the
ReferenceShown event `solve N` writes during a sitting.

A line is written by `to_line()` with `version` 3 and read back by `parse()`, strictly: every field known, each of
its type. Version 3 adds `run`, the training run (exam/runs.py) that saved the submitted file; version-2 lines are
read by the same checks without it. Lines without a version were written before version 2 (learners still have them)
and are read by the checks that version had (the same fields, fewer of them required). Whatever parse() refuses is skipped and counted
by exam.ledger.entries(), never fatal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from tfexam.questions import CATEGORIES, MAX_SCORE
from tfexam.result import STATUSES, Advice, Check, Interval, MetricResult, Rescoring, Result, Usage

T = TypeVar("T")

VERSION = 3
READ_VERSIONS = (2, VERSION)
REFERENCE_SHOWN = "reference_shown"


class Damaged(ValueError):
    """What is wrong with one ledger line's shape."""


@dataclass(frozen=True)
class Attempt:
    session: str
    category: int
    submitted_at: str
    late: bool
    result: Result  # score, status, checks, metric, diagnostics, artifacts, stopped, usage
    question: str | None = None
    submitted_path: str | None = None
    time_left_s: float | None = None
    user: str | None = None
    host: str | None = None
    model_sha256: str | None = None
    model_copy: str | None = None
    seq: int | None = None
    run: int | None = None  # the training run that saved the submitted file, when one did
    version: int = VERSION

    @property
    def score(self) -> int:
        return self.result.score

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def at(self) -> float:
        return datetime.fromisoformat(self.submitted_at).timestamp()

    @property
    def counts(self) -> bool:
        """Towards the category's best score: graded, and on time."""
        return self.result.graded and not self.late

    def to_line(self) -> dict:
        """The ledger line: who/when around the Result's fields (the grading's own `elapsed` as `elapsed_s`)."""
        data = self.result.to_json()
        line = {name: getattr(self, name) for name in SUBMISSION_FIELDS}
        line |= {name: data[name] for name in RESULT_FIELDS}
        line["elapsed_s"] = data["elapsed"]
        optional = ("seq", "model_sha256", "model_copy", "run", "rescoring")
        return {k: v for k, v in line.items() if not (k in optional and v is None)}

    to_json = to_line  # in a Reply's JSON, the record as the ledger holds it


@dataclass(frozen=True)
class ReferenceShown:
    session: str
    category: int
    shown_at: str
    question: str | None = None
    time_left_s: float | None = None
    user: str | None = None
    host: str | None = None
    seq: int | None = None
    event: str = field(default=REFERENCE_SHOWN)

    @property
    def at(self) -> float:
        return datetime.fromisoformat(self.shown_at).timestamp()


SUBMISSION_FIELDS = ("version", "seq", "session", "category", "question", "submitted_at", "submitted_path", "late",
                     "time_left_s", "user", "host", "model_sha256", "model_copy", "run")
# advice (and the metric's interval) are absent from lines written before them; rescoring is absent when the grading
# did not re-score
RESULT_FIELDS = ("status", "score", "max_score", "metric", "checks", "artifacts", "diagnostics", "stopped", "usage",
                 "advice", "rescoring")


def parse(line) -> Attempt | ReferenceShown | None:
    """One ledger line as its record; None for an event no reader uses; Damaged when its shape is wrong."""
    if not isinstance(line, dict):
        raise Damaged("not a JSON object")
    if not isinstance(line.get("session"), str):
        raise Damaged("no session id")
    event = line.get("event")
    if event is not None:
        if not isinstance(event, str):
            raise Damaged("event is not a name")
        if event != REFERENCE_SHOWN:
            return None  # other events are ignored by every reader
        if not (_category(line.get("category")) and aware_time(line.get("shown_at"))):
            raise Damaged("a reference_shown line without its category or time")
        return ReferenceShown(session=line["session"], category=line["category"], shown_at=line["shown_at"],
                              question=_optional(line, "question", str), time_left_s=_optional(line, "time_left_s", float),
                              user=_optional(line, "user", str), host=_optional(line, "host", str),
                              seq=_optional(line, "seq", int))
    version = line.get("version")
    if version is None:
        return _attempt(line, strict=False)
    if isinstance(version, bool) or version not in READ_VERSIONS:
        raise Damaged(f"version {version!r} is not one this tfexam reads")
    known = set(SUBMISSION_FIELDS) | set(RESULT_FIELDS) | {"elapsed_s"}
    unknown = set(line) - (known - {"run"} if version == 2 else known)
    if unknown:
        raise Damaged(f"unknown fields {sorted(unknown)}")
    return _attempt(line, strict=True)


def _attempt(line: dict, strict: bool) -> Attempt:
    if not _category(line.get("category")):
        raise Damaged("category is not 1-5")
    score = line.get("score")
    if not (whole_number(score) and 0 <= score <= MAX_SCORE):
        raise Damaged(f"score is not a whole number from 0 to {MAX_SCORE}")
    if line.get("status") not in STATUSES:
        raise Damaged("status is not one of " + ", ".join(STATUSES))
    if not isinstance(line.get("late"), bool):
        raise Damaged("late is not true or false")
    if not aware_time(line.get("submitted_at")):
        raise Damaged("submitted_at is not a time")
    if strict and not isinstance(line.get("checks"), list):
        raise Damaged("checks is not a list")
    result = Result(question=_optional(line, "question", str) or "", category=line["category"], status=line["status"],
                    score=score, max_score=_optional(line, "max_score", int) or MAX_SCORE,
                    checks=_checks(line.get("checks")), metric=_metric(line.get("metric"), strict),
                    diagnostics=_optional(line, "diagnostics", dict) or {}, artifacts=_artifacts(line.get("artifacts")),
                    elapsed=_optional(line, "elapsed_s", float) or 0.0, stopped=_optional(line, "stopped", str),
                    usage=_typed(line.get("usage"), Usage, "usage is not seconds and peak_mb"),
                    advice=_advice(line.get("advice")), rescoring=_typed(line.get("rescoring"), Rescoring))
    return Attempt(session=line["session"], category=line["category"], submitted_at=line["submitted_at"],
                   late=line["late"], result=result, question=result.question or None,
                   submitted_path=_optional(line, "submitted_path", str),
                   time_left_s=_optional(line, "time_left_s", float), user=_optional(line, "user", str),
                   host=_optional(line, "host", str), model_sha256=_optional(line, "model_sha256", str),
                   model_copy=_optional(line, "model_copy", str), seq=_optional(line, "seq", int),
                   run=_optional(line, "run", int), version=line["version"] if strict else 1)


def _checks(value) -> list[Check]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Damaged("checks is not a list")
    if not all(isinstance(check, dict) for check in value):
        raise Damaged("a check is not an object")
    checks = []
    for check in value:
        if not (isinstance(check.get("passed"), bool) and isinstance(check.get("message"), str)):
            raise Damaged("a check's result or message is missing or of the wrong type")
        try:
            checks.append(Check(check.get("name"), check["passed"], check["message"]))
        except ValueError:
            raise Damaged(f"a check's name {str(check.get('name'))[:40]!r} is not a check") from None
    return checks


def _metric(value, strict: bool) -> MetricResult | None:
    if value is None or (value == {} and not strict):
        return None
    if not isinstance(value, dict):
        raise Damaged("metric is not a dict")
    if strict and set(value) - {"interval"} != {"name", "value", "higher_is_better", "thresholds"}:
        raise Damaged("metric lacks its name, value, direction or thresholds")
    metric = MetricResult(name=value.get("name", ""), value=value.get("value"),
                          higher_is_better=value.get("higher_is_better", True), thresholds=value.get("thresholds") or [],
                          interval=_typed(value.get("interval"), Interval,
                                          "the metric's interval is not low, high, level and resamples"))
    if not (_number(metric.value, missing_ok=True) and isinstance(metric.thresholds, list)
            and all(map(_number, metric.thresholds)) and isinstance(metric.name, str)
            and isinstance(metric.higher_is_better, bool)):
        raise Damaged("metric has a value, thresholds, name or direction of the wrong type")
    return metric


def _typed(value, kind: type[T], damaged: str | None = None) -> T | None:
    """An optional typed value read by its own from_json: None stays None; what it refuses is Damaged, said as
    `damaged` or, without it, in from_json's own words."""
    if value is None:
        return None
    try:
        return kind.from_json(value)
    except ValueError as error:
        raise Damaged(damaged or str(error)) from None


def _advice(value) -> list[Advice]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Damaged("advice is not a list")
    try:
        return [Advice.from_json(item) for item in value]
    except ValueError:
        raise Damaged("an advice line is not a rule and a text") from None


def _artifacts(value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Damaged("artifacts is not a list")
    if not all(isinstance(item, str) for item in value):
        raise Damaged("an artifact is not a file name")
    return value


def _optional(line: dict, name: str, kind: type):
    value = line.get(name)
    if value is None:
        return None
    if kind is float and _number(value):
        return float(value)
    if kind is int and whole_number(value):
        return value
    if kind not in (int, float) and isinstance(value, kind):
        return value
    raise Damaged(f"{name} is not a {kind.__name__}")


def whole_number(value) -> bool:
    """An int that is not a bool (JSON true is no count); run records (exam/runs.py) read theirs by it too."""
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value, missing_ok: bool = False) -> bool:
    if value is None:
        return missing_ok
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _category(value) -> bool:
    return whole_number(value) and value in CATEGORIES


def aware_time(value) -> bool:
    """An ISO time with its offset, as every record of the workspace stores it."""
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except (TypeError, ValueError):
        return False
