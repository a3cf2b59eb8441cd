"""Actor profile: everything the inventory says about one actor.

Used by the "Acteur" page (reached from map popups, network nodes, rankings).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ecosystem.storage.store import InventoryRef, Store


def _codes(value) -> list:
    """A list cell as a list (a NULL list, read as ``pd.NA`` or ``None``, is empty)."""
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return list(value)
    return []


class ActorNotFound(KeyError):
    pass


@dataclass
class ActorProfile:
    record: dict
    territory: dict
    projects: pd.DataFrame          # project_id, title, stage, domains, role, start_year, active
    partners: pd.DataFrame          # actor_id, name, actor_type, commune_code, shared_projects
    fundings_received: pd.DataFrame  # funding_id, project_id, title, funder, amount, year, kind
    fundings_given: pd.DataFrame
    memberships: pd.DataFrame       # network or member: actor_id, name, since_year, relation
    declared: pd.DataFrame          # declared partnerships: actor_id, name, kind, since_year
    scores: pd.DataFrame            # criterion_id, mean_score, n_scored, n_not_assessed
    figures: dict = field(default_factory=dict)


def actor_profile(store: Store, ref: InventoryRef, actor_id: str) -> ActorProfile:
    from ecosystem import access, model

    access.require_records(ref)  # an inventory seen as aggregates only has no cards
    from ecosystem.storage import derived

    # the inventory's row (the derived copy leaves free text, identifiers and personal
    # fields out: derived.DROPPED), then the derived columns (territories, links, flags)
    rec = store.query(f"SELECT a.*, {', '.join('d.' + c for c in derived.ACTOR_ADDED)} "
                      f"FROM {ref.actors} a JOIN {ref.derived('d_actors')} d USING (actor_id) "
                      "WHERE a.actor_id = ?", [actor_id])
    if rec.empty:
        raise ActorNotFound(actor_id)
    record = rec.iloc[0].to_dict()
    if not ref.personal:
        for col in model.personal_columns("actors"):
            record.pop(col, None)
    record["domains"] = _codes(record.get("domains"))

    geo = store.geo
    territory = {}
    code = record.get("commune_code")
    if isinstance(code, str) and code in geo.communes.index:
        parents = geo.commune_parents(code)
        territory = {"commune": (code, geo.name("commune", code))}
        for level in ("epci", "departement", "region"):
            if parents[level]:
                territory[level] = (parents[level], geo.name(level, parents[level]))

    p, pa, fu = ref.table("projects"), ref.table("partners"), ref.table("fundings")
    projects = store.query(f"""
        SELECT p.project_id, p.title, p.stage, coalesce(p.domains, []) AS domains,
               'lead' AS role, p.start_year,
               p.end_year, p.active, p.commune_code
        FROM {p} p WHERE p.lead_actor_id = ?
        UNION ALL
        SELECT p.project_id, p.title, p.stage, coalesce(p.domains, []) AS domains, pa.role,
               p.start_year, p.end_year,
               p.active, p.commune_code
        FROM {pa} pa JOIN {p} p USING (project_id) WHERE pa.actor_id = ?
        ORDER BY start_year DESC NULLS LAST, project_id""", [actor_id, actor_id])
    projects["domains"] = [_codes(v) for v in projects.domains]  # NULL: no domain
    partners = store.query(f"""
        WITH mine AS (SELECT project_id FROM {p} WHERE lead_actor_id = ?
                      UNION SELECT project_id FROM {pa} WHERE actor_id = ?),
        members AS (SELECT project_id, lead_actor_id AS actor_id FROM {p}
                    WHERE project_id IN (SELECT project_id FROM mine)
                    UNION SELECT project_id, actor_id FROM {pa}
                    WHERE project_id IN (SELECT project_id FROM mine))
        SELECT m.actor_id, a.name, a.actor_type, a.commune_code,
               count(DISTINCT m.project_id) AS shared_projects
        FROM members m JOIN {ref.actors} a USING (actor_id)
        WHERE m.actor_id <> ? GROUP BY ALL ORDER BY shared_projects DESC, a.name""",
                            [actor_id, actor_id, actor_id])
    received = store.query(f"""
        SELECT f.funding_id, f.project_id, p.title, coalesce(fa.name, f.funder_name) AS funder,
               f.funder_actor_id, f.amount_eur, f.year, f.kind, f.origin
        FROM {fu} f JOIN {p} p USING (project_id)
        LEFT JOIN {ref.actors} fa ON fa.actor_id = f.funder_actor_id
        WHERE p.lead_actor_id = ? ORDER BY f.year DESC NULLS LAST""", [actor_id])
    given = store.query(f"""
        SELECT f.funding_id, f.project_id, p.title, la.name AS beneficiary, p.lead_actor_id,
               f.amount_eur, f.year, f.kind, f.origin
        FROM {fu} f JOIN {p} p USING (project_id)
        LEFT JOIN {ref.actors} la ON la.actor_id = p.lead_actor_id
        WHERE f.funder_actor_id = ? ORDER BY f.year DESC NULLS LAST""", [actor_id])
    ms = ref.table("memberships")
    memberships = store.query(f"""
        SELECT m.network_id AS actor_id, a.name, m.since_year, 'member_of' AS relation
        FROM {ms} m JOIN {ref.actors} a ON a.actor_id = m.network_id WHERE m.actor_id = ?
        UNION ALL
        SELECT m.actor_id, a.name, m.since_year, 'has_member' AS relation
        FROM {ms} m JOIN {ref.actors} a ON a.actor_id = m.actor_id WHERE m.network_id = ?
        ORDER BY relation, name""", [actor_id, actor_id])
    ps = ref.table("partnerships")
    declared = store.query(f"""
        SELECT CASE WHEN d.actor_id_a = ? THEN d.actor_id_b ELSE d.actor_id_a END AS actor_id,
               a.name, d.kind, d.since_year
        FROM {ps} d JOIN {ref.actors} a
          ON a.actor_id = CASE WHEN d.actor_id_a = ? THEN d.actor_id_b ELSE d.actor_id_a END
        WHERE ? IN (d.actor_id_a, d.actor_id_b) ORDER BY a.name""", [actor_id] * 3)
    scores = store.query(f"""
        SELECT s.criterion_id, avg(s.score) AS mean_score, count(s.score) AS n_scored,
               count(*) - count(s.score) AS n_not_assessed
        FROM {ref.table('scores')} s JOIN {p} p USING (project_id)
        WHERE p.lead_actor_id = ? GROUP BY 1 ORDER BY 1""", [actor_id])
    figures = {
        "projects_led": int((projects.role == "lead").sum()),
        "projects_partner": int((projects.role != "lead").sum()),
        "partners": len(partners),
        "funding_received": float(received.amount_eur.sum()) if len(received) else 0.0,
        "funding_given": float(given.amount_eur.sum()) if len(given) else 0.0,
    }
    return ActorProfile(record, territory, projects, partners, received, given, memberships,
                        declared, scores, figures)


def search_actors(store: Store, ref: InventoryRef, text: str, limit: int = 50) -> pd.DataFrame:
    """Actors whose name contains ``text`` (accent- and case-insensitive) or whose id,
    SIREN or RNA id equals it."""
    from ecosystem import access

    access.require_records(ref)
    text = (text or "").strip()
    if not text:
        return pd.DataFrame(columns=["actor_id", "name", "actor_type", "commune_code"])
    return store.query(f"""
        SELECT actor_id, name, actor_type, commune_code FROM {ref.actors}
        WHERE strip_accents(lower(name)) LIKE '%' || strip_accents(lower(?)) || '%'
           OR actor_id = ? OR siren = ? OR rna_id = ?
        ORDER BY length(name) LIMIT {int(limit)}""", [text] * 4)


class ProjectNotFound(KeyError):
    pass


@dataclass
class ProjectProfile:
    record: dict                    # the project's row (domains as a list)
    lead: tuple[str, str | None]    # (lead_actor_id, its name; None when unknown)
    partners: pd.DataFrame          # actor_id, name, actor_type, role
    fundings: pd.DataFrame          # funding_id, funder, funder_actor_id, amount_eur, year, kind, origin
    figures: dict = field(default_factory=dict)


def project_profile(store: Store, ref: InventoryRef, project_id: str) -> ProjectProfile:
    """Everything the inventory says about one project (the project card). Refused on
    an inventory seen as aggregates only, as the actor card is."""
    from ecosystem import access

    access.require_records(ref)
    p = ref.table("projects")
    rec = store.query(f"SELECT * FROM {p} WHERE project_id = ?", [project_id])
    if rec.empty:
        raise ProjectNotFound(project_id)
    record = rec.iloc[0].to_dict()
    record["domains"] = _codes(record.get("domains"))
    lead_id = record.get("lead_actor_id")
    lead_name = store.query(f"SELECT name FROM {ref.actors} WHERE actor_id = ?", [lead_id])
    partners = store.query(f"""
        SELECT pa.actor_id, a.name, a.actor_type, pa.role
        FROM {ref.table('partners')} pa LEFT JOIN {ref.actors} a USING (actor_id)
        WHERE pa.project_id = ? ORDER BY a.name NULLS LAST, pa.actor_id""", [project_id])
    fundings = store.query(f"""
        SELECT f.funding_id, coalesce(fa.name, f.funder_name) AS funder, f.funder_actor_id,
               f.amount_eur, f.year, f.kind, f.origin
        FROM {ref.table('fundings')} f LEFT JOIN {ref.actors} fa ON fa.actor_id = f.funder_actor_id
        WHERE f.project_id = ? ORDER BY f.year DESC NULLS LAST, f.funding_id""", [project_id])
    figures = {"partners": len(partners), "fundings": len(fundings),
               "funding_total": float(fundings.amount_eur.sum()) if len(fundings) else 0.0}
    return ProjectProfile(record, (lead_id, lead_name.name.iloc[0] if len(lead_name) else None),
                          partners, fundings, figures)
