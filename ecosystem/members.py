"""Members and visibility of inventories, guarded: each function takes the acting
:class:`~ecosystem.access.User` and asks :func:`ecosystem.access.require` first.

``grant`` / ``revoke`` / ``set_visibility`` need ``manage`` (administrators), and
each change they make is audited (``access_log``: :func:`history`);
``readable_inventories`` is what the sidebar lists (:func:`permissions`: every
inventory's answer for one user, read once per page run, with the proposals
waiting for those who moderate). A member is named by the
identity provider's ``sub`` or by an e-mail address (lower-cased; it matches a
signed-in user whose provider verified that address), so the first
administrator can be granted before they ever sign in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from ecosystem import access, audit
from ecosystem.access import ROLES, VISIBILITIES, User
from ecosystem.storage.store import StoreError


def _who(user_id: str) -> tuple[str, str]:
    """(stored id, e-mail) of a member given by ``sub`` or e-mail."""
    user_id = (user_id or "").strip()
    if not user_id or any(ord(c) < 32 for c in user_id) or len(user_id) > 255:
        raise StoreError(f"invalid user id {user_id!r}", "access.bad_user", user=user_id)
    if "@" in user_id:
        return user_id.lower(), user_id.lower()
    return user_id, ""


def grant(store, acting: User, inventory: str, user_id: str, role: str) -> None:
    """Give ``user_id`` the ``role`` on ``inventory`` (or change it)."""
    access.require(store, acting, inventory, "manage")
    if role not in ROLES:
        raise StoreError(f"unknown role {role!r} (one of {', '.join(ROLES)})", "access.bad_role",
                         role=role, roles=", ".join(ROLES))
    uid, email = _who(user_id)
    if role != "admin":
        _keep_an_admin(store, inventory, uid)
    before = _role_of(store, inventory, uid)
    store.put_member(inventory, uid, role, email=email, granted_by=acting.label, by_id=acting.id)
    if before != role:
        audit.event("access.grant", acting, inventory, member=uid, before=before, after=role)


def _role_of(store, inventory: str, uid: str) -> str | None:
    """The role granted to exactly ``uid`` (not through an e-mail), before a change."""
    m = store.members(inventory)
    roles = m.role[m.user_id == uid].tolist()
    return roles[0] if roles else None


def revoke(store, acting: User, inventory: str, user_id: str) -> bool:
    """Remove ``user_id`` from ``inventory``'s members; False when they were not one."""
    access.require(store, acting, inventory, "manage")
    uid, _ = _who(user_id)
    _keep_an_admin(store, inventory, uid)
    before = _role_of(store, inventory, uid)
    removed = bool(store.drop_member(inventory, uid, by_id=acting.id, by_label=acting.label))
    if removed:
        audit.event("access.revoke", acting, inventory, member=uid, before=before, after=None)
    return removed


def _keep_an_admin(store, inventory: str, leaving: str) -> None:
    """Refuse to take the admin role from the last administrator of an inventory."""
    m = store.members(inventory)
    admins = set(m.user_id[m.role == "admin"])
    if admins == {leaving}:
        raise StoreError(f"{leaving} is the last administrator of {inventory!r}",
                         "access.last_admin", user=leaving, inventory=inventory)


def set_visibility(store, acting: User, inventory: str, visibility: str) -> None:
    """``private`` (members only), ``public_aggregates`` or ``public``."""
    access.require(store, acting, inventory, "manage")
    if visibility not in VISIBILITIES:
        raise StoreError(f"unknown visibility {visibility!r} (one of {', '.join(VISIBILITIES)})",
                         "access.bad_visibility", visibility=visibility,
                         visibilities=", ".join(VISIBILITIES))
    before = store.visibility(inventory)
    store.put_visibility(inventory, visibility, by_id=acting.id, by_label=acting.label)
    if before != visibility:
        audit.event("access.visibility", acting, inventory, before=before, after=visibility)


def members(store, acting: User, inventory: str) -> pd.DataFrame:
    """The members of ``inventory`` (administrators only: the list holds e-mails)."""
    access.require(store, acting, inventory, "manage")
    return store.members(inventory)


def history(store, acting: User, inventory: str) -> pd.DataFrame:
    """Who gave whom which role, who revoked it, who changed the visibility, and when
    (``Store.access_history``, newest first; administrators only)."""
    access.require(store, acting, inventory, "manage")
    return store.access_history(inventory)


def deletions(store, acting: User) -> pd.DataFrame:
    """Inventories deleted from the store: who, when, the name (``Store.deletions``,
    newest first). The operator's (local mode, the command line on the server): an
    inventory's administrators are gone with it, and names of other teams' private
    inventories are not theirs to read."""
    if not acting.local:
        raise access.PermissionDenied(acting, "*", "manage")
    return store.deletions()


@dataclass(frozen=True)
class Permissions:
    """What one user may do on every inventory, read from the store once (the names,
    the visibilities and the user's roles): a page run asks it for the sidebar's list
    and the menu entries instead of asking the store each time."""

    user: User
    names: tuple[str, ...]
    roles: Mapping[str, str]
    visibilities: Mapping[str, str]
    #: proposals waiting, by inventory (read only when the user may moderate one)
    pending: Mapping[str, int] = field(default_factory=dict)

    def allows(self, inventory: str, action: str) -> bool:
        if inventory not in self.names:
            return False
        role = "admin" if self.user.local else self.roles.get(inventory)
        return access.role_allows(role, self.visibilities.get(inventory, "private"), action,
                                  anonymous=self.user.anonymous)

    def readable(self) -> list[str]:
        """Names of the inventories the user may read (at least as aggregates), sorted."""
        return self.allowing("read_aggregates")

    def allowing(self, action: str) -> list[str]:
        """Names of the inventories on which the user may do ``action``."""
        return [n for n in self.names if self.allows(n, action)]

    def waiting(self, inventory: str) -> int:
        """Proposals waiting on ``inventory``, for those who may moderate it (0 for others)."""
        return int(self.pending.get(inventory, 0)) if self.allows(inventory, "moderate") else 0


def permissions(store, user: User) -> Permissions:
    """The user's :class:`Permissions`: three reads of the store, none in local mode
    but the names."""
    names = tuple(store.names())
    if user.local:
        return _with_pending(store, Permissions(user, names, {}, {}))
    vis = store.visibilities() if hasattr(store, "visibilities") else dict.fromkeys(names, "private")
    roles = {}
    if not user.anonymous and hasattr(store, "member_roles"):
        roles = store.member_roles(user.id, user.email) if user.email else store.member_roles(user.id)
    return _with_pending(store, Permissions(user, names, roles, vis))


def _with_pending(store, perms: Permissions) -> Permissions:
    """``perms`` with the proposals waiting (one read), when the user may moderate an
    inventory: what the Modération menu entry counts."""
    import dataclasses

    from ecosystem.editing import contributions

    if not perms.allowing("moderate") or not hasattr(store, "query"):
        return perms
    return dataclasses.replace(perms, pending=contributions.pending_counts(store))


def readable_inventories(store, user: User) -> list[str]:
    """Names of the inventories ``user`` may read (at least as aggregates), sorted:
    every one in local mode; else those the user is a member of and the public ones."""
    return permissions(store, user).readable()


def inventories_allowing(store, user: User, action: str) -> list[str]:
    """Names of the readable inventories on which ``user`` may do ``action``."""
    return permissions(store, user).allowing(action)


def managed_inventories(store, user: User) -> list[str]:
    """Names of the inventories ``user`` administers."""
    return inventories_allowing(store, user, "manage")
