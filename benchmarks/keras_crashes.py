"""What Keras 3 and exam-era Keras 2 (tf-keras) really raise on exam-era code: the evidence behind exam/crashes.py.

    python benchmarks/keras_crashes.py [--keras 2|3] [--json]

Each construct below is written into its own small script (a tiny model and data first) and run, in the environment
`tfexam train` gives a learner's script under that Keras (one Python per Keras generation, the scripts run one after
another with runpy; each construct's failing line is its script's last). The table prints the last line of each
traceback, or "runs" with the warnings it gave (Keras 3's advice against .h5 is logged through absl, not warned:
tests/test_crashes.py sees it through `tfexam train`). The crash rules in exam/crashes.py are derived from these lines; tests/test_crashes.py runs the same probe and checks
that every rule explains the traceback its construct really produces, at the learner's line.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

PRELUDE = """\
import numpy as np
import tensorflow as tf

xs = np.array([[0.0], [1.0], [2.0], [3.0]])
ys = 2 * xs
model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
"""
# name -> the construct, as a learner's script has it (after PRELUDE)
CONSTRUCTS = {
    "predict on a literal list": "print(model.predict([10.0]))",
    "predict on a list of a name": "new_y = 7.0\nprint(model.predict([new_y]))",
    "predict on a list of an array": "x = np.array([[10.0]])\nprint(model.predict([x]))",
    "ModelCheckpoint path in a variable": "checkpointpath = 'training/cp.ckpt'\n"
                                          "callback = tf.keras.callbacks.ModelCheckpoint(checkpointpath, save_weights_only=True)",
    "ModelCheckpoint to .h5, weights only": "callback = tf.keras.callbacks.ModelCheckpoint('best.h5', save_weights_only=True)",
    "Input(shape=(n)) with n a name": "max_length = 120\ninputs = tf.keras.Input(shape=(max_length))",
    "input_shape=(n) with n a name": "max_length = 120\nnet = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(max_length))])",
    "optimizer lr=": "optimizer = tf.keras.optimizers.Adam(lr=0.01)",
    "fit_generator": "model.fit_generator(((xs, ys) for _ in range(9)), steps_per_epoch=1, epochs=1, verbose=0)",
    "predict_classes": "print(model.predict_classes(xs))",
    "metrics as a bare string": "model.compile(optimizer='sgd', loss='mse', metrics='accuracy')",  # compile() raises
    "Adam(decay=...)": "optimizer = tf.keras.optimizers.Adam(learning_rate=0.01, decay=1e-6)",
    "keras.preprocessing.text.Tokenizer": "from keras.preprocessing.text import Tokenizer",
    "tf.keras.preprocessing.text.Tokenizer": "tokenizer = tf.keras.preprocessing.text.Tokenizer(num_words=100)",
    "keras_preprocessing": "from keras_preprocessing.sequence import pad_sequences",
    "keras.preprocessing.image": "from keras.preprocessing.image import ImageDataGenerator",
    "save without a suffix": "model.save('saved_model')",
    "save_weights to .ckpt": "model.save_weights('weights.ckpt')",
    "layers.experimental": "layer = tf.keras.layers.experimental.preprocessing.Rescaling(1 / 255.0)",
    "optimizer.lr": "print(model.optimizer.lr)",
    "metrics.mean_absolute_error": "metric = tf.keras.metrics.mean_absolute_error",
    "Sequential with input_shape": "net = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])",
    "save to .h5": "model.save('mymodel.h5')",
    "input shape mismatch in fit": "model.fit(np.zeros((4, 3)), ys, epochs=1, verbose=0)",
    "label shape mismatch in fit": "model.compile(optimizer='sgd', loss='binary_crossentropy')\n"
                                   "model.fit(xs, np.zeros((4, 3)), epochs=1, verbose=0)",
    "out of memory (numpy)": "big = np.zeros((10**6, 10**6))",
    "out of memory (TensorFlow)": "big = tf.ones((10**6, 10**6))",
    "RandomGrayscale": "layer = tf.keras.layers.RandomGrayscale(factor=0.5)",
    "keras.ops": "import keras\nprint(keras.ops.sum(xs))",
    "PyDataset": "base = tf.keras.utils.PyDataset",
}

HARNESS = """
import json, runpy, sys, time, traceback, warnings
from pathlib import Path
folder = Path(sys.argv[1])
outcome = {}
for script in sorted(folder.glob("case_*.py"), key=lambda p: int(p.stem.split("_")[1])):
    began = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            runpy.run_path(str(script), run_name="__main__")
            outcome[script.name] = {"runs": True, "warnings": sorted({str(w.message)[:300] for w in caught})}
        except BaseException as error:
            outcome[script.name] = {"runs": False, "traceback": traceback.format_exc()}
    outcome[script.name]["seconds"] = round(time.perf_counter() - began, 2)
print("PROBE " + json.dumps(outcome))
"""


def write_cases(folder: Path, constructs: dict[str, str]) -> dict[str, Path]:
    """Each construct as its own script in `folder` (case_<i>.py); name -> path."""
    paths = {}
    for index, (name, code) in enumerate(constructs.items()):
        paths[name] = folder / f"case_{index}.py"
        paths[name].write_text(PRELUDE + code + "\n", encoding="utf-8")
    return paths


def probe(keras: int, folder: Path, constructs: dict[str, str] = CONSTRUCTS) -> dict[str, dict]:
    """name -> {"runs": bool, "traceback" or "warnings"} under Keras `keras`, run in `folder`."""
    from exam.verbs.train import child_env

    paths = write_cases(folder, constructs)
    done = subprocess.run([sys.executable, "-c", HARNESS, str(folder)], cwd=folder, env=child_env(keras),
                          capture_output=True, text=True, timeout=900)
    lines = [line for line in done.stdout.splitlines() if line.startswith("PROBE ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the probe under Keras {keras} failed: {done.stderr[-3000:]}")
    by_file = json.loads(lines[-1][len("PROBE "):])
    return {name: by_file[path.name] for name, path in paths.items()}


def summary(outcome: dict) -> str:
    """One line: "runs" and its warnings, or the exception the traceback ends with (Keras' are several lines long)."""
    if outcome["runs"]:
        return "runs" + "".join(f" [warning: {' '.join(w.split())[:120]}]" for w in outcome["warnings"])
    lines = outcome["traceback"].strip().splitlines()
    frames = [i for i, line in enumerate(lines) if line.startswith("  File ")]
    exception = [line for line in lines[frames[-1] + 1:] if not line.startswith("    ")] if frames else lines[-1:]
    return " ".join(" ".join(lines[lines.index(exception[0]):]).split())[:400] if exception else lines[-1]


def main() -> int:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keras", type=int, choices=(2, 3), action="append", help="default: both")
    parser.add_argument("--json", action="store_true", help="print the full outcomes as one JSON object")
    args = parser.parse_args()
    found = {}
    for keras in args.keras or (3, 2):
        with tempfile.TemporaryDirectory() as folder:
            found[keras] = probe(keras, Path(folder))
    if args.json:
        print(json.dumps(found, indent=1))
        return 0
    for keras, outcomes in found.items():
        print(f"\n## Keras {keras}\n")
        for name, outcome in outcomes.items():
            print(f"{name:40} {summary(outcome)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
