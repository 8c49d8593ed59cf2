"""One source per question script: solutions/<id>.py; starter_code/<id>.py is generated from it (nbgrader style).

The source is the plain, runnable reference solution. Comment lines mark its regions:

    # BEGIN SOLUTION ...        kept in the solution, left out of the starter
    # END SOLUTION
    # BEGIN STARTER ...         commented out here ("# " at the marker's indentation),
    # END STARTER               uncommented in the starter: its stub, its YOUR CODE HERE guidance, its tips

Words may follow a marker ("# BEGIN STARTER: what the starter has here instead"). Regions do not nest. Everything
outside them is shared. Both files open with the header rendered from hidden_tests/<id>.toml.
`python -m tfexam.scripts` rewrites every header and starter; `--check` only lists the stale ones.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from tfexam import questions
from tfexam.errors import ExamError

SOLUTION, STARTER = "SOLUTION", "STARTER"
MARKER = re.compile(r"^(?P<indent>[ \t]*)# (?P<edge>BEGIN|END) (?P<kind>SOLUTION|STARTER)(?:\b.*)?$")
# Anything that looks like a marker but is not one exactly (a typo would otherwise leak solution code).
LOOSE_MARKER = re.compile(r"^\s*#+\s*(BEGIN|END)\s*_?(SOLUTION|STARTER)", re.IGNORECASE)


class ScriptError(ExamError):
    """A malformed region in a source file: one line naming the file and the line."""


def _uncomment(line: str, indent: str, where: str) -> str:
    """A STARTER line without its "# " (at the marker's indentation); an empty line stays empty."""
    if not line.strip():
        return "\n"
    text = line.rstrip("\n")
    if text == indent + "#":
        return "\n"
    if not text.startswith(indent + "# "):
        raise ScriptError(f"{where}: a STARTER line must be commented out with '# ' at the marker's indentation "
                          f"(column {len(indent) + 1}); got {text.strip()!r}")
    return indent + text[len(indent) + 2:] + "\n"


def render_starter(source: str, name: str = "<source>") -> str:
    """The starter's text: SOLUTION regions dropped, STARTER regions uncommented, marker lines removed."""
    out: list[str] = []
    region: tuple[str, str, int] | None = None  # (kind, indent, line number of its BEGIN)
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        where = f"{name}:{number}"
        marker = MARKER.match(line.rstrip("\n"))
        if marker is None and LOOSE_MARKER.match(line):
            raise ScriptError(f"{where}: malformed region marker {line.strip()!r}; write '# BEGIN SOLUTION', "
                              "'# END SOLUTION', '# BEGIN STARTER' or '# END STARTER'")
        if marker and marker["edge"] == "BEGIN":
            if region:
                raise ScriptError(f"{where}: BEGIN {marker['kind']} inside the {region[0]} region opened at line "
                                  f"{region[2]}; regions do not nest, close it with END {region[0]} first")
            region = (marker["kind"], marker["indent"], number)
        elif marker:
            if region is None:
                raise ScriptError(f"{where}: END {marker['kind']} without a BEGIN {marker['kind']} before it")
            if region[0] != marker["kind"]:
                raise ScriptError(f"{where}: END {marker['kind']} closes the {region[0]} region opened at line "
                                  f"{region[2]}; write END {region[0]}")
            region = None
        elif region is None:
            out.append(line if line.endswith("\n") else line + "\n")
        elif region[0] == STARTER:
            out.append(_uncomment(line, region[1], where))
    if region:
        raise ScriptError(f"{name}:{region[2]}: BEGIN {region[0]} is never closed; add END {region[0]}")
    return "".join(out)


def split_header(source: str) -> tuple[str, str]:
    """(header, rest) of a script whose first block is the generated docstring ("" when it has none)."""
    if source.startswith(questions.HEADER_BEGIN):
        end = source.find(questions.HEADER_END_MARK)
        close = source.find('"""', end) if end >= 0 else -1
        if close >= 0:
            return source[: close + 4], source[close + 4:].lstrip("\n")
    return "", source


def rendered(question: questions.Question) -> dict[Path, str]:
    """{path: text} of the question's solution (its header refreshed) and its generated starter."""
    source = question.solution_path.read_text(encoding="utf-8")
    _, body = split_header(source)
    header = questions.starter_header(question)
    name = f"{question.solution_path.parent.name}/{question.solution_path.name}"
    return {question.solution_path: header + body, question.starter_path: header + render_starter(body, name)}


def _differing() -> dict[Path, str]:
    """{path: rendered text} of every script whose committed text is not what the generator renders."""
    return {path: text for question in _sourced() for path, text in rendered(question).items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text}


def stale() -> list[Path]:
    return list(_differing())


def write_all() -> list[Path]:
    """Render every script first, so a malformed source writes nothing at all; then write the changed ones."""
    changed = _differing()
    for path, text in changed.items():
        path.write_text(text, encoding="utf-8")
    return list(changed)


def _sourced() -> list[questions.Question]:
    return [q for q in questions.all_questions().values() if q.solution_path.is_file()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tfexam.scripts",
                                     description="Render every starter (and both headers) from solutions/<id>.py.")
    parser.add_argument("--check", action="store_true", help="only list the stale scripts; exit 1 if there are any")
    args = parser.parse_args(argv)
    try:
        paths = stale() if args.check else write_all()
    except ExamError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    for path in paths:
        print(f"{'stale' if args.check else 'updated'} {path.parent.name}/{path.name}")
    return 1 if args.check and paths else 0


if __name__ == "__main__":
    raise SystemExit(main())
