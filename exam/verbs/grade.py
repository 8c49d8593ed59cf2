"""tfexam grade DIR: grade a class's submissions (layouts in exam/batch.py) with warm workers, under Submit's limits."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tfexam import limits as limits_module
from tfexam.limits import Limits
from tfexam.errors import ExamError
from exam import batch, roster as rosters
from exam.output import Reply, progress


@dataclass(frozen=True)
class FlagLine:
    id: str
    kind: str
    candidates: tuple[str, ...]
    evidence: str


@dataclass(frozen=True, kw_only=True)
class ClassGraded(Reply):
    """What exam.batch wrote for the class, and how the run went."""

    out: str
    candidates: int
    files: int
    graded: int
    failed: int
    no_submission: tuple[str, ...]  # on the roster, no file found
    not_on_roster: tuple[str, ...]  # handed in, but the roster does not name them
    flags: tuple[FlagLine, ...]  # identical or similar work (flags.csv has the members)
    class_csv: str
    files_csv: str
    flags_csv: str
    html: str
    graded_now: int
    reused: int  # kept from an earlier run (same file, same question)
    ignored: tuple[str, ...]  # what the folder held that is not a submission, one line each
    notes: dict[str, list[str]]  # candidate: what was odd about their folder
    workers_started: int
    seconds: float


def run(*, folder: str, out: str | None = None, workers: int | None = None, force: bool = False,
        question: list[str] | None = None, categories: list[int] | None = None, limits: Limits | None = None,
        roster: str | None = None) -> ClassGraded:
    """Grade a class folder; write the class files. `roster`: a CSV of who should have submitted (exam/roster.py)."""
    folder = Path(folder).expanduser().resolve()
    if not folder.is_dir():
        raise ExamError(f"{folder} is not a folder; give the folder that holds the submissions")
    people = rosters.read(roster) if roster is not None else {}
    chosen = batch.questions_for(question)
    if categories:
        chosen = {c: q for c, q in chosen.items() if c in categories}
    out = Path(out).expanduser().resolve() if out else folder / batch.OUT_NAME
    workers = workers or min(os.cpu_count() or 1, 4)
    chosen_limits = limits or limits_module.current()
    found = batch.discover(folder, out, {key: person.id for key, person in people.items()})
    submissions = [s for s in found.submissions if not s.problem]
    if not any(s.category in chosen for s in found.submissions) and not found.blocked:
        raise ExamError(f"no submissions found in {folder}; expected <candidate>/Category<N>/mymodel.h5 folders or "
                        "<candidate>_c<N>.h5 files")
    _prefetch({chosen[s.category] for s in submissions if s.category in chosen})
    batch.prepare_out(out)
    summary = batch.grade_folder(folder, out, chosen, chosen_limits, workers, force,
                                 progress=progress, found=found, roster=people)
    extra = "".join(f", {len(summary[k])} {words}" for k, words in
                    (("no_submission", "with no submission"), ("not_on_roster", "not on the roster"),
                     ("flags", "flag(s) of identical or similar work (see flags.csv)")) if summary[k])
    text = (f"{summary['candidates']} candidates, {summary['files']} files: {summary['graded']} graded, "
            f"{summary['failed']} failed (see files.csv), {summary['reused']} kept from an earlier run{extra}; "
            f"{summary['seconds']:g} s\n{summary['class_csv']}\n{summary['html']}")
    flags = tuple(FlagLine(f["id"], f["kind"], tuple(f["candidates"]), f["evidence"]) for f in summary["flags"])
    return ClassGraded(text=text, **summary | {"ignored": tuple(summary["ignored"]), "flags": flags,
                                               "no_submission": tuple(summary["no_submission"]),
                                               "not_on_roster": tuple(summary["not_on_roster"])})


def _prefetch(chosen) -> None:
    """The hidden data before any worker starts: workers then only read the cache, and a missing dataset is one line."""
    from tfexam import data

    names = sorted({name for question in chosen for name in question.datasets})
    if not names:
        return
    progress(f"Preparing datasets: {', '.join(names)}")
    problems = data.prefetch(names)
    if problems:
        raise ExamError("; ".join(problems))
