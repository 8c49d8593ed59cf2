"""What recording the training curves costs per epoch: the same fit with and without the recorder's callback.

Both Kerases are measured, each in a fresh child process with the recorder installed as `tfexam train` installs it
(exam/fit_hook first on PYTHONPATH); inside it, rounds alternate a plain fit (the learner's original Model.fit,
no callback added) and a recorded one (the wrapped fit), in ABBA order, so drift of the machine's load and whatever
the second fit of a pair pays hit both alike. The model
is a Category-2-sized Dense network on 4,096 random pictures, one epoch per fit, and the report gives the median
seconds per epoch of each and their ratio (target: within noise, <= 1.02). On a loaded machine an epoch's time
swings more than the recorder costs, so the child also times the recorder's own hooks, called 1,000 times as Keras
calls them once per epoch (open, append one JSON line, close; read the learning rate).

    python benchmarks/fit_recording.py [--rounds 15] [--keras 3,2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from exam import fit_recorder, legacy_keras  # noqa: E402
from exam.verbs.train import FIT_HOOK_DIR  # noqa: E402

CHILD = """
import json, statistics, sys, time
import numpy as np
import tensorflow as tf

rounds = int(sys.argv[1])
rng = np.random.default_rng(0)
x = rng.random((4096, 28, 28), dtype=np.float32)
y = rng.integers(0, 10, 4096)
model = tf.keras.Sequential([tf.keras.Input(shape=(28, 28)), tf.keras.layers.Flatten(),
                             tf.keras.layers.Dense(128, activation="relu"), tf.keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
recorded = type(model).fit
assert getattr(recorded, "_tfexam_recorded", False), "the recorder is not installed"
plain = recorded.__wrapped__
plain(model, x, y, epochs=1, verbose=0)  # build and trace once, untimed
times = {"plain": [], "recorded": []}
for round in range(rounds):
    pair = (("plain", plain), ("recorded", recorded))
    for name, fit in pair if round % 2 == 0 else pair[::-1]:  # ABBA: neither goes first every time
        start = time.perf_counter()
        fit(model, x, y, epochs=1, batch_size=32, verbose=0, validation_split=0.1)
        times[name].append(time.perf_counter() - start)
# the recorder's own work per epoch, without the noise of training: its hooks called as Keras calls them
from exam import fit_recorder
recorder = fit_recorder._recorder_class(sys.argv[2])()
recorder.set_model(model)
recorder.set_params({"epochs": 1000, "steps": 128})
logs = {"loss": 0.5, "accuracy": 0.8, "val_loss": 0.6, "val_accuracy": 0.79}
recorder.on_train_begin()
start = time.perf_counter()
for epoch in range(1000):
    recorder.on_epoch_begin(epoch)
    recorder.on_epoch_end(epoch, logs)
hooks = (time.perf_counter() - start) / 1000
recorder.on_train_end()
print(json.dumps({k: statistics.median(v) for k, v in times.items()} | {"hooks": hooks}))
"""


def measure(keras: int, rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        env = legacy_keras.child_env(env) if keras == 2 else {k: v for k, v in env.items() if k != "TF_USE_LEGACY_KERAS"}
        env["PYTHONPATH"] = os.pathsep.join([str(FIT_HOOK_DIR), env["PYTHONPATH"]])
        env[fit_recorder.CURVES_ENV] = str(Path(folder) / "curves.jsonl")
        done = subprocess.run([sys.executable, "-c", CHILD, str(rounds), str(keras)], cwd=folder, env=env, capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"Keras {keras}: the child failed: {done.stderr[-1500:]}")
        lines = Path(env[fit_recorder.CURVES_ENV]).read_text().splitlines()
        return json.loads(done.stdout.strip().splitlines()[-1]) | {
            "recorded_epochs": sum('"epoch"' in line for line in lines[:-1002])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--keras", default="3,2")
    args = parser.parse_args()
    for keras in (int(k) for k in args.keras.split(",")):
        found = measure(keras, args.rounds)
        ratio = found["recorded"] / found["plain"]
        print(f"Keras {keras}: plain {found['plain'] * 1000:.1f} ms/epoch, recorded {found['recorded'] * 1000:.1f} "
              f"ms/epoch, ratio {ratio:.3f} (+{(found['recorded'] - found['plain']) * 1000:.1f} ms; "
              f"{found['recorded_epochs']} epochs recorded, {args.rounds} rounds); the recorder's own hooks: "
              f"{found['hooks'] * 1e6:.0f} us per epoch ({found['hooks'] / found['plain'] * 100:.3f}% of an epoch)")


if __name__ == "__main__":
    main()
