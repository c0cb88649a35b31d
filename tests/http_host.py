"""A local HTTP server standing in for a host an administrator might type: it records every request
it gets (path and Authorization header) and answers each with what the test told it to.

Used as another host that must never see the org's token, and as hosts that answer the way
RapidPro does not (a web page, a 401, a list instead of a workspace).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# What RapidPro's /api/v2/org.json gives for a workspace (the fields TracPro reads, and a few more).
WORKSPACE = {"uuid": "6a44ca78-a4c2-4862-a7d3-2932f9b3a7c3", "name": "Ministry of Health", "country": "UG",
             "languages": ["eng"], "primary_language": "eng", "timezone": "Africa/Kampala", "date_style": "day_first",
             "credits": {"used": 0, "remaining": 0}, "anon": False}


@dataclass(frozen=True)
class Seen:
    path: str
    authorization: str | None


@dataclass
class Answer:
    status: int = 200
    content_type: str = "application/json"
    body: bytes = json.dumps(WORKSPACE).encode()


@dataclass
class RecordingHost:
    url: str
    answer: Answer = field(default_factory=Answer)
    seen: list[Seen] = field(default_factory=list)
    # Only requests carrying this token get `answer`; the others get RapidPro's 403. None: everyone does.
    token: str | None = None

    def answer_with(self, status: int, body: bytes | str, content_type: str = "application/json") -> None:
        self.answer = Answer(status, content_type, body.encode() if isinstance(body, str) else body)


@contextmanager
def recording_host(token: str | None = None) -> Iterator[RecordingHost]:
    """A RecordingHost serving on a free local port until the block ends."""
    host: RecordingHost

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            authorization = self.headers.get("Authorization")
            host.seen.append(Seen(self.path, authorization))
            answer = host.answer
            if host.token is not None and authorization != f"Token {host.token}":
                answer = Answer(403, body=b'{"detail": "Invalid token"}')
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:  # quiet: the test reads `seen`
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host = RecordingHost(f"http://127.0.0.1:{server.server_port}", token=token)
    thread = threading.Thread(target=server.serve_forever, name="recording-host", daemon=True)
    thread.start()
    try:
        yield host
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
