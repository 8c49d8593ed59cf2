"""Forecasting helpers: the normalised series, windows, baseline forecasts, a paired bootstrap, a plot."""

from __future__ import annotations

import math
import typing

import numpy as np

from tfexam.kinds.forecasting import Normalisation
from graders import plots
from graders.interval import percentile_bootstrap


NORMALISATIONS = typing.get_args(Normalisation)


def normalise(values: np.ndarray, how: str = "range") -> np.ndarray:
    """Normalisation over the whole series (column by column), as the starter states:
    "range": (v - min) / (max - min); "min_over_max": (v - min) / max, as the exam's household power starter did."""
    values = np.asarray(values, dtype="float64")
    low, high = values.min(axis=0), values.max(axis=0)
    if how == "range":
        return (values - low) / (high - low)
    if how == "min_over_max":
        return (values - low) / high
    raise ValueError(f"unknown normalisation {how!r}; known: {', '.join(NORMALISATIONS)}")


def multi_step_windows(series: np.ndarray, window: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (past `window` steps, next `horizon` steps) pair inside `series` (rows, features), shift 1, as float32."""
    from numpy.lib.stride_tricks import sliding_window_view

    views = sliding_window_view(series.astype("float32"), window + horizon, axis=0)  # (n, features, window+horizon)
    views = np.moveaxis(views, -1, 1)
    return np.ascontiguousarray(views[:, :window]), np.ascontiguousarray(views[:, window:])


def windows(series: np.ndarray, targets: range, window: int) -> np.ndarray:
    """The `window` values before each target index, shaped (len(targets), window, 1)."""
    if targets.start < window:
        raise ValueError(f"target {targets.start} has fewer than {window} earlier values")
    return np.stack([series[t - window : t] for t in targets])[..., np.newaxis].astype("float32")


def baselines(series: np.ndarray, targets: range, train_stop: int, moving_average: int) -> dict[str, np.ndarray]:
    """Forecasts anyone can make without a model, for the same targets."""
    index = np.asarray(targets)
    return {
        "persistence": series[index - 1],
        f"moving_average_{moving_average}": np.stack([series[t - moving_average : t].mean() for t in targets]),
        "training_mean": np.full(len(index), series[:train_stop].mean()),
    }


def paired_bootstrap(errors: np.ndarray, reference: np.ndarray, samples: int, seed: int) -> tuple[float, float]:
    """95% interval of mean(errors - reference) over resampled targets (the same draw for both)."""
    return percentile_bootstrap(errors - reference, samples, seed, 0.95)


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
