"""tfexam autograder --question ID --out autograder.zip: a Gradescope autograder that grades as Submit and Test does."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tfexam import questions
from tfexam.errors import ExamError
from exam.output import Reply
from exam import autograder


@dataclass(frozen=True, kw_only=True)
class AutograderBuilt(Reply):
    zip: str
    question: str
    files: int
    datasets: tuple[str, ...]  # fetched by the autograder's setup


def run(*, question: str, out: str = "autograder.zip") -> AutograderBuilt:
    """Build the Gradescope autograder zip for one question."""
    question = questions.get(question)
    out = Path(out).expanduser().resolve()
    if out.is_dir():
        raise ExamError(f"--out {out} is a folder; give the zip's file name, e.g. {out / 'autograder.zip'}")
    names = autograder.build(question, out)
    data = ", ".join(question.datasets) or "none"
    text = (f"{out}: Gradescope autograder for {question.id} (Category {question.category}, {question.title}); "
            f"{len(names)} files; hidden data fetched at setup: {data}.\nUpload it as the assignment's autograder "
            "(Ubuntu base image); students upload their mymodel.h5.")
    return AutograderBuilt(text=text, zip=str(out), question=question.id, files=len(names),
                           datasets=tuple(question.datasets))
