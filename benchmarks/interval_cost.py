"""What the score interval costs per question: graders/interval.py's bootstrap over as many values as the question has
hidden examples (RESAMPLES draws, SEED; right/wrong answers for classifiers, resampled in runs of `horizon` for
multi-step forecasts, as the graders give them), timed in this process; the grading around it is not included.

    TFEXAM_DATA_MIRROR=... python benchmarks/interval_cost.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from graders import interval
from tfexam import questions


def hidden_examples(question) -> int:
    """How many per-example values the question's grader gives (one per hidden point, picture, text or forecast)."""
    from tfexam.data.hidden import hidden_data

    settings = question.settings
    if question.kind == "regression":
        return len(settings.x)
    if question.kind == "image_classification":
        return settings.hidden_images
    if question.kind == "text_classification":
        return len(hidden_data(question)[1])
    rows = len(hidden_data(question))
    return rows - settings.window - settings.horizon + 1 if settings.horizon > 1 else rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    print(f"{interval.RESAMPLES} resamples, seed {interval.SEED}, best of {repeat}")
    print(f"{'question':<32} {'kind':<22} {'examples':>9} {'ms':>8}")
    for question in questions.all_questions().values():
        values = np.random.default_rng(0).random(hidden_examples(question))
        if question.kind.endswith("classification"):
            values = (values < 0.9).astype("float64")  # right/wrong answers
        block = getattr(question.settings, "horizon", 1)
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            interval.percentile_bootstrap(values, block=block)
            best = min(best, time.perf_counter() - started)
        print(f"{question.id:<32} {question.kind:<22} {len(values):>9} {best * 1000:>8.1f}")


if __name__ == "__main__":
    main()
