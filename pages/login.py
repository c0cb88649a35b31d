"""Sign in: the only page there is until someone is signed in."""

from tracpro.ui.login import render_login
from tracpro.ui.signin import current_gate

render_login(current_gate())
