"""Training time of every reference solution, measured against the `reference_seconds` its declaration states.

    python benchmarks/reference_times.py [QUESTION_ID ...]   (default: the whole bank)

Each reference runs in a fresh Python (one per question, so no question inherits another's warm caches):
`solution_model()` is timed as calibration.train_script times it (loading the training data included, TensorFlow's
import not), then the model is graded through graders.pipeline.grade as Submit and Test grades it. The numbers
belong in the declarations and CALIBRATION.md only when the load average stayed below the core count; the table
prints it for that reason. `tfexam doctor` scales them to the learner's machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from core import questions  # noqa: E402

ONE = """
import json, os, sys, tempfile
from pathlib import Path
sys.path[:0] = [{repo!r}, {bench!r}]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from calibration import graded, train_script
from core import questions
question = questions.get({question!r})
rows = [("reference", *train_script(question.solution_path))]
for _, _, seconds, result in graded(rows, question):
    print(json.dumps({{"seconds": seconds, "score": result.score, "value": result.metric.value}}))
"""


def measure(question_id: str) -> dict:
    code = ONE.format(repo=str(REPO_ROOT), bench=str(REPO_ROOT / "benchmarks"), question=question_id)
    with_load = os.getloadavg()[0]
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1], "load": with_load}
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "load": max(with_load, os.getloadavg()[0])}


def main() -> None:
    chosen = sys.argv[1:] or list(questions.all_questions())
    print(f"{os.cpu_count()} cores")
    print(f"{'question':30} {'declared s':>10} {'measured s':>10} {'ratio':>6} {'score':>6} {'metric':>9} {'load':>5}")
    for question_id in chosen:
        declared = questions.get(question_id).reference_seconds
        row = measure(question_id)
        if "error" in row:
            print(f"{question_id:30} {declared:>10} {'failed: ' + row['error']}")
            continue
        ratio = f"{row['seconds'] / declared:.2f}" if declared else "-"
        print(f"{question_id:30} {declared or '-':>10} {row['seconds']:>10.1f} {ratio:>6} {row['score']:>4}/5 "
              f"{row['value']:>9.4g} {row['load']:>5.1f}", flush=True)


if __name__ == "__main__":
    main()
