"""Forecasting's slips: another normalisation (z-score, min-max over the training part only, none, the other
min-max form) and, for one-step forecasts, windows shifted by one (a model trained to forecast one step further).
A model fed another normalisation answers on that scale: its forecasts are mapped back (the slip's inverse, then the
declared normalisation) and scored by MAE on the declared scale like the grading."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tfexam.questions import Question
from graders import series as ts
from graders.slips import Feed, Slip

SAMPLE = 2000  # targets (one-step) or windows (multi-step)
noun = "hidden forecasts"

DESCRIBED = {"range": "(v - min) / (max - min)", "min_over_max": "(v - min) / max",
             "zscore": "(v - mean) / standard deviation", "none": "no normalisation"}


@dataclass(frozen=True)
class Sample:
    question: Question
    raw: np.ndarray  # the whole series as read, (rows,) or (rows, features)
    split: int  # the first hidden row
    declared: ts.Scaling
    targets: np.ndarray  # one-step: the target rows; multi-step: the first row of each window

    @property
    def size(self) -> int:
        return len(self.targets)

    @property
    def frozen(self) -> Feed:
        return self.fed(self.declared)

    def fed(self, scaling: ts.Scaling, shift: int = 0) -> Feed:
        """Inputs normalised by `scaling`, windows ending `shift` steps early; outputs back on the declared scale."""
        settings = self.question.settings
        values = scaling.apply(self.raw)
        if settings.horizon > 1:
            inputs = np.stack([values[t : t + settings.window] for t in self.targets]).astype("float32")
        else:
            inputs = ts.windows(values, self.targets - shift, settings.window)
        return Feed(inputs, lambda outputs: self.declared.apply(scaling.invert(outputs)))


def sample(question: Question) -> Sample:
    from tfexam.data.hidden import hidden_data

    settings, split = question.settings, question.data.hidden.start
    raw = np.asarray(hidden_data(question, start=0), dtype="float64")
    if settings.horizon > 1:
        rows = np.arange(split, len(raw) - settings.window - settings.horizon + 1)
    else:
        rows = np.arange(split, len(raw))
    chosen = np.sort(np.random.default_rng(0).choice(len(rows), size=min(SAMPLE, len(rows)), replace=False))
    return Sample(question, raw, split, ts.scaling(raw, settings.normalise), rows[chosen])


def batch_size(question: Question) -> int:
    return 1024


def floor(question: Question, sample: Sample) -> float:
    """The MAE of forecasting the training part's mean everywhere, on the declared scale."""
    declared, settings = sample.declared.apply(sample.raw), question.settings
    mean = declared[: sample.split].mean(axis=0)
    if settings.horizon > 1:
        steps = np.arange(settings.horizon)
        actual = np.stack([declared[t + settings.window + steps] for t in sample.targets])
        return float(np.abs(actual - mean).mean())
    return float(np.abs(declared[sample.targets] - mean).mean())


def per_example(outputs: np.ndarray, question: Question, sample: Sample, feed: Feed) -> np.ndarray:
    """The absolute error of each forecast (multi-step: of each window, averaged), on the declared scale."""
    settings, declared = question.settings, sample.declared.apply(sample.raw)
    if settings.horizon > 1:
        steps = np.arange(settings.horizon)
        actual = np.stack([declared[t + settings.window + steps] for t in sample.targets])
        return np.abs(feed.restore(outputs.reshape(actual.shape)) - actual).mean(axis=(1, 2))
    forecast = outputs[:, -1, 0] if outputs.ndim == 3 else outputs[:, 0]
    return np.abs(feed.restore(forecast) - declared[sample.targets])


def _normalisation(how: str, over_training: bool) -> Slip:
    where = "the training part" if over_training else "the whole series"

    def feed(s: Sample) -> Feed:
        return s.fed(ts.scaling(s.raw, how, s.split if over_training else None))

    def applies(q: Question) -> bool:
        return (how, over_training) != (q.settings.normalise, False)

    return Slip(f"normalisation_{how}" + ("_training_part" if over_training else ""),
                fed=lambda q: f"a series normalised as {DESCRIBED[how]}" + ("" if how == "none" else f" over {where}"),
                exam=lambda q: f"{DESCRIBED[q.settings.normalise]} over the whole series",
                fix=lambda q: f"normalise the training series as the starter states, {DESCRIBED[q.settings.normalise]} "
                              "with the whole series' statistics",
                feed=feed, applies=applies)


SLIPS = [
    _normalisation("zscore", over_training=True),
    _normalisation("zscore", over_training=False),
    _normalisation("range", over_training=True),
    _normalisation("range", over_training=False),
    _normalisation("min_over_max", over_training=False),
    _normalisation("none", over_training=False),
    Slip("window_one_step_early", fed=lambda q: f"windows of {q.settings.window} ending two steps before the target",
         exam=lambda q: f"windows of {q.settings.window} ending just before the target",
         fix=lambda q: "pair each window with the value right after it: the training labels are shifted by one",
         feed=lambda s: s.fed(s.declared, shift=1), applies=lambda q: q.settings.horizon == 1),
]
