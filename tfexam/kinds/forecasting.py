"""Forecasting: univariate one-step (horizon 1) or multivariate multi-step, on the declared normalised scale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tfexam.kinds import Kind, Settings

# over the whole series, column by column: "range" (v - min) / (max - min); "min_over_max" (v - min) / max
Normalisation = Literal["range", "min_over_max"]


@dataclass(frozen=True)
class ForecastingSettings(Settings):
    window: int  # past steps the model reads
    normalise: Normalisation
    bootstrap_samples: int  # the paired bootstrap of the learner's errors against persistence's
    bootstrap_seed: int
    horizon: int = 1  # future steps forecast; above 1, every hidden window of window + horizon steps is scored
    moving_average_window: int | None = None  # one-step: the moving-average baseline shown beside the learner's MAE
    value_label: str = "normalised value"  # the plot's axis
    retired_exam_formula: bool = False  # also report the score of the retired exam's formula
    slips: tuple[str, ...] | None = None  # the re-scoring slips it uses (graders/slips/<kind>.py); None: every one that applies

    def conflicts(self, data) -> dict[str, str]:
        if self.horizon == 1 and self.moving_average_window is None:
            return {"moving_average_window": "is required for one-step forecasts (horizon 1)"}
        return {}


KIND = Kind("forecasting", ForecastingSettings, task="regression")
