"""tfexam start: begin a timed session and lay out the category folders with their starters."""

from __future__ import annotations

import shutil
from pathlib import Path

from exam import paths, questions, session
from exam.errors import ExamError
from exam.output import progress

HELP = "start a timed exam session (default 300 minutes) and copy the starter scripts"


def configure(parser):
    parser.add_argument("--minutes", type=float, default=session.DEFAULT_MINUTES, help="length of the exam (default 300)")
    parser.add_argument("--restart", action="store_true", help="archive a running session and start a new one")
    parser.add_argument("--categories", type=_categories, help="practise only these categories, e.g. 1,3")
    parser.add_argument("--question", action="append", default=[], metavar="ID",
                        help="set a specific question for its category (repeatable)")
    parser.add_argument("--no-fetch", action="store_true", help="do not download the session's datasets now")
    parser.add_argument("--seed", type=int, metavar="N", help="draw the questions with this seed (the same N gives the same mock)")


def _categories(text: str) -> list[int]:
    try:
        chosen = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise ExamError(f"--categories takes numbers like 1,3, got {text!r}") from None
    if not chosen or any(c not in questions.CATEGORIES for c in chosen):
        raise ExamError(f"--categories takes numbers 1-5, got {text!r}")
    return chosen


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


def perform(args) -> tuple[int, dict, str]:
    workspace = paths.resolve_workspace(args.workspace)
    workspace.mkdir(parents=True, exist_ok=True)
    try:
        current = session.load(workspace)
    except ExamError:
        if not args.restart:
            raise
        current = None
    if current and not current.ended and not args.restart:
        raise ExamError(
            f"an exam is already running in {workspace} ({session.format_duration(current.time_left())} left); "
            "see `tfexam status`, or `tfexam start --restart` to archive it and start over"
        )
    archived = session.archive(workspace)
    seed, chosen = questions.draw(args.categories, args.question, getattr(args, "seed", None))
    notes = lay_out(workspace, chosen)
    started = session.new(chosen, args.minutes, seed=seed)
    session.save(workspace, started)
    missing = [] if args.no_fetch else _prefetch(args, chosen)

    lines = [f"Exam started in {workspace}", f"Session {started.id}: {session.format_duration(started.time_left())} on the clock "
             f"(deadline {session.iso(started.deadline)}); it cannot be paused."]
    for category, question_id in chosen.items():
        question = questions.get(question_id)
        lines.append(f"  Category{category}/starter.py  {question.category_name}: {question.title} ({question.id})")
    lines.append(f"Questions drawn with seed {seed} (`tfexam start --seed {seed}` sets the same ones).")
    if archived:
        lines.append(f"The previous session was archived in {archived}")
    lines += notes + [f"Missing dataset: {line}" for line in missing]
    payload = {"workspace": str(workspace), "session": started.to_json(), "archived": str(archived) if archived else None,
               "notes": notes, "missing_datasets": missing}
    return 0, payload, "\n".join(lines)


def _prefetch(args, chosen: dict[int, str]) -> list[str]:
    names = sorted({name for q in chosen.values() for name in questions.get(q).datasets})
    if not names:
        return []
    from exam import data

    progress(args, f"Preparing datasets: {', '.join(names)}")
    return data.prefetch(names)
