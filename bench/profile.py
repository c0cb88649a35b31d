"""Where a served app process spends its CPU: py-spy sampling it from outside while it works.

`sampling(pids, seconds, folder)` records each process with `py-spy record --format raw` (one
line per distinct stack: its frames from the outermost, then how many samples ended there),
without pausing it (`--nonblocking`), keeping only the thread holding the interpreter lock at each
sample (`--gil`): a Streamlit process runs Python on one core at a time, so that thread's work is
what limits the pages it serves, while a thread waiting on PostgreSQL, a socket or a sleep (which
py-spy cannot always tell from work when it does not pause the process) costs it nothing. `HotSpots`
reads them back: the functions holding the most samples at the top of the stack (self) and
anywhere in it (total), and which code the samples' top frames belong to (TracPro's own, Streamlit,
SQLAlchemy, ...), the share the last profile found mostly outside TracPro.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

RATE = 67  # samples a second: a prime, so sampling does not beat in step with a periodic task
# A frame as py-spy writes it: "function (path/to/file.py:line)"; the line is left out when unknown.
_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^():]+)(?::\d+)?\)$")


def _py_spy() -> str:
    found = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if found is None:
        raise SystemExit("py-spy is not installed: it comes with requirements-test.txt (python3 run.py test does so)")
    return found


@contextmanager
def sampling(pids: list[int], seconds: float, folder: Path) -> Iterator[list[Path]]:
    """Record each process in `pids` for `seconds` (starting now) while the body runs; yields the
    raw files, complete once the body has returned."""
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / f"py-spy-{pid}.txt" for pid in pids]
    recorders = [
        subprocess.Popen([_py_spy(), "record", "--pid", str(pid), "--duration", str(max(1, round(seconds))),
                          "--rate", str(RATE), "--format", "raw", "--nonblocking", "--gil", "--output", str(file)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for pid, file in zip(pids, files, strict=True)
    ]
    try:
        yield files
    finally:
        for recorder in recorders:
            _, errors = recorder.communicate(timeout=seconds + 120)
            if recorder.returncode:
                raise RuntimeError(f"py-spy failed ({recorder.returncode}): {errors.strip()}")


def owner(file: str) -> str:
    """Whose code a frame's file is: "tracpro" (this project: app.py, pages/, tracpro/), a
    library's name (its top-level package), or "python" (the standard library). py-spy writes a
    file as the path below its place on sys.path ("streamlit/runtime/app_session.py",
    "threading.py"); a full path is read too."""
    if file.startswith("<frozen"):
        return "python"
    parts = Path(file).parts
    if "site-packages" in parts:
        parts = parts[parts.index("site-packages") + 1:]
    elif Path(file).is_absolute():
        if "tracpro" in parts or "pages" in parts or parts[-1] == "app.py":
            return "tracpro"
        return "python" if any(part.startswith("python3") for part in parts) else "other"
    top = parts[0].removesuffix(".py") if parts else "other"
    if top in ("tracpro", "pages", "app"):
        return "tracpro"
    return "python" if top in sys.stdlib_module_names else top


@dataclass
class HotSpots:
    samples: int
    self_samples: Counter[str]  # function -> samples with it at the top of the stack
    total_samples: Counter[str]  # function -> samples with it anywhere in the stack
    owners: Counter[str]  # owner of the top frame -> samples

    @classmethod
    def read(cls, files: list[Path]) -> HotSpots:
        samples, own, total, owners = 0, Counter[str](), Counter[str](), Counter[str]()
        for file in files:
            for line in file.read_text().splitlines():
                stack, _, count_text = line.rpartition(" ")
                if not stack or not count_text.isdigit():
                    continue
                count = int(count_text)
                frames = [_name(frame) for frame in stack.split(";")]
                samples += count
                own[frames[-1][0]] += count
                owners[frames[-1][1]] += count
                for function in {name for name, _ in frames}:
                    total[function] += count
        return cls(samples, own, total, owners)

    def lines(self, top: int = 12) -> list[str]:
        """The report: shares of all samples, by owner, then the top functions by self time."""
        if not self.samples:
            return ["py-spy took no samples (was the process idle?)"]

        def share(count: int) -> str:
            return f"{100 * count / self.samples:5.1f} %"

        lines = [f"CPU samples of the app process(es): {self.samples:,} (py-spy, {RATE}/s, interpreter lock held)",
                 "by whose code was running: " + ", ".join(
                     f"{name} {share(count).strip()}" for name, count in self.owners.most_common(8))]
        lines.append(f"{'function (self = on top of the stack)':<88}{'self':>8}{'total':>9}")
        for function, count in self.self_samples.most_common(top):
            lines.append(f"{function[:87]:<88}{share(count):>8}{share(self.total_samples[function]):>9}")
        return lines


def _name(frame: str) -> tuple[str, str]:
    """A frame as "function (file ending)", and whose code it is."""
    match = _FRAME.match(frame)
    if match is None:
        return frame, "other"
    file = match["file"]
    short = "/".join(Path(file).parts[-2:]) if Path(file).is_absolute() else file
    return f"{match['function']} ({short})", owner(file)
