"""Regression: predictions on hidden inputs of a declared linear relation y = slope * x + intercept, scored by MAE."""

from __future__ import annotations

import numpy as np

from tfexam.questions import Question
from tfexam.result import Evaluation
from graders.pipeline import predict


def hidden_points(question: Question) -> tuple[np.ndarray, np.ndarray]:
    settings = question.settings
    x = np.asarray(settings.x, dtype="float32")
    return x, settings.slope * x.astype("float64") + settings.intercept


def evaluate(model, question: Question, artifacts=None) -> Evaluation:
    x, expected = hidden_points(question)
    predicted = predict(model, x.reshape(-1, 1), kind=question.kind).reshape(-1)
    errors = np.abs(predicted - expected)
    worst = int(errors.argmax())
    details = [
        f"{len(x)} hidden points; mean absolute error {errors.mean():.4g}",
        f"largest error {errors[worst]:.4g} at x = {x[worst]:g} (expected {expected[worst]:g}, got {predicted[worst]:.4f})",
    ]
    points = [{"x": float(a), "expected": float(b), "predicted": float(c)} for a, b, c in zip(x, expected, predicted)]
    return Evaluation(value=float(errors.mean()), details=details, diagnostics={"points": points, "max_error": float(errors.max())},
                      per_example=errors)
