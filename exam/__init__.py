"""tfexam: an offline mock of the TensorFlow Developer Certificate exam (runtime and CLI)."""

__version__ = "0.1.0"
