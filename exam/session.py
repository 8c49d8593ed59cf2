"""The exam clock. Start time and deadline are persisted; time left is always deadline - now, nothing pauses it.

The file carries a checksum of its own content and a copy (session.json.bak) written with every save. A file that
fails any check is reported with a way out and never replaced: a fresh clock would silently give back time.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from tfexam import files, questions
from tfexam.errors import ExamError
from exam import ledger
from exam.paths import state_dir

DEFAULT_MINUTES = 300
DEFAULT_KERAS = 3
KERAS_CHOICES = (2, 3)
FORMAT_VERSION = 2  # 2 added the checksum; every file must carry a valid one, whatever its version says
FUTURE_SLACK_S = 600  # a start this far ahead of the system clock was not written by this machine's tfexam
DERIVED = ("checksum", "started_at_iso", "deadline_iso")


@dataclass
class Session:
    id: str
    started_at: float
    deadline: float
    minutes: float
    questions: dict[str, str]  # category number (as text, JSON keys) -> question id
    ended_at: float | None = None
    version: int = FORMAT_VERSION
    keras: int = DEFAULT_KERAS  # which Keras the learner's scripts train under: 3, or 2 (exam-era tf.keras = tf-keras)
    seed: int | None = None  # the draw of questions (`tfexam start --seed N` sets the same ones again)

    def time_left(self, now: float | None = None) -> float:
        return self.deadline - (time.time() if now is None else now)

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    def question_for(self, category: int) -> str | None:
        return self.questions.get(str(category))

    def require_question(self, category: int) -> str:
        """The category's question id; a category this session does not have is one line, for the learner."""
        found = self.question_for(category)
        if found is None:
            raise ExamError(f"this session has no category {category} question; it has {sorted(map(int, self.questions))}")
        return found

    def to_json(self) -> dict:
        data = asdict(self)
        data["checksum"] = checksum(data)
        data["started_at_iso"] = iso(self.started_at)
        data["deadline_iso"] = iso(self.deadline)
        return data


def checksum(data: dict) -> str:
    """A digest of the fields that matter. Not a secret: it catches damage and casual edits, not a determined cheat."""
    content = {k: v for k, v in data.items() if k not in DERIVED}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]


def iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="seconds")


def format_duration(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = int(abs(seconds))
    return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def session_file(workspace: Path) -> Path:
    return state_dir(workspace) / "session.json"


def backup_file(workspace: Path) -> Path:
    return state_dir(workspace) / "session.json.bak"


def load(workspace: Path) -> Session | None:
    """The workspace's session, None if there is none. A damaged file is an error, never a fresh clock."""
    path = session_file(workspace)
    if not path.exists():
        if backup_file(workspace).exists() or ledger.ledger_file(workspace).exists():
            raise ExamError(f"the session file {path} is missing, but this workspace holds an exam's records; "
                            f"nothing was changed. {_way_out(workspace)}")
        return None
    try:
        return parse(path.read_bytes())
    except (OSError, ValueError) as error:
        raise ExamError(f"the session file {path} is damaged ({_reason(error)}); nothing was changed. "
                        f"{_way_out(workspace)}") from None


def _reason(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "it is not text"
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON: {error.msg} at line {error.lineno}"
    return str(error) if isinstance(error, ValueError) else f"{type(error).__name__}: {error}"


def _way_out(workspace: Path) -> str:
    backup, path = backup_file(workspace), session_file(workspace)
    restart = "run `tfexam start --restart` in a terminal to archive it and begin a new exam"
    try:
        saved = parse(backup.read_bytes())
    except (OSError, ValueError):
        return f"Restore it from your own backup, or {restart}"
    return (f"The last copy tfexam saved ({saved.id}, deadline {iso(saved.deadline)}) is {backup}: copy it over "
            f"{path.name} to continue that exam, or {restart}")


def parse(raw: bytes) -> Session:
    """A Session from the file's bytes, or ValueError saying what is wrong with them."""
    data = json.loads(raw.decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("it is not a JSON object")
    missing = [k for k in ("id", "started_at", "deadline", "minutes", "questions") if k not in data]
    if missing:
        raise ValueError(f"{', '.join(missing)} missing")
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise ValueError(f"format {version} was written by a newer tfexam; update tfexam")
    if "checksum" not in data:
        # Version 1 (tfexam before the checksum, Nov 2026) wrote none; so does anyone who deletes it to edit the
        # clock. The two look alike, so neither is trusted: the way out restores a checked copy or restarts.
        raise ValueError("it carries no checksum (removed, or written by a tfexam too old to check), so its clock "
                         "cannot be trusted")
    if version != FORMAT_VERSION:
        raise ValueError(f"unknown format version {version!r}")
    if data["checksum"] != checksum(data):
        raise ValueError("its checksum does not match its content, so it was edited or damaged")
    if not isinstance(data["id"], str) or not re.fullmatch(r"[\w.-]{1,80}", data["id"]):
        raise ValueError("the session id is not a short name")
    for key in ("started_at", "deadline", "minutes"):
        if not _number(data[key]):
            raise ValueError(f"{key} is not a number")
    if data["minutes"] <= 0:
        raise ValueError("minutes is not positive")
    if abs(data["started_at"] + data["minutes"] * 60 - data["deadline"]) > 1:
        raise ValueError("the deadline is not the start plus the exam length, so it was edited")
    if data["started_at"] > time.time() + FUTURE_SLACK_S:
        raise ValueError(f"the exam starts in the future ({iso(data['started_at'])}); was the clock or the file changed?")
    questions = data["questions"]
    if not (isinstance(questions, dict) and questions and all(
            k in {"1", "2", "3", "4", "5"} and isinstance(v, str) for k, v in questions.items())):
        raise ValueError("questions is not a map of category number to question id")
    ended_at = data.get("ended_at")
    if ended_at is not None and not (_number(ended_at) and ended_at >= data["started_at"]):
        raise ValueError("ended_at is not a time after the start")
    keras = data.get("keras", DEFAULT_KERAS)  # files written before the field existed trained under Keras 3
    if keras not in KERAS_CHOICES or isinstance(keras, bool):
        raise ValueError(f"keras is {keras!r}, not one of {', '.join(map(str, KERAS_CHOICES))}")
    seed = data.get("seed")
    if seed is not None and not (isinstance(seed, int) and not isinstance(seed, bool)):
        raise ValueError("seed is not a whole number")
    return Session(id=data["id"], started_at=data["started_at"], deadline=data["deadline"], minutes=data["minutes"],
                   questions=dict(questions), ended_at=ended_at, keras=keras, seed=seed)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def question_in(current: Session | None, category: int) -> questions.Question | None:
    """The sitting's question for the category; without a sitting (or without that category), the category's
    default question (None when the bank has none)."""
    question_id = current.question_for(category) if current else None
    return questions.get(question_id) if question_id else questions.default_for_category(category)


def require(workspace: Path) -> Session:
    session = load(workspace)
    if session is None:
        raise ExamError(f"no exam session in {workspace}; run Start exam (or `tfexam start`) first, "
                         "or pass --workspace DIR")
    return session


def save(workspace: Path, session: Session) -> None:
    """Write the copy first, then the file: a kill between the two leaves both readable."""
    data = session.to_json()
    files.write_json(backup_file(workspace), data)
    files.write_json(session_file(workspace), data)


def keras_label(keras: int) -> str:
    return "Keras 2 (exam-era: tf.keras is tf-keras)" if keras == 2 else "Keras 3 (tf.keras is Keras 3)"


def new(questions: dict[int, str], minutes: float = DEFAULT_MINUTES, now: float | None = None,
        keras: int = DEFAULT_KERAS, seed: int | None = None) -> Session:
    if not minutes > 0:
        raise ExamError(f"--minutes must be positive, got {minutes:g}")
    now = time.time() if now is None else now
    return Session(
        id=datetime.fromtimestamp(now, timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6],
        started_at=now,
        deadline=now + minutes * 60,
        minutes=minutes,
        questions={str(c): q for c, q in sorted(questions.items())},
        keras=keras,
        seed=seed,
    )


def archive(workspace: Path) -> Path | None:
    """Move the current session, its ledger and submissions to .tfexam/archive/<id>/; returns that folder."""
    state = state_dir(workspace)
    if not state.is_dir() or all(item.name == "archive" for item in state.iterdir()):
        return None
    label = "damaged"
    for source in (session_file(workspace), backup_file(workspace)):
        try:
            label = str(json.loads(source.read_text(encoding="utf-8")).get("id") or "damaged")
            break
        except (OSError, ValueError, AttributeError):
            continue
    label = re.sub(r"[^\w.-]", "_", label)[:80].lstrip(".") or "damaged"  # the id comes from the file: no ../ here
    (state / "archive").mkdir(exist_ok=True)
    target = files.unique_folder(state / "archive", f"{label}-archived-{int(time.time())}")  # two restarts in a second
    for item in state.iterdir():
        if item.name != "archive":
            shutil.move(str(item), target / item.name)
    files.fsync_dir(state)
    return target
