"""Text generation: next-word prediction over the course's frozen word index (tfexam/wordindex.py), rebuilt by
the grader from the training lines; the model also continues a fixed seed phrase, greedily, for the learner to read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tfexam.kinds import Kind, Settings


@dataclass(frozen=True)
class TextGenerationSettings(Settings):
    # What the metric is measured on: "training_lines" = every n-gram of the training lines (the course's measure,
    # the fit to the corpus); "hidden_lines" = every n-gram of the held-out lines. The other one is shown beside it.
    graded_on: Literal["training_lines", "hidden_lines"]
    seed_text: str  # the continuation shown in the result and the report starts from it
    continuation_words: int  # words the model adds to the seed, each its most probable next word
    slips: tuple[str, ...] | None = None  # the re-scoring slips it uses (graders/slips/<kind>.py); None: every one that applies

    @property
    def measured_on(self) -> str:
        return "every next word of the training lines" if self.graded_on == "training_lines" else "the held-out lines"

    def conflicts(self, data) -> dict[str, str]:
        if data is None or data.format != "lines":
            return {"graded_on": "needs [data] with format = \"lines\" (the text the word index is built from)"}
        if not 1 <= self.continuation_words <= 100:
            return {"continuation_words": "must be between 1 and 100"}
        return {}


KIND = Kind("text_generation", TextGenerationSettings, example="next word", task="classification")
