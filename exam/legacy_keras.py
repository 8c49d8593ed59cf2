"""Exam-era Keras for the learner's training run (`tfexam start --keras 2`): tf.keras, keras and keras_preprocessing
all mean tf-keras, and tf-keras' dataset downloads come from the exam's verified cache.

TF_USE_LEGACY_KERAS=1 alone makes tf.keras tf-keras, but `import keras` stays Keras 3 (so course code such as
`from keras.preprocessing.image import ImageDataGenerator` fails), `keras_preprocessing` is not installed, and tf-keras
caches datasets under ~/.keras whatever KERAS_HOME says. `tfexam train` puts exam/keras2_shim/ first on the child's
PYTHONPATH; its sitecustomize.py calls install() before the script runs. No TensorFlow is imported here.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path

SHIM_DIR = Path(__file__).resolve().parent / "keras2_shim"
ALIASES = {"keras": "tf_keras", "keras_preprocessing": "tf_keras.preprocessing"}


def child_env(env: dict) -> dict:
    """`env` changed so that a Python child started with it trains under exam-era Keras."""
    env = dict(env)
    env["TF_USE_LEGACY_KERAS"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SHIM_DIR), env.get("PYTHONPATH")]))
    return env


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves keras[.x] and keras_preprocessing[.x] as the tf-keras modules themselves (one copy, not two)."""

    def find_spec(self, name, path=None, target=None):
        root = name.split(".")[0]
        if root in ALIASES:
            return importlib.util.spec_from_loader(name, self)
        if name in PATCHES:
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            if spec is not None and spec.loader is not None:
                plain = spec.loader.exec_module

                def exec_module(module, plain=plain):
                    plain(module)
                    PATCHES[module.__name__](module)

                spec.loader.exec_module = exec_module
            return spec
        return None

    def create_module(self, spec):
        root = spec.name.split(".")[0]
        return importlib.import_module(ALIASES[root] + spec.name[len(root):])

    def exec_module(self, module):
        pass


def install() -> None:
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


def _serve_datasets(data_utils) -> None:
    """Wrap tf-keras' get_file: files the exam's registry knows come from its verified cache (mirror, no network
    needed); anything else goes where KERAS_HOME (or the exam's cache) says, not ~/.keras."""
    plain = data_utils.get_file

    def get_file(fname=None, origin=None, *args, cache_dir=None, cache_subdir="datasets", **kwargs):
        known = _registry_file(fname or (origin or "").rsplit("/", 1)[-1], cache_subdir)
        if known:
            from tfexam.data import DatasetMissing, ensure

            try:
                return str(ensure(known))
            except DatasetMissing:
                pass  # not in the cache or the mirror: let tf-keras try its own download
        if cache_dir is None:
            from tfexam.data import cache_dir as exam_cache

            cache_dir = os.environ.get("KERAS_HOME") or str(exam_cache() / "keras")
        return plain(fname, origin, *args, cache_dir=cache_dir, cache_subdir=cache_subdir, **kwargs)

    get_file.__doc__ = plain.__doc__
    data_utils.get_file = get_file


def _honour_lr(optimizer_module) -> None:
    """`SGD(lr=0.01)` means learning_rate=0.01, as in the TensorFlow 2.4-2.10 the course was written for; tf-keras
    2.11+ only logs a warning and silently trains with the default rate instead."""
    base = optimizer_module._BaseOptimizer
    process, build = base._process_kwargs, base._build_learning_rate

    def _process_kwargs(self, kwargs):
        if kwargs.get("lr") is not None:
            self.__dict__["_exam_era_lr"] = kwargs.pop("lr")
        return process(self, kwargs)

    def _build_learning_rate(self, learning_rate):
        return build(self, self.__dict__.pop("_exam_era_lr", learning_rate))

    base._process_kwargs, base._build_learning_rate = _process_kwargs, _build_learning_rate


PATCHES = {"tf_keras.src.utils.data_utils": _serve_datasets, "tf_keras.src.optimizers.optimizer": _honour_lr}


def _registry_file(name: str, cache_subdir: str) -> str | None:
    from tfexam.data import FILES

    folder = str(cache_subdir).replace("\\", "/").strip("/")
    folder = folder[len("datasets"):].strip("/") if folder.startswith("datasets") else folder
    for candidate in (f"{folder}/{name}" if folder else name, name):
        if candidate in FILES and not FILES[candidate].name.endswith(".zip"):  # archives come back extracted
            return candidate
    return None
