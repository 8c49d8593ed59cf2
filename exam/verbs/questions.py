"""tfexam questions: the question bank as declared (no TensorFlow: it reads hidden_tests/*.toml only)."""

from __future__ import annotations

from dataclasses import dataclass

from exam.output import Reply

from tfexam import questions
from tfexam.public_target import PublicTarget


@dataclass(frozen=True)
class QuestionRow:
    id: str
    category: int
    kind: str
    data: str  # the datasets, or "in the starter"
    skills: tuple[str, ...]
    reference_seconds: float | None
    default: bool
    title: str
    public_target: PublicTarget | None  # shown beside ours, never used to score


@dataclass(frozen=True, kw_only=True)
class QuestionList(Reply):
    questions: tuple[QuestionRow, ...]


def row(question: questions.Question) -> QuestionRow:
    return QuestionRow(id=question.id, category=question.category, kind=question.kind,
                       data=", ".join(question.datasets) or "in the starter", skills=tuple(question.skills),
                       reference_seconds=question.reference_seconds, default=question.default, title=question.title,
                       public_target=question.public_target)


def run(*, category: int | None = None) -> QuestionList:
    """The question bank, with each reference solution's training time."""
    bank = [q for q in questions.all_questions().values() if q.ready and category in (None, q.category)]
    bank.sort(key=lambda q: (q.category, q.id))
    rows = [row(q) for q in bank]
    lines = [f"{'id':<30} {'cat':>3}  {'kind':<20} {'data':<32} {'train s':>7}  skills"]
    for r in rows:
        seconds = "-" if r.reference_seconds is None else f"{r.reference_seconds:.0f}"
        mark = "*" if r.default else " "
        lines.append(f"{r.id + mark:<30} {r.category:>3}  {r.kind:<20} {r.data:<32} {seconds:>7}  "
                     f"{', '.join(r.skills)}")
    targets = [(q.id, q.public_target) for q in bank if q.public_target]
    if targets:
        lines += ["", "Public targets for the same data (shown beside ours, never used to score; hidden_tests/CALIBRATION.md):"]
        lines += [f"  {question_id:<28} {target.short()}" for question_id, target in targets]
    lines.append("* the category's default question; `tfexam start` draws one question per category "
                 "(`--seed N` repeats a draw, `--question ID` fixes one)")
    return QuestionList(text="\n".join(lines), questions=tuple(rows))
