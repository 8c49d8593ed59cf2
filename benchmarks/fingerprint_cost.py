"""What the class similarity check adds per file: graders.fingerprint.of(model) in a warm process, against loading
the same file (what grading pays anyway), and the CLI's comparison of every pair of fingerprints.

    python benchmarks/fingerprint_cost.py [--repeat 5] [--model NAME=path/to/mymodel.h5 ...]

Without --model it builds one untrained model per category with the shape of our reference solutions' (the cost
depends on the number of weights, not their values) and saves each as .h5 in a temporary folder.
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


def models(folder: Path) -> dict[str, Path]:
    import tensorflow as tf

    layers = tf.keras.layers
    built = {
        "c1 dense (1 unit)": [tf.keras.Input(shape=(1,)), layers.Dense(1)],
        "c2 cnn 28x28": [tf.keras.Input(shape=(28, 28)), layers.Reshape((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
                         layers.MaxPooling2D(), layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(),
                         layers.Flatten(), layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")],
        "c3 cnn 150x150x3": [tf.keras.Input(shape=(150, 150, 3)), layers.Conv2D(16, 3, activation="relu"),
                             layers.MaxPooling2D(), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
                             layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(), layers.Flatten(),
                             layers.Dense(512, activation="relu"), layers.Dense(1, activation="sigmoid")],
        "c4 embedding + lstm": [tf.keras.Input(shape=(120,)), layers.Embedding(10000, 16),
                                layers.Bidirectional(layers.LSTM(32)), layers.Dense(24, activation="relu"),
                                layers.Dense(1, activation="sigmoid")],
        "c5 conv1d + lstm": [tf.keras.Input(shape=(30, 1)), layers.Conv1D(32, 5, padding="causal", activation="relu"),
                             layers.LSTM(64, return_sequences=True), layers.LSTM(64), layers.Dense(30, activation="relu"),
                             layers.Dense(1)],
    }
    paths = {}
    for name, stack in built.items():
        path = folder / f"{name.split()[0]}.h5"
        tf.keras.Sequential(stack).save(path)
        paths[name] = path
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--model", action="append", default=[], metavar="NAME=PATH")
    args = parser.parse_args()
    import tensorflow as tf

    from graders import fingerprint

    with tempfile.TemporaryDirectory() as scratch:
        chosen = dict(item.split("=", 1) for item in args.model) if args.model else models(Path(scratch))
        print(f"{'model':<22} {'weights':>10} {'load s':>8} {'fingerprint s':>14} {'added':>7}")
        for name, path in chosen.items():
            loads, prints = [], []
            for _ in range(args.repeat):
                started = time.perf_counter()
                model = tf.keras.models.load_model(path, compile=False, safe_mode=True)
                loads.append(time.perf_counter() - started)
                started = time.perf_counter()
                found = fingerprint.of(model)
                prints.append(time.perf_counter() - started)
                tf.keras.backend.clear_session()
            load, cost = statistics.median(loads), statistics.median(prints)
            print(f"{name:<22} {found.parameters:>10,} {load:>8.3f} {cost:>14.4f} {100 * cost / load:>6.1f}%")
    compare_all(400)
    threshold_evidence()
    return 0


def compare_all(files: int) -> None:
    """The CLI's side: grouping `files` fingerprints of one architecture (every pair compared once)."""
    import random

    from exam import flags
    from tfexam.result import Fingerprint
    from tfexam.similarity import SKETCH_SIZE

    rng = random.Random(0)
    entries = [flags.Entry(f"c{i}", 3, f"c{i}_c3.h5", f"{i:064x}",
                           Fingerprint("a" * 64, f"{i:064x}", f"{i:064x}", 100_000,
                                       [rng.random() for _ in range(SKETCH_SIZE)])) for i in range(files)]
    started = time.perf_counter()
    flags.find(entries)
    print(f"comparing {files} fingerprints of one architecture (all pairs): {time.perf_counter() - started:.2f} s")


def threshold_evidence() -> None:
    """Why "similar" is rounding OR the sampled weights within TOLERANCE: a copy with noise of a given size against
    the original (rounded digests equal? the sketch's largest difference), and two models of the same architecture
    trained independently on the same data (Category 1's points, different seeds)."""
    import numpy as np
    import tensorflow as tf

    from graders import fingerprint
    from tfexam import similarity

    xs = np.array([-2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0], dtype="float32")
    trained = []
    for seed in (1, 2):
        tf.keras.utils.set_random_seed(seed)
        model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(8, activation="relu"),
                                     tf.keras.layers.Dense(1)])
        model.compile(optimizer=tf.keras.optimizers.Adam(0.05), loss="mse")
        model.fit(np.tile(xs, 30), np.tile(3 * xs + 2, 30), epochs=30, verbose=0)
        trained.append(model)
    base = fingerprint.of(trained[0])
    other = fingerprint.of(trained[1])
    print(f"\n{'pair (25 weights)':<34} {'rounded equal':>13} {'sketch max diff':>16} {'flag':>18}")
    print(f"{'two honest models, seeds 1 and 2':<34} {str(base.rounded == other.rounded):>13} "
          f"{max(abs(a - b) for a, b in zip(base.sketch, other.sketch)):>16.3g} "
          f"{str((similarity.relation(base, other) or ('none',))[0]):>18}")
    rng = np.random.default_rng(0)
    weights = trained[0].get_weights()
    for sigma in (1e-7, 1e-6, 1e-5, 1e-4, 3e-4, 1e-3, 1e-2):
        trained[0].set_weights([w + rng.normal(0, sigma, w.shape).astype(w.dtype) for w in weights])
        noisy = fingerprint.of(trained[0])
        print(f"{f'copy + noise sigma {sigma:g}':<34} {str(base.rounded == noisy.rounded):>13} "
              f"{max(abs(a - b) for a, b in zip(base.sketch, noisy.sketch)):>16.3g} "
              f"{str((similarity.relation(base, noisy) or ('none',))[0]):>18}")
    trained[0].set_weights(weights)


if __name__ == "__main__":
    sys.exit(main())
