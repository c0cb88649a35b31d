"""A browser as the Streamlit server sees it: one websocket speaking Streamlit's own protocol.

A Streamlit browser tab is a websocket to /_stcore/stream. It asks for a page by sending a
BackMsg `rerun_script` (the page's URL path as `page_name`, its query string) and is sent
ForwardMsgs back: `new_session`, the page's deltas, `navigation` (which page actually ran) and
last `script_finished`. `browse` does the same in a loop, timing each page from the request to
its `script_finished`, and calls a page failed when the user would have seen it fail:

- an exception on the page (a delta with an `exception` element) or a red error box (`st.error`);
- a run that did not finish cleanly (compile error, the server's "script compilation" event);
- a page other than the one asked for (`page_not_found`, or `navigation` naming another page:
  what a signed-out visitor or a supervisor asking for an admin page gets);
- the websocket closing, or no `script_finished` within PAGE_TIMEOUT seconds.

Sign-in is the login cookie, sent on the websocket's handshake as a browser sends it; the app reads
it server-side (st.context.cookies) on the session's first run. What the client leaves out: the
browser's rendering and its static files (JavaScript, fonts), which the server hands out from
memory; widget states (each page runs with its widgets' defaults, as a freshly opened permalink
does); heartbeats.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from tracpro.auth.logins import COOKIE_NAME
from tracpro.text import as_read

PAGE_TIMEOUT = 120.0


@dataclass(frozen=True)
class PageRequest:
    label: str
    url_path: str  # st.Page's URL path: the page file's name without .py; "" for the default page
    query: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Browser:
    role: str  # how the report names the signed-in user ("admin", "supervisor of …")
    cookie: str  # the login cookie's value


@dataclass(frozen=True)
class Visit:
    label: str
    role: str
    seconds: float
    error: str | None = None


class _Page:
    """What one rerun's ForwardMsgs said: the page that ran, and whatever went wrong."""

    def __init__(self) -> None:
        self.landed: str | None = None
        self.problems: list[str] = []
        self.finished = False

    def read(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            if element.WhichOneof("type") == "exception":
                self.problems.append(f"{element.exception.type}: {element.exception.message}")
            elif element.WhichOneof("type") == "alert" and element.alert.format == Alert.ERROR:
                self.problems.append(f"error box: {as_read(element.alert.body)}")
        elif kind == "navigation":
            paths = {page.page_script_hash: page.url_pathname for page in message.navigation.app_pages}
            self.landed = paths.get(message.navigation.page_script_hash)
        elif kind == "page_not_found":
            self.problems.append("page not found")
        elif kind == "session_event" and message.session_event.WhichOneof("type") == "script_compilation_exception":
            self.problems.append(f"compile error: {message.session_event.script_compilation_exception.message}")
        elif kind == "script_finished":
            status = message.script_finished
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self.problems.append("script finished with a compile error")
            # FINISHED_EARLY_FOR_RERUN: the page called st.rerun(); its next run follows on its own.
            self.finished = status != ForwardMsg.FINISHED_EARLY_FOR_RERUN


def _rerun(request: PageRequest, base_url: str) -> bytes:
    message = BackMsg()
    state = message.rerun_script
    state.query_string = urlencode(request.query)
    state.page_name = request.url_path
    state.context_info.url = f"{base_url}/{request.url_path}" + (f"?{state.query_string}" if request.query else "")
    state.context_info.timezone = "UTC"
    state.context_info.locale = "en-GB"
    return message.SerializeToString()


async def _visit(socket: ClientConnection, request: PageRequest, base_url: str, role: str) -> Visit:
    page = _Page()
    started = time.perf_counter()
    await socket.send(_rerun(request, base_url))
    async with asyncio.timeout(PAGE_TIMEOUT):
        while not page.finished:
            page.read(ForwardMsg.FromString(await socket.recv()))
    seconds = time.perf_counter() - started
    if page.landed != request.url_path and not page.problems:
        page.problems.append(f"landed on /{page.landed} instead of /{request.url_path}")
    return Visit(request.label, role, seconds, "; ".join(page.problems) or None)


async def browse(base_url: str, browser: Browser, requests: list[PageRequest], deadline: float,
                 think: float = 0.0, start: int = 0, seed: int = 0) -> list[Visit]:
    """Open pages in turn from `requests[start]` until `deadline` (time.monotonic()), waiting a
    random 0.5–1.5 × `think` seconds between pages; one Visit per page asked for. After a lost
    connection it connects again (a new Streamlit session, signed in by the same cookie)."""
    stream = base_url.replace("http", "ws", 1) + "/_stcore/stream"
    headers = {"Cookie": f"{COOKIE_NAME}={browser.cookie}"}
    pause = random.Random(seed)
    visits: list[Visit] = []
    index = start
    while time.monotonic() < deadline:
        request = requests[index % len(requests)]
        started = time.perf_counter()
        try:
            # No websocket pings: a browser sends none, and under load a late pong would end the
            # connection on the client's side and be counted against the server.
            async with connect(stream, subprotocols=["streamlit"], additional_headers=headers,
                               max_size=None, ping_interval=None, open_timeout=PAGE_TIMEOUT) as socket:
                while time.monotonic() < deadline:
                    request = requests[index % len(requests)]
                    started = time.perf_counter()
                    visits.append(await _visit(socket, request, base_url, browser.role))
                    index += 1
                    if think > 0:
                        await asyncio.sleep(pause.uniform(0.5 * think, 1.5 * think))
        except (ConnectionClosed, InvalidHandshake, InvalidStatus, OSError, TimeoutError) as error:
            reason = "no script_finished in time" if isinstance(error, TimeoutError) else f"connection lost: {error!r}"
            visits.append(Visit(request.label, browser.role, time.perf_counter() - started, reason))
            index += 1
            await asyncio.sleep(1)  # a server that is down would otherwise be asked in a tight loop
    return visits


def warm_up(base_url: str) -> Visit:
    """One signed-out visit before the clock starts, so the first timed pages do not pay for the
    server importing the app (a deployed app has long been past that when fifty people arrive).

    (It also kept a plain `streamlit run app.py` from serving the first permalink from the pages/
    folder; bench.load starts the app with tracpro.ui.serve, which has that mode off.)"""

    async def visit() -> Visit:
        stream = base_url.replace("http", "ws", 1) + "/_stcore/stream"
        async with connect(stream, subprotocols=["streamlit"], max_size=None, ping_interval=None) as socket:
            return await _visit(socket, PageRequest("Sign in", ""), base_url, "signed out")

    return asyncio.run(visit())


def run_load(base_urls: list[str], browsers: list[Browser], requests: list[PageRequest], seconds: float,
             think: float = 0.0) -> list[Visit]:
    """Every browser browsing at once for `seconds` (pages under way then are finished and counted).
    Browser i starts at page i, so they do not all ask for the same page at the same moment, and
    stays on app server i mod len(base_urls), as a load balancer with sticky sessions would keep it."""

    async def together() -> list[Visit]:
        deadline = time.monotonic() + seconds
        each = await asyncio.gather(*(
            browse(base_urls[number % len(base_urls)], browser, requests, deadline, think, start=number, seed=number)
            for number, browser in enumerate(browsers)
        ))
        return [visit for visits in each for visit in visits]

    return asyncio.run(together())
