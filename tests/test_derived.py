"""Derived tables: the lead's actor type on projects, the SIRET flag on actors, and
the rebuild of derived tables written before those columns existed."""

import dataclasses

from tests import fixtures


def _tiny_with_siret(store):
    data = fixtures.tiny()
    actors = data.actors.copy()
    actors.loc[actors.actor_id == "A3", "siret"] = "73282932000074"
    store.create("tiny", dataclasses.replace(data, actors=actors), validate=False)
    return store.ref("tiny")


def test_projects_carry_their_lead_s_actor_type(tiny_store):
    ref = tiny_store.ref("tiny")
    got = dict(tiny_store.con.execute(
        f"SELECT project_id, lead_type FROM {ref.derived('d_projects')}").fetchall())
    # leads: P1 A1, P2 A2, P4 A7 (associations), P3 A6 (SCOP), P5 A5 (commune)
    assert got == {"P1": "association", "P2": "association", "P3": "social_enterprise",
                   "P4": "association", "P5": "local_authority"}


def test_actors_say_whether_they_have_a_siret(store):
    ref = _tiny_with_siret(store)
    flagged = [r[0] for r in store.con.execute(
        f"SELECT actor_id FROM {ref.derived('d_actors')} WHERE has_siret ORDER BY 1").fetchall()]
    assert flagged == ["A3"]


def test_derived_tables_without_the_new_columns_are_rebuilt(tiny_store):
    ref = tiny_store.ref("tiny")
    tiny_store.con.execute(f"ALTER TABLE {ref.derived('d_projects')} DROP COLUMN lead_type")
    tiny_store.con.execute(f"ALTER TABLE {ref.derived('d_actors')} DROP COLUMN has_siret")
    ref = tiny_store.ref("tiny")  # an older store opened by this version
    assert tiny_store.scalar(f"SELECT lead_type FROM {ref.derived('d_projects')} "
                             f"WHERE project_id = 'P5'") == "local_authority"
    assert tiny_store.scalar(f"SELECT count(*) FROM {ref.derived('d_actors')} "
                             f"WHERE NOT has_siret") == 10


def test_domain_filter_uses_the_bit_mask_and_finds_the_same_rows(tiny_store):
    from ecosystem.analysis.view import Filters, View
    ref = tiny_store.ref("tiny")
    bits = dict(tiny_store.con.execute(
        f"SELECT actor_id, domain_bits FROM {ref.derived('d_actors')}").fetchall())
    from ecosystem import vocabulary as voc
    codes = voc.DOMAINS.codes
    # A6: ecological_transition and employment, nothing else
    assert bits["A6"] == (1 << codes.index("ecological_transition")) | (1 << codes.index("employment"))
    view = View(tiny_store, ref, Filters(domains=("food", "culture")))
    sql = view.sql(" SELECT 1")
    assert "domain_bits" in sql.text and "list_has_any" not in sql.text
    # food: A2 (actor), P1 and P2 (projects); culture: A10
    got = view.query("SELECT (SELECT string_agg(actor_id, ',' ORDER BY actor_id) FROM fa) AS a, "
                     "(SELECT string_agg(project_id, ',' ORDER BY project_id) FROM fp) AS p")
    assert got.iloc[0].tolist() == ["A10,A2", "P1,P2"]


def test_derived_rows_are_stored_by_territory(tiny_store):
    ref = tiny_store.ref("tiny")
    deps = [r[0] for r in tiny_store.con.execute(
        f"SELECT dep FROM {ref.derived('d_actors')}").fetchall()]
    # by région: 01 (Guadeloupe: A7), 44 (Grand Est: A10 in Meuse), 52 (Loire-Atlantique:
    # A1 A2 A3 A4 A9), 93 (Bouches-du-Rhône: A5 A6 A8)
    assert deps == ["971", "55", "44", "44", "44", "44", "44", "13", "13", "13"]


# ------------------------------------------------- participations (issue 15)
#: tests/fixtures.tiny()'s ten participations, stored by their actor's territory
#: (région, département, EPCI, commune, actor, project), worked out by hand:
#: région 01 Guadeloupe: A7 (Les Abymes); 52 Pays de la Loire, Nantes Métropole:
#: A1, A3, A4 (Nantes 44109), A2 (Saint-Herblain 44162); 93 Provence-Alpes-Côte
#: d'Azur, Aix-Marseille-Provence: A6 (Aix 13001), A5 (Marseille 13055)
MEMBERS = [
    # actor, project, participants, actor's dep, actor's type, project's stage, lead's type
    ("A7", "P4", 1, "971", "association", "evaluation", "association"),
    ("A1", "P1", 3, "44", "association", "experimentation", "association"),
    ("A1", "P2", 2, "44", "association", "emergence", "association"),
    ("A3", "P1", 3, "44", "company", "experimentation", "association"),
    ("A4", "P1", 3, "44", "research", "experimentation", "association"),
    ("A2", "P2", 2, "44", "association", "emergence", "association"),
    ("A6", "P3", 2, "13", "social_enterprise", "diffusion", "social_enterprise"),
    ("A6", "P5", 2, "13", "social_enterprise", "experimentation", "local_authority"),
    ("A5", "P3", 2, "13", "local_authority", "diffusion", "social_enterprise"),
    ("A5", "P5", 2, "13", "local_authority", "experimentation", "local_authority"),
]


def test_participations_carry_their_actor_s_territory_and_their_project_s_filter_columns(tiny_store):
    ref = tiny_store.ref("tiny")
    rows = tiny_store.con.execute(
        f"SELECT actor_id, project_id, n_members, dep, actor_type, stage, lead_type "
        f"FROM {ref.derived('d_members')}").fetchall()
    assert rows == MEMBERS  # in storage order
    from ecosystem import vocabulary as voc
    codes = voc.DOMAINS.codes
    bits = lambda *ds: sum(1 << codes.index(d) for d in ds)  # noqa: E731
    got = {(r[0], r[1]): r[2:] for r in tiny_store.con.execute(
        f"SELECT actor_id, project_id, actor_bits, domain_bits, start_year, end_year, reg, epci "
        f"FROM {ref.derived('d_members')}").fetchall()}
    # A1 (poverty, social cohesion) in P2 (food, 2024–); A7 (poverty) in P4 (2015–2019)
    assert got["A1", "P2"] == (bits("poverty", "social_cohesion"), bits("food"), 2024, None,
                               "52", "244400404")
    assert got["A7", "P4"] == (bits("poverty"), bits("poverty"), 2015, 2019, "01", "200018653")


def test_associations_count_their_declared_partnerships_with_companies(store):
    data = fixtures.tiny()
    # A1 (association) – A3 (company) is in the fixture; add A3 – A2 (the association
    # second), A2 – A6 (a social enterprise: not a company) and A1 – A4 (research)
    extra = fixtures.frame([
        dict(actor_id_a="A3", actor_id_b="A2", kind="mécénat", source="test"),
        dict(actor_id_a="A2", actor_id_b="A6", kind="achat", source="test"),
        dict(actor_id_a="A1", actor_id_b="A4", kind="étude", source="test"),
    ])
    partnerships = fixtures.pd.concat([data.partnerships, extra], ignore_index=True)
    store.create("tiny", dataclasses.replace(data, partnerships=partnerships), validate=False)
    ref = store.ref("tiny")
    got = dict(store.con.execute(f"SELECT actor_id, declared_ac FROM {ref.derived('d_actors')} "
                                 f"WHERE declared_ac > 0").fetchall())
    assert got == {"A1": 1, "A2": 1}  # A3 is the company of both pairs: not counted


# ------------------------------- the actors' summaries of their projects (issue 15)
#: per actor of tests/fixtures.tiny(), worked out by hand from MEMBERS and the
#: projects' years (P1 2021–, P2 2024–, P3 2016–, P4 2015–2019, P5 2022–): the bit
#: mask of its projects' stages (emergence 1, experimentation 2, diffusion 4,
#: evaluation 8), the earliest start, the latest end (no end: 9999); A8, A9 and A10
#: are in no project
ACTOR_PROJECTS = {
    "A1": (2 | 1, 2021, 9999),   # P1 experimentation, P2 emergence
    "A2": (1, 2024, 9999),       # P2
    "A3": (2, 2021, 9999),       # P1
    "A4": (2, 2021, 9999),       # P1
    "A5": (4 | 2, 2016, 9999),   # P3 diffusion, P5 experimentation
    "A6": (4 | 2, 2016, 9999),   # P3, P5
    "A7": (8, 2015, 2019),       # P4 evaluation, ended 2019
    "A8": (None, None, None), "A9": (None, None, None), "A10": (None, None, None),
}


def test_actors_sum_up_the_stages_and_years_of_their_projects(tiny_store):
    ref = tiny_store.ref("tiny")
    got = {r[0]: r[1:] for r in tiny_store.con.execute(
        f"SELECT actor_id, proj_stage_bits, proj_start_min, proj_end_max "
        f"FROM {ref.derived('d_actors')}").fetchall()}
    assert got == ACTOR_PROJECTS


#: the derived actors' columns, worked out from model.ACTORS minus the free text,
#: identifiers and personal fields no analysis of a view reads, then the additions
D_ACTORS_COLUMNS = ["actor_id", "name", "actor_type", "domains", "commune_code", "lat", "lon",
                    "creation_year", "closing_year", "employees", "volunteers", "active",
                    "ess_family", "reg", "dep", "epci", "links_all", "has_siret", "domain_bits",
                    "declared_ac", "proj_stage_bits", "proj_start_min", "proj_end_max"]


def _with_text_fields(store):
    data = fixtures.tiny()
    actors = data.actors.copy()
    a3 = actors.actor_id == "A3"
    actors.loc[a3, "siret"] = "73282932000074"
    actors.loc[a3, "website"] = "https://durand.example"
    actors.loc[a3, "description"] = "Transport et logistique"
    actors.loc[a3, "address"] = "3 quai de la Fosse"
    actors.loc[a3, "contact_email"] = "contact@durand.example"
    store.create("tiny", dataclasses.replace(data, actors=actors), validate=False)
    return store.ref("tiny")


def test_derived_actors_leave_out_free_text_identifiers_and_personal_fields(store):
    ref = _with_text_fields(store)
    got = store.query(f"SELECT * FROM {ref.derived('d_actors')} ORDER BY actor_id")
    assert got.columns.tolist() == D_ACTORS_COLUMNS
    a3 = got.set_index("actor_id").loc["A3"]
    # the flag is still read from the SIRET the table no longer holds
    assert bool(a3.has_siret) and (a3.reg, a3.dep, a3["name"]) == ("52", "44", "Durand Logistique")
    assert got.has_siret.sum() == 1


def test_derived_actors_of_an_older_layout_are_rebuilt_without_those_columns(store):
    ref = _with_text_fields(store)
    # an older version stored the whole actor row in d_actors
    store.con.execute(f"ALTER TABLE {ref.derived('d_actors')} ADD COLUMN IF NOT EXISTS website VARCHAR")
    ref = store.ref("tiny")  # opened by this version
    cols = store.query(f"SELECT * FROM {ref.derived('d_actors')} LIMIT 0").columns.tolist()
    assert cols == D_ACTORS_COLUMNS


def test_actor_card_reads_the_left_out_fields_from_the_inventory(store):
    from ecosystem.analysis.profiles import actor_profile

    ref = _with_text_fields(store)
    rec = actor_profile(store, ref, "A3").record
    assert (rec["siren"], rec["siret"], rec["website"], rec["description"], rec["address"],
            rec["contact_email"]) == ("732829320", "73282932000074", "https://durand.example",
                                      "Transport et logistique", "3 quai de la Fosse",
                                      "contact@durand.example")
    # the same fields, in the same order, as when the card read the whole derived row:
    # the inventory's columns, then the derived ones
    from ecosystem import model
    assert list(rec) == model.TABLES["actors"].column_names + [
        "reg", "dep", "epci", "links_all", "has_siret", "domain_bits", "declared_ac",
        "proj_stage_bits", "proj_start_min", "proj_end_max"]
    # A3 is a partner of P1 (3 participants: 2 links), SIRET set, domain employment
    assert (rec["dep"], rec["links_all"], bool(rec["has_siret"])) == ("44", 2, True)
