"""Datasets first, clock second; End exam only after END (or --yes); train passes the script's exit code through."""

from __future__ import annotations

import json

from clirun import exam, exam_json, real_data, start_practice, stderr_lines

# no mirror and every download refused at once (a proxy that is not there): offline, deterministically
OFFLINE = {"TFEXAM_DATA_MIRROR": "", "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9",
           "NO_PROXY": ""}


def test_offline_start_names_what_is_missing_and_starts_no_clock(tmp_path):
    workspace = tmp_path / "exam"
    done = exam("start", "--workspace", str(workspace), "--categories", "1,2", "--question", "c2_fashion_mnist",
                TFEXAM_DATA_DIR=str(tmp_path / "c"),
                **OFFLINE)
    assert done.returncode == 2
    error = stderr_lines(done)[-1]
    assert error.startswith("tfexam: the exam did NOT start (no clock is running)")
    for needed in ("fashion-mnist", "train-images-idx3-ubyte.gz", "TFEXAM_DATA_MIRROR", "--no-fetch", "Start exam"):
        assert needed in error
    assert "Traceback" not in done.stderr
    assert not (workspace / ".tfexam" / "session.json").exists() and not (workspace / "Category1").exists()
    assert "no exam session" in exam("status", "--workspace", str(workspace)).stderr

    code, payload = exam_json("start", "--workspace", str(workspace), "--categories", "1,2", "--no-fetch",
                              "--question", "c2_fashion_mnist",
                              TFEXAM_DATA_DIR=str(tmp_path / "c"), **OFFLINE)
    assert code == 0 and payload["datasets_fetched"] is False


@real_data[0]
@real_data[1]
def test_start_verifies_the_datasets_before_the_clock_starts(tmp_path):
    cache = tmp_path / "cache"
    done = exam("start", "--workspace", str(tmp_path / "exam"), "--categories", "2", "--question", "c2_fashion_mnist",
                "--json",
                TFEXAM_DATA_DIR=str(cache))
    assert done.returncode == 0, done.stderr
    started_at = json.loads(done.stdout)["session"]["started_at"]
    stamps = list((cache / ".stamps").glob("*.json"))
    assert stamps and all(p.stat().st_mtime <= started_at for p in stamps), "every file verified before the clock"
    assert "Preparing the datasets before the clock starts" in done.stderr and "verified" in done.stderr


def test_end_asks_for_the_word_and_refuses_without_input(tmp_path):
    start_practice(tmp_path, 1)
    closed = exam("end", "--workspace", str(tmp_path))
    assert closed.returncode == 2 and "tfexam end --yes" in stderr_lines(closed)[-1]
    declined = exam("end", "--workspace", str(tmp_path), input="yes\n")
    assert declined.returncode == 0 and "NOT ended" in declined.stdout
    code, payload = exam_json("end", "--workspace", str(tmp_path), input="no\n")
    assert code == 0 and payload["ended"] is False
    assert json.loads((tmp_path / ".tfexam" / "session.json").read_text())["ended_at"] is None
    code, payload = exam_json("end", "--workspace", str(tmp_path), input="  END \n")
    assert code == 0 and payload["ended"] is True and payload["report"]["percent"] == 0.0


def test_train_runs_the_starter_in_its_folder_and_passes_its_exit_code(tmp_path):
    start_practice(tmp_path, 1)
    starter = tmp_path / "Category1" / "starter.py"
    starter.write_text("import os, sys\nprint('training in', os.path.basename(os.getcwd()))\nsys.exit(3)\n")
    failed = exam("train", "1", "--workspace", str(tmp_path))
    assert failed.returncode == 3 and "training in Category1" in failed.stdout and "exit code 3" in failed.stdout
    starter.write_text("print('forgot to save')\n")
    unsaved = exam("train", "1", "--workspace", str(tmp_path))
    assert unsaved.returncode == 1 and "saved no mymodel.h5" in unsaved.stdout
    starter.write_text("open('mymodel.h5', 'wb').write(b'x')\n")
    saved = exam("train", "1", "--workspace", str(tmp_path))
    assert saved.returncode == 0 and "Category 1 - 2. Submit and Test" in saved.stdout
