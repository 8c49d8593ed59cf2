"""The dataset layer: the only code that knows a URL or a cache path.

Starters, graders and solutions get data through these functions; hidden splits live in core.data.hidden.
No TensorFlow here, and numpy/pandas are imported only inside the loaders.
"""

from core.data.cache import cache_dir
from core.data.loaders import data_file, training_data
from core.data.registry import DATASETS, FILES
from core.data.store import DatasetMissing, ensure, fetch, prefetch

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
