"""What the counterfactual re-scoring (graders/slips/) adds to a grading below 5/5, per question of the bank.

For each question with slips: (a) the grading as graded (pipeline.grade with re-scoring off), (b) the re-scoring
alone (pipeline.rescore), in one warm process (TensorFlow imported once, the tokenizers fitted on the first use,
as in a warm worker's first file of a question). The model is --model ID=PATH (e.g. a reference from
`tfexam solve N`) or, without one, a small network of the contract's shapes (predict costs less than a trained
CNN's: a floor). Each is timed --repeat times; the table shows the first (cold caches) and the median.

    python benchmarks/slip_rescoring.py [--question c2_fashion_mnist ...] [--model c2_fashion_mnist=path.h5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tfexam import questions  # noqa: E402


def small_model(question, folder: Path) -> Path:
    import tensorflow as tf

    contract = question.contract
    units = contract.output_shapes[0]
    model = tf.keras.Sequential([tf.keras.Input(tuple(contract.input_shape)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(32, activation="relu"),
                                 tf.keras.layers.Dense(int(units[0] if len(units) == 1 else units[0] * units[1])),
                                 tf.keras.layers.Reshape(tuple(units))])
    path = folder / f"{question.id}.h5"
    model.save(path)
    return path


def main() -> None:
    from graders import pipeline, slips

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--question", action="append", help="question id (default: every question with slips)")
    parser.add_argument("--model", action="append", default=[], help="ID=PATH of a saved model to use")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    given = dict(item.split("=", 1) for item in args.model)
    chosen = [questions.get(q) for q in args.question] if args.question else [
        q for q in questions.all_questions().values() if slips.slips_for(q)]
    sizes = {q.kind: slips.kind_of(q).SAMPLE for q in chosen}
    print(f"budget {slips.BUDGET_SECONDS:g} s per re-scoring; subsample at most " +
          ", ".join(f"{n:,} ({kind.replace('_', ' ')})" for kind, n in sizes.items()))
    print("| question | model | slips | subsample | grading (s) | re-scoring first (s) | re-scoring median (s) | added "
          "| as graded (subsample) | best slip | named |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for question in chosen:
            path = Path(given[question.id]) if question.id in given else small_model(question, Path(folder))
            model = pipeline.load(path, question, [])
            graded = _graded_seconds(path, question)
            times, rescoring = [], None
            for _ in range(args.repeat):
                started = time.monotonic()
                rescoring = pipeline.rescore(model, question)
                times.append(time.monotonic() - started)
            median = statistics.median(times)
            pick = max if question.metric.higher_is_better else min
            best = pick(rescoring.values, key=rescoring.values.get) if rescoring and rescoring.values else None
            print(f"| {question.id} | {'given' if question.id in given else 'small network'} | "
                  f"{len(rescoring.values) if rescoring else 0}/{len(slips.slips_for(question))} | "
                  f"{rescoring.examples if rescoring else '-'} | {graded:.2f} | {times[0]:.2f} | {median:.2f} | "
                  f"{100 * median / graded:.0f}% | {rescoring.frozen_value:.4g} | "
                  f"{f'{best} {rescoring.values[best]:.4g}' if best else '-'} | "
                  f"{rescoring.slip.name if rescoring.slip else 'none'} |")


def _graded_seconds(path: Path, question) -> float:
    """The grading without re-scoring (a model at 5/5 pays nothing more): median of three."""
    from graders import pipeline

    original, pipeline.rescore = pipeline.rescore, lambda model, question: None
    try:
        times = []
        for _ in range(3):
            started = time.monotonic()
            pipeline.grade(path, question)
            times.append(time.monotonic() - started)
        return statistics.median(times)
    finally:
        pipeline.rescore = original


if __name__ == "__main__":
    main()
