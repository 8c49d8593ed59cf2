"""A Gradescope autograder for one question: `build` writes the zip, `run` is what its run_autograder executes.

Gradescope's layout (gradescope-autograders.readthedocs.io, "Autograder Specifications"): the zip is extracted into
/autograder/source; setup.sh runs once when the image is built; run_autograder is copied to /autograder and runs per
submission, with the student's files in /autograder/submission; it must write /autograder/results/results.json.
AUTOGRADER_ROOT (default /autograder) and TFEXAM_AUTOGRADER_PYTHON (default: the venv setup.sh made) exist so the
same scripts run in a temporary folder here.

    python -m exam.autograder run --question ID [--root DIR]
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
import time
import zipfile
from pathlib import Path

from tfexam import checklist, content, files, questions
from tfexam.checks import CheckName
from tfexam.questions import Question
from tfexam.result import Result
from exam import gradescope, grading

PACKAGES = ("tfexam", "exam", "graders")
# the content a regular install ships inside tfexam/ (starters, reference solutions), never in the zip: left out by
# name, so the zip holds the same files from a checkout, an editable or a regular install
CONTENT = {"starter_code", "hidden_tests", "solutions", "__pycache__"}
MODEL_SUFFIXES = (".h5", ".keras")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold, as reproducible builds use
CODE_SUFFIXES = (".py", ".json")  # modules, and the data they read beside them (tfexam/allowed_names.json)

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image: Python, pinned packages, the hidden data.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
SOURCE="$(cd "$(dirname "$0")" && pwd)"
export PYTHONPATH="$SOURCE/tfexam" TFEXAM_DATA_DIR="${{TFEXAM_DATA_DIR:-$ROOT/data}}"
PYTHON="${{TFEXAM_AUTOGRADER_PYTHON:-}}"
if [ -z "$PYTHON" ]; then  # the pins were tested with Python 3.11
  if ! command -v python3.11 >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update  # a fresh image has no package lists
    if ! apt-get install -y python3.11 python3.11-venv; then  # Ubuntu 20.04 and older: the deadsnakes PPA has it
      apt-get install -y software-properties-common
      add-apt-repository -y ppa:deadsnakes/ppa
      apt-get update
      apt-get install -y python3.11 python3.11-venv
    fi
  fi
  python3.11 -m venv "$ROOT/venv"
  "$ROOT/venv/bin/python" -m pip install --upgrade pip
  "$ROOT/venv/bin/python" -m pip install -r "$SOURCE/requirements.txt"
  PYTHON="$ROOT/venv/bin/python"
fi
{fetch}
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission; it writes $ROOT/results/results.json and always exits 0.
# Isolated, from an empty folder (exam/launch.py): nothing in the upload or in $ROOT can be imported.
ROOT="$(cd "${{AUTOGRADER_ROOT:-/autograder}}" && pwd)"
export TFEXAM_DATA_DIR="${{TFEXAM_DATA_DIR:-$ROOT/data}}"
unset PYTHONPATH PYTHONSTARTUP PYTHONHOME PYTHONUSERBASE
PYTHON="${{TFEXAM_AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}}"
cd "$(mktemp -d)"
"$PYTHON" -I "$ROOT/source/tfexam/exam/bootstrap.py" "$ROOT/source/tfexam" "" \\
  exam.autograder run --question {question} --root "$ROOT"
"""


def requirements() -> str:
    """Every runtime pin (tfexam/requirements.txt, shipped in the package), tf-keras included: Keras 2 files load."""
    pins = "\n".join(f"{name}=={version}" for name, version in content.pins().items())
    return f"# pinned as tfexam is tested (Python 3.11)\n{pins}\n"


def shipped() -> dict[str, Path]:
    """Zip name -> file: the three packages' modules and data files, the pins and the question declarations (the bank's consistency
    check reads them all; they hold thresholds and data splits, not answers). No starters, no reference solutions."""
    found = {}
    for package in PACKAGES:
        root = content.REPO_ROOT / package  # the packages sit side by side in every kind of install
        for path in sorted(root.rglob("*")):
            if path.suffix in CODE_SUFFIXES and path.is_file() and not CONTENT & set(path.relative_to(root).parts):
                found[f"tfexam/{package}/{path.relative_to(root).as_posix()}"] = path
    found["tfexam/tfexam/requirements.txt"] = content.REQUIREMENTS
    found["tfexam/tfexam/checklist.toml"] = checklist.CHECKLIST_FILE  # every declaration's skills are checked against it
    for path in sorted(content.HIDDEN_DIR.glob("*.toml")):
        found[f"tfexam/hidden_tests/{path.name}"] = path
    return found


def build(question: Question, out: Path) -> list[str]:
    """Write the autograder zip for `question`; the names it holds."""
    fetch = (f'"$PYTHON" -m exam fetch {" ".join(question.datasets)}  # the hidden data, verified, into the cache'
             if question.datasets else "# this question needs no dataset")
    scripts = {"setup.sh": SETUP.format(fetch=fetch), "run_autograder": RUN.format(question=question.id),
               "requirements.txt": requirements()}
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in scripts.items():  # executable when Gradescope extracts them
            archive.writestr(_entry(name, 0o755), text.replace("\r\n", "\n"))
        for name, path in shipped().items():
            archive.writestr(_entry(name, 0o644), path.read_bytes())
        names = archive.namelist()
    os.replace(partial, out)
    return names


def _entry(name: str, mode: int) -> zipfile.ZipInfo:
    """A zip entry with a fixed date and mode: the same question gives the same zip, byte for byte, from any install
    and at any time (a teacher can tell two builds apart by their hash alone)."""
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def find_submission(folder: Path) -> Path | None:
    """mymodel.h5 anywhere in the upload, else the only model file in it."""
    found = sorted(p for p in folder.rglob("*") if p.suffix.lower() in MODEL_SUFFIXES and (p.is_file() or p.is_fifo()))
    named = [p for p in found if p.name.lower().startswith("mymodel.")]
    if named:
        return named[0]
    return found[0] if len(found) == 1 else None


def run(question: Question, root: Path) -> dict:
    """Grade the upload in root/submission under the exam's limits; write root/results/results.json."""
    started = time.monotonic()
    model = find_submission(root / "submission") if (root / "submission").is_dir() else None
    if model is None:
        result = Result.refused(question, CheckName.FILE, "no mymodel.h5 in the upload; upload the file your "
                                "training script saved (model.save('mymodel.h5'))")
        label = "submission"
    else:
        result = grading.grade_in_child(model, question, None)
        label = model.relative_to(root / "submission").as_posix()
    report = gradescope.results([gradescope.test_entry(question, result, label)], time.monotonic() - started)
    (root / "results").mkdir(parents=True, exist_ok=True)
    files.write_json(root / "results" / "results.json", report)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exam.autograder", description="Run inside a Gradescope autograder.")
    parser.add_argument("action", choices=["run"])
    parser.add_argument("--question", required=True)
    parser.add_argument("--root", type=Path, default=Path(os.environ.get("AUTOGRADER_ROOT", "/autograder")))
    args = parser.parse_args(argv)
    report = run(questions.get(args.question), args.root)
    print(report["output"])  # lands in results/stdout, for the instructor
    for test in report["tests"]:
        print(f"{test['name']}: {test['score']}/{test['max_score']}\n{test['output']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
