"""A graded class as typed rows: one Row per candidate, one Cell per category, and the class's numbers per category.
class.csv, class.html and the candidate pages are all rendered from these, so they cannot disagree.

Statuses of a cell, in words (shown with a colour, never by colour alone):
  graded, refused, error (a limit or a crash stopped the grading), missing (the candidate handed in other
  categories but not this one), no submission (a rostered candidate with no file at all).
Numbers per category (one rule, stated on the page): over the candidates who handed in at least one file, a refused,
stopped or missing file counting 0 as in the exam; a category is passed with CATEGORY_PASS_SCORE/5 or more; the
hardest question is the one with the lowest mean (ties: the lower pass rate, then the higher category).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from tfexam.questions import MAX_SCORE, Question
from tfexam.result import Result
from exam.classfolder import Submission

GRADED, REFUSED, ERROR, MISSING, NO_SUBMISSION = "graded", "refused", "error", "missing", "no submission"
STATUS_WORDS = {GRADED: "graded", REFUSED: "refused", ERROR: "stopped (error)", MISSING: "missing",
                NO_SUBMISSION: "no submission"}
CATEGORY_PASS_SCORE = 4
PASS_RULE = (f"a category is passed with {CATEGORY_PASS_SCORE}/{MAX_SCORE} or more; a candidate passes with the "
             "exam's pass mark of the weighted total")
STATS_RULE = ("over the candidates who handed in at least one file; a refused, stopped or missing file counts 0, "
              "as in the exam")


@dataclass
class Cell:
    category: int
    status: str
    submission: Submission | None = None
    result: Result | None = None
    file: str = ""  # relative to the class folder
    sha256: str | None = None

    @property
    def score(self) -> int:
        return self.result.score if self.result is not None and self.result.graded else 0


@dataclass
class Row:
    candidate: str
    folder: str  # results folder name under candidates/
    cells: dict[int, Cell]
    name: str = ""  # the roster's display name
    email: str = ""
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # flags.describe() lines
    similar_to: list[str] = field(default_factory=list)
    report: dict = field(default_factory=dict)  # the Gradescope results.json written for them

    @property
    def display(self) -> str:
        return self.name or self.candidate

    @property
    def submitted(self) -> bool:
        return any(c.submission is not None for c in self.cells.values())

    @property
    def status(self) -> str:
        """The row in one word: no submission, graded (every category), or incomplete."""
        if not self.submitted:
            return NO_SUBMISSION
        return GRADED if all(c.status == GRADED for c in self.cells.values()) else "incomplete"


def cell_status(submission: Submission | None, result: Result | None, any_file: bool) -> str:
    if submission is None or result is None:
        return MISSING if any_file else NO_SUBMISSION
    if result.graded:
        return GRADED
    return REFUSED if result.status == REFUSED else ERROR


@dataclass
class CategoryStats:
    question: Question
    counts: dict[str, int]  # status -> how many candidates
    scores: list[int]  # one per candidate who handed in anything (0 for refused, stopped, missing)
    distribution: list[int]  # candidates per score 0..MAX_SCORE (graded files only)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.scores) if self.scores else None

    @property
    def pass_rate(self) -> float | None:
        return sum(s >= CATEGORY_PASS_SCORE for s in self.scores) / len(self.scores) if self.scores else None


def category_stats(rows: list[Row], chosen: dict[int, Question], categories: list[int]) -> list[CategoryStats]:
    stats = []
    for category in categories:
        cells = [r.cells[category] for r in rows]
        counts = {status: sum(c.status == status for c in cells) for status in STATUS_WORDS}
        distribution = [sum(1 for c in cells if c.status == GRADED and c.score == k) for k in range(MAX_SCORE + 1)]
        scores = [r.cells[category].score for r in rows if r.submitted]
        stats.append(CategoryStats(chosen[category], counts, scores, distribution))
    return stats


def hardest(stats: list[CategoryStats]) -> CategoryStats | None:
    scored = [s for s in stats if s.mean is not None]
    if len(scored) < 2:
        return scored[0] if scored else None
    return min(scored, key=lambda s: (s.mean, s.pass_rate, -s.question.category))


def pass_rate(rows: list[Row]) -> float | None:
    """Share of candidates who handed in anything whose weighted total reaches the pass mark."""
    submitted = [r for r in rows if r.submitted]
    if not submitted:
        return None
    return sum(bool(r.report.get("extra_data", {}).get("passed")) for r in submitted) / len(submitted)
