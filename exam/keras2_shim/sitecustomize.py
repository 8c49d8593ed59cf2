"""First on PYTHONPATH in a `tfexam train` child under Keras 2: set up exam-era Keras (exam/legacy_keras.py), then
run the sitecustomize this file shadows, if the interpreter has one."""

import importlib.machinery
import importlib.util
import os
import sys

from exam import legacy_keras

legacy_keras.install()

_here = os.path.dirname(os.path.abspath(__file__))
_paths = [os.path.abspath(p or ".") for p in sys.path]
# only the folders after this one: the fit recorder's sitecustomize, which ran this one, comes before it
_after = sys.path[_paths.index(_here) + 1:] if _here in _paths else sys.path
_rest = [p for p in _after if os.path.abspath(p or ".") != _here]
_spec = importlib.machinery.PathFinder.find_spec("sitecustomize", _rest)
if _spec is not None and _spec.loader is not None:
    _spec.loader.exec_module(importlib.util.module_from_spec(_spec))
