"""The result format, kept small and explicit (after gradescope-utils): one JSON object per grading.

The rules about a result live here and nowhere else: which check failed first, why it was refused, whether a limit
stopped it, and whether the worker that produced it may take another file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING

from tfexam.checks import CheckName

if TYPE_CHECKING:
    from tfexam.questions import Question

GRADED, REFUSED, ERROR = "graded", "refused", "error"
STATUSES = (GRADED, REFUSED, ERROR)


@dataclass
class Check:
    name: CheckName
    passed: bool
    message: str

    def __post_init__(self):
        self.name = CheckName(self.name)  # an unknown name is a ValueError here, where it is made or read


@dataclass
class Usage:
    """What a grading process cost: wall seconds and peak resident memory of its tree; `worker` is "warm" when the
    workspace's warm server graded it (absent from the JSON otherwise)."""

    seconds: float
    peak_mb: float
    worker: str | None = None

    def to_json(self) -> dict:
        data = {"seconds": self.seconds, "peak_mb": self.peak_mb}
        return data | ({"worker": self.worker} if self.worker else {})

    @classmethod
    def from_json(cls, data: dict) -> Usage:
        if not (isinstance(data, dict) and set(data) <= {"seconds", "peak_mb", "worker"}
                and all(isinstance(data.get(k), (int, float)) and not isinstance(data.get(k), bool)
                        for k in ("seconds", "peak_mb")) and isinstance(data.get("worker", ""), str)):
            raise ValueError(f"usage {str(data)[:80]} is not seconds and peak_mb")
        return cls(float(data["seconds"]), float(data["peak_mb"]), data.get("worker"))


NO_USAGE = Usage(0.0, 0.0)  # a file refused before any grading process saw it


@dataclass(frozen=True)
class Interval:
    """A percentile bootstrap interval of the metric over the hidden examples (graders/interval.py)."""

    low: float
    high: float
    level: float  # 0.95
    resamples: int

    @classmethod
    def from_json(cls, data) -> Interval:
        if not (isinstance(data, dict) and set(data) == {"low", "high", "level", "resamples"}
                and all(_number(data[k]) for k in ("low", "high", "level")) and type(data["resamples"]) is int
                and data["low"] <= data["high"] and 0 < data["level"] < 1 and data["resamples"] > 0):
            raise ValueError(f"interval {str(data)[:80]} is not low <= high, level and resamples")
        return cls(float(data["low"]), float(data["high"]), float(data["level"]), data["resamples"])

    def text(self) -> str:
        return f"{self.level:.0%} interval {self.low:.4g}-{self.high:.4g}"


@dataclass(frozen=True)
class Advice:
    """One piece of advice about a graded or refused model: `rule` names the rule that gave it (stable, for tests
    and the report), `text` is what the learner reads."""

    rule: str
    text: str

    @classmethod
    def from_json(cls, data) -> Advice:
        if not (isinstance(data, dict) and set(data) == {"rule", "text"}
                and all(isinstance(data[k], str) and data[k] for k in ("rule", "text"))):
            raise ValueError(f"advice {str(data)[:80]} is not a rule and a text")
        return cls(data["rule"], data["text"])


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass
class Evaluation:
    """What a category's evaluate() returns: the metric value plus what helps the learner understand it."""

    value: float
    details: list[str] = field(default_factory=list)
    diagnostics: dict = field(default_factory=dict)
    artifacts: list[str] = field(default_factory=list)
    # one value per hidden example whose mean is `value` (graders/interval.py bootstraps it); never leaves the grader
    per_example: object = None
    dependent_run: int = 1  # consecutive per-example values that share data (overlapping windows): resampled together
    advice: list[Advice] = field(default_factory=list)


@dataclass(frozen=True)
class Continuation:
    """A text-generation model's own words after a fixed seed phrase (greedy: its most probable word each time).
    Kept in Result.diagnostics under KEY as {"seed": str, "words": [str, ...]}."""

    KEY = "continuation"
    seed: str
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join((self.seed, *self.words))

    def to_json(self) -> dict:
        return {"seed": self.seed, "words": list(self.words)}

    @classmethod
    def of(cls, diagnostics: dict) -> Continuation | None:
        """The continuation a result holds, or None when it holds none or one of the wrong shape (an old or edited line)."""
        data = diagnostics.get(cls.KEY) if isinstance(diagnostics, dict) else None
        if not (isinstance(data, dict) and set(data) == {"seed", "words"} and isinstance(data["seed"], str)
                and isinstance(data["words"], list) and all(isinstance(w, str) for w in data["words"])):
            return None
        return cls(data["seed"], tuple(data["words"]))


@dataclass
class MetricResult:
    name: str
    value: float | None
    higher_is_better: bool
    thresholds: list[float]
    interval: Interval | None = None  # absent in results written before intervals

    @classmethod
    def from_json(cls, data) -> MetricResult:
        if not isinstance(data, dict):
            raise ValueError("the metric is not a JSON object")
        data = dict(data)
        if data.get("interval") is not None:
            data["interval"] = Interval.from_json(data["interval"])
        return cls(**data)

    def margin(self):
        """The distance to the thresholds around the value (tfexam.margin), or None without a value."""
        from tfexam.margin import margin

        return None if self.value is None else margin(self.value, self.thresholds, self.higher_is_better)

    def safety_text(self) -> str:
        """'accuracy 0.912, 95% interval 0.906-0.918: 5/5 held at 0.89 (margin 0.022)'."""
        found = self.margin()
        if found is None:
            return self.name
        return found.after(f"{self.name} {self.value:.4g}" + (f", {self.interval.text()}" if self.interval else ""))


@dataclass
class Fingerprint:
    """What makes a loaded model the same as another (rules and sizes in tfexam/similarity.py): digests of its
    architecture, of its exact weights and of its weights rounded, the weight count, and a sketch of sampled weights."""

    architecture: str
    weights: str
    rounded: str
    parameters: int
    sketch: list[float] = field(default_factory=list)

    @classmethod
    def from_json(cls, data) -> Fingerprint:
        digests = ("architecture", "weights", "rounded")
        if not (isinstance(data, dict) and set(data) == {*digests, "parameters", "sketch"}
                and all(isinstance(data[k], str) and len(data[k]) == 64 for k in digests)
                and isinstance(data["parameters"], int) and not isinstance(data["parameters"], bool)
                and isinstance(data["sketch"], list)
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in data["sketch"])):
            raise ValueError(f"fingerprint {str(data)[:80]} is not digests, parameters and sketch")
        return cls(**{**data, "sketch": [float(v) for v in data["sketch"]]})


@dataclass
class Slip:
    """A preprocessing slip under which the graded model scores clearly higher than as graded (graders/slips/)."""

    name: str
    value: float  # the metric with the slip, on the re-scoring's subsample
    frozen_value: float  # the metric as graded, on the same subsample
    line: str  # the one line shown: both numbers, what the exam feeds and the fix


@dataclass
class Rescoring:
    """The counterfactual re-scoring of a model below full marks: the usual slips tried on a seeded subsample of the
    hidden set within a time budget. It never changes the score."""

    examples: int  # the subsample's size
    seconds: float  # what it cost
    frozen_value: float  # the metric as graded, on the subsample
    values: dict[str, float] = field(default_factory=dict)  # the metric under each slip tried
    left_out: list[str] = field(default_factory=list)  # slips not applicable to this model, or past the time budget
    slip: Slip | None = None  # the clearest slip, if one scores clearly higher

    @classmethod
    def from_json(cls, data: dict) -> Rescoring:
        """Read strictly (a ledger line is not trusted): every field known and of its type."""
        if not (isinstance(data, dict) and set(data) == {f.name for f in fields(cls)}):
            raise ValueError("rescoring lacks or adds fields")
        slip = data["slip"]
        if slip is not None and not (isinstance(slip, dict) and set(slip) == {f.name for f in fields(Slip)}
                                     and isinstance(slip["name"], str) and isinstance(slip["line"], str)
                                     and _numbers(slip["value"], slip["frozen_value"])):
            raise ValueError("rescoring's slip is not a name, two numbers and a line")
        values, left_out = data["values"], data["left_out"]
        if not (_numbers(data["examples"], data["seconds"], data["frozen_value"]) and isinstance(values, dict)
                and all(isinstance(k, str) for k in values) and _numbers(*values.values())
                and isinstance(left_out, list) and all(isinstance(n, str) for n in left_out)):
            raise ValueError("rescoring's numbers or names are of the wrong type")
        return cls(int(data["examples"]), float(data["seconds"]), float(data["frozen_value"]),
                   {k: float(v) for k, v in values.items()}, list(left_out), Slip(**slip) if slip else None)


def _numbers(*values) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


@dataclass
class Result:
    question: str
    category: int
    status: str
    score: int = 0
    max_score: int = 5
    checks: list[Check] = field(default_factory=list)
    metric: MetricResult | None = None
    diagnostics: dict = field(default_factory=dict)
    artifacts: list[str] = field(default_factory=list)
    output: str = ""
    elapsed: float = 0.0
    stopped: str | None = None  # set by finish(): "timeout", "memory" or "crash"
    usage: Usage | None = None  # set by finish(): what the grading process cost
    fingerprint: Fingerprint | None = None  # set by the grader for a loaded model (tfexam/similarity.py)
    advice: list[Advice] = field(default_factory=list)  # what to change, one line per rule that fired
    rescoring: Rescoring | None = None  # below full marks: the score under the usual preprocessing slips

    @classmethod
    def refused(cls, question: Question, check: CheckName, message: str) -> Result:
        """The file breaks the question's contract (found by us before or without a grader)."""
        return cls._failed(question, REFUSED, check, message)

    @classmethod
    def error(cls, question: Question, check: CheckName, message: str) -> Result:
        """The grading could not finish (a grader bug, a crash, a limit)."""
        return cls._failed(question, ERROR, check, message)

    @classmethod
    def stopped_by(cls, question: Question, check: CheckName, message: str, usage: Usage) -> Result:
        """A limit or a crash ended the grading process: an error whose `stopped` names it."""
        if not CheckName(check).stops:
            raise ValueError(f"{check} is not a limit or a crash")
        return cls.error(question, check, message).finish(usage)

    @classmethod
    def _failed(cls, question: Question, status: str, check: CheckName, message: str) -> Result:
        return cls(question=question.id, category=question.category, status=status,
                   checks=[Check(check, False, message)], output=message)

    def finish(self, usage: Usage) -> Result:
        """What the parent adds once the grading process is done: its usage, and which limit stopped it, if one did."""
        failed = self.failed_check
        self.stopped = str(failed.name) if self.status == ERROR and failed and failed.name.stops else None
        self.usage = usage
        return self

    @property
    def graded(self) -> bool:
        return self.status == GRADED

    @property
    def failed_check(self) -> Check | None:
        """The first failed check: the one a refusal or an error is reported by."""
        return next((c for c in self.checks if not c.passed), None)

    @property
    def reason(self) -> str:
        """The one line that says why a submission was refused (the first failed check)."""
        failed = self.failed_check
        return failed.message if failed else self.output

    @property
    def leaves_worker_clean(self) -> bool:
        """A graded file, or a refusal whose every failed check is clean (tfexam/checks.py)."""
        if self.graded:
            return True
        failed = [c.name for c in self.checks if not c.passed]
        return self.status == REFUSED and bool(failed) and all(name.clean for name in failed)

    def to_json(self) -> dict:
        data = asdict(self)
        for check in data["checks"]:
            check["name"] = str(check["name"])
        data["usage"] = self.usage.to_json() if self.usage else None
        if data["metric"] is not None and data["metric"]["interval"] is None:
            del data["metric"]["interval"]
        return data

    @classmethod
    def from_json(cls, data: dict) -> Result:
        """The child's JSON as a Result; a field this version does not know is an error, not silently dropped."""
        if not isinstance(data, dict):
            raise ValueError("the grading result is not a JSON object")
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"the grading result has unknown fields {sorted(unknown)}")
        data = dict(data)
        if data.get("status") not in STATUSES:
            raise ValueError(f"the grading result has status {data.get('status')!r}")
        try:
            data["checks"] = [Check(**c) for c in data.get("checks", [])]
            if data.get("metric") is not None:
                data["metric"] = MetricResult.from_json(data["metric"])
            data["advice"] = [Advice.from_json(a) for a in _list(data.get("advice", []), "advice")]
            if data.get("usage") is not None:
                data["usage"] = Usage.from_json(data["usage"])
            if data.get("fingerprint") is not None:
                data["fingerprint"] = Fingerprint.from_json(data["fingerprint"])
            if data.get("rescoring") is not None:
                data["rescoring"] = Rescoring.from_json(data["rescoring"])
            return cls(**data)
        except TypeError as error:
            raise ValueError(f"the grading result has the wrong shape ({error})") from None


def _list(value, what: str) -> list:
    if not isinstance(value, list):
        raise ValueError(f"the grading result's {what} is not a list")
    return value
