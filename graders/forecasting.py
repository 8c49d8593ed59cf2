"""Forecasting, scored by MAE on the declared normalised scale over every hidden target.

Univariate one-step (horizon 1): forecast each hidden step from the `window` values before it (inputs may reach
back into the training rows); output (1,) or a value per input step (window, 1), whose last step is the forecast.
Multivariate multi-step (horizon > 1): every window of `window` past steps + `horizon` future steps that lies
entirely in the hidden rows; output (horizon, features).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tfexam.questions import Question
from tfexam.result import Evaluation
from graders import series as ts
from graders.pipeline import predict

PLOT_NAME = "forecast.png"


def prepared(question: Question) -> tuple[np.ndarray, int]:
    """(the whole normalised series (rows,) or (rows, features), the first hidden row)."""
    from tfexam.data.hidden import hidden_data

    data = question.data
    if data.train.stop != data.hidden.start:
        raise RuntimeError("the declared hidden part must start where the training part stops")
    whole = hidden_data(question, start=0)
    return ts.normalise(whole, question.settings.normalise), data.hidden.start


def evaluate(model, question: Question, artifacts: Path | None = None) -> Evaluation:
    series, split = prepared(question)
    if question.settings.horizon > 1:
        return _multi_step(model, question, series, split, artifacts)
    return _one_step(model, question, series, split, artifacts)


def _verdict(low: float, high: float) -> str:
    if abs(low) < 1e-6 and abs(high) < 1e-6:
        return "the same forecasts as persistence"
    if high < 0:
        return "better than persistence beyond the noise of the hidden data"
    if low > 0:
        return "worse than persistence beyond the noise of the hidden data"
    return "not distinguishable from persistence on the hidden data"


def _compare(question, errors, persistence_errors, baseline_mae, mae):
    settings = question.settings
    low, high = ts.paired_bootstrap(errors, persistence_errors, settings.bootstrap_samples, settings.bootstrap_seed)
    ratio = mae / baseline_mae["persistence"]
    lines = [
        f"MAE {mae:.4f} (normalised) = {ratio:.3f} x persistence's; your MAE minus persistence's: "
        f"{mae - baseline_mae['persistence']:+.4f} (95% bootstrap interval {low:+.4f} .. {high:+.4f}): {_verdict(low, high)}",
        "baselines on the same targets: " + ", ".join(f"{n.replace('_', ' ')} {v:.4f}" for n, v in baseline_mae.items()),
    ]
    return lines, {"mae": mae, "baselines_mae": baseline_mae, "ratio_to_persistence": ratio,
                   "difference_to_persistence_ci95": [low, high]}


def _one_step(model, question, series, split, artifacts):
    settings = question.settings
    window = settings.window
    targets = range(split, len(series))
    actual = series[split:]
    output = predict(model, ts.windows(series, targets, window), kind=question.kind)
    if output.ndim == 3:
        forecast, form = output[:, -1, 0], f"sequence output (batch, {window}, 1): the last time step is the forecast"
    else:
        forecast, form = output[:, 0], "one value per window (batch, 1)"
    errors = np.abs(forecast - actual)
    mae = float(errors.mean())
    baseline_forecasts = ts.baselines(series, targets, split, settings.moving_average_window)
    baseline_mae = {name: float(np.abs(f - actual).mean()) for name, f in baseline_forecasts.items()}
    lines, diagnostics = _compare(question, errors, np.abs(baseline_forecasts["persistence"] - actual), baseline_mae, mae)
    details = [f"{len(actual)} hidden steps (index {targets.start}..{targets.stop - 1}), forecast one step ahead; {form}", *lines]
    diagnostics |= {"output_form": "sequence" if output.ndim == 3 else "single", "hidden_steps": len(actual)}
    if settings.retired_exam_formula:
        diagnostics["retired_exam_formula_score"] = ts.retired_exam_score(mae)
    written = []
    if artifacts is not None:
        path = Path(artifacts) / PLOT_NAME
        ts.plot(path, np.arange(split, len(series)), actual, forecast, baseline_forecasts["persistence"],
                f"{question.title}: one-step forecasts on the hidden part (MAE {mae:.4f}, persistence {baseline_mae['persistence']:.4f})",
                settings.value_label)
        written.append(str(path))
    return Evaluation(value=mae, details=details, diagnostics=diagnostics, artifacts=written, per_example=errors)


def _multi_step(model, question, series, split, artifacts):
    window, horizon = question.settings.window, question.settings.horizon
    inputs, actual = ts.multi_step_windows(series[split:], window, horizon)
    forecast = predict(model, inputs, batch_size=1024, kind=question.kind).reshape(actual.shape)
    errors = np.abs(forecast - actual).mean(axis=(1, 2))
    mae = float(errors.mean())
    persistence = np.repeat(inputs[:, -1:, :], horizon, axis=1)
    training_mean = np.broadcast_to(series[:split].mean(axis=0), actual.shape)
    baseline_mae = {"persistence": float(np.abs(persistence - actual).mean()),
                    "training_mean": float(np.abs(training_mean - actual).mean())}
    lines, diagnostics = _compare(question, errors, np.abs(persistence - actual).mean(axis=(1, 2)), baseline_mae, mae)
    columns = list(question.data.value_columns)
    by_column = np.abs(forecast - actual).mean(axis=(0, 1))
    details = [f"{len(actual)} hidden windows ({window} steps in, {horizon} steps out, {len(columns)} features); "
               "MAE over every forecast value", *lines,
               "MAE per feature: " + ", ".join(f"{c} {v:.4f}" for c, v in zip(columns, by_column))]
    diagnostics |= {"hidden_windows": len(actual), "mae_per_feature": dict(zip(columns, map(float, by_column))),
                    "mae_per_step": [float(v) for v in np.abs(forecast - actual).mean(axis=(0, 2))]}
    written = []
    if artifacts is not None:
        path = Path(artifacts) / PLOT_NAME
        first = slice(None, None, horizon)  # consecutive non-overlapping windows make one continuous line
        ts.plot(path, np.arange(len(actual[first]) * horizon), actual[first, :, 0].reshape(-1), forecast[first, :, 0].reshape(-1),
                persistence[first, :, 0].reshape(-1),
                f"{question.title}: {columns[0]}, {horizon}-step forecasts (MAE {mae:.4f}, persistence {baseline_mae['persistence']:.4f})",
                f"normalised {columns[0]}")
        written.append(str(path))
    return Evaluation(value=mae, details=details, diagnostics=diagnostics, artifacts=written, per_example=errors,
                      dependent_run=horizon)
