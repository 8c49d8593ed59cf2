"""How long the dataset cache takes to fill from the mirror, to re-verify, and to answer `ensure`.

    TFEXAM_DATA_MIRROR=../shared/datasets python benchmarks/fetch_speed.py

Uses a fresh temporary cache; prints one table. The goal: a second `fetch --all` (a full re-hash) under a second.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed_fetch(env: dict) -> tuple[float, list[dict]]:
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "exam", "fetch", "--all", "--json"], cwd=REPO, env=env,
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - began
    return elapsed, json.loads(result.stdout)["rows"]


def timed_ensure(env: dict) -> float:
    code = ("import time, tfexam.data as d; from tfexam.data.registry import FILES; from tfexam.data import cache; "
            "names = [n for n in FILES if cache.read_stamp(FILES[n])]; t = time.perf_counter(); "
            "[d.ensure(n, progress=False) for n in names]; print(time.perf_counter() - t)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                            check=True)
    return float(result.stdout)


def main() -> int:
    if not os.environ.get("TFEXAM_DATA_MIRROR"):
        print("set TFEXAM_DATA_MIRROR to the dataset mirror (e.g. ../shared/datasets) first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "TFEXAM_DATA_DIR": folder}
        first, rows = timed_fetch(env)
        second, again = timed_fetch(env)
        ensure = timed_ensure(env)
    got = [row for row in rows if row["ok"]]
    size = sum(row["size"] for row in got)
    print(f"{len(got)} of {len(rows)} files, {size / 2**20:.1f} MB (missing: "
          f"{', '.join(r['name'] for r in rows if not r['ok']) or 'none'})")
    print(f"{'step':44} {'seconds':>8} {'MB/s':>8}")
    print(f"{'fetch --all, empty cache (copy, hash, check)':44} {first:8.2f} {size / 2**20 / first:8.0f}")
    print(f"{'fetch --all, verified cache (re-hash)':44} {second:8.2f} {size / 2**20 / second:8.0f}")
    print(f"{'ensure() of every cached file':44} {ensure:8.4f}")
    print(f"second run / first run: {second / first:.2f}; all from cache: "
          f"{all(r['source'] == 'cache' for r in again if r['ok'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
