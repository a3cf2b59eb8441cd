"""The guarded writes of inventories: one function per store write, each checking
the acting user's permission (:mod:`ecosystem.access`) before calling the store.

The Importer page, the command line and the app call these, never the store's
writes directly, so a viewer who replays a widget state or crafts a URL gets
:class:`~ecosystem.access.PermissionDenied`. The store's own signatures (and
tests) stay as they are. Whoever creates an inventory becomes its administrator
(local mode's implicit administrator is not recorded: it is administrator of all).
"""

from __future__ import annotations

from ecosystem import access, audit
from ecosystem.access import User


def _creator(store, user: User, name: str) -> None:
    if not user.local and not user.anonymous:
        store.put_member(name, user.id, "admin", email=user.email, granted_by=user.label,
                         by_id=user.id)


def _log(user: User, options: dict):
    """The change-log context of a write by ``user`` (its records are that user's inserts)."""
    from ecosystem.storage import changelog

    return changelog.context("import", user, file_name=options.get("source") or None)


def create(store, user: User, name: str, data=None, **options):
    """A new inventory (empty, or holding ``data``: one ``insert`` row per record in the
    change log, by ``user``, so an undo removes them); ``user`` becomes its administrator."""
    access.require_create(user, name)
    if data is not None and getattr(store, "change_log", True):
        options.setdefault("log", _log(user, options))
    ref = store.create(name, data, **options)
    _creator(store, user, ref.name)
    audit.event("inventory.create", user, ref.name)
    return store.ref(ref.name)


def save(store, user: User, name: str, data, **options):
    access.require(store, user, name, "import")
    return store.save(name, data, **options)


def append(store, user: User, name: str, data, **options):
    access.require(store, user, name, "import")
    if getattr(store, "change_log", True):
        options.setdefault("log", _log(user, options))
    return store.append(name, data, **options)


def apply_import(store, user: User, name: str, inserts: dict, updates: dict | None = None, *,
                 create: bool = False, **options):
    """An import's one transaction: into an existing inventory (``import``), or into a
    new one (``create``: the user becomes its administrator)."""
    if create:
        access.require_create(user, name)
    else:
        access.require(store, user, name, "import")
    ref = store.apply_import(name, inserts, updates, create=create, **options)
    if create:
        _creator(store, user, ref.name)
    log = options.get("log") or {}
    audit.event("inventory.import", user, ref.name, created=str(bool(create)).lower(),
                file=log.get("file_name") or options.get("source"), checksum=log.get("checksum"),
                change_set=log.get("change_set"))
    return ref


def copy(store, user: User, src: str, dst: str):
    access.require(store, user, src, "read_records")
    access.require_create(user, dst)
    ref = store.copy(src, dst)
    _creator(store, user, ref.name)
    audit.event("inventory.create", user, ref.name, source=src)
    return ref


def rename(store, user: User, old: str, new: str):
    """Rename an inventory (administrators); the inventory's audit log keeps who, when,
    the old and the new name (:func:`ecosystem.members.history`)."""
    access.require(store, user, old, "manage")
    ref = store.rename(old, new, by_id=user.id, by_label=user.label)
    audit.event("inventory.rename", user, ref.name, before=old, after=ref.name)
    return ref


def delete(store, user: User, name: str) -> None:
    """Delete an inventory (administrators); the store keeps who deleted it, when and
    its name (:func:`ecosystem.members.deletions`)."""
    access.require(store, user, name, "manage")
    store.delete(name, by_id=user.id, by_label=user.label)
    audit.event("inventory.delete", user, name)


def commit_import(imp, store, user: User, inventory: str, **options):
    """``Import.commit`` through the guard: its ``store.apply_import`` is checked."""
    return imp.commit(Guarded(store, user), inventory, **options)


class Guarded:
    """A store whose writes are the guarded functions above, for code that writes
    through a store it is given (``Import.commit``): reads pass through."""

    def __init__(self, store, user: User):
        self._store = store
        self.user = user

    def __getattr__(self, name):
        return getattr(self._store, name)

    def apply_import(self, name, inserts, updates=None, **options):
        return apply_import(self._store, self.user, name, inserts, updates, **options)

    def create(self, name, data=None, **options):
        return create(self._store, self.user, name, data, **options)

    def save(self, name, data, **options):
        return save(self._store, self.user, name, data, **options)

    def append(self, name, data, **options):
        return append(self._store, self.user, name, data, **options)

    def copy(self, src, dst):
        return copy(self._store, self.user, src, dst)

    def rename(self, old, new):
        return rename(self._store, self.user, old, new)

    def delete(self, name):
        return delete(self._store, self.user, name)


# ------------------------------------------------------------------ zonings
def _require_zonings(store, user: User, name: str) -> None:
    """Zonings are shared by every inventory of the store: adding, renaming or deleting
    one takes the administrator of at least one inventory (or local mode's)."""
    from ecosystem import members

    if not user.local and not members.managed_inventories(store, user):
        raise access.PermissionDenied(user, f"zoning {name}", "manage")


def add_zoning(store, user: User, name: str, zoning, **options) -> int:
    from ecosystem.storage import zonings

    _require_zonings(store, user, name)
    return zonings.add(store, name, zoning, **options)


def rename_zoning(store, user: User, name_or_level, new: str) -> None:
    from ecosystem.storage import zonings

    _require_zonings(store, user, str(name_or_level))
    zonings.rename(store, name_or_level, new)


def delete_zoning(store, user: User, name_or_level) -> None:
    from ecosystem.storage import zonings

    _require_zonings(store, user, str(name_or_level))
    zonings.delete(store, name_or_level)


# ------------------------------------------------- establishment counts (SIRENE)
def load_establishment_counts(store, user: User, counts) -> dict:
    """Store the full SIRENE establishment counts per commune (shared by every
    inventory, like zonings: an inventory administrator, or local mode), replacing the
    previous ones; their :func:`ecosystem.storage.establishment_counts.info`."""
    from ecosystem.storage import establishment_counts

    _require_zonings(store, user, f"establishment counts {counts.file}")
    return establishment_counts.save(store, counts, user.label)
