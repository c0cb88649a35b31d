"""Child processes that do something at the same moment: each gets ready (its slow imports), says
so on stdout and waits for a line on stdin; the parent sends that line once all of them are ready."""

from __future__ import annotations

import subprocess

# Put in a child's script where it is ready, before what the children must do together.
READY_THEN_WAIT = 'import sys\nprint("ready", flush=True)\nsys.stdin.readline()\n'


def release_together(processes: list[subprocess.Popen]) -> None:
    """Once every one of `processes` (started with text pipes for stdin and stdout) is ready, let
    them all go. A child that ends before it is ready is reported with what it wrote."""
    for process in processes:
        if process.stdout.readline().strip() != "ready":
            stdout, stderr = process.communicate(timeout=60)
            raise AssertionError(f"a child ended before it was ready:\n{stdout}\n{stderr}")
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
