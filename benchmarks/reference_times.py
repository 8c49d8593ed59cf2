"""Training time and score of every reference solution, beside the `reference_seconds` its declaration states.

    python benchmarks/reference_times.py [--keras 2] [QUESTION_ID ...]   (default: the whole bank, Keras 3)

Each reference trains in a fresh Python, in the environment `tfexam train` gives a learner's script (`--keras 2`:
exam-era mode, tf.keras = tf-keras). `solution_model()` is timed as calibration.train_script times it (loading the
training data included, TensorFlow's import not); the saved .h5 is then graded by `python -m graders`, as Submit
and Test grades it. The times belong in the declarations and CALIBRATION.md only when the load average stayed below
the core count, which is why the table prints it. `tfexam doctor` scales them to the learner's machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tfexam import questions  # noqa: E402
from exam import grading  # noqa: E402
from exam.verbs.train import child_env  # noqa: E402

TRAIN = """
import json, sys
sys.path.insert(0, {bench!r})
from calibration import train_script
from tfexam import questions
model, seconds = train_script(questions.get({question!r}).solution_path)
model.save({out!r})
print(json.dumps({{"seconds": seconds}}))
"""


def last_json(done: subprocess.CompletedProcess) -> dict:
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1][:120]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(question_id: str, keras: int) -> dict:
    question = questions.get(question_id)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        model = str(Path(folder) / "mymodel.h5")
        code = TRAIN.format(bench=str(REPO_ROOT / "benchmarks"), question=question_id, out=model)
        trained = last_json(subprocess.run([sys.executable, "-c", code], cwd=folder, env=child_env(keras),
                                           capture_output=True, text=True))
        if "error" in trained:
            return trained
        graded = last_json(subprocess.run(
            [sys.executable, "-m", "graders", str(question.category), model, "--question", question_id, "--json"],
            cwd=REPO_ROOT, env=grading.child_env(), capture_output=True, text=True))
    if "error" in graded:
        return graded
    return {**trained, "score": graded["score"], "value": (graded.get("metric") or {}).get("value"),
            "load": max(load, os.getloadavg()[0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keras", type=int, choices=(2, 3), default=3)
    parser.add_argument("ids", nargs="*")
    args = parser.parse_args()
    print(f"Keras {args.keras}, {os.cpu_count()} cores")
    print(f"{'question':30} {'declared s':>10} {'measured s':>10} {'ratio':>6} {'score':>6} {'metric':>9} {'load':>5}")
    for question_id in args.ids or list(questions.all_questions()):
        declared = questions.get(question_id).reference_seconds
        row = measure(question_id, args.keras)
        if "error" in row:
            print(f"{question_id:30} {declared:>10} failed: {row['error']}", flush=True)
            continue
        ratio = f"{row['seconds'] / declared:.2f}" if declared else "-"
        print(f"{question_id:30} {declared or '-':>10} {row['seconds']:>10.1f} {ratio:>6} {row['score']:>4}/5 "
              f"{row['value']:>9.4g} {row['load']:>5.1f}", flush=True)


if __name__ == "__main__":
    main()
