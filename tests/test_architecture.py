"""Conventions of the code base, checked rather than remembered (see ../shared/STYLE.md).

The packages stand in layers, lowest first; a module may import its own package and the packages
of the layers below its own, never a package of its own layer or above:

1. config, i18n, geometry, rapidpro, simulator, text, spreadsheets: standalone, none imports another
   part of TracPro. rapidpro is the client (the one place temba_client is used), simulator the local
   RapidPro; text and spreadsheets keep untrusted text as text on a page, in a chart and in a file.
2. db, forms, charts, logs: the schema and its sessions; the error every form raises; figures drawn
   from plain data (never from the database); how the app and the sync job write their log lines.
3. polls, answers, audit: poll semantics without the database; the answers' value rule, applied in
   SQL; the audit trail, recorded by every layer above with the change it describes.
4. auth: users, roles, the scope over the org's region tree (NotFound lives beside it), and the
   acting user every write takes and checks (NotAllowed, the registry of writes).
5. orgs: what an org tracks (its region tree, groups, polls) and its settings, changed by an actor.
6. indicators, outbox: indicator editing (scoped); actions stored first and pushed to RapidPro.
7. actions: what users ask RapidPro to do, written to the outbox.
8. sync: RapidPro read into the database, the outbox pushed, the demo set up.
9. queries, health: the read models, over everything written below (the sync's state and the
   actions' choices included); the deployment's health for monitors, over the same.
10. ui: the Streamlit helpers.
11. pages, app.py, sync_job.py, run.py, `python -m tracpro`: the edges; nothing imports them.

Why: a change low down reaches everything above it, so the lower a module, the fewer reasons
it should have to change; an import back up would make a low module change with a high one (the
org's settings with the sync, say) and ties the two into one, which is how cycles start.
"""

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


# The order described in the module docstring, lowest first (package names without "tracpro.").
LAYERS: tuple[tuple[str, ...], ...] = (
    ("config", "i18n", "geometry", "rapidpro", "simulator", "text", "spreadsheets", "tracpro"),
    ("db", "forms", "charts", "logs"),
    ("polls", "answers", "audit"),
    ("auth",),
    ("orgs",),
    ("indicators", "outbox"),
    ("actions",),
    ("sync",),
    ("queries", "health"),
    ("ui",),
    ("pages", "app", "sync_job", "run", "__main__"),
)
LAYER_OF = {package: number for number, packages in enumerate(LAYERS, start=1) for package in packages}
EDGES = {"pages", "app", "sync_job", "run"}  # the edges outside the tracpro package
LAYERED_FILES = sorted(
    path for path in ROOT.rglob("*.py") if not {".venv", "tests", "bench"} & set(path.relative_to(ROOT).parts)
)


def _package_of_file(relative: Path) -> str:
    """The package a file belongs to, as named in LAYERS: tracpro/orgs/polls.py -> "orgs",
    tracpro/forms.py -> "forms", pages/home.py -> "pages", app.py -> "app"."""
    parts = relative.with_suffix("").parts
    if parts[0] != "tracpro":
        return parts[0]
    return "tracpro" if parts[1:] == ("__init__",) else parts[1]


def _package_of_module(module: str) -> str | None:
    """The package an imported module belongs to, as named in LAYERS; None for other libraries."""
    parts = module.split(".")
    if parts[0] == "tracpro":
        return parts[1] if len(parts) > 1 else "tracpro"
    return parts[0] if parts[0] in EDGES else None


def _absolute(relative: Path, node: ast.ImportFrom) -> str:
    """The module a `from . import x` names, resolved against the importing file's place."""
    if node.level == 0:
        return node.module or ""
    base = list(relative.with_suffix("").parts[:-node.level])
    return ".".join(base + ([node.module] if node.module else []))


def back_arrows(relative: Path, source: str) -> list[str]:
    """Every import in `source` (the file at `relative`) of a package from its own layer or
    above, each named with its line and the two layers."""
    package = _package_of_file(relative)
    found = []
    for node in ast.walk(ast.parse(source, filename=str(relative))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(relative, node)
            # `from tracpro import sync` imports the package named, not tracpro's __init__.
            modules = [f"{base}.{alias.name}" for alias in node.names] if base == "tracpro" else [base]
        else:
            continue
        for module in modules:
            target = _package_of_module(module)
            if target is None or target == package:
                continue
            if LAYER_OF.get(target, 0) >= LAYER_OF[package]:
                found.append(
                    f"{relative}:{node.lineno} imports {module}: {target} (layer {LAYER_OF.get(target)}) is not "
                    f"below {package} (layer {LAYER_OF[package]})"
                )
    return found


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
def test_every_package_has_a_layer():
    unplaced = {_package_of_file(path.relative_to(ROOT)) for path in LAYERED_FILES} - set(LAYER_OF)
    assert unplaced == set(), f"place these packages in LAYERS (tests/test_architecture.py): {sorted(unplaced)}"
def test_no_module_imports_a_package_from_its_own_layer_or_above():
    found = [
        arrow
        for path in LAYERED_FILES
        for arrow in back_arrows(path.relative_to(ROOT), path.read_text())
    ]
    assert found == [], "imports that run back up the layers:\n" + "\n".join(found)
@pytest.mark.parametrize(("file", "source"), [
    ("tracpro/orgs/settings.py", "from tracpro.sync.counts import Counts"),
    ("tracpro/outbox/handlers.py", "def later():\n    import tracpro.sync.runner"),
    ("tracpro/db/upsert.py", "from tracpro.forms import FormErrors"),  # a sibling in the same layer
    ("tracpro/simulator/server.py", "from .. import db"),
    ("tracpro/polls/rules.py", "from tracpro import orgs"),
])
def test_the_layer_check_names_an_import_that_runs_back_up(file, source):
    assert len(back_arrows(Path(file), source)) == 1
def test_the_layer_check_lets_imports_run_down():
    assert back_arrows(Path("tracpro/sync/runs.py"), "from tracpro.answers import recompute_values_to_use\n"
                       "from tracpro.db.upsert import upsert\nfrom .counts import Counts\nimport sqlalchemy") == []


# Reading the wall clock, however it is imported (`datetime.now`, `dt.date.today`, `from time import time`).
WALL_CLOCK = {
    "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today", "datetime.date.today",
    "time.time", "time.time_ns", "pandas.Timestamp.now", "pandas.Timestamp.utcnow", "pandas.Timestamp.today",
}
# The only modules that read it: the app's clock (pages take `now` and the org's `today` from it), the
# sync job's entry, the account commands run in a terminal (and the health check among them), and the
# simulator, which plays RapidPro's server and so keeps its own time. Everything else takes `now`/`today`
# from its caller.
CLOCK_EDGES = {"tracpro/ui/clock.py", "sync_job.py", "tracpro/auth/commands.py", "tracpro/__main__.py",
               "tracpro/simulator/timefmt.py"}
TEST_FILES = sorted((ROOT / "tests").rglob("*.py"))


def _imported_names(tree: ast.Module) -> dict[str, str]:
    """Each name a module's imports bind, with the dotted name it stands for."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.partition(".")[0]
                names[bound] = alias.name if alias.asname else bound
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.expr) -> tuple[str, list[str]] | None:
    attributes = []
    while isinstance(node, ast.Attribute):
        attributes.insert(0, node.attr)
        node = node.value
    return (node.id, attributes) if isinstance(node, ast.Name) else None


def _wall_clock_reads(path: Path) -> list[str]:
    """Where the file reads the wall clock, as "line: name", called or passed on (default_factory=datetime.now)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    imported = _imported_names(tree)
    reads = []
    for node in ast.walk(tree):
        dotted = _dotted(node) if isinstance(node, ast.Attribute | ast.Name) else None
        if dotted is not None and dotted[0] in imported:
            name = ".".join([imported[dotted[0]], *dotted[1]])
            if name in WALL_CLOCK:
                reads.append((node.lineno, name))
    return [f"{line}: {name}" for line, name in sorted(reads)]


def _readers(paths: list[Path]) -> dict[str, list[str]]:
    return {str(path.relative_to(ROOT)): reads for path in paths if (reads := _wall_clock_reads(path))}


def test_only_the_edges_read_the_wall_clock():
    readers = _readers(PYTHON_FILES)
    assert {name: reads for name, reads in readers.items() if name not in CLOCK_EDGES} == {}
    assert set(readers) == CLOCK_EDGES  # and the list names no former edge


def test_no_test_reads_the_wall_clock():
    """Tests fix their instants (time.monotonic for a deadline is fine: it is no date)."""
    assert _readers(TEST_FILES) == {}


def test_the_wall_clock_check_sees_every_spelling(tmp_path):
    module = tmp_path / "spellings.py"
    module.write_text("import datetime as dt\nimport time\nfrom time import time as seconds\n"
                      "from datetime import date, datetime\nimport pandas as pd\n"
                      "dt.datetime.now()\ndate.today()\nf = datetime.utcnow\ntime.time()\nseconds()\n"
                      "pd.Timestamp.now()\ntime.monotonic()\nfunc.now()\nstate.now()\n")
    assert _wall_clock_reads(module) == [
        "6: datetime.datetime.now", "7: datetime.date.today", "8: datetime.datetime.utcnow", "9: time.time",
        "10: time.time", "11: pandas.Timestamp.now",
    ]
