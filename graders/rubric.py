"""Turn a metric value into a score and a sentence that says why (and what the next point needs)."""

from __future__ import annotations

from tfexam.public_target import PublicTarget
from tfexam.questions import MAX_SCORE, Metric


def explain(metric: Metric, value: float, public_target: PublicTarget | None = None) -> str:
    score = metric.score(value)
    sign = ">=" if metric.higher_is_better else "<="
    line = f"{metric.name} {value:.4g}: {score}/{MAX_SCORE}"
    if score < MAX_SCORE:
        line += f"; {score + 1}/{MAX_SCORE} needs {metric.name} {sign} {metric.thresholds[score]:g}"
    if public_target is not None:
        line += f" ({public_target.beside(value)})"
    return line


def table(metric: Metric) -> str:
    sign = ">=" if metric.higher_is_better else "<="
    return ", ".join(f"{k}/{MAX_SCORE} {sign} {t:g}" for k, t in enumerate(metric.thresholds, start=1))
