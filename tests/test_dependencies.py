"""What TracPro installs: every package the code imports is pinned by name.

requirements.txt pins what the app, the sync job and run.py import; requirements-test.txt
(which includes it) what the tests and benchmarks import besides. A package used only
because another requires it may change under us at any release; one we import must not.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

from tests.conftest import ROOT

OURS = {"tracpro", "tests", "bench", "pages", "app", "sync_job", "run"}
RUNTIME = ["tracpro", "pages", "app.py", "sync_job.py", "run.py"]  # what requirements.txt serves
DEVELOPMENT = ["tests", "bench"]  # what requirements-test.txt adds for


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
