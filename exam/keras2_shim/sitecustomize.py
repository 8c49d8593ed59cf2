"""First on PYTHONPATH in a `tfexam train` child under Keras 2: set up exam-era Keras (exam/legacy_keras.py), then
run the sitecustomize this file shadows, if the interpreter has one."""

import importlib.machinery
import importlib.util
import os
import sys

from exam import legacy_keras

legacy_keras.install()

_here = os.path.dirname(os.path.abspath(__file__))
_rest = [p for p in sys.path if os.path.abspath(p or ".") != _here]
_spec = importlib.machinery.PathFinder.find_spec("sitecustomize", _rest)
if _spec is not None and _spec.loader is not None:
    _spec.loader.exec_module(importlib.util.module_from_spec(_spec))
