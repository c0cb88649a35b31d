"""Which functions of TracPro change the database, read from their source.

A function changes data when it takes a `session` and adds, deletes or flushes through it, runs an
UPDATE, INSERT or DELETE (a SQLAlchemy construct or SQL text), or calls a function of TracPro that
does. The source is read, not run, so every module is covered whether or not a test calls it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT

SESSION_CHANGES = {"add", "add_all", "delete", "merge", "flush", "bulk_save_objects", "bulk_insert_mappings"}
STATEMENTS = {"update", "insert", "delete"}
CHANGING_SQL = re.compile(r"\b(UPDATE|INSERT|DELETE)\b")


@dataclass
class Function:
    name: str  # module.function
    node: ast.FunctionDef
    aliases: dict[str, str]  # the names its module imports or defines -> what they are
    changing_constants: set[str]  # the module's SQL text constants that change data
    calls: set[str] = field(default_factory=set)

    @property
    def public(self) -> bool:
        return not self.name.rsplit(".", 1)[1].startswith("_")

    @property
    def takes_session(self) -> bool:
        arguments = self.node.args
        return any(a.arg == "session" for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs])


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _aliases(module: str, tree: ast.Module) -> dict[str, str]:
    names = {}
    package = module.rsplit(".", 1)[0]
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, one level up per extra dot
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                names[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:  # `import a.b` binds `a`; `import a.b as c` binds `c` to a.b
                top = alias.name.split(".")[0]
                names[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.FunctionDef):
            names[node.name] = f"{module}.{node.name}"
    return names


def _changing_constants(tree: ast.Module) -> set[str]:
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(part, ast.Constant) and isinstance(part.value, str) and CHANGING_SQL.search(part.value)
            for part in ast.walk(node.value)
        ):
            found.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return found


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str | None:
    """`name` or `module.name` as the qualified name it stands for."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
        return f"{aliases[node.value.id]}.{node.attr}"
    return None


def _is_changing_statement(node: ast.AST, constants: set[str]) -> bool:
    """An update(), insert() or delete() construct, or SQL text (or a constant holding it) that changes data."""
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id in STATEMENTS
    if isinstance(node, ast.Name):
        return node.id in constants
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(CHANGING_SQL.search(node.value))


def _changes_directly(function: Function) -> bool:
    """Adds, deletes or flushes through `session`, or executes through it and builds a changing statement."""
    executes = statement = False
    for node in ast.walk(function.node):
        target = node.func if isinstance(node, ast.Call) else None
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "session":
            if target.attr in SESSION_CHANGES:
                return True
            executes = executes or target.attr == "execute"
        statement = statement or _is_changing_statement(node, function.changing_constants)
    return executes and statement


def functions_of(folder: Path) -> dict[str, Function]:
    """Every function defined at the top of a module under `folder` (`__main__` modules left out)."""
    found: dict[str, Function] = {}
    for path in sorted(folder.rglob("*.py")):
        if path.name == "__main__.py" or "migrations" in path.parts:
            continue
        module = _module_name(path)
        tree = ast.parse(path.read_text(), filename=str(path))
        aliases, constants = _aliases(module, tree), _changing_constants(tree)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                function = Function(f"{module}.{node.name}", node, aliases, constants)
                function.calls = {
                    name for call in ast.walk(node) if isinstance(call, ast.Call)
                    if (name := _dotted(call.func, aliases)) is not None
                }
                found[function.name] = function
    return found


def data_changing_functions(folder: Path) -> set[str]:
    """The names (module.function) of the public functions taking a session that change data."""
    functions = functions_of(folder)
    changing = {name for name, function in functions.items() if _changes_directly(function)}
    grew = True
    while grew:
        more = {name for name, function in functions.items() if name not in changing and function.calls & changing}
        changing |= more
        grew = bool(more)
    return {name for name in changing if functions[name].public and functions[name].takes_session}


def calls_in(path: Path) -> set[str]:
    """Every function of TracPro a file calls, anywhere in it (a page's top-level code included)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    aliases = _aliases(_module_name(path), tree)
    return {
        name
        for call in ast.walk(tree)
        if isinstance(call, ast.Call)
        if (name := _dotted(call.func, aliases)) is not None and name.startswith("tracpro.")
    }
