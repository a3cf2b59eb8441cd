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
