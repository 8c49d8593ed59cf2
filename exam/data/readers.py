"""Turn cached files into arrays for one named split; the public loaders pick the split (train or hidden)."""

from __future__ import annotations

import csv
import gzip
import json
import struct
from pathlib import Path

from exam.data.registry import FILES, split
from exam.data.store import ensure_file


def _path(name: str) -> Path:
    return ensure_file(FILES[name])


def read_idx(path: Path):
    import numpy as np

    with gzip.open(path, "rb") as handle:
        data = handle.read()
    ndim = data[3]
    shape = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def idx_pair(dataset: str, part: str):
    """(images, labels) of a split made of an IDX image file and an IDX label file."""
    images, labels = split(dataset, part).files
    return read_idx(_path(images)), read_idx(_path(labels))


def npz_pair(dataset: str, part: str):
    """(x, y) of a split made of two arrays in an .npz file."""
    import numpy as np

    chosen = split(dataset, part)
    with np.load(_path(chosen.files[0]), allow_pickle=False) as archive:
        x, y = (archive[member] for member in chosen.members)
    return x, y


def image_dir(dataset: str, part: str) -> Path:
    """The folder holding one sub-folder of images per class."""
    file = FILES[split(dataset, part).files[0]]
    root = ensure_file(file)
    return root / file.check.root if file.check.root else root


def text_records(dataset: str, part: str):
    """(sentences, labels) of the records in a split of the sarcasm headlines."""
    import numpy as np

    chosen = split(dataset, part)
    records = json.loads(_path(chosen.files[0]).read_bytes())[chosen.start : chosen.stop]
    sentences = [record["headline"] for record in records]
    labels = np.array([record["is_sarcastic"] for record in records], dtype=np.int64)
    return sentences, labels


def series(dataset: str, stop: int | None = None):
    """(time_steps, values) of a monthly series CSV (index, date, value), up to `stop` rows."""
    import numpy as np

    name = FILES[split(dataset, "train").files[0]].name
    steps, values = [], []
    with open(_path(name), newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            if stop is not None and len(steps) >= stop:
                break
            steps.append(int(row[0]))
            values.append(float(row[2]))
    return np.array(steps, dtype=np.int64), np.array(values, dtype=np.float32)
