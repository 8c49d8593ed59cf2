"""The hidden parts, for graders only: deliberately not re-exported by exam.data."""

from __future__ import annotations

from pathlib import Path

from exam.data import readers


def fashion_mnist_hidden():
    """(x uint8 (10000, 28, 28), y uint8 (10000,)) from the t10k files."""
    return readers.idx_pair("fashion-mnist", "hidden")


def mnist_hidden():
    """(x uint8 (10000, 28, 28), y uint8 (10000,)): the MNIST test digits."""
    return readers.npz_pair("mnist", "hidden")


def horse_or_human_hidden_dir() -> Path:
    """Folder with horses/ and humans/ from validation-horse-or-human.zip."""
    return readers.image_dir("horse-or-human", "hidden")


def rps_hidden_dir() -> Path:
    """Folder with paper/, rock/ and scissors/ from rps-test-set.zip."""
    return readers.image_dir("rps", "hidden")


def sarcasm_hidden():
    """(headlines, labels) of the records after the training part, to the end of the file."""
    return readers.text_records("sarcasm", "hidden")


def sunspots_series():
    """(time_steps, values) of the whole series; graders score only targets in split("sunspots", "hidden")."""
    return readers.series("sunspots")
