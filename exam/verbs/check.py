"""tfexam check N: name each construct in CategoryN/starter.py that will fail under the session's Keras, with the fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tfexam import questions
from tfexam.errors import ExamError
from exam.output import Reply
from exam import migration, paths, session


@dataclass(frozen=True, kw_only=True)
class CheckFindings(Reply):
    script: str
    keras: int
    findings: tuple[str, ...]  # one line per construct that fails under that Keras, with its fix


def session_keras(workspace: Path) -> int:
    """The session's Keras; 3 without a session, or when the session file cannot be read (training is never blocked)."""
    try:
        current = session.load(workspace)
    except ExamError:
        current = None
    return current.keras if current else session.DEFAULT_KERAS


def script_of(workspace: Path, category: int) -> Path:
    return paths.category_dir(workspace, category) / "starter.py"


def missing_script(workspace: Path, category: int) -> str:
    """Why CategoryN/starter.py is not there, and the way back: Start exam only helps when there is no session."""
    script = script_of(workspace, category)
    current = session.load(workspace)
    if current is None:
        return f"{script} does not exist; run Start exam (or `tfexam start`) first: it copies the starter scripts"
    question_id = current.question_for(category)
    if question_id is None:
        return (f"{script} does not exist: this session has no category {category} question (it has "
                f"{', '.join(sorted(current.questions))})")
    return (f"{script} does not exist: it was moved or deleted; copy the question's starter back from "
            f"{questions.get(question_id).starter_path}")


def findings(script: Path, keras: int) -> list[str]:
    return migration.check_file(script, keras) if script.is_file() else []


def nothing_found(script: Path, keras: int) -> str:
    """The one line that says the check ran and found nothing (a silent check cannot be told from one that did not run)."""
    return (f"no line of {script.parent.name}/{script.name} will fail under Keras {keras} "
            f"({migration.rule_count(keras)} rules checked)")


def run(*, category: int, workspace: str | None = None, keras: int | None = None, file: Path | None = None) -> CheckFindings:
    """The lines of a training script that fail under the session's Keras (or `keras`)."""
    workspace = paths.resolve_workspace(workspace)
    keras = keras or session_keras(workspace)
    script = (file.expanduser().resolve() if file else script_of(workspace, category))
    if script.is_dir():
        raise ExamError(f"{script} is a folder; --file takes the training script itself")
    if not script.is_file():
        raise ExamError(f"{script} does not exist (the path given with --file); check the path" if file
                        else missing_script(workspace, category) + ", or pass --file PATH")
    lines = findings(script, keras)
    return CheckFindings(text="\n".join(lines) if lines else f"check: {nothing_found(script, keras)}",
                         script=str(script), keras=keras, findings=tuple(lines))
