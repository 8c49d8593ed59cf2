"""Submit and Test with and without the warm worker (exam/warm.py), `python -m exam submit 1` end to end.

One Category 1 session; the same model submitted `--repeat` times with TFEXAM_WARM=0 (a fresh worker each time) and
then with TFEXAM_WARM=1 after a first submit has started the server (that first one is not counted). Target: a warm
submit under 1.5 s on a quiet machine.

    python benchmarks/submit_warm.py [--repeat 5]
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

from grade_latency import environment  # noqa: E402

TARGET_S = 1.5
MODEL = """
import sys
import numpy as np
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
model.layers[-1].set_weights([np.array([[3.0]]), np.array([2.0])])
model.save(sys.argv[1])
"""


def run(args: list[str], warm: bool) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *args], env=environment() | {"TFEXAM_WARM": "1" if warm else "0"},
                          cwd=REPO_ROOT, capture_output=True, text=True)
    return time.perf_counter() - started, done


def wait_for_server(workspace: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not (workspace / ".tfexam" / "warm.json").is_file():
        time.sleep(0.2)
    time.sleep(10)  # let its worker finish warming, as it would while the learner reads the first result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="tfexam-warm-"))
    workspace = base / "ws"
    run(["-m", "exam", "start", "--workspace", str(workspace), "--categories", "1", "--no-fetch"], warm=False)
    run(["-c", MODEL, str(workspace / "Category1" / "mymodel.h5")], warm=False)
    submit = ["-m", "exam", "submit", "1", "--workspace", str(workspace), "--json"]
    times = {"fresh": [], "warm": []}
    for _ in range(args.repeat):
        times["fresh"].append(run(submit, warm=False)[0])
    run(submit, warm=True)  # starts the server
    wait_for_server(workspace)
    for _ in range(args.repeat):
        seconds, done = run(submit, warm=True)
        usage = json.loads(done.stdout)["result"]["usage"]
        if usage.get("worker") != "warm":
            print("note: a submit fell back to a fresh worker", file=sys.stderr)
        times["warm"].append(seconds)
    _, ended = run(["-m", "exam", "end", "--workspace", str(workspace), "--yes"], warm=True)
    if ended.returncode == 2:  # a version of `end` without --yes: it does not ask either
        run(["-m", "exam", "end", "--workspace", str(workspace)], warm=True)
    shutil.rmtree(base, ignore_errors=True)
    print(f"Submit and Test, category 1, median of {args.repeat}; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "")
    print(f"{'worker':<8}{'median s':>10}{'min s':>8}{'max s':>8}")
    for name, values in times.items():
        print(f"{name:<8}{statistics.median(values):>10.2f}{min(values):>8.2f}{max(values):>8.2f}")
    warm = statistics.median(times["warm"])
    print(f"warm target < {TARGET_S} s on a quiet machine: {'ok' if warm < TARGET_S else 'MISSED'} "
          f"({statistics.median(times['fresh']) / warm:.1f}x faster than fresh)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
