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
import re
import stat
import sys
import time
import zipfile
from importlib import metadata
from pathlib import Path

from core import files, questions
from core.questions import Question
from exam import gradescope, grading, paths
from exam.paths import REPO_ROOT

RUNTIME = ("tensorflow", "keras", "h5py", "numpy", "pandas", "requests", "matplotlib", "pillow", "psutil", "filelock",
           "platformdirs")  # what grading imports (the pins come from requirements.txt when there is one)
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==\S+$")
MODEL_SUFFIXES = (".h5", ".keras")

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image: Python, pinned packages, the hidden data.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
SOURCE="$(cd "$(dirname "$0")" && pwd)"
export PYTHONPATH="$SOURCE/tfexam" TFEXAM_DATA_DIR="${{TFEXAM_DATA_DIR:-$ROOT/data}}"
PYTHON="${{TFEXAM_AUTOGRADER_PYTHON:-}}"
if [ -z "$PYTHON" ]; then  # the pins were tested with Python 3.11
  if ! command -v python3.11 >/dev/null; then
    apt-get install -y python3.11 python3.11-venv
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
    """The project's pins (requirements.txt in a checkout, else the versions installed here), without test tools."""
    source = REPO_ROOT / "requirements.txt"
    if source.is_file():
        lines = [line.strip() for line in source.read_text(encoding="utf-8").splitlines()]
        pins = [line for line in lines if (match := PIN.match(line)) and not match[1].startswith("pytest")]
    else:
        pins = []
        for name in RUNTIME:
            try:
                pins.append(f"{name}=={metadata.version(name)}")
            except metadata.PackageNotFoundError:
                pass
    return "# pinned as tfexam is tested (Python 3.11)\n" + "\n".join(pins) + "\n"


def shipped() -> dict[str, Path]:
    """What grading needs, and nothing else: the three packages and the question declarations (starters for headers)."""
    return {"core": REPO_ROOT / "core", "exam": REPO_ROOT / "exam", "graders": REPO_ROOT / "graders",
            "hidden_tests": paths.HIDDEN_DIR, "starter_code": paths.STARTER_DIR}


def build(question: Question, out: Path) -> list[str]:
    """Write the autograder zip for `question`; the names it holds."""
    fetch = (f'"$PYTHON" -m exam fetch {" ".join(question.datasets)}  # the hidden data, verified, into the cache'
             if question.datasets else "# this question needs no dataset")
    scripts = {"setup.sh": SETUP.format(fetch=fetch), "run_autograder": RUN.format(question=question.id),
               "requirements.txt": requirements()}
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in scripts.items():
            info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
            info.external_attr = (stat.S_IFREG | 0o755) << 16  # executable when Gradescope extracts it
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.replace("\r\n", "\n"))
        for top, folder in shipped().items():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                    archive.write(path, f"tfexam/{top}/{path.relative_to(folder).as_posix()}")
        names = archive.namelist()
    os.replace(partial, out)
    return names


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
        result = grading.failure(question, "file", "no mymodel.h5 in the upload; upload the file your training "
                                                   "script saved (model.save('mymodel.h5'))") | {"status": "refused"}
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
