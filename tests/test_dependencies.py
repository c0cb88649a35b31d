"""What TracPro installs: every package the code imports is pinned by name, and the locks made
from the requirements hold the whole dependency tree with hashes, which run.py installs.

- requirements.txt pins what the app, the sync job and run.py import; requirements-test.txt
  (which includes it) what the tests and benchmarks import besides. A package used only
  because another requires it may change under us at any release; one we import must not.
- requirements.lock and requirements-test.lock are made from them (README, "Updating the
  requirements"): every package of the tree, pinned, with the hashes pip checks.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement

from tests.conftest import ROOT

OURS = {"tracpro", "tests", "bench", "pages", "app", "sync_job", "run"}
RUNTIME = ["tracpro", "pages", "app.py", "sync_job.py", "run.py"]  # what requirements.txt serves
DEVELOPMENT = ["tests", "bench"]  # what requirements-test.txt adds for
LOCKS = {"requirements.txt": "requirements.lock", "requirements-test.txt": "requirements-test.lock"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _python_files(roots: list[str]) -> list[Path]:
    files = []
    for root in roots:
        path = ROOT / root
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def imported_packages(files: list[Path]) -> dict[str, set[str]]:
    """Top-level modules imported from outside TracPro and the standard library, with the files."""
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top not in OURS:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def pins(requirements: Path) -> dict[str, str]:
    """name -> version of each `name==version` line, following -r; other forms are refused."""
    pinned: dict[str, str] = {}
    for raw in requirements.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            pinned |= pins(requirements.parent / line[3:].strip())
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        assert match, f"{requirements.name}: {raw!r} is not pinned as name==version"
        assert _canonical(match[1]) not in pinned, f"{requirements.name}: {match[1]} is pinned twice"
        pinned[_canonical(match[1])] = match[2]
    return pinned


def unpinned(modules: dict[str, set[str]], pinned: dict[str, str]) -> dict[str, str]:
    """Each imported module no pinned distribution provides, with what provides it (or nothing)."""
    providers = importlib.metadata.packages_distributions()
    missing = {}
    for module, files in sorted(modules.items()):
        distributions = providers.get(module, [])
        if not any(_canonical(distribution) in pinned for distribution in distributions):
            missing[module] = f"{' or '.join(distributions) or 'no installed distribution'} ({sorted(files)[0]})"
    return missing


def test_the_scan_sees_imports_from_outside_only():
    modules = imported_packages(_python_files(["tracpro/ui/signin.py", "run.py"]))
    assert {"streamlit", "streamlit_authenticator"} <= set(modules)
    assert not {"tracpro", "hashlib", "subprocess"} & set(modules)


def test_every_package_the_app_imports_is_pinned_in_requirements_txt():
    modules = imported_packages(_python_files(RUNTIME))
    assert unpinned(modules, pins(ROOT / "requirements.txt")) == {}


def test_every_package_the_tests_and_benchmarks_import_is_pinned():
    modules = imported_packages(_python_files(DEVELOPMENT))
    assert unpinned(modules, pins(ROOT / "requirements-test.txt")) == {}


def test_an_import_nothing_pins_is_named():
    modules = {"jwt": {"tracpro/auth/logins.py"}, "nothing_provides_this": {"app.py"}}
    assert unpinned(modules, {"streamlit": "1"}) == {
        "jwt": "PyJWT (tracpro/auth/logins.py)",
        "nothing_provides_this": "no installed distribution (app.py)",
    }


def locked(lock: Path) -> dict[str, tuple[str, str, list[str]]]:
    """name -> (version, marker, hashes) of each package in a lock made with --generate-hashes."""
    entries = {}
    for entry in re.split(r"\n(?=[A-Za-z0-9])", lock.read_text()):
        first = entry.split("\n", 1)[0]
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$", first)
        if match:
            hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", entry)
            entries[_canonical(match[1])] = (match[2], match[3] or "", hashes)
    return entries


def _applies_here(marker: str) -> bool:
    return not marker or Marker(marker).evaluate()


@pytest.mark.parametrize("requirements", sorted(LOCKS))
def test_the_lock_pins_what_the_requirements_pin_with_hashes(requirements):
    lock = locked(ROOT / LOCKS[requirements])
    assert lock, f"{LOCKS[requirements]} holds no package"
    assert {name: version for name, (version, _, _) in lock.items() if name in pins(ROOT / requirements)} == pins(
        ROOT / requirements
    ), f"{LOCKS[requirements]} is older than {requirements}: make it again (README, Updating the requirements)"
    assert [name for name, (_, _, hashes) in lock.items() if not hashes] == []


@pytest.mark.parametrize("requirements", sorted(LOCKS))
def test_the_lock_holds_the_whole_tree(requirements):
    """What each locked package requires here is locked too, and the tests run on the lock's versions."""
    lock = locked(ROOT / LOCKS[requirements])
    environment = default_environment()
    missing, other_versions = [], []
    for name, (version, marker, _) in lock.items():
        if not _applies_here(marker):
            continue
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            other_versions.append(f"{name} not installed, locked {version}")
            continue
        if distribution.version != version:
            other_versions.append(f"{name} {distribution.version}, locked {version}")
        for requirement in map(Requirement, distribution.requires or []):
            applies = requirement.marker is None or requirement.marker.evaluate(environment | {"extra": ""})
            if applies and _canonical(requirement.name) not in lock:
                missing.append(f"{requirement.name} (for {name})")
    assert missing == []
    assert other_versions == [], "the environment is not the lock's: python3 run.py test installs it"


def test_the_test_lock_agrees_with_the_apps():
    app, test = locked(ROOT / "requirements.lock"), locked(ROOT / "requirements-test.lock")
    differing = {
        name: (version, marker, test[name][:2] if name in test else "not in requirements-test.lock")
        for name, (version, marker, _) in app.items()
        if name not in test or test[name][:2] != (version, marker)
    }
    assert differing == {}


@pytest.fixture
def run_py(tmp_path, monkeypatch):
    """run.py over a copy of the requirements and locks, with pip recorded instead of run."""
    spec = importlib.util.spec_from_file_location("tracpro_run_py", ROOT / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in [*LOCKS, *LOCKS.values()]:
        shutil.copy(ROOT / name, tmp_path / name)
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.touch()
    installs: list[list[str]] = []
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(module, "PYTHON", python)
    monkeypatch.setattr(module, "subprocess", SimpleNamespace(run=lambda command, **_: installs.append(command[3:])))
    module.installs = installs
    return module


def test_run_py_installs_the_lock_with_hashes_once_per_change(run_py, tmp_path):
    run_py.ensure_environment("requirements-test.txt")
    assert run_py.installs == [
        ["install", "--disable-pip-version-check", "-q", "--require-hashes", "-r", "requirements-test.lock"]
    ]
    run_py.ensure_environment("requirements-test.txt")
    assert len(run_py.installs) == 1  # nothing changed: nothing installed
    lock = tmp_path / "requirements-test.lock"
    lock.write_text(lock.read_text() + "\n")
    run_py.ensure_environment("requirements-test.txt")
    assert len(run_py.installs) == 2  # the lock changed
    included = tmp_path / "requirements.txt"  # included by requirements-test.txt with -r
    included.write_text(included.read_text() + "\n")
    run_py.ensure_environment("requirements-test.txt")
    assert len(run_py.installs) == 3
    run_py.ensure_environment("requirements.txt")
    assert run_py.installs[-1][-1] == "requirements.lock"
