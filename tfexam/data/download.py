"""Streamed HTTP downloads: timeouts, retries with backoff, and resume of a partial file where the server allows."""

from __future__ import annotations

import os
import time
from pathlib import Path

import requests
from urllib3.exceptions import NameResolutionError, ReadTimeoutError

from tfexam.data.progress import Progress

ENV_TIMEOUT = "TFEXAM_DATA_TIMEOUT"
DEFAULT_TIMEOUT = 30.0  # seconds without a byte before a try is abandoned
ATTEMPTS = 4
BACKOFF = 0.5  # seconds before the second try; doubles after each failure
CHUNK = 1 << 16
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}


class DownloadError(Exception):
    """The URL could not be downloaded; the message is a short reason (no URL)."""


def timeout_setting() -> float:
    raw = os.environ.get(ENV_TIMEOUT)
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


class _Retry(Exception):
    pass


def _reason(error: Exception, timeout: float) -> str:
    inner = error.args[0] if error.args else None
    if isinstance(error, requests.Timeout) or isinstance(inner, ReadTimeoutError):
        return f"no data for {timeout:g} s (the server stalled)"
    if isinstance(error, requests.exceptions.ChunkedEncodingError):
        return "the connection dropped in the middle of the file"
    text = str(error)
    return text if len(text) < 160 else text[:157] + "..."


def _offline(error: Exception) -> bool:
    return isinstance(getattr(error.args[0] if error.args else None, "reason", None), NameResolutionError)


def _start_of(content_range: str) -> int | None:
    # "bytes 100-199/200"
    try:
        return int(content_range.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return None


def _one_try(url: str, dest: Path, progress: Progress | None, timeout: float) -> None:
    have = dest.stat().st_size if dest.exists() else 0
    # identity: a compressed transfer would make Content-Length and Range count different bytes
    headers = {"Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
    with requests.get(url, stream=True, timeout=timeout, headers=headers) as response:
        if response.status_code == 416 and have:
            dest.unlink()  # the partial file is not a prefix of this one: start over
            raise _Retry("the server refused to resume; starting over")
        if response.status_code in RETRY_STATUSES:
            raise _Retry(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise DownloadError(f"HTTP {response.status_code} {response.reason}".strip())
        resumed = response.status_code == 206 and _start_of(response.headers.get("Content-Range", "")) == have
        offset = have if resumed else 0
        length = response.headers.get("Content-Length")
        total = offset + int(length) if length and length.isdigit() else None
        if progress:
            progress.restart(offset, total or progress.total)
        written = offset
        with open(dest, "ab" if resumed else "wb") as handle:
            for chunk in response.iter_content(CHUNK):
                handle.write(chunk)
                written += len(chunk)
                if progress:
                    progress.update(len(chunk))
        if total is not None and written != total:
            raise _Retry(f"got {written} of {total} bytes")


def download(url: str, dest: Path, *, progress: Progress | None = None, timeout: float | None = None,
             attempts: int = ATTEMPTS, backoff: float = BACKOFF) -> None:
    """Stream `url` into `dest`, continuing an existing partial `dest` with a Range request when possible."""
    timeout = timeout_setting() if timeout is None else timeout
    dest.parent.mkdir(parents=True, exist_ok=True)
    reason = "no attempt made"
    for attempt in range(1, attempts + 1):
        try:
            _one_try(url, dest, progress, timeout)
            return
        except _Retry as error:
            reason = str(error)
        except requests.ConnectionError as error:
            if _offline(error):
                raise DownloadError("the host name does not resolve (no network?)") from None
            if isinstance(error, requests.exceptions.ProxyError):
                raise DownloadError("the proxy in the environment cannot be reached") from None
            reason = _reason(error, timeout)
        except (requests.Timeout, requests.exceptions.ChunkedEncodingError) as error:
            reason = _reason(error, timeout)
        except requests.RequestException as error:
            raise DownloadError(_reason(error, timeout)) from None
        if attempt < attempts:
            time.sleep(backoff * 2 ** (attempt - 1))
    raise DownloadError(f"{reason} (gave up after {attempts} tries)")
