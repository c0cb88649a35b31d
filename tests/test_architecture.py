"""Conventions of the code base, checked rather than remembered (see ../shared/STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PYTHON_FILES = sorted(
    path
    for path in ROOT.rglob("*.py")
    if not {".venv", "tests", "bench"} & set(path.relative_to(ROOT).parts)
    and "migrations" not in path.parts
)


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def _importers_of(package: str) -> set[str]:
    return {
        str(path.relative_to(ROOT))
        for path in PYTHON_FILES
        if any(module == package or module.startswith(package + ".") for module in _imported_modules(path))
    }


def _is_ui(relative: str) -> bool:
    return relative == "app.py" or relative.startswith(("pages/", "tracpro/ui/"))


def test_the_files_checked_include_the_app_and_the_package():
    names = {str(path.relative_to(ROOT)) for path in PYTHON_FILES}
    assert {"app.py", "sync_job.py", "tracpro/db/connection.py"} <= names


def test_only_the_app_pages_and_ui_helpers_import_streamlit():
    assert {name for name in _importers_of("streamlit") if not _is_ui(name)} == set()


def test_only_the_client_factory_imports_temba_client():
    assert _importers_of("temba_client") <= {"tracpro/rapidpro/client.py"}


@pytest.mark.parametrize("package", ["sqlalchemy", "psycopg2", "temba_client"])
def test_pages_reach_the_database_and_rapidpro_only_through_tracpro(package):
    assert {name for name in _importers_of(package) if name.startswith("pages/") or name == "app.py"} == set()


def test_charts_import_nothing_from_the_database_layer():
    charts = {name for name in _importers_of("tracpro.db") if name.startswith("tracpro/charts/")}
    assert charts == set()
