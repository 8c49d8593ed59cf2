"""How far a metric value is from the thresholds around it: the next score up and the score it holds.

Pure and TensorFlow-free: submit, status, the report and class grading all show the same words from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    score: int  # the score this threshold gives
    threshold: float
    distance: float  # how much better the value must get (next) or may get worse (held) to cross it; always >= 0


@dataclass(frozen=True)
class Margin:
    value: float
    score: int
    next: Step | None  # the threshold of score + 1 (None at the top)
    held: Step | None  # the threshold that gives the current score (None at 0)
    higher_is_better: bool

    def text(self, name: str = "") -> str:
        """'accuracy 0.912: 5/5 needs 0.918 (+0.006 to go); 4/5 held at 0.89 (margin 0.022)'."""
        return self.after(f"{name} {self.value:.4g}".strip())

    def after(self, head: str) -> str:
        """`head`, then the thresholds around the value (the next one up first), if there are any."""
        parts = []
        if self.next:
            parts.append(f"{self.next.score}/5 needs {self.next.threshold:g} ({self._signed(self.next.distance)} to go)")
        if self.held:
            parts.append(f"{self.held.score}/5 held at {self.held.threshold:g} (margin {self.held.distance:.3g})")
        return f"{head}: " + "; ".join(parts) if parts else head

    def _signed(self, distance: float) -> str:
        return f"{'+' if self.higher_is_better else '-'}{distance:.3g}"


def margin(value: float, thresholds: list[float] | tuple[float, ...], higher_is_better: bool) -> Margin:
    """thresholds[k-1] is what score k needs, stricter from score 1 to 5 (tfexam.questions.Metric)."""
    if math.isnan(value):  # NaN earns nothing and is no distance from anything
        return Margin(value, 0, None, None, higher_is_better)
    better = (lambda v, t: v >= t) if higher_is_better else (lambda v, t: v <= t)
    score = sum(better(value, t) for t in thresholds)
    next_step = held = None
    if score < len(thresholds):
        next_step = Step(score + 1, thresholds[score], abs(thresholds[score] - value))
    if score > 0:
        held = Step(score, thresholds[score - 1], abs(value - thresholds[score - 1]))
    return Margin(value, score, next_step, held, higher_is_better)
