"""One structured log line per change a team running the observatory follows.

Saves of records, moderation decisions, proposals, role and visibility changes,
inventory creation, rename and deletion each write one line to the logger
``ecosystem.audit`` (level INFO) once the change is committed, in logfmt::

    event=record.save user=sub-alice user_label="Alice Martin" inventory=Obs table=actors
    record=A1 op=update fields=city,volunteers origin=edit change_set=20261207143000-1a2b3c4d5e

Every value goes through :func:`ecosystem.render.safe.log_value` (one word as it is,
else quoted with line breaks, quotes and control characters escaped): a user's text
cannot forge a second line or colour a terminal. The same fields are on the record
as ``record.audit`` (a dict) for a JSON handler. The change log and the access log
stay the reference (what changed, before and after); these lines are for the
server's logs, alerts and log shippers (docs/deploy.md, "Operations").

:func:`configure` sends the lines to standard error (the default of the app and the
command line) or to a file (``ECOSYSTEM_AUDIT_LOG``).
"""

from __future__ import annotations

import logging
import os
import sys

from ecosystem.render.safe import log_value

log = logging.getLogger("ecosystem.audit")
ENV = "ECOSYSTEM_AUDIT_LOG"


def event(name: str, user, inventory: str | None = None, **fields) -> None:
    """Write one line: ``event``, who (``user``: the identity provider's id, ``user_label``),
    ``inventory`` (when given) and ``fields`` in their order (None as empty)."""
    if not log.isEnabledFor(logging.INFO):
        return
    data = {"event": name, "user": getattr(user, "id", "") or "",
            "user_label": getattr(user, "label", "") or ""}
    if inventory is not None:
        data["inventory"] = inventory
    data.update(fields)
    line = " ".join(f"{k}={log_value(v)}" for k, v in data.items())
    log.info(line, extra={"audit": {k: "" if v is None else v for k, v in data.items()}})


def configure(target: str | None = None) -> logging.Handler | None:
    """Send the audit lines to ``target`` (default ``$ECOSYSTEM_AUDIT_LOG``): ``stderr``
    (the default), a file path (appended), or ``off``. Once per process: a second
    call keeps the handler the first one added."""
    target = (target if target is not None else os.environ.get(ENV, "stderr")).strip() or "stderr"
    if getattr(log, "_eco_configured", False):
        return None
    log._eco_configured = True
    if target.lower() == "off":
        log.disabled = True
        return None
    handler = logging.StreamHandler(sys.stderr) if target.lower() == "stderr" \
        else logging.FileHandler(target, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler
