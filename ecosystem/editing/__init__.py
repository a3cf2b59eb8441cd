"""Editing in place: records, their history, public contributions.

``records``        create, edit and close actors; projects (stage changes with their
                   date), partners, fundings, memberships, declared partnerships;
                   one transaction per save, the model's validation, optimistic
                   concurrency (:class:`records.Conflict`)
``links``          the links of a record (partners, fundings, memberships, declared
                   partnerships): listed per actor, edited (their key too), removed
``history``        a record's history, revert of a change set, the inventory as of a date
``contributions``  proposals from visitors of public inventories and their moderation

Every write takes the acting :class:`ecosystem.access.User` and asks
:func:`ecosystem.access.require` first. See docs/editing.md.
"""

from ecosystem.editing.history import (AlreadyReverted, ChangeSetNotFound, RevertConflict, as_of,
                                       authors, change_set, change_sets, history, labelled, records_touched,
                                       revert)
from ecosystem.editing.links import LINKS, actor_links, edit_link, link_history, remove
from ecosystem.editing.records import (Conflict, EditError, Record, RecordNotFound, add, close_actor,
                                       create_actor, create_project, edit, edit_actor, edit_project,
                                       read, save)

__all__ = ["LINKS", "actor_links", "edit_link", "link_history", "remove",
           "AlreadyReverted", "ChangeSetNotFound", "Conflict", "EditError", "Record",
           "RecordNotFound", "RevertConflict", "add", "as_of", "authors", "change_set", "change_sets", "records_touched",
           "close_actor", "create_actor", "create_project", "edit", "edit_actor", "edit_project",
           "history", "labelled", "read", "revert", "save"]
