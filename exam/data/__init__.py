"""The dataset layer: the only code that knows a URL or a cache path.

Starters, graders and solutions get data through these functions; hidden splits live in exam.data.hidden.
No TensorFlow here, and numpy/pandas are imported only inside the loaders.
"""

from exam.data.cache import cache_dir
from exam.data.loaders import (
    bbc_text,
    daily_min_temperatures,
    fashion_mnist_train,
    horse_or_human_train_dir,
    mnist_train,
    rps_train_dir,
    sarcasm_train,
    sunspots_train,
)
from exam.data.registry import DATASETS, FILES, split
from exam.data.store import DatasetMissing, ensure, fetch, prefetch

__all__ = [
    "DATASETS",
    "FILES",
    "DatasetMissing",
    "bbc_text",
    "cache_dir",
    "daily_min_temperatures",
    "ensure",
    "fashion_mnist_train",
    "fetch",
    "horse_or_human_train_dir",
    "mnist_train",
    "prefetch",
    "rps_train_dir",
    "sarcasm_train",
    "split",
    "sunspots_train",
]
