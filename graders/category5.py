"""Category 5: one-step-ahead forecasts of the months after the training part, scored by normalised MAE."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from exam.questions import Question
from graders import series as ts
from graders.core import predict
from graders.result import Evaluation

PLOT_NAME = "forecast.png"


def forecasts(model, inputs: np.ndarray) -> tuple[np.ndarray, str]:
    """One forecast per window and which output form gave it: (batch, 1), or the last step of (batch, 30, 1)."""
    output = predict(model, inputs)
    if output.ndim == 3:
        return output[:, -1, 0], "sequence output (batch, 30, 1): the last time step is the forecast"
    return output[:, 0], "one value per window (batch, 1)"


def evaluate(model, question: Question, artifacts: Path | None = None) -> Evaluation:
    from exam.data import split
    from exam.data.hidden import sunspots_series

    hidden = question.hidden
    window, train_stop = int(hidden["window"]), int(hidden["split"])
    if split("sunspots", "train").stop != train_stop:
        raise RuntimeError("the declaration's split differs from the dataset layer's training split")
    months, values = sunspots_series()
    series = ts.normalise(values)
    targets = range(train_stop, len(series))
    actual = series[train_stop:]

    forecast, output_form = forecasts(model, ts.windows(series, targets, window))
    errors = np.abs(forecast - actual)
    mae = float(errors.mean())
    baseline_forecasts = ts.baselines(series, targets, train_stop, int(hidden["moving_average_window"]))
    baseline_mae = {name: float(np.abs(f - actual).mean()) for name, f in baseline_forecasts.items()}
    persistence_errors = np.abs(baseline_forecasts["persistence"] - actual)
    low, high = ts.paired_bootstrap(errors, persistence_errors, int(hidden["bootstrap_samples"]), int(hidden["bootstrap_seed"]))
    ratio = mae / baseline_mae["persistence"]

    if high < 0:
        verdict = "better than persistence beyond the noise of the hidden months"
    elif low > 0:
        verdict = "worse than persistence beyond the noise of the hidden months"
    else:
        verdict = "not distinguishable from persistence on the hidden months"
    details = [
        f"{len(actual)} hidden months (index {targets.start}..{targets.stop - 1}), forecast one step ahead; {output_form}",
        f"MAE {mae:.4f} (normalised) = {ratio:.3f} x persistence's; your MAE minus persistence's: {mae - baseline_mae['persistence']:+.4f} "
        f"(95% bootstrap interval {low:+.4f} .. {high:+.4f}): {verdict}",
        "baselines on the same months: " + ", ".join(f"{name.replace('_', ' ')} {value:.4f}" for name, value in baseline_mae.items()),
    ]
    diagnostics = {
        "mae": mae,
        "output_form": "sequence" if "sequence" in output_form else "single",
        "hidden_months": len(actual),
        "baselines_mae": baseline_mae,
        "ratio_to_persistence": ratio,
        "difference_to_persistence_ci95": [low, high],
        "retired_exam_formula_score": ts.retired_exam_score(mae),
    }
    written = []
    if artifacts is not None:
        path = Path(artifacts) / PLOT_NAME
        ts.plot(path, months[train_stop:], actual, forecast, baseline_forecasts["persistence"],
                f"{question.title}: one-step forecasts on the hidden months (MAE {mae:.4f}, persistence {baseline_mae['persistence']:.4f})")
        written.append(str(path))
    return Evaluation(value=mae, details=details, diagnostics=diagnostics, artifacts=written)
