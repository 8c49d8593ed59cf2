"""How sure a score is: a seeded percentile bootstrap of the metric over the hidden examples.

Every kind's evaluate() gives `Evaluation.per_example`: one value per hidden example whose mean is the metric (1/0
for a right/wrong answer, the absolute error of a point, the mean absolute error of a forecast window), and, when
consecutive examples share data (overlapping forecast windows), `Evaluation.dependent_run`: how many consecutive
ones are resampled together. The hidden examples are drawn with replacement RESAMPLES times (seeded, so the same
file always gets the same interval), the metric is recomputed on each draw, and the central LEVEL of those values
is the interval. Cost per question: benchmarks/interval_cost.py (CALIBRATION.md).
"""

from __future__ import annotations

import numpy as np

from tfexam.result import Evaluation, Interval

RESAMPLES = 1000
SEED = 0
LEVEL = 0.95
CHUNK_INDICES = 2_000_000  # indices drawn at a time (16 MB), whatever the number of hidden examples


class NoPerExample(RuntimeError):
    """A kind's grader does not give its per-example values: a grader bug, reported as one line."""


def percentile_bootstrap(values: np.ndarray, resamples: int = RESAMPLES, seed: int = SEED,
                         level: float = LEVEL, block: int = 1) -> tuple[float, float]:
    """The central `level` of the means of `values` resampled with replacement. `block` > 1 resamples runs of that
    many consecutive values together (overlapping forecast windows are not independent examples)."""
    values = np.asarray(values, dtype="float64").reshape(-1)
    rng = np.random.default_rng(seed)
    if block == 1 and np.isin(values, (0.0, 1.0)).all():
        # right/wrong answers: the number right in a resample of n is exactly Binomial(n, share right)
        means = rng.binomial(len(values), values.mean(), size=resamples) / len(values)
    else:
        starts = np.arange(0, len(values), block)
        sums, sizes = np.add.reduceat(values, starts), np.diff(np.append(starts, len(values)))
        chunk = max(1, CHUNK_INDICES // len(sums))
        means = []
        for done in range(0, resamples, chunk):
            draws = rng.integers(0, len(sums), size=(min(chunk, resamples - done), len(sums)))
            means.append(sums[draws].sum(axis=1) / sizes[draws].sum(axis=1))
        means = np.concatenate(means)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


def of(evaluation: Evaluation, kind: str) -> Interval:
    """The interval of a kind's metric; NoPerExample names what the kind's grader must add when it lacks them."""
    values = evaluation.per_example
    if values is None or len(values) == 0:
        raise NoPerExample(f"graders/{kind}.py gives no per-example values: its evaluate() must set "
                           "Evaluation.per_example (one value per hidden example whose mean is the metric)")
    values = np.asarray(values, dtype="float64").reshape(-1)
    if not np.isclose(values.mean(), evaluation.value, rtol=1e-6, atol=1e-9):
        raise NoPerExample(f"graders/{kind}.py's per-example values average {values.mean():.6g}, not its metric "
                           f"{evaluation.value:.6g}")
    low, high = percentile_bootstrap(values, block=max(1, int(evaluation.dependent_run)))
    return Interval(low, high, LEVEL, RESAMPLES)
