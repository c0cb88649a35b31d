#!/usr/bin/env python3
"""TracPro's commands, for a machine that has only Python 3.11 or newer.

    python3 run.py demo     the dashboard with demo data, at http://localhost:8501
    python3 run.py test     the whole test suite (arguments after it go to pytest)
    python3 run.py app      the dashboard on the configured database, no demo data
    python3 run.py sync     the sync job (arguments after it go to sync_job.py)

Each command first makes `.venv/` beside this file and installs the pinned
requirements into it; it reinstalls only when a requirements file changes.
This file uses the standard library only, because it runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _requirements_digest(requirements: Path) -> str:
    """A digest of the requirements file and every file it includes with -r."""
    digest = hashlib.sha256()
    pending = [requirements]
    while pending:
        path = pending.pop()
        text = path.read_text()
        digest.update(path.name.encode() + b"\0" + text.encode())
        for line in text.splitlines():
            if line.startswith("-r "):
                pending.append(path.parent / line[3:].strip())
    return digest.hexdigest()


def ensure_environment(requirements: str) -> None:
    """Create the virtual environment and install `requirements` into it, once per change."""
    if sys.version_info < (3, 11):
        sys.exit(f"TracPro needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv/ ...", flush=True)
        try:
            venv.create(VENV, with_pip=True)
        except Exception as error:  # ensurepip missing on some distributions
            sys.exit(f"Could not create .venv ({error}). On Debian or Ubuntu: apt-get install python3-venv")
    stamp = VENV / f".installed-{requirements}"
    wanted = _requirements_digest(ROOT / requirements)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print(f"Installing {requirements} into .venv/ (first run, or the requirements changed) ...", flush=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", requirements],
        cwd=ROOT,
        check=True,
    )
    stamp.write_text(wanted)


def run(*args: str) -> int:
    return subprocess.call([str(PYTHON), *args], cwd=ROOT)


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    if command == "test":
        ensure_environment("requirements-test.txt")
        return run("-m", "pytest", *rest)
    if command in ("demo", "app"):
        ensure_environment("requirements.txt")
        if command == "demo":
            status = run("sync_job.py", "--demo")
            if status != 0:
                return status
            # Demo mode: the login page lists the demo accounts, and a cookie key is made up if none is set.
            environment = {**os.environ, "TRACPRO_DEMO": "1"}
            streamlit = [str(PYTHON), "-m", "streamlit", "run", "app.py", *rest]
            return subprocess.call(streamlit, cwd=ROOT, env=environment)
        return run("-m", "streamlit", "run", "app.py", *rest)
    if command == "sync":
        ensure_environment("requirements.txt")
        return run("sync_job.py", *rest)
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
