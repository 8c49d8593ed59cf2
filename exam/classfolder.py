"""Finding a class's submissions in a folder whose names and links are not trusted.

Layouts (both may be mixed):
  one folder per candidate   DIR/<candidate>/Category<N>/mymodel.h5   (or mymodel.keras; "category 4" also matches)
  flat files                 DIR/<candidate>_c<N>.h5                  (also -c<N>, _category<N>, any case: Bob-C4.h5)
Names starting with "." are hidden and the output folder (DIR/_tfexam by default) is ours: both skipped, and said so.

Rules, each in one place here:
- A candidate is matched without case and surrounding spaces (`candidate_key`): Bob-C4.h5 and bob_c1.h5 are one
  candidate, shown under one spelling, with a note naming the merged spellings.
- Two files for one candidate and category: the candidate's folder (<candidate>/Category<N>/mymodel.h5) wins over a
  flat file, mymodel.h5 over mymodel.keras, then the first path in order; the other is skipped and noted.
- A file or folder that resolves outside DIR (a link, a link loop, a broken link) or is a special file (fifo, device,
  socket) is a Submission with a `problem`: a failed row naming why, never opened, never graded.
- Each candidate's results go to a folder named by `safe_folder`, never by the raw name.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

OUT_NAME = "_tfexam"
MODEL_NAMES = ("mymodel.h5", "mymodel.keras")
CATEGORY_DIR = re.compile(r"^category[ _-]?([1-5])$", re.IGNORECASE)
FLAT_FILE = re.compile(r"^(?P<candidate>.+?)[_-]c(?:ategory)?(?P<category>[1-5])\.(?:h5|keras)$", re.IGNORECASE)
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"{p}{n}" for p in ("COM", "LPT") for n in "0123456789¹²³")}
FOLDER_NAME_MAX = 60
FOLDER, FLAT = 0, 1  # which layout a file came from: the lower wins a tie


@dataclass(frozen=True)
class Submission:
    candidate: str  # the candidate's shown spelling
    category: int
    path: Path
    problem: str | None = None  # why it is not graded: outside the class folder, a special file, a loop

    @property
    def key(self) -> str:
        return f"c{self.category}"


@dataclass
class Found:
    submissions: list[Submission] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line per entry that is not graded, with why
    notes: dict[str, list[str]] = field(default_factory=dict)  # candidate -> merged spellings, a second file
    folders: dict[str, str] = field(default_factory=dict)  # candidate -> their results folder's safe name
    blocked: dict[str, tuple[Path, str]] = field(default_factory=dict)  # candidate folder not to be opened: why
    absent: list[str] = field(default_factory=list)  # on the roster, nothing found for them
    unrostered: list[str] = field(default_factory=list)  # found, but on no roster given


def candidate_key(name: str) -> str:
    """What makes two spellings one candidate: case, surrounding and repeated spaces, Unicode composition."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def printable(text: str) -> str:
    """A name as it may be shown anywhere (terminal, CSV, HTML): control and format characters become �."""
    return "".join("\ufffd" if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def safe_folder(name: str) -> str:
    """A folder name valid on every OS: no separators or reserved characters, no leading dot (or dash: an option to
    a shell command), no reserved Windows name, no trailing dot or space, at most FOLDER_NAME_MAX characters. A name
    that had to change gets a short hash of its candidate key, so two names that differ only in what was replaced
    stay apart."""
    text = " ".join(unicodedata.normalize("NFC", name).split())
    safe = re.sub(r"[^\w .-]", "_", text, flags=re.UNICODE).strip(" .")
    if not safe or safe.startswith("-") or safe.split(".")[0].strip().upper() in WINDOWS_RESERVED:
        safe = "_" + safe
    safe = safe[:FOLDER_NAME_MAX].rstrip(" .")
    if safe != name:
        safe += "-" + hashlib.sha256(candidate_key(name).encode()).hexdigest()[:8]
    return safe


def discover(folder: Path, out: Path | None = None, roster: dict[str, str] | None = None) -> Found:
    """The submissions in `folder` (never opening what lies outside it), and why every other entry is skipped.
    `roster`: candidate key -> the roster's spelling of the id, which becomes the shown name; a rostered candidate
    without files is in `absent`, a candidate on no roster in `unrostered`."""
    root = folder.resolve()
    raw: list[tuple[str, int, Path, str | None, int]] = []  # (spelling, category, path, problem, layout)
    found = Found()
    for entry in sorted(folder.iterdir(), key=lambda p: (p.name.lower(), p.name)):
        name = entry.name
        if name.startswith("."):
            found.skipped.append(f"{printable(name)}: hidden (the name starts with a dot)")
            continue
        if out is not None and _same(entry, out):
            found.skipped.append(f"{printable(name)}/: the output folder of tfexam grade (a candidate of that name: "
                                 "rename the folder, or give --out elsewhere)")
            continue
        flat = FLAT_FILE.match(name)
        problem = escapes(entry, root)
        if problem and not flat:
            found.blocked[name] = (entry, f"{printable(name)}: {problem}; not opened")
        elif problem:
            raw.append((flat["candidate"], int(flat["category"]), entry, f"{printable(name)}: {problem}; not graded", FLAT))
        elif entry.is_dir():
            try:
                inside = _in_candidate_folder(entry, root)
            except OSError as error:  # no permission to list it: the teacher's to fix, not a stopped batch
                found.skipped.append(f"{printable(name)}/: cannot be read ({error.strerror or error})")
                continue
            if not inside:
                found.skipped.append(f"{printable(name)}/: no Category<N>/mymodel.h5 inside")
            raw += [(name, category, path, why, FOLDER) for category, path, why in inside]
        elif flat:
            raw.append((flat["candidate"], int(flat["category"]), entry, special(entry, relative_label(folder, entry)), FLAT))
        else:
            found.skipped.append(f"{printable(name)}: not named <candidate>_c<N>.h5")
    _merge(folder, raw, found, roster or {})
    return found


def _merge(folder: Path, raw: list, found: Found, roster: dict[str, str]) -> None:
    """One candidate per key, one file per candidate and category (the rule in the module's docstring)."""
    groups: dict[str, list] = {}
    for item in sorted(raw, key=lambda i: (i[4], str(i[2]))):
        groups.setdefault(candidate_key(item[0]), []).append(item)
    blocked_by_key = {candidate_key(name): name for name in found.blocked}
    blocked, found.blocked = found.blocked, {}
    used: set[str] = set()
    shown_used: set[str] = set()
    for key in sorted(set(groups) | set(blocked_by_key) | set(roster)):
        items = groups.get(key, [])
        spellings = sorted({i[0] for i in items} | {n for n in blocked if candidate_key(n) == key}
                           | ({roster[key]} if key in roster and (items or key in blocked_by_key) else set()))
        shown = printable((roster.get(key) or blocked_by_key.get(key) or items[0][0]).strip()) or "_"
        while shown.casefold() in shown_used:  # two names that differ only in unprintable characters
            shown += "\ufffd"
        shown_used.add(shown.casefold())
        notes = found.notes.setdefault(shown, [])
        if len(spellings) > 1:
            notes.append("merged spellings: " + ", ".join(f"'{printable(s)}'" for s in spellings))
        folder_name = safe_folder(shown)
        while folder_name.casefold() in used:  # a collision after sanitising: keep them apart
            folder_name += "_"
        used.add(folder_name.casefold())
        found.folders[shown] = folder_name
        if roster and key not in roster:
            found.unrostered.append(shown)
            notes.append("not on the roster")
        if key in roster and not items and key not in blocked_by_key:
            found.absent.append(shown)
        if key in blocked_by_key:  # their folder is not opened; their other files are not graded either
            found.blocked[shown] = blocked[blocked_by_key[key]]
            found.skipped += [f"{relative_label(folder, i[2])}: not graded, {shown}'s folder is not opened" for i in items]
            continue
        chosen: dict[int, tuple] = {}
        for item in items:
            category = item[1]
            if category not in chosen:
                chosen[category] = item
                continue
            kept, other = relative_label(folder, chosen[category][2]), relative_label(folder, item[2])
            notes.append(f"category {category}: two files, graded {kept}, not {other} (a candidate's folder wins "
                         "over a flat file, then path order)")
            found.skipped.append(f"{other}: {shown} already has a category {category} file ({kept})")
        found.submissions += [Submission(shown, category, path, problem)
                              for category, (_, _, path, problem, _) in sorted(chosen.items())]
    found.notes = {name: lines for name, lines in found.notes.items() if lines}
    found.submissions.sort(key=lambda s: (candidate_key(s.candidate), s.category))


def _in_candidate_folder(folder: Path, root: Path) -> list[tuple[int, Path, str | None]]:
    result = []
    for sub in sorted(folder.iterdir(), key=lambda p: p.name):
        match = CATEGORY_DIR.match(sub.name)
        if not match:
            continue
        label = f"{printable(folder.name)}/{printable(sub.name)}"
        problem = escapes(sub, root)
        if problem:
            result.append((int(match[1]), sub, f"{label}: {problem}; not graded"))
            continue
        if not sub.is_dir():
            continue
        model = next((sub / name for name in MODEL_NAMES if os.path.lexists(sub / name)), None)
        if model is not None:
            why = escapes(model, root)
            label = f"{label}/{model.name}"
            result.append((int(match[1]), model, f"{label}: {why}; not graded" if why else special(model, label)))
    return result


def escapes(path: Path, root: Path) -> str | None:
    """Why `path` must not be opened as part of the class folder `root`, or None."""
    try:
        target = path.resolve(strict=True)
    except (RuntimeError, OSError) as error:  # RuntimeError: a link loop on Python < 3.13; OSError ELOOP after
        if isinstance(error, RuntimeError) or getattr(error, "errno", None) == errno.ELOOP:
            return "a link that loops back on itself"
        return "a link to nothing (broken)" if os.path.islink(path) else f"cannot be read ({error})"
    if not target.is_relative_to(root):
        return "resolves outside the class folder (a link)"
    return None


def special(path: Path, label: str) -> str | None:
    """A fifo, device or socket is never opened (reading one can block forever)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        return f"{label}: cannot be read ({error.strerror or error}); not graded"
    kinds = {stat.S_ISFIFO: "a named pipe (fifo)", stat.S_ISCHR: "a character device", stat.S_ISBLK: "a block device",
             stat.S_ISSOCK: "a socket"}
    kind = next((name for test, name in kinds.items() if test(mode)), None)
    return f"{label}: {kind}, not a regular file; not graded" if kind else None


def _same(entry: Path, out: Path) -> bool:
    try:
        return entry.absolute() == out.absolute() or entry.resolve() == out.resolve()
    except (OSError, RuntimeError):
        return False


def relative_label(folder: Path, path: Path) -> str:
    """A submission's path as the class files show it: relative to the class folder, printable."""
    try:
        return printable(path.relative_to(folder).as_posix())
    except ValueError:
        return printable(str(path))


def blocked_submissions(found: Found, categories: list[int]) -> list[Submission]:
    """A candidate folder that could not be opened fails in each category being graded."""
    return [Submission(candidate, category, path, why)
            for candidate, (path, why) in found.blocked.items() for category in categories]

