"""python -m graders.selfcheck PROBE...: the TensorFlow half of `tfexam doctor`, run in a child process.

Runs the probes in order in one process (TensorFlow's start is paid once) and prints one JSON line per probe as
it finishes, {"probe": name, ...}, so a crash of TensorFlow (or of the machine's HDF5) costs the doctor the
verdict lines still to come, never the doctor itself.
  roundtrip  save a small model to .h5 and load it back as Submit and Test does (compile=False, safe mode), and a
             Keras 2 file written by tf-keras (when installed) loaded by Keras 3
  speed      train the Category 3 reference solution for two epochs on the cached pictures and time the second
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

STARTED = time.perf_counter()


def roundtrip() -> dict:
    import keras
    import numpy as np
    import tensorflow as tf

    imported = time.perf_counter() - STARTED
    out = {"tensorflow": tf.__version__, "keras": keras.__version__, "import_s": round(imported, 2)}
    probe = np.linspace(-1, 1, 12, dtype="float32").reshape(3, 4)
    with tempfile.TemporaryDirectory(prefix="tfexam-doctor-") as folder:
        path = Path(folder) / "mymodel.h5"
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)])
        model.save(path)
        loaded = keras.models.load_model(path, compile=False, safe_mode=True)
        out["keras3_h5"] = bool(np.allclose(model.predict(probe, verbose=0), loaded.predict(probe, verbose=0), atol=1e-6))
        out["keras2_h5"] = _keras2_file_loads(Path(folder) / "keras2.h5", probe)
    out["roundtrip_s"] = round(time.perf_counter() - STARTED - imported, 2)
    return out


def _keras2_file_loads(path: Path, probe) -> bool | str:
    """A course-era file: written by tf-keras (Keras 2), read by Keras 3 the way the grader reads it."""
    import keras
    import numpy as np

    try:
        import tf_keras
    except ImportError:
        return "tf-keras not installed"
    old = tf_keras.Sequential([tf_keras.layers.Dense(3, activation="relu", input_shape=(4,)), tf_keras.layers.Dense(1)])
    old.save(path)
    loaded = keras.models.load_model(path, compile=False, safe_mode=True)
    return bool(np.allclose(old.predict(probe, verbose=0), loaded.predict(probe, verbose=0), atol=1e-5))


TIMED_EPOCHS = 2


def speed() -> dict:
    """solution_model() of the Category 3 reference with fit() held to two epochs: loading the pictures, building
    the network and two epochs, as a learner's first run pays them. The first epoch also decodes and caches the
    pictures, so the second one is what each further epoch costs."""
    import importlib.util

    import keras

    from tfexam import questions

    imported = time.perf_counter() - STARTED
    epochs, requested = [], []
    original_fit = keras.Model.fit

    class EpochClock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.began = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            epochs.append(time.perf_counter() - self.began)

    def one_epoch(self, *args, **kwargs):
        requested.append(kwargs.get("epochs", 1))
        kwargs["epochs"] = min(TIMED_EPOCHS, requested[-1])
        kwargs["verbose"] = 0
        kwargs["callbacks"] = list(kwargs.get("callbacks") or []) + [EpochClock()]
        return original_fit(self, *args, **kwargs)

    question = questions.default_for_category(3)
    spec = importlib.util.spec_from_file_location("doctor_reference", question.solution_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    keras.Model.fit = one_epoch
    began = time.perf_counter()
    module.solution_model()
    return {"question": question.id, "run_s": round(time.perf_counter() - began, 2),
            "epoch_s": round(epochs[-1], 2) if epochs else None, "timed_epochs": len(epochs),
            "epochs": requested[0] if requested else None,
            "import_s": round(imported, 2)}


PROBES = {"roundtrip": roundtrip, "speed": speed}


def main(argv: list[str]) -> int:
    if not argv or any(name not in PROBES for name in argv):
        print(f"usage: python -m graders.selfcheck {{{'|'.join(PROBES)}}}...", file=sys.stderr)
        return 2
    for name in argv:
        print(json.dumps({"probe": name, **PROBES[name]()}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
