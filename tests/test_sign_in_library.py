"""streamlit-authenticator is used only through what it documents (its README on PyPI and the
docstrings of what it exports): `import streamlit_authenticator`, its Authenticate class with
login() and logout(), its errors, and the session-state keys it sets for the app to read.

The app never writes those keys, never imports the library's modules, and never reaches into the
objects Authenticate keeps (its cookie and authentication controllers, their models, the cookie
manager inside them): an upgrade may rename any of them, and writing its state behind its back
changes what it does without saying so. Where the library cannot do what TracPro needs, TracPro
does that part itself (tracpro.ui.login_cookie, tracpro.ui.login).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

LIBRARY = "streamlit_authenticator"
# What the app may name in the library's package.
DOCUMENTED = {"Authenticate", "Hasher", "LoginError", "LogoutError"}
# The objects Authenticate keeps inside: none of them is documented.
INTERNALS = {"cookie_controller", "authentication_controller", "cookie_model", "authentication_model", "cookie_manager"}
# The session-state keys the library sets; the app may read them, never write them.
LIBRARY_KEYS = {
    "authentication_status",
    "username",
    "name",
    "email",
    "roles",
    "logout",
    "failed_login_attempts",
    "password_hint",
}
_WRITING_METHODS = {"pop", "setdefault", "update", "clear", "__setitem__", "__delitem__"}

FILES = sorted(
    path
    for path in ROOT.rglob("*.py")
    if not {".venv", "tests"} & set(path.relative_to(ROOT).parts) and "migrations" not in path.parts
)


def _session_state_names(tree: ast.AST) -> set[str]:
    """Names bound to Streamlit's session state anywhere in the module (`state = st.session_state`,
    `state, at = st.session_state, now()`)."""
    names = {"session_state"}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            pairs = (
                zip(target.elts, node.value.elts, strict=False)
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                else [(target, node.value)]
            )
            for name, value in pairs:
                if isinstance(name, ast.Name) and isinstance(value, ast.Attribute) and value.attr == "session_state":
                    names.add(name.id)
    return names


def _string_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound to a string (`_LIBRARY_STATUS = "authentication_status"`)."""
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def problems(source: str) -> list[str]:
    """Each use of the library beyond what it documents, in a few words."""
    tree = ast.parse(source)
    state_names, constants = _session_state_names(tree), _string_constants(tree)

    def is_state(node: ast.expr) -> bool:
        return (isinstance(node, ast.Name) and node.id in state_names) or (
            isinstance(node, ast.Attribute) and node.attr == "session_state"
        )

    def key_of(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        return constants.get(node.id) if isinstance(node, ast.Name) else None

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"imports {alias.name}" for alias in node.names if alias.name.startswith(LIBRARY + ".")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == LIBRARY:
            found.append(f"imports from {node.module}")
        elif isinstance(node, ast.Attribute) and node.attr in INTERNALS:
            found.append(f"reaches {node.attr}")
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del) and is_state(node.value):
            if node.attr in LIBRARY_KEYS:
                found.append(f"writes session_state.{node.attr}")
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del) and is_state(node.value):
            if key_of(node.slice) in LIBRARY_KEYS:
                found.append(f"writes session_state[{key_of(node.slice)!r}]")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _WRITING_METHODS
            and is_state(node.func.value)
            and any(key_of(argument) in LIBRARY_KEYS for argument in node.args)
        ):
            found.append(f"writes session_state through {node.func.attr}()")
    return found


def _library_names_used(source: str) -> set[str]:
    """What the module names in the library's package (`stauth.Authenticate` -> "Authenticate")."""
    tree = ast.parse(source)
    aliases = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == LIBRARY
    }
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
    }


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_files_checked_include_the_sign_in():
    assert {"app.py", "tracpro/ui/signin.py", "tracpro/ui/login.py"} <= {_relative(path) for path in FILES}


def test_the_app_uses_the_library_only_through_its_documented_api():
    found = {_relative(path): problems(path.read_text()) for path in FILES}
    assert {name: uses for name, uses in found.items() if uses} == {}


def test_the_app_names_only_documented_parts_of_the_library():
    used = {_relative(path): _library_names_used(path.read_text()) - DOCUMENTED for path in FILES}
    assert {name: names for name, names in used.items() if names} == {}


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import streamlit as st\nstate, at = st.session_state, now()\nstate['logout'] = True\n", True),
        ("import streamlit as st\nst.session_state['authentication_status'] = None\n", True),
        ("STATUS = 'authentication_status'\ndef f():\n    state = st.session_state\n    state[STATUS] = 1\n", True),
        ("import streamlit as st\nst.session_state.pop('username', None)\n", True),
        ("import streamlit as st\ndel st.session_state.name\n", True),
        ("a.cookie_controller.cookie_model.cookie_manager.set('c', 'v')\n", True),
        ("from streamlit_authenticator.utilities import LoginError\n", True),
        ("import streamlit as st\nok = st.session_state.get('authentication_status')\n", False),
        ("import streamlit as st\nst.session_state['tracpro_login_id'] = 1\n", False),
        ("row = {}\nrow['name'] = 'Ann'\n", False),
    ],
)
def test_the_check_names_a_write_or_an_internal(source, found):
    assert bool(problems(source)) is found
