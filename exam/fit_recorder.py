"""Runs inside the learner's training process (exam/fit_hook/sitecustomize.py installs it): each Model.fit of Keras 3
(`keras`, `tf.keras`) and of tf-keras (`tf_keras`, exam-era `tf.keras`) gets one more callback, after the learner's
own, that appends one JSON line per event to the file named by TFEXAM_CURVES_FILE: a fit's start (planned epochs),
each epoch's logs with the optimizer's learning rate and seconds, and the fit's end.

It prints nothing and changes nothing the script computes; any failure of its own is written to the file as a note
and the script goes on. With TFEXAM_SEED set (`tfexam train --repeat`), Python's, NumPy's and TensorFlow's global
seeds are set as they are imported: a script that seeds itself later wins, and its runs come out alike.
The exam reads the file as hostile (exam/curves.py): this process is the learner's.
"""

from __future__ import annotations

import importlib.machinery
import json
import math
import os
import sys
import time

CURVES_ENV = "TFEXAM_CURVES_FILE"
SEED_ENV = "TFEXAM_SEED"
FIT_MODULES = {"keras.src.models.model": "3", "tf_keras.src.engine.training": "2"}
_state = {"fits": 0, "classes": {}}


def install() -> None:
    if not os.environ.get(CURVES_ENV) or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    seed = os.environ.get(SEED_ENV)
    if seed:
        import random

        random.seed(int(seed))
    sys.meta_path.insert(0, _Finder())


def note(text: str) -> None:
    _write({"event": "note", "text": str(text)[:300]})


def _write(line: dict) -> None:
    try:
        with open(os.environ[CURVES_ENV], "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
    except Exception:  # noqa: BLE001 - a full disk or a removed folder must not stop the training
        pass


class _Finder:
    """Patches the two Model modules (and, when seeding, numpy and tensorflow) right after they are executed."""

    def find_spec(self, name, path=None, target=None):
        patch = _PATCHES.get(name)
        if patch is None or (patch is not _patch_fit and not os.environ.get(SEED_ENV)):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        plain = spec.loader.exec_module

        def exec_module(module, plain=plain):
            plain(module)
            try:
                patch(module)
            except Exception as error:  # noqa: BLE001
                note(f"could not patch {module.__name__}: {error!r}")

        spec.loader.exec_module = exec_module
        return spec

    def invalidate_caches(self):
        pass


def _patch_fit(module) -> None:
    model = module.Model
    plain = model.fit
    if getattr(plain, "_tfexam_recorded", False):
        return
    keras = FIT_MODULES[module.__name__]

    def fit(self, *args, **kwargs):
        try:
            args, kwargs = _with_recorder(keras, args, kwargs)
        except Exception as error:  # noqa: BLE001
            note(f"fit was not recorded: {error!r}")
        return plain(self, *args, **kwargs)

    fit._tfexam_recorded = True
    for name in ("__doc__", "__name__", "__qualname__", "__module__", "__wrapped__"):
        try:
            setattr(fit, name, getattr(plain, name) if name != "__wrapped__" else plain)
        except AttributeError:
            pass
    model.fit = fit


def _seed_numpy(module) -> None:
    module.random.seed(int(os.environ[SEED_ENV]))


def _seed_tensorflow(module) -> None:
    module.random.set_seed(int(os.environ[SEED_ENV]))


_PATCHES = {**dict.fromkeys(FIT_MODULES, _patch_fit), "numpy": _seed_numpy, "tensorflow": _seed_tensorflow}
CALLBACKS_POSITION = 5  # fit(x, y, batch_size, epochs, verbose, callbacks, ...) in both Kerases


def _with_recorder(keras: str, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    recorder = _recorder_class(keras)()
    if len(args) > CALLBACKS_POSITION:
        args = list(args)
        args[CALLBACKS_POSITION] = _appended(args[CALLBACKS_POSITION], recorder)
        return tuple(args), kwargs
    kwargs = dict(kwargs)
    kwargs["callbacks"] = _appended(kwargs.get("callbacks"), recorder)
    return args, kwargs


def _appended(callbacks, recorder):
    if callbacks is None:
        return [recorder]
    if isinstance(callbacks, (list, tuple)):
        return [*callbacks, recorder]
    if hasattr(callbacks, "append"):  # a CallbackList the learner built
        callbacks.append(recorder)
        return callbacks
    note(f"fit was not recorded: callbacks of type {type(callbacks).__name__}")
    return callbacks


def _recorder_class(keras: str):
    if keras in _state["classes"]:
        return _state["classes"][keras]
    base = __import__("keras.src.callbacks.callback" if keras == "3" else "tf_keras.src.callbacks",
                      fromlist=["Callback"]).Callback

    class Recorder(base):
        def on_train_begin(self, logs=None):
            _state["fits"] += 1
            self._fit, self._started, self._epoch_started = _state["fits"], time.perf_counter(), time.perf_counter()
            params = getattr(self, "params", None) or {}
            _write({"event": "begin", "fit": self._fit, "keras": keras, "epochs": params.get("epochs"),
                    "steps": params.get("steps")})

        def on_epoch_begin(self, epoch, logs=None):
            self._epoch_started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            try:
                numbers = {str(k): _number(v) for k, v in (logs or {}).items()}
                _write({"event": "epoch", "fit": self._fit, "epoch": int(epoch) + 1, "logs": numbers,
                        "lr": _learning_rate(getattr(self.model, "optimizer", None)),
                        "seconds": round(time.perf_counter() - self._epoch_started, 4)})
            except Exception as error:  # noqa: BLE001
                note(f"epoch {epoch} was not recorded: {error!r}")

        def on_train_end(self, logs=None):
            _write({"event": "end", "fit": self._fit, "seconds": round(time.perf_counter() - self._started, 3)})

    _state["classes"][keras] = Recorder
    return Recorder


def _number(value):
    """A float, or the name of a value JSON cannot hold (NaN, infinities): the curves keep a diverged loss."""
    try:
        number = float(value.numpy() if hasattr(value, "numpy") else value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else ("nan" if math.isnan(number) else "inf")


def _learning_rate(optimizer):
    if optimizer is None:
        return None
    try:
        value = optimizer.learning_rate
        if callable(value) and not hasattr(value, "numpy"):
            value = value(optimizer.iterations)
        number = _number(value)
        return number if isinstance(number, float) else None
    except Exception:  # noqa: BLE001 - an optimizer without a readable rate is recorded without one
        return None
