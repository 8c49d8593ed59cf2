"""Checks on the submitted file itself, before TensorFlow sees it: what kind of file is it, and is it safe to load?

Nothing here imports TensorFlow or runs anything stored in the file: the CLI uses kind_of() for its cheap refusals,
and the grader reads the architecture with h5py/zipfile to refuse code-carrying layers before Keras builds them.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from core import limits
from core.refusal import Refused

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
ZIP_MAGIC = b"PK\x03\x04"
MAX_CONFIG_BYTES = 64 * 2**20  # an architecture description; real ones are kilobytes
SAVE_H5 = "save it with model.save('mymodel.h5')"
SAVE_HINTS = {"h5": "model.save('mymodel.h5')", "keras": "model.save('mymodel.keras')"}
FORMAT_NAMES = {"h5": "an HDF5 (.h5) model", "keras": "a .keras archive", "savedmodel": "a TensorFlow SavedModel folder"}
# Layers whose config carries Python code: refused for every question, whatever its forbidden_layers say.
CODE_CLASSES = ("Lambda", "TFOpLambda", "SlicingOpLambda", "__lambda__")


def kind_of(path: Path, cap: int | None = None) -> str:
    """'h5', 'keras' or 'savedmodel', or raise Refused with what the learner should do."""
    cap = limits.current().file_bytes if cap is None else cap
    if not path.exists():
        raise Refused("file", f"{path} does not exist; run the category's train script first (it saves mymodel.h5)")
    if path.is_dir():  # a SavedModel folder is named so that refuse_format can say what to save instead
        if not (path / "saved_model.pb").is_file():
            raise Refused("file", f"{path} is a directory, not a model file; {SAVE_H5}")
        return "savedmodel"
    if not path.is_file():
        raise Refused("file", f"{path} is not a regular file (a device, pipe or socket); {SAVE_H5}")
    size = path.stat().st_size
    if size == 0:
        raise Refused("file", f"{path} is empty (0 bytes); the training run probably stopped before model.save()")
    _check_size(path, size, cap)
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise Refused("file", f"{path} cannot be read ({error.strerror or error}); check its permissions") from None
    if head == HDF5_MAGIC:
        return "h5"
    if head.startswith(ZIP_MAGIC) and zipfile.is_zipfile(path):
        return "keras"
    raise Refused("file", f"{path} is not a Keras model file (no HDF5 signature); {SAVE_H5}")


def refuse_format(path: Path, kind: str, allowed: tuple[str, ...]) -> None:
    """Refuse a file of a kind the question does not take, saying how to save the right one."""
    how = " or ".join(SAVE_HINTS.get(f, f) for f in allowed if f in SAVE_HINTS) or SAVE_HINTS["h5"]
    if kind not in allowed:
        takes = " or ".join("." + f for f in allowed)
        raise Refused("format", f"{path.name} is {FORMAT_NAMES.get(kind, kind)}; this question takes {takes}: save with {how}")


def _check_size(path: Path, size: int, cap: int) -> None:
    if size > cap:
        raise Refused("file_size", f"{path} is {size / 2**20:.3g} MB, over the {cap / 2**20:.3g} MB cap for a submission; "
                                   "an exam model is far smaller (fewer or smaller layers), or raise the cap with "
                                   "--max-model-mb / TFEXAM_MAX_MODEL_MB")


def model_config(path: Path, kind: str) -> dict:
    """The architecture stored in a .h5 or .keras file, read without running any of it."""
    return h5_model_config(path) if kind == "h5" else keras_model_config(path)


def h5_model_config(path: Path) -> dict:
    raw = _h5_attrs(path).get("model_config")
    if raw is None:
        raise Refused("file", f"{path.name} is HDF5 but holds no Keras model (only weights?); save the whole model with model.save('mymodel.h5')")
    return _parse_config(path, raw)


def keras_generation(path: Path, kind: str) -> int:
    """2 for a .h5 written by Keras 2 (tf.keras in TF 2.4-2.15, or tf-keras), else 3. Read from the file's own
    `keras_version` attribute; files so old that they have none were written by Keras 2 as well."""
    if kind != "h5":
        return 3
    version = _h5_attrs(path).get("keras_version")
    if isinstance(version, bytes):
        version = version.decode("utf-8", "replace")
    major = re.match(r"\s*(\d+)\.", str(version)) if version is not None else None
    return 2 if major is None or int(major.group(1)) < 3 else 3


def _h5_attrs(path: Path) -> dict:
    import h5py

    try:
        with h5py.File(path, "r") as handle:
            return {key: handle.attrs.get(key) for key in ("model_config", "keras_version")}
    except OSError as error:
        raise Refused("file", _damaged_hdf5(path, str(error))) from None


def _damaged_hdf5(path: Path, text: str) -> str:
    cut = re.search(r"truncated file: eof = (\d+).*stored_eof = (\d+)", text)
    if cut:
        have, need = int(cut.group(1)), int(cut.group(2))
        return (f"{path.name} is cut short ({have} of {need} bytes): the save or the copy did not finish; "
                "train again and let model.save('mymodel.h5') complete")
    reason = text.split("(")[-1].rstrip(")").strip() or "unreadable"
    return f"{path.name} is a damaged HDF5 file ({reason}); train again and let model.save('mymodel.h5') complete"


def keras_model_config(path: Path) -> dict:
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("config.json")
            if info.file_size > MAX_CONFIG_BYTES:
                raise Refused("file", f"{path.name} declares a {info.file_size / 2**20:.0f} MB architecture; that is not a model for this exam")
            raw = archive.read(info)
    except KeyError:
        raise Refused("file", f"{path.name} is a zip file but not a Keras archive (no config.json); save with model.save('mymodel.keras')") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        raise Refused("file", f"{path.name} is a damaged .keras archive ({error}); save the model again") from None
    return _parse_config(path, raw)


def _parse_config(path: Path, raw) -> dict:
    try:
        config = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
    except (ValueError, UnicodeDecodeError):
        config = None
    if not isinstance(config, dict):
        raise Refused("file", f"{path.name} has an unreadable model description; {SAVE_H5}")
    return config


def _objects(config):
    """Every JSON object in a model config, depth first: layers, nested models, initializers, dtype policies."""
    if isinstance(config, dict):
        yield config
        values = config.values()
    elif isinstance(config, list):
        values = config
    else:
        return
    for value in values:
        yield from _objects(value)


def layer_classes(config) -> list[tuple[str, str]]:
    """Every (class_name, layer name) in a model config, nested models included."""
    return [(str(o["class_name"]), str(o["config"].get("name", "")))
            for o in _objects(config) if "class_name" in o and isinstance(o.get("config"), dict)]


def custom_objects(config) -> list[str]:
    """Names of classes or functions the config takes from outside Keras: the learner's own code, or any module."""
    found = []
    for o in _objects(config):
        module, registered = o.get("module"), o.get("registered_name")
        name = str(o.get("class_name", "?"))
        if isinstance(module, str) and module != "keras" and not module.startswith("keras."):
            found.append(f"{module}.{name}")
        elif ">" in name or (isinstance(registered, str) and ">" in registered):
            found.append(registered if isinstance(registered, str) and ">" in registered else name)
    return found


def refuse_unsafe(config: dict, forbidden: tuple[str, ...]) -> None:
    """Refuse a config whose loading would run code from the file or from outside Keras; nothing has run yet."""
    for cls, name in layer_classes(config):
        if cls in CODE_CLASSES:
            where = f" ('{name}')" if name and cls != "__lambda__" else ""
            raise Refused("layers", f"the model has a Lambda layer{where}, which the grader will not load (it carries "
                                    "Python code); do that step with built-in layers, or before the model")
        if cls in forbidden:
            raise Refused("layers", f"the model has a {cls} layer ('{name}'), which this question does not accept; use other built-in layers")
    custom = custom_objects(config)
    if custom:
        raise Refused("layers", f"the model uses a custom class or function ({custom[0]}); the grader loads only "
                                "built-in Keras layers: rebuild it from tf.keras.layers")
