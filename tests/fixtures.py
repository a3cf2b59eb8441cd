"""Small real inventories for tests, built record by record.

``tiny()`` is a hand-made inventory whose indicators can be computed by hand:

=========  ============================  =========================================
actor      type                          commune (population, légale)
=========  ============================  =========================================
A1         association                   Nantes 44109 (327,734)
A2         association                   Saint-Herblain 44162 (50,973)
A3         company                       Nantes 44109
A4         research                      Nantes 44109
A5         local_authority               Marseille 13055 (886,040)
A6         social_enterprise             Aix-en-Provence 13001 (149,695)
A7         association                   Les Abymes 97101 (51,055) — overseas
A8         funder                        Marseille 13055
A9         network                       Nantes 44109
A10        association                   Beaumont-en-Verdunois 55039 (population 0)
=========  ============================  =========================================

Projects: P1 (A1 lead, partners A3, A4; Nantes; experimentation), P2 (A2 lead,
partner A1; Saint-Herblain; emergence), P3 (A6 lead, partner A5; Aix;
diffusion), P4 (A7 lead; Les Abymes; evaluation, ended), P5 (A5 lead, partner
A6; Marseille; experimentation). Fundings, memberships and scores are listed
below with their amounts.
"""

from __future__ import annotations

import contextlib

import pandas as pd

from ecosystem.model import InventoryData


def frame(rows: list[dict]) -> pd.DataFrame:
    """Rows numbered from 1, like lines of a file."""
    return pd.DataFrame(rows, index=range(1, len(rows) + 1))


def tiny() -> InventoryData:
    actors = frame([
        dict(actor_id="A1", name="Entraide Nantes", actor_type="association",
             domains="poverty;social_cohesion", commune_code="44109", source="test"),
        dict(actor_id="A2", name="Jardins d'Herblain", actor_type="association",
             domains="food", commune_code="44162", source="test"),
        dict(actor_id="A3", name="Durand Logistique", actor_type="company",
             domains="employment", commune_code="44109", source="test", siren="732829320"),
        dict(actor_id="A4", name="Laboratoire ABC", actor_type="research",
             domains="social_cohesion", commune_code="44109", source="test"),
        dict(actor_id="A5", name="Commune de Marseille", actor_type="local_authority",
             domains="employment", commune_code="13055", source="test"),
        dict(actor_id="A6", name="SCOP Ressourcerie Aix", actor_type="social_enterprise",
             domains="ecological_transition;employment", commune_code="13001", source="test"),
        dict(actor_id="A7", name="Solidarité Abymes", actor_type="association",
             domains="poverty", commune_code="97101", source="test"),
        dict(actor_id="A8", name="Fonds solidaire Provence", actor_type="funder",
             domains="employment", commune_code="13055", source="test"),
        dict(actor_id="A9", name="Réseau Solidaire Ligérien", actor_type="network",
             domains="social_cohesion", commune_code="44109", source="test"),
        dict(actor_id="A10", name="Mémoire de Beaumont", actor_type="association",
             domains="culture", commune_code="55039", source="test"),
    ])
    projects = frame([
        dict(project_id="P1", title="Épicerie solidaire de Nantes", lead_actor_id="A1",
             stage="experimentation", domains="poverty;food", commune_code="44109",
             start_year=2021, active=True, beneficiaries=300, jobs_fte=2.0, volunteers=20,
             source="test"),
        dict(project_id="P2", title="Jardin partagé d'Herblain", lead_actor_id="A2",
             stage="emergence", domains="food", commune_code="44162", start_year=2024,
             active=True, beneficiaries=40, jobs_fte=0.0, volunteers=12, source="test"),
        dict(project_id="P3", title="Ressourcerie d'Aix", lead_actor_id="A6", stage="diffusion",
             domains="ecological_transition;employment", commune_code="13001", start_year=2016,
             active=True, beneficiaries=1200, jobs_fte=8.5, volunteers=5, source="test"),
        dict(project_id="P4", title="Aide alimentaire aux Abymes", lead_actor_id="A7",
             stage="evaluation", domains="poverty", commune_code="97101", start_year=2015,
             end_year=2019, active=False, beneficiaries=500, jobs_fte=1.0, volunteers=30,
             source="test"),
        dict(project_id="P5", title="Chantier d'insertion marseillais", lead_actor_id="A5",
             stage="experimentation", domains="employment", commune_code="13055",
             start_year=2022, active=True, beneficiaries=60, jobs_fte=6.0, volunteers=0,
             source="test"),
    ])
    partners = frame([
        dict(project_id="P1", actor_id="A3", role="financial"),
        dict(project_id="P1", actor_id="A4", role="research"),
        dict(project_id="P2", actor_id="A1", role="operational"),
        dict(project_id="P3", actor_id="A5", role="institutional"),
        dict(project_id="P5", actor_id="A6", role="operational"),
    ])
    fundings = frame([
        dict(funding_id="F1", project_id="P1", funder_actor_id="A8", funder_name="Fonds solidaire",
             amount_eur=10000.0, year=2021, kind="pret", origin="private"),
        dict(funding_id="F2", project_id="P1", funder_actor_id="A3", amount_eur=5000.0,
             year=2022, kind="mecenat", origin="private"),
        dict(funding_id="F3", project_id="P3", funder_actor_id="A5", amount_eur=20000.0,
             year=2017, kind="subvention", origin="public"),
        dict(funding_id="F4", project_id="P3", amount_eur=30000.0, year=2018, kind="recettes",
             origin="earned"),
        dict(funding_id="F5", project_id="P5", funder_actor_id="A5", amount_eur=40000.0,
             year=2022, kind="subvention", origin="public"),
    ])
    memberships = frame([
        dict(actor_id="A1", network_id="A9", since_year=2018),
        dict(actor_id="A2", network_id="A9", since_year=2020),
    ])
    partnerships = frame([
        dict(actor_id_a="A1", actor_id_b="A3", kind="mécénat de compétences", since_year=2020,
             source="test"),
    ])
    scores = frame([
        dict(project_id="P1", criterion_id="social_need", score=3, assessed_year=2023),
        dict(project_id="P1", criterion_id="social_impact", score=2, assessed_year=2023),
        dict(project_id="P1", criterion_id="participation", score=None, assessed_year=2023),
        dict(project_id="P3", criterion_id="social_need", score=1, assessed_year=2020),
        dict(project_id="P3", criterion_id="scalability", score=3, assessed_year=2020),
    ])
    return InventoryData(actors=actors, projects=projects, partners=partners, fundings=fundings,
                         memberships=memberships, partnerships=partnerships, scores=scores)


def workbook_bytes(sheets: dict[str, list[list]]) -> bytes:
    """An XLSX workbook with one sheet per entry (rows as lists), as bytes."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@contextlib.contextmanager
def second_replica(store, tmp_path, geo):
    """A second app replica on the store's database: another PostgresStore on the same
    PostgreSQL database (its own mirror file), or the same handle for a DuckDB file."""
    if store.backend != "postgresql":
        yield store
        return
    from ecosystem.storage.postgres import PostgresStore
    other = PostgresStore(store.url, mirror=tmp_path / "mirror2.duckdb", geo=geo)
    try:
        yield other
    finally:
        other.close()
