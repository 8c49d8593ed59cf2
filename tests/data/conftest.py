"""A real HTTP server on 127.0.0.1 (random port) serving a temporary folder, with switchable misbehaviour."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


class Loopback:
    def __init__(self, root: Path):
        self.root = root
        self.requests: list[tuple[str, str | None]] = []  # (path, Range header)
        self.drop_first: dict[str, int] = {}  # path -> how many responses to cut off halfway
        self.stall: set[str] = set()  # paths whose body stops after the first bytes
        self.hold: set[str] = set()  # paths whose body pauses halfway until `released` is set
        self.ignore_range: set[str] = set()
        self.released = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def paths_requested(self) -> list[str]:
        return [path for path, _ in self.requests]

    def _handler(self):
        loopback = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.lstrip("/")
                asked = self.headers.get("Range")
                loopback.requests.append((path, asked))
                file = loopback.root / path
                if not file.is_file():
                    self.send_error(404, "Not Found")
                    return
                body = file.read_bytes()
                start = 0
                if asked and path not in loopback.ignore_range:
                    start = int(asked.removeprefix("bytes=").split("-")[0])
                    if start >= len(body):
                        self.send_error(416, "Range Not Satisfiable")
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                else:
                    self.send_response(200)
                part = body[start:]
                self.send_header("Content-Length", str(len(part)))
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                if loopback.drop_first.get(path, 0) > 0:
                    loopback.drop_first[path] -= 1
                    self.wfile.write(part[: len(part) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if path in loopback.hold:
                    self.wfile.write(part[: len(part) // 2])
                    self.wfile.flush()
                    loopback.released.wait(30)
                    self.wfile.write(part[len(part) // 2:])
                    return
                if path in loopback.stall:
                    self.wfile.write(part[:10])
                    self.wfile.flush()
                    loopback.released.wait(30)
                    return
                self.wfile.write(part)

        return Handler


@pytest.fixture
def loopback(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    server = Loopback(served)
    server.thread.start()
    yield server
    server.released.set()
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache of this test's own, and no mirror unless the test sets one."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("TFEXAM_DATA_DIR", str(cache))
    monkeypatch.delenv("TFEXAM_DATA_MIRROR", raising=False)
    return cache
