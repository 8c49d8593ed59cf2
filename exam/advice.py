"""Next steps from evidence: each rule reads one training run's curves (and the grading's result) and either names
one concrete change or stays silent. Pure functions, no TensorFlow: the terminal and the report show the same lines.

Rules about a model that could do better (overfitting, still improving, weak even on its training data) speak only
once the file is graded below full marks; a diverged loss is always worth a line, after `train` too.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfexam.result import Advice  # the one advice type: the grader's, the model's and the curves' lines alike
from exam.curves import Fit

MAX_ADVICE = 2
RISE = 0.10  # validation loss this far above its minimum, at the end, is overfitting
STILL_FALLING = 0.03  # the monitored loss fell at least this share over the last epochs: more epochs would help
DIVERGED = 2.0  # training loss ended this many times above where it started
ACCURACY_NAMES = ("accuracy", "acc", "sparse_categorical_accuracy", "categorical_accuracy", "binary_accuracy")


@dataclass(frozen=True)
class Target:
    """What the grade asks for: the question's metric, its direction, the value 5/5 needs, and the score reached."""

    metric: str
    higher_is_better: bool
    full_marks_at: float
    score: int | None = None  # None: not graded yet
    max_score: int = 5

    @property
    def short_of_full_marks(self) -> bool:
        """Graded, and below full marks: before grading, a curve alone cannot tell a weak recipe from a good one."""
        return self.score is not None and self.score < self.max_score


def learning_rate_too_high(fit: Fit, target: Target) -> Advice | None:
    losses = fit.series("loss")
    rate = f" (learning rate {fit.learning_rate:.3g})" if fit.learning_rate else ""
    lower = f"{fit.learning_rate / 10:.3g}" if fit.learning_rate else "a tenth of it"
    broken = next((i for i, v in enumerate(losses, start=1) if v is None), None)
    if broken is not None:
        return Advice("learning_rate_too_high",
                      f"The training loss stopped being a number at epoch {broken}{rate}: the weights diverged. Lower "
                      f"the learning rate (try {lower}) and check the inputs are scaled (e.g. pixels / 255).")
    finite = [v for v in losses if v is not None]
    if len(finite) >= 3 and finite[-1] > DIVERGED * finite[0] and finite[-1] >= max(finite[:-1]):
        return Advice("learning_rate_too_high",
                      f"The training loss rose from {finite[0]:.3g} to {finite[-1]:.3g}{rate}: training is diverging. "
                      f"Lower the learning rate (try {lower}).")
    return None


def overfitting(fit: Fit, target: Target) -> Advice | None:
    validation, training = fit.series("val_loss"), fit.series("loss")
    if not target.short_of_full_marks or len(validation) < 4 or any(v is None for v in validation + training):
        return None
    best = min(range(len(validation)), key=validation.__getitem__)
    low, last = validation[best], validation[-1]
    if len(validation) - 1 - best < 2 or last < low * (1 + RISE) or training[-1] >= training[best]:
        return None
    return Advice("overfitting",
                  f"Overfitting: validation loss was lowest at epoch {best + 1} ({low:.3g}) and rose to {last:.3g} by "
                  f"epoch {len(validation)} while the training loss kept falling. Stop near epoch {best + 1} "
                  "(EarlyStopping(monitor='val_loss', patience=2, restore_best_weights=True)) or add Dropout.")


def weak_on_training_data(fit: Fit, target: Target) -> Advice | None:
    if not (target.short_of_full_marks and target.higher_is_better):  # errors' scales differ between script and grader
        return None
    names = (target.metric, *ACCURACY_NAMES) if target.metric in ACCURACY_NAMES else (target.metric,)
    name = next((n for n in names if n in fit.names), None)
    values = fit.series(name) if name else []
    if not values or values[-1] is None or values[-1] >= target.full_marks_at:
        return None
    return Advice("weak_on_training_data",
                  f"Even on its training data the model reached {name} {values[-1]:.3g} at the last epoch, below the "
                  f"{target.full_marks_at:g} that 5/5 needs on hidden data: it underfits. Give it more capacity "
                  "(more units or layers, e.g. a Conv2D block) or train it longer.")


def still_improving(fit: Fit, target: Target) -> Advice | None:
    name = "val_loss" if "val_loss" in fit.names else "loss"
    values = fit.series(name)
    if not target.short_of_full_marks or len(values) < 2 or any(v is None or v < 0 for v in values):
        return None
    span = max(1, len(values) // 5)
    before, last = values[-1 - span], values[-1]
    if not (last <= min(values) and last < before * (1 - STILL_FALLING)):
        return None
    more = max(len(values) * 2, len(values) + 5)
    label = "validation loss" if name == "val_loss" else "training loss"
    return Advice("still_improving",
                  f"Still improving at the last epoch: the {label} fell from {before:.3g} to {last:.3g} over the last "
                  f"{span} epoch{'s' if span > 1 else ''}. Train longer (epochs={more}) while it keeps falling.")


RULES = (learning_rate_too_high, overfitting, weak_on_training_data, still_improving)


def advise(fit: Fit | None, target: Target) -> list[Advice]:
    """At most MAX_ADVICE lines, in the rules' order (the most urgent first)."""
    if fit is None or not fit.epochs:
        return []
    found = [a for a in (rule(fit, target) for rule in RULES) if a is not None]
    if any(a.rule == "overfitting" for a in found):  # "train longer" would contradict "stop earlier"
        found = [a for a in found if a.rule != "still_improving"]
    return found[:MAX_ADVICE]


def target_of(question, result=None) -> Target:
    """The question's metric and 5/5 threshold, and the result's score when the file was graded."""
    metric = question.metric
    score = result.score if result is not None and result.graded else None
    return Target(metric=metric.name, higher_is_better=metric.higher_is_better,
                  full_marks_at=float(metric.thresholds[-1]), score=score,
                  max_score=result.max_score if result is not None else 5)
