"""Who may do what on an inventory: users, roles, permissions.

This module is the one place that decides. Every write function of the domain
package takes the acting :class:`User` and calls :func:`require` before it
writes; pages only hide what :func:`allowed` already refuses.

Roles per inventory, from least to most: ``viewer`` (read), ``editor`` (edit
records, import, moderate), ``admin`` (manage members and the inventory). An
inventory may also be ``public`` (readable without signing in, records
included) or ``public_aggregates`` (anonymous visitors see territory
indicators, maps by territory and reports, never actor-level records).

*Local mode* (no ``[auth]`` section in ``.streamlit/secrets.toml``): the app
runs for one implicit administrator, :data:`LOCAL_ADMIN`, on localhost only.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecosystem.storage.store import StoreError

ROLES = ("viewer", "editor", "admin")
#: visibility of an inventory to visitors who are not members
VISIBILITIES = ("private", "public_aggregates", "public")

#: what each action needs: the least role, and what an anonymous visitor gets
#: on a public inventory
ACTIONS = {
    "read_aggregates": "viewer",   # territory indicators, maps by territory, reports
    "read_records": "viewer",      # actor-level records, cards, point maps, exports
    "read_personal": "editor",     # fields marked personal in the model
    "contribute": None,            # propose an actor / report an error (public inventories)
    "edit": "editor",
    "import": "editor",
    "moderate": "editor",
    "manage": "admin",             # members, rename, delete, visibility
}


@dataclass(frozen=True)
class User:
    """The acting person. ``id`` is the identity provider's stable identifier
    (``sub``; the e-mail when that is all there is); empty for anonymous visitors."""

    id: str
    name: str = ""
    email: str = ""  # a grant made to this address counts: only set when the provider verified it
    local: bool = False  # the implicit administrator of local mode

    @property
    def anonymous(self) -> bool:
        return not self.id

    @property
    def label(self) -> str:
        """What the change log and the UI show for this user."""
        return self.name or self.email or self.id or "anonymous"


ANONYMOUS = User("")
LOCAL_ADMIN = User("local", name="local", local=True)


class PermissionDenied(StoreError):
    """The acting user may not do this; ``hint`` is an i18n key for the message."""

    def __init__(self, user: User, inventory: str, action: str):
        super().__init__(f"{user.label} may not {action} on inventory {inventory!r}",
                         "access.denied", user=user.label, inventory=inventory, action=action)
        self.user = user
        self.inventory = inventory
        self.action = action


def rank(role: str | None) -> int:
    return ROLES.index(role) + 1 if role in ROLES else 0


def role_allows(role: str | None, visibility: str, action: str, anonymous: bool = False) -> bool:
    """Pure rule: may someone with ``role`` (None: not a member) do ``action`` on an
    inventory of ``visibility``?"""
    if action not in ACTIONS:
        raise KeyError(action)
    need = ACTIONS[action]
    if need is None:  # contributions: anyone, on a public inventory
        return visibility in ("public", "public_aggregates") or rank(role) >= rank("viewer")
    if rank(role) >= rank(need):
        return True
    if role is None and action == "read_aggregates":
        return visibility in ("public", "public_aggregates")
    if role is None and action == "read_records":
        return visibility == "public"
    return False


def role_of(store, user: User, inventory: str) -> str | None:
    """The user's role on ``inventory`` (None: not a member)."""
    if user.local:
        return "admin"
    if user.anonymous:
        return None
    lookup = getattr(store, "member_role", None)
    if lookup is None:
        return None
    return lookup(inventory, user.id, email=user.email) if user.email else lookup(inventory, user.id)


def visibility_of(store, inventory: str) -> str:
    lookup = getattr(store, "visibility", None)
    return lookup(inventory) if lookup is not None else "private"


def allowed(store, user: User, inventory: str, action: str) -> bool:
    return role_allows(role_of(store, user, inventory), visibility_of(store, inventory), action,
                       anonymous=user.anonymous)


def require(store, user: User, inventory: str, action: str) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` may do ``action`` on ``inventory``."""
    if not allowed(store, user, inventory, action):
        raise PermissionDenied(user, inventory, action)


#: ``ECOSYSTEM_CREATORS``: who may create inventories when signed in (comma-separated
#: ids or e-mails); unset: every signed-in user (the creator becomes the new
#: inventory's administrator)
CREATORS_ENV = "ECOSYSTEM_CREATORS"


def may_create(user: User) -> bool:
    """Whether ``user`` may create a new inventory (there is no inventory to ask yet)."""
    import os

    if user.local:
        return True
    if user.anonymous:
        return False
    raw = os.environ.get(CREATORS_ENV, "").strip()
    if not raw:
        return True
    who = {w.strip().lower() for w in raw.split(",") if w.strip()}
    return user.id.lower() in who or (bool(user.email) and user.email.lower() in who)


def require_create(user: User, inventory: str) -> None:
    if not may_create(user):
        raise PermissionDenied(user, inventory, "create")


def ref_for(store, user: User, inventory: str):
    """The :class:`~ecosystem.storage.store.InventoryRef` of ``inventory`` as ``user`` may
    see it: refused (:class:`PermissionDenied`) without ``read_aggregates``; with
    ``records=False`` when only aggregates are allowed and ``personal=False`` without
    ``read_personal``. Analyses that produce actor-level output refuse a ref without
    records (:func:`require_records`)."""
    import dataclasses

    role, visibility = role_of(store, user, inventory), visibility_of(store, inventory)
    if not role_allows(role, visibility, "read_aggregates", anonymous=user.anonymous):
        raise PermissionDenied(user, inventory, "read_aggregates")
    ref = store.ref(inventory)
    return dataclasses.replace(
        ref, records=role_allows(role, visibility, "read_records", anonymous=user.anonymous),
        personal=role_allows(role, visibility, "read_personal", anonymous=user.anonymous))


class RecordsDenied(PermissionDenied):
    """Actor-level output asked on an inventory seen as aggregates only."""

    def __init__(self, inventory: str):
        super().__init__(ANONYMOUS, inventory, "read_records")


def require_records(ref) -> None:
    """Raise :class:`RecordsDenied` unless ``ref`` (or a view's ref) allows actor-level records."""
    ref = getattr(ref, "ref", ref)
    if not getattr(ref, "records", True):
        raise RecordsDenied(ref.name)
