"""Conventions of the code base, checked rather than remembered (see ../shared/STYLE.md)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
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


# Everything we write in Python, tests and benchmarks included.
OUR_SOURCES = sorted(
    [ROOT / "app.py", ROOT / "sync_job.py"]
    + [path for folder in ("pages", "tracpro", "tests", "bench") for path in (ROOT / folder).rglob("*.py")]
)
# Pointers into documents outside the repository: a test case of the original TracPro's inventory (a capital T
# and its number), a section sign, an architecture decision by its number, or those documents by name. Only
# comments and strings are read, so a variable named that way is fine; test names are read for the same prefixes.
OUTSIDE_REFERENCE = re.compile(r"\bT\d+\b|\u00a7|\b(?i:decisions?) \d|tracpro-behaviou?r|\bARCHITECTURE\b")
OUTSIDE_REFERENCE_IN_A_TEST_NAME = re.compile(r"^test_(?:t\d+|decision_\d+)_")


def _outside_references(source: str) -> list[tuple[int, str]]:
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        in_words = token.type in (tokenize.COMMENT, tokenize.STRING) and OUTSIDE_REFERENCE.search(token.string)
        in_a_name = token.type == tokenize.NAME and OUTSIDE_REFERENCE_IN_A_TEST_NAME.match(token.string)
        if in_words or in_a_name:
            found.append((token.start[0], token.string.splitlines()[0][:80]))
    return found


# The references are cut in two, so that this file passes its own check.
@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("T" "0 = datetime(2026, 11, 2)  # the clock of these tests\n", False),
        ('at = "2026-11-02T08:00:00Z"\n', False),
        ("x = 1  # as T" "19 says\n", True),
        ('"""Maps (\u00a7' '3.7)."""\n', True),
        ("# decision " "6: not found\n", True),
        ("def test_t" "45_password_messages():\n    pass\n", True),
    ],
)
def test_the_reference_check_reads_comments_strings_and_test_names_only(source, found):
    assert bool(_outside_references(source)) is found


def test_comments_and_names_need_no_document_outside_the_repository():
    """Comments say the rule in words, or point to docs/behaviour.md in the repository."""
    assert {"app.py", "tests/test_architecture.py", "bench/__main__.py"} <= {
        str(path.relative_to(ROOT)) for path in OUR_SOURCES
    }
    found = [f"{path.relative_to(ROOT)}:{line}: {text}" for path in OUR_SOURCES
             for line, text in _outside_references(path.read_text(encoding="utf-8"))]
    assert found == []
