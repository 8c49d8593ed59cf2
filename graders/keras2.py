"""Keras 2 files (tf.keras in TF 2.4-2.15, or tf-keras): loaded by tf-keras, the framework that wrote them.

Keras 3 reads many Keras 2 .h5 files, but not all (an LSTM or GRU stores `time_major`, which Keras 3 rejects), and
not always to the same numbers. tf-keras is Keras 2 itself, so a file it loads predicts exactly what it predicted
when it was saved, and the learner never has to save it again. `import tf_keras` works without
TF_USE_LEGACY_KERAS, so one grading process can hold Keras 3 and tf-keras side by side.

The stored description has already been checked (tfexam/description.py) before this module is used, on the private
copy it loads: a Keras 2 Lambda carries marshalled bytecode, and it never reaches tf-keras; nor does a name from
outside Keras, which tf-keras would import.
"""

from __future__ import annotations

from pathlib import Path

WRITER = "Keras 2 (tf-keras)"


def load(path: Path):
    """The model in `path`, built by tf-keras without compiling it; raises what tf-keras raises."""
    import tf_keras

    return tf_keras.models.load_model(path, compile=False, safe_mode=True)


def failure(text: str, error_name: str) -> str:
    """Why tf-keras could not rebuild a Keras 2 file, in the learner's terms (saving it again would not help). Read by
    candidates on Gradescope and in a teacher's batch too, so it names no tfexam command."""
    if "Unknown" in text or "Could not locate class" in text:
        name = text.split("'")[1] if "'" in text else "a custom class"
        return (f"the model uses a class Keras 2 does not know ({name}): a custom layer, or one from a newer Keras; "
                "build it from tf.keras.layers only")
    return (f"this Keras 2 file names something tf-keras 2.21 cannot rebuild ({error_name}: {text[:160]}); "
            "build the model from built-in tf.keras layers and train it again")
