"""The dataset layer: the only code that knows a URL or a cache path.

Starters, graders and solutions get data through these functions; hidden splits live in tfexam.data.hidden.
No TensorFlow here, and numpy/pandas are imported only inside the loaders.
"""

from tfexam.data.cache import cache_dir
from tfexam.data.loaders import data_file, training_data
from tfexam.data.registry import DATASETS, FILES
from tfexam.data.store import DatasetMissing, ensure, fetch, prefetch

__all__ = [
    "DATASETS",
    "FILES",
    "DatasetMissing",
    "cache_dir",
    "data_file",
    "ensure",
    "fetch",
    "prefetch",
    "training_data",
]
