"""Forecasting helpers: the normalised series, windows, baseline forecasts, a paired bootstrap, a plot."""

from __future__ import annotations

import math
import typing
from dataclasses import dataclass

import numpy as np

from tfexam.kinds.forecasting import Normalisation
from graders import plots
from graders.interval import percentile_bootstrap


NORMALISATIONS = typing.get_args(Normalisation)


@dataclass(frozen=True)
class Scaling:
    """value -> (value - offset) / divisor, column by column; invert() maps a model's output back."""

    offset: np.ndarray | float
    divisor: np.ndarray | float

    def apply(self, values: np.ndarray) -> np.ndarray:
        return (np.asarray(values, dtype="float64") - self.offset) / self.divisor

    def invert(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype="float64") * self.divisor + self.offset


def scaling(values: np.ndarray, how: str = "range", rows: int | None = None) -> Scaling:
    """The normalisation `how`, its statistics taken over the first `rows` rows (None: the whole series).
    "range": (v - min) / (max - min); "min_over_max": (v - min) / max, as the exam's household power starter did;
    "zscore": (v - mean) / standard deviation; "none": the values as they are."""
    part = np.asarray(values, dtype="float64")[:rows]
    low, high = part.min(axis=0), part.max(axis=0)
    if how == "range":
        return Scaling(low, high - low)
    if how == "min_over_max":
        return Scaling(low, high)
    if how == "zscore":
        return Scaling(part.mean(axis=0), part.std(axis=0))
    if how == "none":
        return Scaling(0.0, 1.0)
    raise ValueError(f"unknown normalisation {how!r}; known: range, min_over_max, zscore, none")


def normalise(values: np.ndarray, how: str = "range") -> np.ndarray:
    """Normalisation over the whole series (column by column), as the starter states (see scaling())."""
    if how not in NORMALISATIONS:
        raise ValueError(f"unknown normalisation {how!r}; known: {', '.join(NORMALISATIONS)}")
    return scaling(values, how).apply(values)


def multi_step_windows(series: np.ndarray, window: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (past `window` steps, next `horizon` steps) pair inside `series` (rows, features), shift 1, as float32."""
    from numpy.lib.stride_tricks import sliding_window_view

    views = sliding_window_view(series.astype("float32"), window + horizon, axis=0)  # (n, features, window+horizon)
    views = np.moveaxis(views, -1, 1)
    return np.ascontiguousarray(views[:, :window]), np.ascontiguousarray(views[:, window:])


def windows(series: np.ndarray, targets, window: int) -> np.ndarray:
    """The `window` values before each target index (a range or any sequence), shaped (len(targets), window, 1)."""
    if min(targets) < window:
        raise ValueError(f"target {min(targets)} has fewer than {window} earlier values")
    return np.stack([series[t - window : t] for t in targets])[..., np.newaxis].astype("float32")


def baselines(series: np.ndarray, targets: range, train_stop: int, moving_average: int) -> dict[str, np.ndarray]:
    """Forecasts anyone can make without a model, for the same targets."""
    index = np.asarray(targets)
    return {
        "persistence": series[index - 1],
        f"moving_average_{moving_average}": np.stack([series[t - moving_average : t].mean() for t in targets]),
        "training_mean": np.full(len(index), series[:train_stop].mean()),
    }


def paired_bootstrap(errors: np.ndarray, reference: np.ndarray, samples: int, seed: int,
                     level: float = 0.95) -> tuple[float, float]:
    """`level` interval (95%) of mean(errors - reference) over resampled targets (the same draw for both)."""
    return percentile_bootstrap(errors - reference, samples, seed, level)


def retired_exam_score(mae: float) -> int:
    """The published formula of the retired exam's sunspot question, for comparison only."""
    return max(0, min(5, math.ceil(17 - 100 * mae)))


def plot(path, steps: np.ndarray, actual: np.ndarray, forecast: np.ndarray, persistence: np.ndarray, title: str,
         value_label: str = "normalised value") -> None:
    plt = plots.pyplot()
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6), sharex=True, height_ratios=(3, 1))
    top.plot(steps, actual, color="black", linewidth=1.2, label="actual")
    top.plot(steps, forecast, color="tab:blue", linewidth=1.2, label="your forecast")
    top.plot(steps, persistence, color="tab:orange", linewidth=0.8, linestyle="--", label="persistence (last known value)")
    top.set_ylabel(value_label)
    top.set_title(title)
    top.legend(loc="upper right")
    bottom.plot(steps, np.abs(forecast - actual), color="tab:blue", linewidth=0.8, label="your absolute error")
    bottom.plot(steps, np.abs(persistence - actual), color="tab:orange", linewidth=0.8, linestyle="--",
                label="persistence's")
    bottom.set_xlabel("time step (index in the series)")
    bottom.legend(loc="upper right")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
