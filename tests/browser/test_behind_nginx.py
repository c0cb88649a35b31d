"""TracPro as deploy/ sets it up: two app processes behind Debian's nginx serving deploy/'s site
(its https part over plain http on 127.0.0.1), and a person in Chromium who carries on, still
signed in, when the process serving them dies."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import signal
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import COOKIE_KEY, SUPERVISOR, committed_users, free_port, streamlit_app
from tests.browser.pages import DESKTOP, click_until, heading, new_context, sign_in, signed_in_at_home
from tests.conftest import ROOT, TOKEN_KEY
from tests.waiting import wait_until

pytestmark = pytest.mark.browser

NGINX = Path("/usr/sbin/nginx")
SITE = ROOT / "deploy" / "nginx" / "tracpro.conf"
APP_SNIPPET = ROOT / "deploy" / "nginx" / "tracpro-app.conf"
# What the site says before its server blocks: the maps and the upstream (its servers replaced).
_HTTP_PART = re.compile(r"^(?P<http>.*?)^server \{", re.DOTALL | re.MULTILINE)
_UPSTREAM_SERVERS = re.compile(r"^    server 127\.0\.0\.1:\d+ (?P<options>.*);$", re.MULTILINE)


@dataclass
class Deployment:
    url: str  # nginx's
    app_ports: list[int]
    access_log: Path


def _nginx_conf(folder: Path, port: int, app_ports: list[int]) -> str:
    site = SITE.read_text()
    http = _HTTP_PART.match(site)["http"]
    options = _UPSTREAM_SERVERS.search(http)["options"]
    servers = "\n".join(f"    server 127.0.0.1:{app} {options};" for app in app_ports)
    http = _UPSTREAM_SERVERS.sub("", http).replace("hash $tracpro_route consistent;",
                                                   f"hash $tracpro_route consistent;\n{servers}")
    temporary = "\n".join(f"{name}_temp_path {folder / name};" for name in
                          ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} info;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    {temporary}
    log_format served '$request_uri $upstream_addr $status';
    access_log {folder / "access.log"} served;
    {http}
    server {{
        listen 127.0.0.1:{port};
        include {APP_SNIPPET};
    }}
}}
"""


@pytest.fixture(scope="module")
def deployment(database_server, tmp_path_factory) -> Iterator[Deployment]:
    if not NGINX.exists():
        pytest.skip("Debian's nginx is not installed (apt-get install -y nginx)")
    name = database_server.create_database("tracpro_deployed")
    database_url = database_server.url(name)
    committed_users(database_url)
    folder = tmp_path_factory.mktemp("nginx")
    port, app_ports = free_port(), [free_port(), free_port()]
    conf = folder / "nginx.conf"
    conf.write_text(_nginx_conf(folder, port, app_ports))
    checked = subprocess.run([NGINX, "-t", "-p", folder, "-c", conf], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    try:
        with ExitStack() as running:
            for app_port in app_ports:
                running.enter_context(streamlit_app(
                    database_url, tmp_path_factory.mktemp("app"), tmp_path_factory.mktemp("data"), port=app_port,
                    TRACPRO_COOKIE_KEY=COOKIE_KEY, TRACPRO_DEMO="0", TRACPRO_TOKEN_KEYS=TOKEN_KEY))
            nginx = subprocess.Popen([NGINX, "-p", folder, "-c", conf, "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            running.callback(lambda: (nginx.terminate(), nginx.wait(timeout=20)))
            url = f"http://127.0.0.1:{port}"
            wait_until(lambda: _answers(f"{url}/_stcore/health"), "nginx passes the health path on")
            yield Deployment(url, app_ports, folder / "access.log")
    finally:
        database_server.drop_database(name)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read() == b"ok"
    except OSError:
        return False


def _serving_port(deployment: Deployment) -> int | None:
    """The app port that holds an open connection from nginx: the page's websocket (nginx keeps no
    other connection to the apps open between requests). None while there is none, or several."""
    open_ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            port = int(local.rsplit(":", 1)[1], 16)
            if state == "01" and port in deployment.app_ports:  # 01: established
                open_ports.add(port)
    return open_ports.pop() if len(open_ports) == 1 else None


def _pid_listening_on(port: int) -> int:
    """The streamlit process started with `--server.port port` (tests/browser/conftest.py)."""
    for process in Path("/proc").iterdir():
        if process.name.isdigit():
            try:
                arguments = (process / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"tracpro.ui.serve" in arguments and str(port).encode() in arguments:
                return int(process.name)
    raise AssertionError(f"no app process on port {port}")


def test_streamlit_files_come_compressed_and_cached(deployment):
    with urllib.request.urlopen(deployment.url, timeout=30) as page:
        html = page.read().decode()
        route = page.headers["Set-Cookie"]
    assert route.startswith("tracpro_route=") and "HttpOnly" in route
    script = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', html)[1]
    request = urllib.request.Request(f"{deployment.url}/{script}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        assert response.headers["Content-Encoding"] == "gzip"
        assert "immutable" in response.headers["Cache-Control"] and "max-age=31536000" in response.headers[
            "Cache-Control"]
    assert len(gzip.decompress(body)) > 3 * len(body)  # what a phone no longer downloads


def test_a_person_carries_on_signed_in_when_their_app_process_dies(deployment, browser):
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.goto(deployment.url)
    sign_in(page, *SUPERVISOR)
    signed_in_at_home(page, context)
    wait_until(lambda: _serving_port(deployment) is not None, "the page's websocket is open")
    serving = _serving_port(deployment)
    os.kill(_pid_listening_on(serving), signal.SIGKILL)

    # The page reconnects through nginx to the other process, which signs them in from their cookie.
    other = next(port for port in deployment.app_ports if port != serving)
    wait_until(lambda: _serving_port(deployment) == other, "the page reconnects to the other process")
    heading(page, "Home")
    # A click while the new session's cookie components still report can be lost: made again then.
    click_until(page, page.get_by_role("link", name="Polls").first,
                page.get_by_role("heading", name="Polls", exact=True), "the Polls page")
    heading(page, "Polls")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    context.close()


def test_the_site_and_its_units_are_what_the_readme_deploys():
    units = ROOT / "deploy" / "systemd"
    assert sorted(path.name for path in units.iterdir()) == [
        "tracpro-alert@.service", "tracpro-app@.service", "tracpro-check.service", "tracpro-check.timer",
        "tracpro-sync.service", "tracpro-sync.timer"]
    app = (units / "tracpro-app@.service").read_text()
    assert "-m tracpro.ui.serve --server.address 127.0.0.1 --server.port %i" in app and "Restart=always" in app
    assert "ExecStart=/srv/tracpro/current/.venv/bin/python sync_job.py" in (units / "tracpro-sync.service").read_text()
    assert "OnCalendar=*:0/10" in (units / "tracpro-sync.timer").read_text()
    readme = (ROOT / "README.md").read_text()
    for path in [*units.iterdir(), SITE, APP_SNIPPET]:
        assert f"deploy/{path.parent.name}/{path.name}" in readme, path.name
    assert shutil.which("nginx") or NGINX.exists()
