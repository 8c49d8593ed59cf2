"""Read one part (train or hidden) of a question's data by its declared format; no reader knows a dataset.

The declaration (`[data]` in hidden_tests/<id>.toml, an tfexam.questions.Data) names the files, the rows of each
part and the columns; these readers turn the verified cached files into arrays:

  idx            -> (images, labels) uint8 arrays, from an IDX image file and an IDX label file
  image_folders  -> the folder holding one sub-folder of pictures per class (class_names order = label order)
  json / csv     -> (texts, labels int64) with text_column/label_column, or float32 values (rows,) or
                    (rows, columns) with value_columns
  lines          -> list of str: a UTF-8 text file's lines (rows = line numbers from 0, newlines removed)
"""

from __future__ import annotations

import csv
import gzip
import json
import struct
from pathlib import Path

from tfexam.data.registry import FILES
from tfexam.data.store import ensure_file


def file_path(name: str, member: str = "") -> Path:
    """The verified cached file (an archive: its extracted folder, or `member` inside it)."""
    path = ensure_file(FILES[name])
    root = getattr(FILES[name].check, "root", "")
    if root:
        path = path / root
    return path / member if member else path


def read_idx(path: Path):
    import numpy as np

    with gzip.open(path, "rb") as handle:
        data = handle.read()
    ndim = data[3]
    shape = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def text_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 text file without their newlines (a final newline ends the last line, it opens none)."""
    return path.read_text(encoding="utf-8").removesuffix("\n").split("\n")


def _records(data, part) -> list[dict]:
    path = file_path(part.files[0], data.member)
    if data.format == "json":
        records = json.loads(path.read_bytes())
    else:
        with open(path, newline="", encoding="utf-8") as handle:
            records = list(csv.DictReader(handle))
    return records[part.start : part.stop]


def _labels(data, values):
    """Labels as class indices: names are looked up in class_names, numbers kept."""
    import numpy as np

    if values and isinstance(values[0], str) and not values[0].lstrip("-").isdigit():
        index = {name: i for i, name in enumerate(data.class_names)}
        unknown = sorted(set(values) - index.keys())
        if unknown:
            raise ValueError(f"labels {unknown[:5]} are not among the declared class_names {list(data.class_names)}")
        return np.array([index[v] for v in values], dtype=np.int64)
    return np.array([int(v) for v in values], dtype=np.int64)


def read(data, part_name: str, *, start: int | None = None):
    """The declared part ("train" or "hidden") of a question's data; `start` reads from an earlier row instead
    (a forecaster's inputs reach back into the training rows)."""
    import numpy as np

    part = getattr(data, part_name)
    if start is not None:
        part = type(part)(part.files, start, part.stop)
    if data.format == "idx":
        images, labels = part.files
        return read_idx(file_path(images)), read_idx(file_path(labels))
    if data.format == "image_folders":
        return file_path(part.files[0], data.member)
    if data.format == "lines":
        return text_lines(file_path(part.files[0], data.member))[part.start : part.stop]
    records = _records(data, part)
    if data.value_columns:
        values = np.array([[float(r[c]) for c in data.value_columns] for r in records], dtype=np.float32)
        return values[:, 0] if len(data.value_columns) == 1 else values
    return [str(r[data.text_column]) for r in records], _labels(data, [r[data.label_column] for r in records])
