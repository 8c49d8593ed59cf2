"""The exam clock. Start time and deadline are persisted; time left is always deadline - now, nothing pauses it."""

from __future__ import annotations

import json
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from exam import atomic
from exam.errors import ExamError
from exam.paths import state_dir

DEFAULT_MINUTES = 300
FORMAT_VERSION = 1


@dataclass
class Session:
    id: str
    started_at: float
    deadline: float
    minutes: float
    questions: dict[str, str]  # category number (as text, JSON keys) -> question id
    ended_at: float | None = None
    version: int = FORMAT_VERSION
    archived_from: list[str] = field(default_factory=list)

    def time_left(self, now: float | None = None) -> float:
        return self.deadline - (time.time() if now is None else now)

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    def question_for(self, category: int) -> str | None:
        return self.questions.get(str(category))

    def to_json(self) -> dict:
        data = asdict(self)
        data["started_at_iso"] = iso(self.started_at)
        data["deadline_iso"] = iso(self.deadline)
        return data


def iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="seconds")


def format_duration(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = int(abs(seconds))
    return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def session_file(workspace: Path) -> Path:
    return state_dir(workspace) / "session.json"


def load(workspace: Path) -> Session | None:
    """The workspace's session, None if there is none. A damaged file is an error, never a fresh clock."""
    path = session_file(workspace)
    if not path.exists():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        fields = {k: raw[k] for k in ("id", "started_at", "deadline", "minutes", "questions")}
        session = Session(**fields, ended_at=raw.get("ended_at"), archived_from=raw.get("archived_from", []))
        if not (isinstance(session.started_at, (int, float)) and isinstance(session.deadline, (int, float))):
            raise ValueError("start or deadline is not a number")
        if session.deadline < session.started_at:
            raise ValueError("the deadline is before the start")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ExamError(
            f"the session file {path} is damaged ({type(error).__name__}: {error}); nothing was changed. "
            f"Restore it, or run `tfexam start --restart` to archive it and begin a new exam"
        ) from None
    return session


def require(workspace: Path) -> Session:
    session = load(workspace)
    if session is None:
        raise ExamError(f"no exam session in {workspace}; run `tfexam start` (or pass --workspace DIR)")
    return session


def save(workspace: Path, session: Session) -> None:
    atomic.write_json(session_file(workspace), session.to_json())


def new(questions: dict[int, str], minutes: float = DEFAULT_MINUTES, now: float | None = None) -> Session:
    if not minutes > 0:
        raise ExamError(f"--minutes must be positive, got {minutes:g}")
    now = time.time() if now is None else now
    return Session(
        id=datetime.fromtimestamp(now, timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6],
        started_at=now,
        deadline=now + minutes * 60,
        minutes=minutes,
        questions={str(c): q for c, q in sorted(questions.items())},
    )


def archive(workspace: Path) -> Path | None:
    """Move the current session, its ledger and submissions to .tfexam/archive/<id>/; returns that folder."""
    state = state_dir(workspace)
    if not session_file(workspace).exists():
        return None
    try:
        label = json.loads(session_file(workspace).read_text(encoding="utf-8")).get("id") or "damaged"
    except (OSError, ValueError, AttributeError):
        label = "damaged"
    target = state / "archive" / f"{label}-archived-{int(time.time())}"
    target.mkdir(parents=True)
    for item in state.iterdir():
        if item.name != "archive":
            shutil.move(str(item), target / item.name)
    atomic.fsync_dir(state)
    return target
