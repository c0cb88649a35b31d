"""Single sign-on on the sign-in page, when Streamlit's `[auth]` secrets name a provider.

Streamlit speaks OpenID Connect (st.login, st.logout, st.user); TracPro decides what the
identity it hands over is worth (tracpro.auth.single_sign_on): a login of TracPro's own, with
its own cookie, for the account whose sign-in email the provider verified. From then on the
login lives exactly as one made with a password does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import streamlit as st

from tracpro.auth import single_sign_on
from tracpro.auth.single_sign_on import ProviderIdentity
from tracpro.db import session_scope
from tracpro.i18n import _
from tracpro.text import escape_markdown
from tracpro.ui.context import notice

# The identity this session has acted on already: a rerun does not ask the database again.
_ACTED_ON = "tracpro_provider_identity"
# What Streamlit needs of a provider in `[auth]` (its st.login documentation); TracPro offers only
# the one provider set there, not named ones.
_PROVIDER_SETTINGS = ("client_id", "client_secret", "server_metadata_url", "redirect_uri", "cookie_secret")


def offered() -> bool:
    """Whether the `[auth]` secrets name a provider (Streamlit's secrets files)."""
    if not st.secrets.load_if_toml_exists():
        return False
    auth = st.secrets.get("auth")
    return auth is not None and all(auth.get(name) for name in _PROVIDER_SETTINGS)


def sign_in_button(label: str | None) -> None:
    """The button that sends the browser to the provider (it comes back to Home)."""
    if st.button(escape_markdown(label) if label else _("Sign in with your organisation's account"),
                 icon=":material/key:", width="stretch"):
        st.login()


def login_from_provider(cookie_key: str, at: datetime, keep: Callable[[int, str, datetime], None]) -> int | None:
    """The login opened for the identity Streamlit holds for this browser, if it is new to TracPro
    and its account may sign in: its record's id, after `keep(login id, cookie value, expiry)` has
    put it in this tab's state. A refusal becomes the sign-in page's notice.

    `keep` runs before the transaction commits: any use of session state is a point where a rerun
    the browser asked for may stop this run, and stopped there the transaction rolls back, so the
    identity is not spent on a login this tab never held; the next run acts on it again."""
    if not st.user.is_logged_in:
        return None
    identity = ProviderIdentity.from_claims(st.user.to_dict())
    if st.session_state.get(_ACTED_ON) == identity.digest:
        return None
    with session_scope() as db:
        result = single_sign_on.sign_in(db, identity, cookie_key, at)
        if result.login_id is not None and result.token is not None and result.expires_at is not None:
            keep(result.login_id, result.token, result.expires_at)
        st.session_state[_ACTED_ON] = identity.digest
    if result.refusal is not None:
        notice(result.refusal, "warning")
    return result.login_id


def sign_out_of_provider() -> None:
    """Signing out of TracPro ends the provider's sign-in in this browser too (Streamlit deletes
    its identity cookie and, where the provider offers it, ends the provider's own session)."""
    if offered() and st.user.is_logged_in:
        st.logout()
