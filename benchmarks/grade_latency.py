"""Grading latency: `tfexam submit N` end to end against the floor, for every category in one run.

The floor (a) is a fresh Python that imports TensorFlow, loads the same .h5 and predicts the same hidden inputs
the grader predicts (captured once per category). (b) is `python -m exam submit N` from process start to exit:
CLI, checks, the copy into the ledger, the watched grading child, the fsynced record. Target: b/a <= 1.25 and
b < 10 s per category on 2 cores.

    python benchmarks/grade_latency.py [--categories 1,4] [--model 4=path/to/mymodel.h5] [--repeat 3] [--keep DIR]

A category without --model is trained first with `tfexam solve N` (not timed). Categories without a declared
question, or whose model cannot be made, are listed as skipped with the reason.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tfexam import questions  # noqa: E402

TARGET_RATIO = 1.25
TARGET_SECONDS = 10.0

# Records every input the grader hands to model.predict, so the floor predicts exactly the hidden set.
CAPTURE = """
import importlib, json, sys
import numpy as np
import tensorflow as tf
from tfexam import questions
question = questions.get(sys.argv[2])
model = tf.keras.models.load_model(sys.argv[1], compile=False)
calls, predict = [], model.predict
def recording(x, batch_size=None, **kwargs):
    calls.append((np.asarray(x), batch_size or 32))
    return predict(x, batch_size=batch_size, **kwargs)
model.predict = recording
importlib.import_module(question.grader_module).evaluate(model, question, None)
arrays = {f"x{i}": x for i, (x, _) in enumerate(calls)} | {f"b{i}": np.array(b) for i, (_, b) in enumerate(calls)}
np.savez(sys.argv[3], **arrays)
print(json.dumps({"calls": len(calls), "examples": int(sum(len(x) for x, _ in calls)), "tensorflow": tf.__version__}))
"""

FLOOR = """
import sys
import numpy as np
import tensorflow as tf
model = tf.keras.models.load_model(sys.argv[1], compile=False)
calls = np.load(sys.argv[2])
for i in range(len(calls.files) // 2):
    model.predict(calls[f"x{i}"], batch_size=int(calls[f"b{i}"]), verbose=0)
if sys.argv[3:] == ["--no-teardown"]:  # what the grading child does once its result is out
    import os
    os._exit(0)
"""


def environment() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"  # the same for both sides: the grading child sets it too
    mirror = REPO_ROOT.parent / "shared" / "datasets"
    if "TFEXAM_DATA_MIRROR" not in env and (mirror / "MANIFEST.tsv").is_file():
        env["TFEXAM_DATA_MIRROR"] = str(mirror)
    return env


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], env=environment(), capture_output=True, text=True, **kwargs)


def timed(args: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = run(args, cwd=REPO_ROOT)
    return time.perf_counter() - started, done


def last_line(done: subprocess.CompletedProcess) -> str:
    lines = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()
    return lines[-1][:160]


class Skip(Exception):
    pass


def prepare(category: int, workspace: Path, given: Path | None) -> tuple[str, Path, Path, dict]:
    """A session for the category, the model to submit, and the captured hidden inputs."""
    question = questions.default_for_category(category)
    if question is None:
        raise Skip("no question declared yet")
    done = run(["-m", "exam", "start", "--workspace", str(workspace), "--categories", str(category), "--json"])
    if done.returncode != 0:
        raise Skip(f"`tfexam start` failed: {last_line(done)}")
    if given is None:
        print(f"  category {category}: training the reference solution (not timed) ...", file=sys.stderr, flush=True)
        done = run(["-m", "exam", "solve", str(category), "--workspace", str(workspace), "--json"])
        if done.returncode != 0:
            raise Skip(f"`tfexam solve {category}` failed: {last_line(done)}")
        model = workspace / f"Category{category}" / "mymodel.h5"
    else:
        model = workspace / f"Category{category}" / "mymodel.h5"
        model.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(given, model)
    inputs = workspace / "hidden_inputs.npz"
    done = run(["-c", CAPTURE, str(model), question.id, str(inputs)], cwd=REPO_ROOT)
    if done.returncode != 0:
        raise Skip(f"could not capture the hidden inputs: {last_line(done)}")
    return question.id, model, inputs, json.loads(done.stdout.strip().splitlines()[-1])


def measure(category: int, model: Path, inputs: Path, workspace: Path, repeat: int) -> dict:
    floors, bare_floors, submits, inside = [], [], [], []
    for _ in range(repeat):  # interleaved, so a busy moment on the machine hits all sides alike
        for extra, times in (([], floors), (["--no-teardown"], bare_floors)):
            seconds, done = timed(["-c", FLOOR, str(model), str(inputs), *extra])
            if done.returncode != 0:
                raise Skip(f"the floor failed: {last_line(done)}")
            times.append(seconds)
        seconds, done = timed(["-m", "exam", "submit", str(category), "--workspace", str(workspace), "--json"])
        payload = json.loads(done.stdout) if done.stdout.strip() else {}
        result = payload.get("result", {})
        if result.get("status") != "graded":
            raise Skip(f"submit did not grade: {result.get('output') or last_line(done)}")
        submits.append(seconds)
        inside.append(result["usage"]["seconds"])
    return {"floor": statistics.median(floors), "bare_floor": statistics.median(bare_floors), "submit": statistics.median(submits), "child": statistics.median(inside),
            "peak_mb": result["usage"]["peak_mb"], "score": result["score"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--categories", default=",".join(map(str, questions.CATEGORIES)), help="e.g. 1,4 (default all)")
    parser.add_argument("--model", action="append", default=[], metavar="N=PATH", help="use this .h5 for category N")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the median is reported (default 3)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    given = {int(k): Path(v).resolve() for k, v in (item.split("=", 1) for item in args.model)}
    base = Path(args.keep or tempfile.mkdtemp(prefix="tfexam-latency-"))
    base.mkdir(parents=True, exist_ok=True)

    rows, skipped, info = [], [], {}
    for category in sorted(int(c) for c in args.categories.split(",") if c.strip()):
        workspace = base / f"c{category}"
        try:
            question_id, model, inputs, info = prepare(category, workspace, given.get(category))
            rows.append((category, question_id, info, measure(category, model, inputs, workspace, args.repeat)))
        except Skip as reason:
            skipped.append((category, str(reason)))
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)

    print(f"Grading latency, median of {args.repeat}; {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"TensorFlow {info.get('tensorflow', '?')}")
    print(f"{'category':<9}{'question':<21}{'hidden':>7}{'floor a':>9}{'submit b':>10}{'b/a':>6}  {'a*':>6}{'b/a*':>6}"
          f"{'child':>8}{'peak MB':>9}  target")
    for category, question_id, found, m in rows:
        ratio = m["submit"] / m["floor"]
        verdict = "ok" if ratio <= TARGET_RATIO and m["submit"] < TARGET_SECONDS else "MISSED"
        print(f"{category:<9}{question_id:<21}{found['examples']:>7}{m['floor']:>8.2f}s{m['submit']:>9.2f}s{ratio:>6.2f}"
              f"  {m['bare_floor']:>5.2f}s{m['submit'] / m['bare_floor']:>6.2f}{m['child']:>7.2f}s{m['peak_mb']:>9.0f}  {verdict}")
    for category, reason in skipped:
        print(f"{category:<9}skipped: {reason}")
    print(f"a = fresh Python: import TensorFlow, load the .h5, predict the hidden inputs, exit; a* = the same, leaving with "
          f"os._exit as the grading child does (no TensorFlow teardown); b = `python -m exam submit N`; child = the "
          f"grading child inside b. Target b/a <= {TARGET_RATIO}, b < {TARGET_SECONDS:g} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
