"""What every calibrate_*.py script does: train a starter or solution, grade models as Submit and Test does.

Import it after the script has put the repository on sys.path (each script does so before importing TensorFlow).
"""

from __future__ import annotations

import runpy
import tempfile
import time
from pathlib import Path

import tensorflow as tf

from tfexam.questions import Question
from graders.pipeline import grade


def train_script(path: Path, seed: int = 0):
    """(model, seconds) from a starter's or solution's solution_model(); the seed fixes a starter's randomness."""
    tf.keras.utils.set_random_seed(seed)
    started = time.monotonic()
    model = runpy.run_path(str(path))["solution_model"]()
    return model, time.monotonic() - started


def graded(rows, question: Question):
    """For each (name, model, seconds): save as .h5 and grade it; yields (name, model, seconds, Result)."""
    with tempfile.TemporaryDirectory() as folder:
        for i, (name, model, seconds) in enumerate(rows):
            path = Path(folder) / f"model{i}.h5"
            model.save(path)
            yield name, model, seconds, grade(path, question)
