#!/usr/bin/env python3
"""TracPro's commands, for a machine that has only Python 3.11 or newer.

    python3 run.py demo         the dashboard with demo data, at http://localhost:8501
    python3 run.py test         the whole test suite, a worker per CPU (arguments after it go to
                                pytest; -n 0 runs it in this one process)
    python3 run.py test --fast  all but the browser and end-to-end sync tests
    python3 run.py app          the dashboard on the configured database, no demo data
    python3 run.py sync         the sync job (arguments after it go to sync_job.py)

Each command first makes `.venv/` beside this file and installs into it the locked
requirements (every package, each with its hashes); it reinstalls only when a requirements
or lock file changes. This file uses the standard library only, because it runs before
anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


# Each requirements file (the packages TracPro names) and the lock made from it: the whole
# dependency tree, pinned, with hashes (README, "Updating the requirements").
LOCKS = {"requirements.txt": "requirements.lock", "requirements-test.txt": "requirements-test.lock"}


def _requirements_digest(*files: Path) -> str:
    """A digest of the files and every file they include with -r."""
    digest = hashlib.sha256()
    pending = list(files)
    while pending:
        path = pending.pop()
        text = path.read_text()
        digest.update(path.name.encode() + b"\0" + text.encode())
        for line in text.splitlines():
            if line.startswith("-r "):
                pending.append(path.parent / line[3:].strip())
    return digest.hexdigest()


def ensure_environment(requirements: str) -> None:
    """Create the virtual environment and install `requirements` into it from its lock, with
    pip checking every file's hash, once per change of either."""
    if sys.version_info < (3, 11):  # noqa: UP036 -- run.py runs on whatever python3 the machine has
        sys.exit(f"TracPro needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv/ ...", flush=True)
        try:
            venv.create(VENV, with_pip=True)
        except Exception as error:  # ensurepip missing on some distributions
            sys.exit(f"Could not create .venv ({error}). On Debian or Ubuntu: apt-get install python3-venv")
    lock = LOCKS[requirements]
    stamp = VENV / f".installed-{requirements}"
    wanted = _requirements_digest(ROOT / requirements, ROOT / lock)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print(f"Installing {lock} into .venv/ (first run, or the requirements changed) ...", flush=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "--require-hashes", "-r", lock],
        cwd=ROOT,
        check=True,
    )
    stamp.write_text(wanted)


def run(*args: str) -> int:
    return subprocess.call([str(PYTHON), *args], cwd=ROOT)


# How often the demo's sync job syncs again (and pushes what users asked for) while the app runs.
DEMO_SYNC_SECONDS = 30


def demo(streamlit_arguments: list[str]) -> int:
    """The demo org synced from the built-in RapidPro simulator, then the dashboard.

    The sync job keeps running beside the app (`--loop`), so the simulator it serves stays up:
    polls started, messages sent and contacts edited in the dashboard reach it, and the
    simulated contacts' answers come back every DEMO_SYNC_SECONDS.
    """
    # Stopped by a service manager (SIGTERM), stop the app and the sync job too, as on Ctrl+C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Demo mode, for both: the login page lists the demo accounts, and the cookie key and the key
    # that encrypts RapidPro tokens are made up (once, in the data folder) when none is set.
    environment = {**os.environ, "TRACPRO_DEMO": "1"}
    sync = subprocess.Popen(
        [str(PYTHON), "sync_job.py", "--demo", "--loop", str(DEMO_SYNC_SECONDS)],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True, bufsize=1,
    )
    try:
        for line in sync.stdout:
            print(line, end="", flush=True)
            if line.startswith("demo: "):  # the first round's summary
                if not line.startswith("demo: synced"):
                    return 1
                break
        else:
            return sync.wait() or 1
        threading.Thread(target=lambda: [print(line, end="", flush=True) for line in sync.stdout],
                         daemon=True).start()
        streamlit = [str(PYTHON), "-m", "tracpro.ui.serve", *streamlit_arguments]
        return subprocess.call(streamlit, cwd=ROOT, env=environment)
    except KeyboardInterrupt:
        return 130
    finally:
        sync.terminate()
        try:
            sync.wait(timeout=30)
        except subprocess.TimeoutExpired:
            sync.kill()


# The whole suite over a worker per CPU. The browser tests form one group (tests/conftest.py), which
# `loadgroup` gives to a single worker, so they share one served demo app while the others run the rest.
WHOLE = ["-n", "auto", "--dist", "loadgroup"]
# What `test --fast` leaves out: the browser and end-to-end sync tests (they run real servers,
# browsers and sync jobs in processes of their own).
FAST = ["-m", "not browser and not end_to_end"]


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    if command == "test":
        ensure_environment("requirements-test.txt")
        if "--fast" in rest:
            rest = [argument for argument in rest if argument != "--fast"]
            return run("-m", "pytest", *WHOLE, *FAST, *rest)
        return run("-m", "pytest", *WHOLE, *rest)
    if command in ("demo", "app"):
        ensure_environment("requirements.txt")
        if command == "demo":
            return demo(rest)
        return run("-m", "tracpro.ui.serve", *rest)
    if command == "sync":
        ensure_environment("requirements.txt")
        return run("sync_job.py", *rest)
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
