"""Who is using the app: ``st.user`` turned into an :class:`ecosystem.access.User`,
and the sign-in block of the sidebar.

With an ``[auth]`` section in ``.streamlit/secrets.toml`` the app signs people in
with OpenID Connect (``st.login`` / ``st.user`` / ``st.logout``); a visitor who is
not signed in is :data:`~ecosystem.access.ANONYMOUS`. Without it the app runs in
*local mode*: one implicit administrator (:data:`~ecosystem.access.LOCAL_ADMIN`),
a visible note, and ``scripts/app.sh`` binds the server to 127.0.0.1.
"""

from __future__ import annotations

import streamlit as st

from ecosystem.access import ANONYMOUS, LOCAL_ADMIN, User
from ecosystem.render import safe
from pages._state import tr


def auth_configured() -> bool:
    """Whether ``.streamlit/secrets.toml`` (or the test's secrets) has an ``[auth]`` section."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises on first access
        return False


def from_claims(claims) -> User:
    """An ``access.User`` from the identity provider's claims (``st.user``): id = ``sub``;
    the e-mail only when the provider says it verified it (a grant to an e-mail
    then applies)."""
    sub = str(claims.get("sub") or "").strip()
    email = str(claims.get("email") or "").strip().lower()
    verified = claims.get("email_verified") in (True, "true", "True")
    name = str(claims.get("name") or claims.get("preferred_username") or "").strip()
    if not sub:
        return ANONYMOUS
    return User(sub, name=name, email=email if verified else "")


def current_user() -> User:
    """The acting user of this session. In local mode (everyone on this machine is
    its administrator) a session may act as someone with fewer rights (session key
    ``"user"``: what the page tests use to play each role); never with ``[auth]``."""
    if not auth_configured():
        return st.session_state.get("user", LOCAL_ADMIN)
    if not st.user.get("is_logged_in"):
        return ANONYMOUS
    return from_claims(st.user)


def sign_in_block(user: User) -> None:
    """The sidebar's top: the local-mode note, or who is signed in with a sign-out
    button, or a sign-in button."""
    if user.local:
        # a caption, not a badge: a badge is one line and cut the sentence at the sidebar's width
        st.caption(":orange[:material/computer: " + tr("access.local_badge") + "]")
    elif user.anonymous:
        st.caption(tr("access.anonymous"))
        st.button(tr("access.login"), key="w_login", on_click=st.login, icon=":material/login:",
                  width="stretch")
    else:
        st.caption(tr("access.signed_in_as", user=safe.markdown(user.label)))
        st.button(tr("access.logout"), key="w_logout", on_click=st.logout,
                  icon=":material/logout:", width="stretch")
