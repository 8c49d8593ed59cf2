"""Counterfactual re-scoring: a model below full marks is also scored under the preprocessing slips real candidates
make (pixels left 0-255, a tokenizer fitted on every text, another normalisation...), each kind declaring its own in
graders/slips/<kind>.py. If one scores clearly higher, the result names it in one line with both numbers. The score
is always the one under the frozen preprocessing: this only explains it.

Cost, bounded: a seeded subsample of the hidden set (the kind's SAMPLE, at most a few thousand examples) and a time
budget (BUDGET_SECONDS: a slip whose inputs are not prepared by then is left out and listed); every input goes
through one predict call. Nothing of the submission runs but predict on arrays: the caller (graders.pipeline) hands
in `run(inputs, batch_size)`, its own guarded predict.

"Clearly higher": a paired bootstrap of the per-example difference (slip minus as graded; BOOTSTRAP_SAMPLES
resamples of the subsample) puts the lower end of its 99% interval above a margin, the finest rung of the question's
score ladder (the smallest gap between two thresholds: Fashion-MNIST 0.01 accuracy, sarcasm 0.02, sunspots 0.0015
MAE): beyond the subsample's noise, with the few slips of a kind tried side by side, and large enough to move a grade. And the slip's
metric must beat, by the same margin, what needs no skill (the kind's `floor`: the majority class's share, the
training mean's forecast): an untrained network fed z-scored values answers near the mean, which beats its frozen
answers without telling anything about how it was trained.
The clearest (largest improvement) is named.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

import numpy as np

from tfexam.questions import Question
from tfexam.result import Rescoring, Slip as FoundSlip
from graders import series

BUDGET_SECONDS = 30.0
SEED = 0
BOOTSTRAP_SAMPLES = 2000
LEVEL = 0.99

Run = Callable[..., np.ndarray]  # run(inputs, batch_size=...) -> the model's outputs (float64, finite)


@dataclass(frozen=True)
class Feed:
    """What the model is fed, and how its outputs map back to the graded scale (forecasts only)."""

    inputs: Any
    restore: Callable[[np.ndarray], np.ndarray] = lambda outputs: outputs


@dataclass(frozen=True)
class Slip:
    """One usual preprocessing slip of a kind: what the model is fed under it, what the exam feeds instead, the fix."""

    name: str
    fed: Callable[[Question], str]  # "0-255 pixels"
    exam: Callable[[Question], str]  # "pixels divided by 255"
    fix: Callable[[Question], str]  # "scale your training pictures the same way"
    feed: Callable[[Any], Feed]  # the kind's Sample -> the inputs under the slip
    applies: Callable[[Question], bool] = lambda question: True


class Kind:
    """What a kind's module provides (graders/slips/<kind>.py): its slips, a subsample, per-example metric values."""

    SLIPS: list[Slip]
    noun: str  # what one example of the subsample is: "hidden pictures"

    def sample(self, question: Question) -> Any: ...  # with .size and .frozen (the Feed as graded)

    def batch_size(self, question: Question) -> int: ...

    def floor(self, question: Question, sample) -> float: ...  # the metric without skill, on the subsample

    def per_example(self, outputs: np.ndarray, question: Question, sample, feed: Feed) -> np.ndarray: ...  # the metric's terms


def kind_of(question: Question):
    """The kind's slips module, or None when a kind declares none (regression: its data needs no preparation)."""
    name = f"graders.slips.{question.kind}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        return None


def slips_for(question: Question) -> list[Slip]:
    """The kind's slips that apply to the question, narrowed to those its `[hidden] slips` names, if it names any."""
    module = kind_of(question)
    declared = module.SLIPS if module else []
    chosen = getattr(question.settings, "slips", None)
    if chosen is not None:
        unknown = set(chosen) - {s.name for s in declared}
        if unknown:
            raise ValueError(f"{question.id}: [hidden].slips names no slip of its kind: {', '.join(sorted(unknown))}")
        declared = [s for s in declared if s.name in chosen]
    return [s for s in declared if s.applies(question)]


def rescore(run: Run, question: Question, fatal: Callable[[BaseException], bool],
            budget: float = BUDGET_SECONDS) -> Rescoring | None:
    """The model's metric under each slip of its kind on one seeded subsample; the clearest slip, if one is clear.
    A slip the model cannot take (an id beyond its vocabulary, NaN out) is left out; `fatal` errors (memory) stop it."""
    module = kind_of(question)
    slips = slips_for(question)
    if module is None or not slips:
        return None
    started = time.monotonic()
    sample = module.sample(question)
    feeds, left_out = {}, []
    for slip in slips:  # preparing the inputs is what costs (tokenizers, decoding): the budget stops it
        if time.monotonic() - started > budget:
            left_out.append(slip.name)
            continue
        try:
            feeds[slip.name] = slip.feed(sample)
        except Exception as error:
            if fatal(error):
                raise
            left_out.append(slip.name)
    outputs = _predicted(run, module.batch_size(question), {"": sample.frozen, **feeds}, fatal)
    frozen = module.per_example(outputs.pop(""), question, sample, sample.frozen)
    frozen_value = float(frozen.mean())
    floor = module.floor(question, sample)
    values, best = {}, None
    for slip in slips:
        if slip.name not in outputs:  # past the budget, or the model could not take its inputs
            if slip.name not in left_out:
                left_out.append(slip.name)
            continue
        terms = module.per_example(outputs[slip.name], question, sample, feeds[slip.name])
        values[slip.name] = value = float(terms.mean())
        gain = clear_gain(question, frozen, terms) if _beats(question, value, floor) else None
        if gain is not None and (best is None or gain > best[0]):
            best = (gain, slip, value)
    found = None
    if best:
        _, slip, value = best
        found = FoundSlip(slip.name, value, frozen_value, line(question, slip, value, frozen_value, sample.size, module.noun))
    return Rescoring(examples=sample.size, seconds=round(time.monotonic() - started, 2), frozen_value=frozen_value,
                     values=values, left_out=left_out, slip=found)


def _predicted(run: Run, batch_size: int, feeds: dict[str, Feed], fatal) -> dict[str, np.ndarray]:
    """Every feed's outputs from as few predict calls as can be (each call costs Keras a dataset and a trace, about as
    much as a few thousand small examples): one for the frozen feed ("") and every feed within its range; token ids
    beyond the frozen ids' range (another vocabulary) alone, as an embedding may refuse them. A feed the model cannot
    take is dropped. The frozen feed never fails: the grading has just run the model on the same inputs."""
    frozen = np.asarray(feeds[""].inputs)
    integers = np.issubdtype(frozen.dtype, np.integer)
    together = [name for name, feed in feeds.items() if not (integers and np.max(feed.inputs) > frozen.max())]
    groups = [together] + [[name] for name in feeds if name not in together]
    outputs = {}
    for group in groups:
        try:
            joined = run(np.concatenate([np.asarray(feeds[name].inputs) for name in group]), batch_size=batch_size)
        except Exception as error:
            if fatal(error) or "" in group and len(group) == 1:
                raise
            if len(group) > 1:
                groups += [[name] for name in group]
            continue
        sizes = np.cumsum([len(feeds[name].inputs) for name in group])[:-1]
        outputs |= dict(zip(group, np.split(joined, sizes)))
    return outputs


def margin(question: Question) -> float:
    thresholds = question.metric.thresholds
    return min(abs(b - a) for a, b in zip(thresholds, thresholds[1:]))


def _beats(question: Question, value: float, floor: float) -> bool:
    sign = 1.0 if question.metric.higher_is_better else -1.0
    return sign * (value - floor) > margin(question)


def clear_gain(question: Question, frozen: np.ndarray, slipped: np.ndarray) -> float | None:
    """The mean improvement when the slip is clearly better (module docstring), else None."""
    sign = 1.0 if question.metric.higher_is_better else -1.0
    # paired_bootstrap gives the interval of mean(a - b); with a = -sign * slipped, b = -sign * frozen it is minus the
    # improvement's, so the improvement's lower end is -high
    _, high = series.paired_bootstrap(-sign * slipped, -sign * frozen, BOOTSTRAP_SAMPLES, SEED, LEVEL)
    return float(sign * (slipped.mean() - frozen.mean())) if -high > margin(question) else None


def line(question: Question, slip: Slip, value: float, frozen_value: float, examples: int, noun: str) -> str:
    metric = question.metric
    show = (lambda v: f"{v:.3f}") if metric.higher_is_better else (lambda v: f"{v:.4f}")
    return (f"your model scores {show(value)} when fed {slip.fed(question)}, against {show(frozen_value)} as the exam "
            f"feeds it ({slip.exam(question)}), both on the same {examples:,} {noun}: {slip.fix(question)}; your score "
            "stays the one as graded")
