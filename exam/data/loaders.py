"""What starters and reference solutions load: only the training split of each dataset, never the hidden part."""

from __future__ import annotations

from pathlib import Path

from exam.data import readers
from exam.data.registry import split
from exam.data.store import ensure


def fashion_mnist_train():
    """(x uint8 (60000, 28, 28), y uint8 (60000,)): the Fashion-MNIST training images and labels."""
    return readers.idx_pair("fashion-mnist", "train")


def mnist_train():
    """(x uint8 (60000, 28, 28), y uint8 (60000,)): the MNIST training digits and labels."""
    return readers.npz_pair("mnist", "train")


def horse_or_human_train_dir() -> Path:
    """Folder with horses/ and humans/ (training images)."""
    return readers.image_dir("horse-or-human", "train")


def rps_train_dir() -> Path:
    """Folder with paper/, rock/ and scissors/ (training images)."""
    return readers.image_dir("rps", "train")


def sarcasm_train():
    """(headlines: list[str], labels: int array): the first records of sarcasm.json, in file order."""
    return readers.text_records("sarcasm", "train")


def sunspots_train():
    """(time_steps int array, values float32 array): the first monthly sunspot numbers of Sunspots.csv."""
    return readers.series("sunspots", stop=split("sunspots", "train").stop)


def daily_min_temperatures():
    """DataFrame with Date (datetime) and Temp (float) columns."""
    import pandas as pd

    return pd.read_csv(ensure("daily-min-temperatures.csv"), parse_dates=["Date"])


def bbc_text():
    """DataFrame with category and text columns."""
    import pandas as pd

    return pd.read_csv(ensure("bbc-text.csv"))
