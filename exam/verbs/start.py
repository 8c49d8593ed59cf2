"""tfexam start: begin a timed session and lay out the category folders with their starters."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from tfexam import questions
from tfexam.errors import ExamError
from exam import paths, session
from exam.output import Reply, progress
from exam.session import Session


@dataclass(frozen=True, kw_only=True)
class Started(Reply):
    workspace: str
    session: Session
    archived: str | None
    notes: tuple[str, ...]
    datasets_fetched: bool


def _check_questions(question: list[str], categories: list[int] | None) -> None:
    """Every --question is known and inside --categories, before anything is created."""
    for question_id in question:
        question = questions.get(question_id)
        if categories and question.category not in categories:
            chosen = ",".join(map(str, categories))
            raise ExamError(f"--question {question_id} is a category {question.category} question, but --categories "
                            f"{chosen} leaves that category out; add it or drop --question")


def lay_out(workspace: Path, chosen: dict[int, str]) -> list[str]:
    """Copy each starter to CategoryN/starter.py; a learner's existing file is never overwritten."""
    notes = []
    for category, question_id in chosen.items():
        folder = paths.category_dir(workspace, category)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "starter.py"
        if target.exists():
            notes.append(f"kept your existing {target.relative_to(workspace)}")
        else:
            shutil.copyfile(questions.get(question_id).starter_path, target)
    return notes


def run(*, workspace: str | None = None, minutes: float = session.DEFAULT_MINUTES, restart: bool = False,
        categories: list[int] | None = None, question: list[str] = (), no_fetch: bool = False,
        keras: int = session.DEFAULT_KERAS, seed: int | None = None) -> Started:
    """Draw the questions, fetch their datasets, then start the clock and lay out the starters."""
    question = list(question)
    _check_questions(question, categories)
    workspace = paths.resolve_workspace(workspace)
    try:
        current = session.load(workspace)
    except ExamError:
        if not restart:
            raise
        current = None
    if current and not current.ended and not restart:
        raise ExamError(
            f"an exam is already running in {workspace} ({session.format_duration(current.time_left())} left); "
            "see Time left (or `tfexam status`); `tfexam start --restart` archives it and starts over"
        )
    seed, chosen = questions.draw(categories, question, seed)
    if not no_fetch:  # datasets first, clock second: nothing on the clock is spent downloading
        _prefetch(chosen)
    workspace.mkdir(parents=True, exist_ok=True)
    archived = session.archive(workspace)
    notes = lay_out(workspace, chosen) + _pycharm_project(workspace)
    started = session.new(chosen, minutes, keras=keras, seed=seed)
    session.save(workspace, started)

    lines = [f"Exam started in {workspace}", f"Session {started.id}: {session.format_duration(started.time_left())} on the clock "
             f"(deadline {session.iso(started.deadline)}); it cannot be paused.",
             f"Training runs under {session.keras_label(started.keras)}."]
    for category, question_id in chosen.items():
        question = questions.get(question_id)
        lines.append(f"  Category{category}/starter.py  {question.category_name}: {question.title} ({question.id})")
    lines.append(f"Questions drawn with seed {seed} (`tfexam start --seed {seed}` sets the same ones).")
    if archived:
        lines.append(f"The previous session was archived in {archived}")
    lines += notes
    lines.append("Next: complete solution_model() in a starter, then run Category N - 1. Train and "
                 "Category N - 2. Submit and Test; Time left (live) keeps the clock on screen.")
    return Started(text="\n".join(lines), workspace=str(workspace), session=started,
                   archived=str(archived) if archived else None, notes=tuple(notes), datasets_fetched=not no_fetch)


def _pycharm_project(workspace: Path) -> list[str]:
    """Any exam folder but the checkout's own project gets the run configurations, so it opens in PyCharm too."""
    if paths.is_checkout_project(workspace):
        return []
    from exam import pycharm

    written, _ = pycharm.write_project(workspace, replace_modules=False)
    return [f"PyCharm: open {workspace} as a project (run configurations in .run/)"] if written else []


def needed_datasets(chosen: dict[int, str]) -> list[str]:
    return sorted({name for q in chosen.values() for name in questions.get(q).datasets})


def _prefetch(chosen: dict[int, str]) -> None:
    """Fetch and verify the session's datasets; if any cannot be had, stop before the clock starts."""
    names = needed_datasets(chosen)
    if not names:
        return
    from tfexam import data

    progress(f"Preparing the datasets before the clock starts: {', '.join(names)}")
    problems = data.prefetch(names)
    if problems:
        raise ExamError(
            f"the exam did NOT start (no clock is running): it needs the dataset(s) {', '.join(names)}, and "
            f"{len(problems)} file(s) could not be had. "
            f"{problems[0]}{f' (and {len(problems) - 1} more)' if len(problems) > 1 else ''} "
            "Then run Start exam again (or `tfexam start`); `tfexam start --no-fetch` starts the clock anyway, "
            "and training will need the files later")
