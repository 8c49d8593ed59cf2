"""A target a public simulation of the exam published for the same data and metric, shown beside our thresholds.

Declared in a question's `[public_target]` table only after its published problem text was compared with ours
(data, split, normalisation, metric, what it is measured on): `differs` says, in a few words, what is not the same;
empty means nothing is. It never changes a score: it tells the learner where a number they may have seen sits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class PublicTarget:
    source: str  # who published it and which problem, e.g. "Dicoding B5"
    where: str  # the published problem text it was read from (repository @ commit : path)
    metric: str
    comparison: Literal["<", ">"]
    value: float
    # True when its validation number is computed as ours is (same data, split, scale and metric), so a learner's
    # value can be held against it; `differs` then names only what it asks besides (e.g. a training accuracy)
    measured_as_ours: bool
    differs: str = ""  # how it differs from ours, in a few words

    def short(self) -> str:
        """`Dicoding B5: mae < 0.2 (scale (v - min) / max ...)`: the target and how it differs."""
        rule = f"{self.source}: {self.metric} {self.comparison} {self.value:g}"
        same = "same data, split and metric" if self.measured_as_ours else ""
        detail = "; ".join(part for part in (same, self.differs) if part)
        return f"{rule} ({detail})" if detail else rule

    def met_by(self, value: float) -> bool:
        """Whether a value would pass its line (held against a learner's value only when measured_as_ours)."""
        return value < self.value if self.comparison == "<" else value > self.value

    def beside(self, value: float) -> str:
        """The clause the result's score line carries."""
        rule = f"{self.source} asks {self.metric} {self.comparison} {self.value:g}"
        if self.measured_as_ours:
            return f"{rule} on the same data: {'met' if self.met_by(value) else 'not met'}"
        return f"{rule}, measured another way: see tfexam questions"
