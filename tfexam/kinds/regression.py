"""Regression: predictions on hidden inputs of a declared linear relation y = slope * x + intercept, scored by MAE."""

from __future__ import annotations

from dataclasses import dataclass

from tfexam.kinds import Kind, Settings


@dataclass(frozen=True)
class RegressionSettings(Settings):
    slope: float
    intercept: float
    train_x: tuple[float, ...]  # the inputs the starter shows
    x: tuple[float, ...]  # the hidden inputs the grader predicts


KIND = Kind("regression", RegressionSettings, task="regression")
