"""Shared test setup: an isolated dataset cache and the dataset mirror, when there is one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_MIRROR = REPO_ROOT.parent / "shared" / "datasets"

# Set before any test imports core.data, so every test sees the same settings.
if "TFEXAM_DATA_MIRROR" not in os.environ and (SHARED_MIRROR / "MANIFEST.tsv").is_file():
    os.environ["TFEXAM_DATA_MIRROR"] = str(SHARED_MIRROR)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# No warm grading server per test workspace (each holds TensorFlow for minutes); tests/test_warm.py turns it on.
os.environ.setdefault("TFEXAM_WARM", "0")

MIRROR_REASON = "needs the dataset mirror: set TFEXAM_DATA_MIRROR to a folder like ../shared/datasets"


def has_mirror() -> bool:
    return bool(os.environ.get("TFEXAM_DATA_MIRROR"))


requires_mirror = pytest.mark.skipif(not has_mirror(), reason=MIRROR_REASON)


@pytest.fixture(scope="session", autouse=True)
def data_cache(tmp_path_factory) -> Path:
    """One dataset cache for the whole run (extracting the image archives once), unless the caller chose one."""
    if "TFEXAM_DATA_DIR" not in os.environ:
        os.environ["TFEXAM_DATA_DIR"] = str(tmp_path_factory.mktemp("tfexam-data"))
    return Path(os.environ["TFEXAM_DATA_DIR"])


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, imported once per test run (about 3 s) and only by the tests that need it."""
    import tensorflow

    return tensorflow


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Path:
    """The interpreter of a fresh environment with tfexam installed from a wheel of this checkout (built once per run;
    tests/wheel_install.py)."""
    from wheel_install import install_wheel

    return install_wheel(tmp_path_factory.mktemp("wheel"))
