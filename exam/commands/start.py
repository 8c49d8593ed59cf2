"""tfexam start: begin a timed session and lay out the category folders with their starters."""

from __future__ import annotations

import shutil
from pathlib import Path

from core import questions
from core.errors import ExamError
from exam import arguments, paths, session
from exam.output import progress

HELP = "start a timed exam session (default 300 minutes) and copy the starter scripts"


def configure(parser):
    parser.add_argument("--minutes", type=arguments.minutes, default=session.DEFAULT_MINUTES,
                        help="length of the exam (default 300)")
    parser.add_argument("--restart", action="store_true", help="archive a running session and start a new one")
    parser.add_argument("--categories", type=arguments.categories, help="practise only these categories, e.g. 1,3")
    parser.add_argument("--question", action="append", default=[], metavar="ID", type=arguments.text,
                        help="set a specific question for its category (repeatable)")
    parser.add_argument("--no-fetch", action="store_true", help="do not download the session's datasets now")
    parser.add_argument("--keras", type=int, choices=session.KERAS_CHOICES, default=session.DEFAULT_KERAS,
                        help="train your scripts under Keras 3 (default) or 2 (exam-era tf.keras, via tf-keras)")
    parser.add_argument("--seed", type=int, metavar="N", help="draw the questions with this seed (the same N gives the same mock)")


def _check_questions(args) -> None:
    """Every --question is known and inside --categories, before anything is created."""
    for question_id in args.question:
        question = questions.get(question_id)
        if args.categories and question.category not in args.categories:
            chosen = ",".join(map(str, args.categories))
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


def perform(args) -> tuple[int, dict, str]:
    _check_questions(args)
    workspace = paths.resolve_workspace(args.workspace)
    try:
        current = session.load(workspace)
    except ExamError:
        if not args.restart:
            raise
        current = None
    if current and not current.ended and not args.restart:
        raise ExamError(
            f"an exam is already running in {workspace} ({session.format_duration(current.time_left())} left); "
            "see Time left (or `tfexam status`); `tfexam start --restart` archives it and starts over"
        )
    seed, chosen = questions.draw(args.categories, args.question, getattr(args, "seed", None))
    if not args.no_fetch:  # datasets first, clock second: nothing on the clock is spent downloading
        _prefetch(args, chosen)
    workspace.mkdir(parents=True, exist_ok=True)
    archived = session.archive(workspace)
    notes = lay_out(workspace, chosen) + _pycharm_project(workspace)
    started = session.new(chosen, args.minutes, keras=getattr(args, "keras", session.DEFAULT_KERAS), seed=seed)
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
    payload = {"workspace": str(workspace), "session": started.to_json(), "archived": str(archived) if archived else None,
               "notes": notes, "datasets_fetched": not args.no_fetch}
    return 0, payload, "\n".join(lines)


def _pycharm_project(workspace: Path) -> list[str]:
    """Any exam folder but the checkout's own project gets the run configurations, so it opens in PyCharm too."""
    if paths.is_checkout_project(workspace):
        return []
    from exam import pycharm

    written, _ = pycharm.write_project(workspace, replace_modules=False)
    return [f"PyCharm: open {workspace} as a project (run configurations in .run/)"] if written else []


def needed_datasets(chosen: dict[int, str]) -> list[str]:
    return sorted({name for q in chosen.values() for name in questions.get(q).datasets})


def _prefetch(args, chosen: dict[int, str]) -> None:
    """Fetch and verify the session's datasets; if any cannot be had, stop before the clock starts."""
    names = needed_datasets(chosen)
    if not names:
        return
    from core import data

    progress(args, f"Preparing the datasets before the clock starts: {', '.join(names)}")
    problems = data.prefetch(names)
    if problems:
        raise ExamError(
            f"the exam did NOT start (no clock is running): it needs the dataset(s) {', '.join(names)}, and "
            f"{len(problems)} file(s) could not be had. "
            f"{problems[0]}{f' (and {len(problems) - 1} more)' if len(problems) > 1 else ''} "
            "Then run Start exam again (or `tfexam start`); `tfexam start --no-fetch` starts the clock anyway, "
            "and training will need the files later")
