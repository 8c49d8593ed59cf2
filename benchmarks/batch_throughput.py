"""Batch grading throughput: `tfexam grade DIR` (warm workers) against the per-file loop, in one run.

A class folder of N Category 1 and N Category 4 submissions (default 50 + 50) is built first (not timed): line models
with random weights, and the Category 4 reference architecture with random weights (`--c4-model PATH` copies a
trained file instead; grading costs the same either way). Then, interleaved by category:
  loop  `python -m graders N PATH --json` once per file, one after the other: what grading a class cost before (each
        file pays Python's and TensorFlow's start); timed on the first `--loop-sample` files of each category
  warm  `python -m exam grade DIR --force --workers W --json` end to end (CLI, discovery, hashing, CSV, HTML)
Target: warm >= 4x the loop in files per minute, on 2 cores. Needs the dataset mirror (TFEXAM_DATA_MIRROR) or a
filled cache for the sarcasm data.

    python benchmarks/batch_throughput.py [--count 50] [--loop-sample 10] [--workers 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from grade_latency import environment  # noqa: E402

TARGET = 4.0

BUILD = """
import sys
from pathlib import Path
import numpy as np
import tensorflow as tf
folder, count, c4_model = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(0)
for i in range(count):
    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
    model.layers[-1].set_weights([np.array([[3.0 + rng.normal(0, 0.3)]]), np.array([2.0 + rng.normal(0, 0.3)])])
    model.save(folder / f"candidate{i:02d}_c1.h5")
    if c4_model:
        (folder / f"candidate{i:02d}_c4.h5").write_bytes(Path(c4_model).read_bytes())
        continue
    tf.keras.utils.set_random_seed(i)
    model = tf.keras.Sequential([  # the reference solution's architecture (solutions/c4_sarcasm.py), untrained
        tf.keras.Input(shape=(120,)), tf.keras.layers.Embedding(1000, 16), tf.keras.layers.Conv1D(64, 5, activation="relu"),
        tf.keras.layers.GlobalMaxPooling1D(), tf.keras.layers.Dropout(0.3), tf.keras.layers.Dense(24, activation="relu"),
        tf.keras.layers.Dense(1, activation="sigmoid")])
    model.save(folder / f"candidate{i:02d}_c4.h5")
"""


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], env=environment(), cwd=REPO_ROOT, capture_output=True, text=True, **kwargs)


def build(folder: Path, count: int, c4_model: str | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    done = run(["-c", BUILD, str(folder), str(count), c4_model or ""])
    if done.returncode != 0:
        raise SystemExit(f"could not build the submissions: {done.stderr[-600:]}")


def loop(files: list[Path]) -> tuple[float, int]:
    """Seconds for grading these files one command each, and how many were graded."""
    started = time.perf_counter()
    graded = 0
    for path in files:
        category = path.stem.rsplit("_c", 1)[1]
        done = run(["-m", "graders", category, str(path), "--json"])
        graded += '"status": "graded"' in done.stdout
    return time.perf_counter() - started, graded


def warm(folder: Path, workers: int) -> tuple[float, dict]:
    started = time.perf_counter()
    done = run(["-m", "exam", "grade", str(folder), "--force", "--workers", str(workers), "--json"])
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"tfexam grade failed: {done.stderr[-600:]}")
    return seconds, json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50, help="submissions per category (default 50)")
    parser.add_argument("--loop-sample", type=int, default=10, help="files per category timed in the loop (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="warm workers (default 2)")
    parser.add_argument("--c4-model", help="a trained Category 4 mymodel.h5 to copy instead of untrained ones")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    base = Path(args.keep or tempfile.mkdtemp(prefix="tfexam-throughput-"))
    folder = base / "class"
    print(f"building {args.count} + {args.count} submissions in {folder} (not timed) ...", file=sys.stderr, flush=True)
    build(folder, args.count, args.c4_model)

    rows = []
    for category in (1, 4):
        sample = sorted(folder.glob(f"*_c{category}.h5"))[: args.loop_sample]
        print(f"loop: {len(sample)} category {category} files, one command each ...", file=sys.stderr, flush=True)
        seconds, graded = loop(sample)
        rows.append((f"loop, category {category}", len(sample), graded, seconds))
    print(f"warm: tfexam grade, {2 * args.count} files, {args.workers} workers ...", file=sys.stderr, flush=True)
    seconds, summary = warm(folder, args.workers)
    rows.append((f"warm, {args.workers} workers, c1+c4", summary["files"], summary["graded"], seconds))
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)

    loop_files = sum(r[1] for r in rows[:2])
    loop_rate = 60 * loop_files / sum(r[3] for r in rows[:2])
    print(f"Batch grading throughput; {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"{'method':<28}{'files':>6}{'graded':>8}{'seconds':>9}{'files/min':>11}{'x loop':>8}")
    for name, files, graded, secs in rows:
        rate = 60 * files / secs
        print(f"{name:<28}{files:>6}{graded:>8}{secs:>9.1f}{rate:>11.1f}{rate / loop_rate:>8.2f}")
    ratio = 60 * rows[-1][1] / rows[-1][3] / loop_rate
    print(f"loop rate (both categories, same mix as the class): {loop_rate:.1f} files/min; warm/loop = {ratio:.2f} "
          f"(target >= {TARGET:g}: {'ok' if ratio >= TARGET else 'MISSED'}); workers started: {summary['workers_started']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
