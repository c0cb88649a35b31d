"""The HTTP face: routing, auth, envelopes, faults, the control endpoint.

HTTP/1.1 with keep-alive; each response goes out in a single write (headers and body
together, so Nagle's algorithm never stalls a page).  ``next`` and ``previous`` links are
absolute, built from the request's Host header, carrying every original param (sorted) plus
``cursor``, as DRF builds them.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from . import archive_http, lists, queries, sends, writes
from .dataset import serve_messages
from .faults import Faults, LostAnswer
from .pagination import ApiError, Page
from .throttle import RateLimits

LISTS = {
    "runs": queries.runs, "contacts": queries.contacts, "messages": serve_messages, "flows": lists.flows,
    "groups": lists.groups, "fields": lists.fields, "boundaries": lists.boundaries,
    "broadcasts": lists.broadcasts, "flow_starts": lists.flow_starts,
}
SINGLE = {"org", "workspace", "definitions"}
PAGED = {"archives"}  # limit/offset pages with a count (DRF's LimitOffsetPagination)
POSTS = {"contacts", "contact_actions", "broadcasts", "flow_starts"}
REASONS = {200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout"}


_CHUNK = 1 << 20  # an archive goes out a megabyte at a time


class SimServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, dataset, token: str, faults: Faults, limits: RateLimits | None = None) -> None:
        super().__init__(address, Handler)
        self.dataset, self.token, self.faults = dataset, token, faults
        self.limits = limits or RateLimits(None)
        self.prefetcher = Prefetcher(dataset)

    def server_close(self) -> None:
        super().server_close()
        self.prefetcher.close()


class Prefetcher:
    """Computes the next page of a walk while the client digests the current one.

    Only while no write has happened and every generated record is past the replica's lag
    (queries are then pure functions of their params, so a prefetched page is byte-identical to
    a fresh one).  At most a few pages are held, so memory stays flat whatever the tier.
    """

    SLOTS = 4

    def __init__(self, dataset) -> None:
        self.ds = dataset
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch")
        self.pending: OrderedDict[tuple, Future] = OrderedDict()
        self.lock = threading.Lock()

    @staticmethod
    def key(name: str, params: dict) -> tuple:
        return name, tuple(sorted((k, tuple(v)) for k, v in params.items()))

    def get(self, name: str, params: dict) -> Page:
        fn = LISTS[name]
        view = self.ds.api_view()
        if not self._pure(view.now):
            return fn(self.ds, params, view)
        with self.lock:
            fut = self.pending.pop(self.key(name, params), None)
        page = fut.result() if fut is not None else fn(self.ds, params, view)
        if page.next is not None and name in ("runs", "contacts", "messages") and self._pure(view.now):
            nxt = dict(params, cursor=[page.next])
            with self.lock:
                self.pending[self.key(name, nxt)] = self.pool.submit(fn, self.ds, nxt, view)
                while len(self.pending) > self.SLOTS:
                    self.pending.popitem(last=False)
        return page

    def _pure(self, now: int) -> bool:
        return self.ds.state.pristine() and self.ds.settled(now)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SimServer
    _lost: LostAnswer | None = None  # the write now being answered has its answer lost

    def log_message(self, format, *args) -> None:  # noqa: A002 - quiet by default
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    # -- plumbing ----------------------------------------------------------------------------------

    def _dispatch(self, method: str) -> None:
        self._lost = None
        parts = urlsplit(self.path)
        params = parse_qs(parts.query, keep_blank_values=True)
        body = self._read_body()
        try:
            if parts.path.startswith(archive_http.PREFIX) and method == "GET":
                self._download(parts.path, parts.query)
                return
            if parts.path.startswith("/_control/"):
                self._auth()
                self._control(method, parts.path, body)
                return
            name = _endpoint(parts.path)
            if name is None:
                raise ApiError(404, {"detail": "Not found."})
            self._auth()
            decision = self.server.faults.decide()
            if decision.sleep_s:
                time.sleep(decision.sleep_s)
            if decision.status == 429:
                self._throttled(decision.retry_after)
                return
            if decision.status:
                self._send(decision.status, {"detail": "Simulated server error."})
                return
            wait = self.server.limits.admit(name)
            if wait is not None:
                self._throttled(wait)
                return
            if method in ("POST", "DELETE"):
                self._lost = self.server.faults.lose_answer()
            self._api(method, name, parts.path, params, body)
        except ApiError as e:
            if isinstance(e.body, str):
                self._send_raw(e.status, e.body.encode(), content_type="text/html; charset=utf-8")
            else:
                self._send(e.status, e.body)
        except _BadJson as e:
            self._send(400, {"detail": f"JSON parse error - {e}"})

    def _throttled(self, wait: int) -> None:
        unit = "second" if wait == 1 else "seconds"  # DRF's Throttled, singular and plural
        self._send(429, {"detail": f"Request was throttled. Expected available in {wait} {unit}."},
                   {"Retry-After": str(wait)})

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if not length:
            return None
        raw = self.rfile.read(length)
        try:
            return json.loads(raw)
        except ValueError as e:
            raise _BadJson(str(e)) from None

    def _auth(self) -> None:
        header = self.headers.get("Authorization")
        if not header:
            raise ApiError(403, {"detail": "Authentication credentials were not provided."})
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "token" or token.strip() != self.server.token:
            raise ApiError(403, {"detail": "Invalid token"})

    def _api(self, method: str, name: str, path: str, params: dict, body) -> None:
        ds = self.server.dataset
        ds.reevaluations.catch_up()  # mailroom's batches committed since the last request
        if method == "GET" and name in LISTS:
            page = self.server.prefetcher.get(name, params)
            items = self.server.faults.malform(name, page.items)
            nxt, previous = self._link(path, params, page.next), self._link(path, params, page.previous)
            payload = ('{"next":' + json.dumps(nxt) + ',"previous":' + json.dumps(previous) + ',"results":['
                       + ",".join(items) + "]}")
            self._send_raw(200, payload.encode())
        elif method == "GET" and name in PAGED:
            url = f"http://{self._host()}{path}"
            self._send(200, archive_http.listing(ds, params, url, ds.state.now()))
        elif method == "GET" and name in SINGLE:
            self._send(200, ds.org.workspace() if name != "definitions" else lists.definitions(ds, params))
        elif method == "POST" and name in POSTS:
            if name == "contacts":
                status, data = writes.post_contact(ds, params, body)
                self._send(status, data)
            elif name == "contact_actions":
                writes.contact_actions(ds, body)
                self._send_raw(204, b"")
            elif name == "broadcasts":
                self._send(201, sends.post_broadcast(ds, body))
            else:
                self._send(201, sends.post_flow_start(ds, body))
        elif method == "DELETE" and name == "contacts":
            writes.delete_contact(ds, params)
            self._send_raw(204, b"")
        elif name in LISTS or name in SINGLE or name in POSTS or name in PAGED:
            raise ApiError(405, {"detail": f'Method "{method}" not allowed.'})
        else:
            raise ApiError(404, {"detail": "Not found."})

    def _control(self, method: str, path: str, body) -> None:
        faults = self.server.faults
        if path == "/_control/faults" and method == "GET":
            self._send(200, faults.to_dict())
        elif path == "/_control/faults" and method == "POST":
            try:
                faults.update(**(body or {}))
            except (TypeError, ValueError) as e:
                raise ApiError(400, {"detail": str(e)}) from None
            self._send(200, faults.to_dict())
        elif path == "/_control/groups" and method == "POST":
            self._reevaluate(body or {})
            self._send(200, {"detail": "Group query saved."})
        elif path == "/_control/limits" and method == "GET":
            self._send(200, self.server.limits.to_dict())
        elif path == "/_control/reset" and method == "POST":
            faults.reset()
            self._send(200, faults.to_dict())
        else:
            raise ApiError(404, {"detail": "Not found."})

    def _reevaluate(self, body) -> None:
        """``{"group": uuid or name, "initializing": s, "evaluating": s, "join": [contact uuids],
        "leave": [...], "query": text, "touch_contacts": bool}``: see Reevaluations.start."""
        known = {"group", "initializing", "evaluating", "join", "leave", "query", "touch_contacts"}
        if not isinstance(body, dict) or "group" not in body or set(body) - known:
            raise ApiError(400, {"detail": "expected an object with group and any of " + ", ".join(sorted(known))})
        options = {k: v for k, v in body.items() if k != "group"}
        try:
            self.server.dataset.reevaluations.start(str(body["group"]), **options)
        except (TypeError, ValueError) as e:
            raise ApiError(400, {"detail": str(e)}) from None

    def _link(self, path: str, params: dict, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        query = {k: v for k, v in params.items() if k != "cursor"}
        query["cursor"] = [cursor]
        return f"http://{self._host()}{path}?{urlencode(sorted(query.items()), doseq=True)}"

    def _host(self) -> str:
        # The server is bound to a (str, port) address; typeshed's type of it allows a bytes host too.
        return self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])

    def _download(self, path: str, query: str) -> None:
        """An archive's file, as S3 serves a presigned URL (no API token: the URL is the credential)."""
        ds = self.server.dataset
        answer = archive_http.download(ds, path, query, self.headers.get("Authorization"), ds.state.now())
        archive = answer.archive
        size = archive.size if archive is not None else len(answer.body)
        lines = [f"HTTP/1.1 {answer.status} {REASONS.get(answer.status, 'Error')}", f"Content-Length: {size}",
                 *(f"{k}: {v}" for k, v in answer.headers.items())]
        if self.close_connection:
            lines.append("Connection: close")
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode() + answer.body)
        if archive is not None:
            for offset in range(0, size, _CHUNK):
                self.wfile.write(archive.read(offset, min(_CHUNK, size - offset)))

    def _send(self, status: int, data, headers: dict | None = None) -> None:
        self._send_raw(status, json.dumps(data, ensure_ascii=True).encode(), headers)

    def _send_raw(self, status: int, body: bytes, headers: dict | None = None,
                  content_type: str = "application/json") -> None:
        if self._lost is not None:
            self._lose_answer(self._lost)
            return
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}",
                 f"X-Temba-Workspace: {self.server.dataset.org.uuid}", f"Content-Length: {len(body)}"]
        if status != 204:
            lines.append(f"Content-Type: {content_type}")
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        if self.close_connection:
            lines.append("Connection: close")
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    def _lose_answer(self, lost: LostAnswer) -> None:
        """The write is done, and its answer goes missing: a proxy answers in its place, or nothing does."""
        if lost.delay_s:
            time.sleep(lost.delay_s)
        self.close_connection = True
        if not lost.status:
            return  # the connection closes without an answer
        reason = REASONS.get(lost.status, "Error")
        body = f"<html><body><h1>{lost.status} {reason}</h1></body></html>".encode()
        head = (f"HTTP/1.1 {lost.status} {reason}\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n")
        with contextlib.suppress(OSError):  # the client may have stopped waiting
            self.wfile.write(head.encode() + body)


class _BadJson(Exception):
    pass


def _endpoint(path: str) -> str | None:
    if not path.startswith("/api/v2/") or not path.endswith(".json"):
        return None
    name = path[len("/api/v2/"):-len(".json")]
    return name if name in LISTS or name in SINGLE or name in POSTS or name in PAGED else None
