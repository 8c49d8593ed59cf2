"""The result format, kept small and explicit (after gradescope-utils): one JSON object per grading."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

GRADED, REFUSED, ERROR = "graded", "refused", "error"


@dataclass
class Check:
    name: str
    passed: bool
    message: str


@dataclass
class Evaluation:
    """What a category's evaluate() returns: the metric value plus what helps the learner understand it."""

    value: float
    details: list[str] = field(default_factory=list)
    diagnostics: dict = field(default_factory=dict)
    artifacts: list[str] = field(default_factory=list)


@dataclass
class MetricResult:
    name: str
    value: float | None
    higher_is_better: bool
    thresholds: list[float]


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
    stopped: str | None = None  # set by the parent (exam/grading.py): "timeout", "memory" or "crash"
    usage: dict | None = None  # set by the parent: {seconds, peak_mb} of the grading child

    @property
    def reason(self) -> str:
        """The one line that says why a submission was refused (the first failed check)."""
        failed = [c.message for c in self.checks if not c.passed]
        return failed[0] if failed else self.output

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Result":
        """The child's JSON as a Result; a field this version does not know is an error, not silently dropped."""
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"the grading result has unknown fields {sorted(unknown)}")
        data = dict(data)
        data["checks"] = [Check(**c) for c in data.get("checks", [])]
        if data.get("metric") is not None:
            data["metric"] = MetricResult(**data["metric"])
        return cls(**data)
