"""First on PYTHONPATH in every `tfexam train` / `tfexam solve` child: record each Model.fit (exam/fit_recorder.py),
then run the next sitecustomize on the path (the Keras 2 shim's, or the interpreter's own), if there is one.

Nothing here may break the learner's script: a failure is noted in the curves file and training goes on.
"""

import importlib.machinery
import importlib.util
import os
import sys

try:
    from exam import fit_recorder

    fit_recorder.install()
except Exception:  # noqa: BLE001 - the recorder is a guest in the learner's process
    pass

_here = os.path.abspath(os.path.dirname(os.path.abspath(__file__)))
_paths = [os.path.abspath(p or ".") for p in sys.path]
_after = sys.path[_paths.index(_here) + 1:] if _here in _paths else sys.path
_spec = importlib.machinery.PathFinder.find_spec("sitecustomize", [p for p in _after if os.path.abspath(p or ".") != _here])
if _spec is not None and _spec.loader is not None:
    _spec.loader.exec_module(importlib.util.module_from_spec(_spec))
