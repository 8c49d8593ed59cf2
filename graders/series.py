"""Category 5 helpers: the normalised series, one-step-ahead windows, baseline forecasts, a paired bootstrap, a plot."""

from __future__ import annotations

import math

import numpy as np

from graders import plots


def normalise(values: np.ndarray) -> np.ndarray:
    """Min-max normalisation over the whole series, as the starter states."""
    values = np.asarray(values, dtype="float64")
    low, high = values.min(), values.max()
    return (values - low) / (high - low)


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
    rng = np.random.default_rng(seed)
    difference = errors - reference
    draws = rng.integers(0, len(difference), size=(samples, len(difference)))
    low, high = np.percentile(difference[draws].mean(axis=1), [2.5, 97.5])
    return float(low), float(high)


def retired_exam_score(mae: float) -> int:
    """The published formula of the retired exam's sunspot question, for comparison only."""
    return max(0, min(5, math.ceil(17 - 100 * mae)))


def plot(path, months: np.ndarray, actual: np.ndarray, forecast: np.ndarray, persistence: np.ndarray, title: str) -> None:
    plt = plots.pyplot()
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6), sharex=True, height_ratios=(3, 1))
    top.plot(months, actual, color="black", linewidth=1.2, label="actual")
    top.plot(months, forecast, color="tab:blue", linewidth=1.2, label="your forecast")
    top.plot(months, persistence, color="tab:orange", linewidth=0.8, linestyle="--", label="persistence (last month)")
    top.set_ylabel("normalised sunspot number")
    top.set_title(title)
    top.legend(loc="upper right")
    bottom.plot(months, np.abs(forecast - actual), color="tab:blue", linewidth=0.8, label="your absolute error")
    bottom.plot(months, np.abs(persistence - actual), color="tab:orange", linewidth=0.8, linestyle="--",
                label="persistence's")
    bottom.set_xlabel("month (index in the series)")
    bottom.legend(loc="upper right")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
