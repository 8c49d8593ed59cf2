"""Text classification (binary or multi-class): held-out texts through the frozen tokenizer the starter builds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tfexam.kinds import Kind, Settings


@dataclass(frozen=True)
class TextClassificationSettings(Settings):
    # The tokenizer the starter freezes; the grader rebuilds it from the training part of the data.
    vocab_size: int
    max_length: int
    oov_token: str
    padding: Literal["pre", "post"]
    truncating: Literal["pre", "post"]
    misclassified_shown: int  # the most confident mistakes listed in the result
    decision_threshold: float = 0.5  # binary: an output above it counts as class_names[1] (Keras' binary accuracy)
    slips: tuple[str, ...] | None = None  # the re-scoring slips it uses (graders/slips/<kind>.py); None: every one that applies


KIND = Kind("text_classification", TextClassificationSettings, example="hidden text", task="classification")
