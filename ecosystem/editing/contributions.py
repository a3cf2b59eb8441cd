"""Public contributions and their moderation (the GoGoCarto pattern).

On an inventory visitors may contribute to (``access`` action ``contribute``:
public inventories, or members), a visitor proposes a new actor or reports an
error on a card. A proposal waits in the ``proposals`` table — nothing of it is
visible in the inventory — until an editor (action ``moderate``) accepts it
(possibly with edits), merges it into an existing actor, or rejects it with a
reason. Accepting and merging write through :func:`records.save` with origin
``contribution``, so they are validated, logged and revertible like any edit.

Limits: :data:`RATE` proposals per session and window, :data:`RATE_INVENTORY` per
inventory and window (all sessions); :data:`FIELDS` only,
each at most :data:`MAX_CHARS` characters, :data:`MAX_BYTES` in all (UTF-8).
Text is stored as typed, control characters removed; every page shows it
through ``render.safe``.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pandas as pd

from ecosystem import access, audit
from ecosystem.editing import records
from ecosystem.storage import changelog
from ecosystem.storage.store import StoreError

#: at most this many proposals per session within this many seconds
RATE = (5, 600)
#: and per inventory, all sessions together (a script opening a new session for each
#: proposal would pass the per-session limit)
RATE_INVENTORY = (100, 3600)
#: what a visitor may propose on an actor
FIELDS = ("name", "actor_type", "domains", "commune_code", "postal_code", "city", "address",
          "website", "description", "siren", "siret", "rna_id", "creation_year", "active")
MAX_CHARS = 2000
MAX_BYTES = 8000
KINDS = ("new", "report")
STATUSES = ("pending", "accepted", "merged", "rejected")


class ContributionRefused(StoreError):
    """A proposal or a decision refused; ``hint`` says why (i18n key)."""


def _now() -> dt.datetime:
    return changelog.now()


def _check_size(fields: dict, message: str) -> dict:
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise ContributionRefused(f"fields not accepted: {unknown}", "contrib.fields",
                                  fields=", ".join(unknown))
    total = len((message or "").encode())
    for name, value in list(fields.items()) + [("message", message or "")]:
        text = "" if value is None else str(value)
        if len(text) > MAX_CHARS:
            raise ContributionRefused(f"{name}: more than {MAX_CHARS} characters", "contrib.too_long",
                                      field=name, max=MAX_CHARS)
        total += len(text.encode()) if name != "message" else 0
    if total > MAX_BYTES:
        raise ContributionRefused(f"proposal of {total} bytes (at most {MAX_BYTES})", "contrib.too_big",
                                  max=MAX_BYTES)
    return fields


def propose(store, user: access.User, inventory: str, session: str, kind: str, fields: dict, *,
            message: str = "", record_id: str | None = None, now: dt.datetime | None = None) -> str:
    """Record a proposal (``kind`` 'new': a new actor; 'report': an error on actor
    ``record_id``, with the corrected values in ``fields``); returns its id."""
    access.require(store, user, inventory, "contribute")
    if kind not in KINDS:
        raise KeyError(kind)
    fields = records._clean("actors", {k: v for k, v in fields.items()})
    fields = {k: v for k, v in fields.items() if v is not None}
    message = records._clean("actors", {"description": message or None}).get("description") or ""
    _check_size(fields, message)
    if kind == "new":
        _, issues = records.validate("actors", {"actor_id": "proposal", "source": "contribution",
                                                "name": None, "actor_type": None, **fields})
    else:
        current = records.read(store, inventory, "actors", record_id or "")
        if current is None:
            raise records.RecordNotFound("actors", record_id or "")
        if not fields and not message:
            raise ContributionRefused("an empty report", "contrib.empty")
        _, issues = records.validate("actors", {**current.values, **fields})
    if issues:
        raise records.EditError(issues)
    now = now or _now()
    with store.transaction() as con:
        inv_id = records._inv_id(con, inventory)
        limit, window = RATE
        recent = con.execute("SELECT count(*) FROM proposals WHERE session = ? AND created_at > ?",
                             [session, now - dt.timedelta(seconds=window)]).fetchall()[0][0]
        if recent >= limit:
            raise ContributionRefused(f"{recent} proposals in {window // 60} minutes", "contrib.rate",
                                      n=limit, minutes=window // 60)
        limit, window = RATE_INVENTORY
        recent = con.execute("SELECT count(*) FROM proposals WHERE inv_id = ? AND created_at > ?",
                             [inv_id, now - dt.timedelta(seconds=window)]).fetchall()[0][0]
        if recent >= limit:
            raise ContributionRefused(f"{recent} proposals to {inventory!r} in {window // 60} minutes",
                                      "contrib.rate_inventory", n=limit, minutes=window // 60)
        pid = uuid.uuid4().hex[:12]
        con.execute("INSERT INTO proposals (id, inv_id, created_at, session, kind, record_id, payload, "
                    "message, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
                    [pid, inv_id, now, session, kind, record_id if kind == "report" else None,
                     json.dumps(fields, ensure_ascii=False, default=str), message])
        changelog.touch_proposals(con)
    audit.event("contribution.propose", user, inventory, proposal=pid, kind=kind,
                **({"record": record_id} if kind == "report" else {}))
    return pid


def pending_counts(store) -> dict[str, int]:
    """Proposals waiting for a decision, by inventory name (those with none left out).
    Unguarded: a count says nothing of the proposals; ``members.permissions`` reads it
    once per page run, for the inventories the user may moderate."""
    if store.read_only and not store.scalar("SELECT count(*) FROM information_schema.tables "
                                            "WHERE table_name = 'proposals'"):
        return {}
    df = store.query("SELECT i.name, count(*) AS n FROM proposals p JOIN inventories i "
                     "ON i.id = p.inv_id WHERE p.status = 'pending' GROUP BY i.name")
    return {name: int(n) for name, n in zip(df.name, df.n)}


def queue(store, user: access.User, inventory: str, status: str = "pending") -> pd.DataFrame:
    """Proposals of an inventory (oldest first), for its editors."""
    access.require(store, user, inventory, "moderate")
    inv_id = store.ref(inventory).id
    return store.query("SELECT * FROM proposals WHERE inv_id = ? AND status = ? "
                       "ORDER BY created_at, id", [inv_id, status])


def get(store, proposal_id: str) -> dict:
    df = store.query("SELECT p.*, i.name AS inventory FROM proposals p JOIN inventories i "
                     "ON i.id = p.inv_id WHERE p.id = ?", [proposal_id])
    if df.empty:
        raise ContributionRefused(f"no proposal {proposal_id!r}", "contrib.not_found")
    out = df.iloc[0].to_dict()
    out["fields"] = json.loads(out["payload"] or "{}")
    return out


def duplicates(store, inventory: str, fields: dict, limit: int = 5) -> pd.DataFrame:
    """Actors of the inventory a proposal may duplicate: same SIREN, SIRET or RNA
    number, or a name close enough in the same commune (the import's duplicate
    scoring: ``ingest.dedup.name_key`` and its fuzzy threshold)."""
    from rapidfuzz import fuzz

    from ecosystem.ingest import dedup

    ref = store.ref(inventory)
    cond, params = [], []
    for col in ("siren", "siret", "rna_id"):
        if fields.get(col):
            cond.append(f'"{col}" = ?')
            params.append(str(fields[col]))
    if fields.get("commune_code"):
        cond.append("commune_code = ?")
        params.append(str(fields["commune_code"]))
    if not cond:
        return pd.DataFrame(columns=["actor_id", "name", "commune_code", "city", "score", "basis"])
    cand = store.query(f"SELECT actor_id, name, commune_code, city, siren, siret, rna_id "
                       f"FROM {ref.actors} WHERE {' OR '.join(cond)} LIMIT 5000", params)
    key = dedup.name_key(fields.get("name"))
    rows = []
    for r in cand.itertuples():
        basis = next((c for c in ("rna_id", "siret", "siren")
                      if fields.get(c) and getattr(r, c) == str(fields[c])), None)
        score = float(fuzz.ratio(key, dedup.name_key(r.name))) if key else 0.0
        if basis or score >= dedup.FUZZY_SCORE:
            rows.append({"actor_id": r.actor_id, "name": r.name, "commune_code": r.commune_code,
                         "city": r.city, "score": 100.0 if basis else round(score, 1),
                         "basis": basis or "name"})
    out = pd.DataFrame(rows, columns=["actor_id", "name", "commune_code", "city", "score", "basis"])
    return out.sort_values(["score", "actor_id"], ascending=[False, True]).head(limit) \
        .reset_index(drop=True)


def _decide(con, proposal_id: str, status: str, user: access.User, reason: str | None,
            result_id: str | None, change_set: str | None) -> None:
    con.execute("UPDATE proposals SET status = ?, decided_at = ?, decided_by = ?, reason = ?, "
                "result_id = ?, change_set = ? WHERE id = ?",
                [status, _now(), user.label, reason, result_id, change_set, proposal_id])
    changelog.touch_proposals(con)


def _pending(con, proposal_id: str) -> dict:
    cur = con.execute("SELECT p.*, i.name AS inventory FROM proposals p JOIN inventories i "
                      "ON i.id = p.inv_id WHERE p.id = ?", [proposal_id])
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if not rows:
        raise ContributionRefused(f"no proposal {proposal_id!r}", "contrib.not_found")
    p = dict(zip(names, rows[0]))
    if p["status"] != "pending":
        raise ContributionRefused(f"proposal {proposal_id} already {p['status']}", "contrib.decided",
                                  status=p["status"])
    p["fields"] = json.loads(p["payload"] or "{}")
    return p


def accept(store, user: access.User, proposal_id: str, edits: dict | None = None, *,
           version: str | None = None) -> str:
    """Accept a proposal, with the moderator's ``edits`` over its fields: a new actor
    is created, a report applied to its actor (``version``: the actor as the
    moderator saw it). Returns the actor id."""
    inventory = get(store, proposal_id)["inventory"]
    access.require(store, user, inventory, "moderate")
    with store.transaction() as con:
        p = _pending(con, proposal_id)
        values = {**p["fields"], **(edits or {})}
        if p["kind"] == "new":
            aid = values.get("actor_id") or records.new_id("A")
            values = {"source": "contribution", "active": True, **values, "actor_id": aid}
            cs = records.save(store, user, inventory, "actors", values, create=True,
                              origin="contribution", action="moderate", con=con)
        else:
            aid = p["record_id"]
            if version is None:
                version = records.version_of(records._fetch(con, p["inv_id"], "actors",
                                                            {"actor_id": aid}) or {})
            cs = records.save(store, user, inventory, "actors", {**values, "actor_id": aid},
                              version=version, origin="contribution", action="moderate", con=con)
        _decide(con, proposal_id, "accepted", user, None, aid, cs)
    audit.event("moderation.accept", user, inventory, proposal=proposal_id, record=aid, change_set=cs)
    return aid


def merge(store, user: access.User, proposal_id: str, actor_id: str, edits: dict | None = None, *,
          version: str | None = None) -> str:
    """Merge a proposed actor into an existing one: the actor's empty fields take the
    proposal's values (and ``edits`` override anything). Returns the change set."""
    inventory = get(store, proposal_id)["inventory"]
    access.require(store, user, inventory, "moderate")
    with store.transaction() as con:
        p = _pending(con, proposal_id)
        current = records._fetch(con, p["inv_id"], "actors", {"actor_id": actor_id})
        if current is None:
            raise records.RecordNotFound("actors", actor_id)
        fill = {k: v for k, v in p["fields"].items() if current.get(k) is None}
        cs = records.save(store, user, inventory, "actors",
                          {**fill, **(edits or {}), "actor_id": actor_id},
                          version=version or records.version_of(current), origin="contribution",
                          action="moderate", con=con)
        _decide(con, proposal_id, "merged", user, None, actor_id, cs)
    audit.event("moderation.merge", user, inventory, proposal=proposal_id, record=actor_id,
                change_set=cs)
    return cs


def reject(store, user: access.User, proposal_id: str, reason: str) -> None:
    """Reject a proposal; the reason is required and kept."""
    inventory = get(store, proposal_id)["inventory"]
    access.require(store, user, inventory, "moderate")
    reason = records._clean("actors", {"description": reason}).get("description")
    if not reason:
        raise ContributionRefused("a rejection needs a reason", "contrib.reason")
    with store.transaction() as con:
        _pending(con, proposal_id)
        _decide(con, proposal_id, "rejected", user, reason, None, None)
    audit.event("moderation.reject", user, inventory, proposal=proposal_id, reason=reason)


__all__ = ["ContributionRefused", "FIELDS", "MAX_BYTES", "MAX_CHARS", "RATE", "accept",
           "duplicates", "get", "merge", "propose", "queue", "reject"]
