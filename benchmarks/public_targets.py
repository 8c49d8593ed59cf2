"""What our reference and the naive baselines get under a public simulation's own rule for the same series.

    python benchmarks/public_targets.py [QUESTION_ID ...]   (default: every forecasting question with a target)

Dicoding's simulation problems (A5 sunspots, B5 daily maximum, C5 daily minimum) score a sequence-to-sequence
model on windows of `window` + 1 values lying wholly inside the validation part (after `split_time`), every step of
every window counted, on the scale (v - min) / max of the whole series. A model of ours forecasts one step from the
30 values before it, so under their rule each target is forecast from the 30 values before it (for a window's
first steps these reach back before the window, which their models cannot do) and weighted by the number of
windows that score it. Persistence and the training mean need no such help. Prints the rows of CALIBRATION.md's
"Public targets" section; the reference is trained as `tfexam solve` trains it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from tfexam import questions  # noqa: E402
from tfexam.data.hidden import hidden_data  # noqa: E402

# Their windows (window_size in the problem text) for each question with a Dicoding target.
THEIR_WINDOW = {"c5_sunspots": 30, "c5_daily_min_temperatures": 64, "c5_daily_max_temperatures": 64}


def window_weights(valid_length: int, window: int) -> np.ndarray:
    """How many of their windows score each validation index as a target (index 0 is never a target)."""
    starts = valid_length - window  # windows of window + 1 values, shift 1
    weights = np.zeros(valid_length)
    for start in range(starts):
        weights[start + 1 : start + window + 1] += 1
    return weights


def their_mae(forecast: np.ndarray, actual: np.ndarray, weights: np.ndarray) -> float:
    return float((np.abs(forecast - actual) * weights).sum() / weights.sum())


def rows_for(question) -> list[tuple[str, float]]:
    raw = np.asarray(hidden_data(question, start=0), dtype="float64")
    split, ours_window = question.data.train.stop, question.settings.window
    low, high = raw.min(), raw.max()
    theirs = (raw - low) / high  # their normalisation: series -= min; series /= max
    valid = theirs[split:]
    weights = window_weights(len(valid), THEIR_WINDOW[question.id])
    rows = [("naive persistence (tomorrow = today)", their_mae(valid[:-1], valid[1:], weights[1:])),
            ("training mean (constant)", their_mae(np.full(len(valid), theirs[:split].mean()), valid, weights))]
    for k in (2, 7):
        average = np.array([theirs[split + i - k : split + i].mean() for i in range(len(valid))])
        rows.append((f"moving average of the last {k}", their_mae(average, valid, weights)))
    import tensorflow as tf  # noqa: F401  (only for the reference)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from calibration import train_script
    from graders.pipeline import predict
    from graders import series as ts

    model, seconds = train_script(question.solution_path)
    ours = ts.normalise(raw, question.settings.normalise)
    inputs = ts.windows(ours, range(split, len(raw)), ours_window)
    forecast_ours = predict(model, inputs)[:, -1].reshape(-1)
    forecast_raw = forecast_ours * (high - low) + low if question.settings.normalise == "range" else forecast_ours * high + low
    rows.append((f"reference solution (trained {seconds:.0f} s)", their_mae((forecast_raw - low) / high, valid, weights)))
    return rows


def main() -> None:
    wanted = [a for a in sys.argv[1:] if not a.startswith("-")] or list(THEIR_WINDOW)
    for question_id in wanted:
        question = questions.get(question_id)
        target = question.public_target
        print(f"\n{question.id}: {target.short() if target else 'no public target declared'}")
        for name, value in rows_for(question):
            verdict = "" if target is None else ("meets it" if target.met_by(value) else "misses it")
            print(f"  {name:40} MAE {value:.4f}  {verdict}")


if __name__ == "__main__":
    main()
