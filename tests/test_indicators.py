"""Every SQL indicator against values computed by hand on tests/fixtures.tiny().

See the fixture's docstring for the inventory. Per project (participants, links,
cross-type links, association×company pairs, research partner):
P1 {A1 assoc, A3 company, A4 research}: 3 links, 3 cross, 1 assoc-company, research
P2 {A2 assoc, A1 assoc}: 1 link, 0 cross
P3 {A6 social_enterprise, A5 local_authority}: 1 link, 1 cross
P4 {A7}: 0 link
P5 {A5, A6}: 1 link, 1 cross
"""

import math

import pytest

from ecosystem.analysis import indicators as I
from ecosystem import vocabulary as voc
from ecosystem.analysis.view import Filters, View

LN17 = math.log(17)


@pytest.fixture
def tiny(tiny_store):
    return tiny_store, tiny_store.ref("tiny")


@pytest.fixture
def deps(tiny):
    store, ref = tiny
    return I.compute(View(store, ref, Filters()), "departement").set_index("code")


def test_loire_atlantique(deps, geo):
    d = deps.loc["44"]
    pop = geo.population("departement", "44")
    assert d.actors == 5                                  # A1 A2 A3 A4 A9
    assert d.associations_share == pytest.approx(0.4)     # A1, A2
    assert d.actor_types == 4                             # assoc, company, research, network
    assert d.projects == 2 and d.active_projects == 2     # P1, P2
    assert d.projects_experimentation_per_100k == pytest.approx(1e5 / pop)
    assert d.projects_emergence_per_100k == pytest.approx(1e5 / pop)
    assert d.projects_diffusion_per_100k == 0
    assert d.white_zones == 15                            # poverty and food covered
    # domain counts poverty 1, food 2 -> p = 1/3, 2/3
    h = -(1 / 3 * math.log(1 / 3) + 2 / 3 * math.log(2 / 3)) / LN17
    assert d.domain_diversity == pytest.approx(h)
    assert d.funding_total == 15000                       # F1 + F2 on P1
    assert d.funding_per_inhabitant == pytest.approx(15000 / pop)
    assert d.funding_private_share == 1 and d.funding_public_share == 0
    assert d.hybridity == pytest.approx(0.0)              # a single origin
    assert d.beneficiaries == 340 and d.jobs_fte == 2.0 and d.volunteers == 32
    assert d.jobs_per_10k == pytest.approx(2.0 * 1e4 / pop)
    # links of actors in 44: A1 2+1, A2 1, A3 2, A4 2, A9 0 -> 8 / 5
    assert d.partners_per_actor == pytest.approx(1.6)
    assert d.cross_type_share == pytest.approx(3 / 4)     # P1 3 of 3, P2 0 of 1
    assert d.research_share == pytest.approx(0.5)         # P1 of P1, P2
    assert d.assoc_company_links == 2                     # P1 pair + declared A1–A3
    assert d.grid_assessed_share == pytest.approx(0.5)    # P1 scored, P2 not
    assert d.grid_mean == pytest.approx(2.5)              # (3 + 2) / 2, "not assessed" left out


def test_bouches_du_rhone(deps):
    d = deps.loc["13"]
    assert (d.actors, d.projects) == (3, 2)               # A5 A6 A8; P3 P5
    assert d.funding_total == 90000
    assert d.funding_public_share == pytest.approx(60000 / 90000)
    assert d.funding_earned_share == pytest.approx(30000 / 90000)
    # shares 2/3, 0, 1/3 -> (1 - (4/9 + 1/9)) * 3/2
    assert d.hybridity == pytest.approx((1 - 5 / 9) * 1.5)
    assert d.cross_type_share == 1.0
    assert d.research_share == 0
    assert d.partners_per_actor == pytest.approx(4 / 3)   # A5 2, A6 2, A8 0
    assert d.grid_mean == pytest.approx(2.0)              # P3: (1 + 3) / 2


def test_overseas_inactive_project_and_empty_territories(deps):
    gua = deps.loc["971"]                                 # Guadeloupe: A7, P4 ended in 2019
    assert gua.actors == 1 and gua.projects == 1 and gua.active_projects == 0
    assert gua.white_zones == 17                          # no active project at all
    assert math.isnan(gua.cross_type_share)               # no link: undefined, not 0
    assert gua.research_share == 0
    assert math.isnan(gua.hybridity) and gua.funding_per_inhabitant == 0
    meuse = deps.loc["55"]                                # A10 only, no project
    assert meuse.actors == 1 and meuse.projects == 0 and meuse.white_zones == 17
    assert math.isnan(meuse.research_share) and math.isnan(meuse.domain_diversity)
    assert deps.loc["75"].actors == 0 and deps.loc["75"].actors_per_10k == 0


def test_zero_population_commune_is_undefined_not_infinite(tiny):
    store, ref = tiny
    c = I.for_territory(View(store, ref, Filters()), "commune", "55039")
    assert c.population == 0 and c.actors == 1
    assert math.isnan(c.actors_per_10k) and math.isnan(c.projects_per_100k)


def test_national_reference(tiny, geo):
    store, ref = tiny
    n = I.national(View(store, ref, Filters()))
    assert (n.actors, n.projects) == (10, 5)
    assert n.population == geo.population("france")
    assert n.cross_type_share == pytest.approx(5 / 6)     # 6 links, 5 crossing types
    assert n.research_share == pytest.approx(1 / 5)
    assert n.assoc_company_links == 2
    total = 105000
    shares = (60000 / total, 15000 / total, 30000 / total)
    assert n.hybridity == pytest.approx((1 - sum(s * s for s in shares)) * 1.5)
    assert n.partners_per_actor == pytest.approx(12 / 10)
    assert n.white_zones == 13                            # poverty, food, eco. transition, employment
    assert (n.beneficiaries, n.jobs_fte, n.volunteers) == (2100, 17.5, 67)
    assert n.grid_assessed_share == pytest.approx(2 / 5)
    assert n.grid_mean == pytest.approx(9 / 4)


def test_levels_add_up(tiny):
    store, ref = tiny
    for level in ("region", "departement", "epci", "commune"):
        df = I.compute(View(store, ref, Filters()), level)
        assert df.n_actors.sum() == 10 and df.n_projects.sum() == 5, level
        assert df.funding_total.sum() == 105000, level


def test_project_filters_change_links(tiny):
    store, ref = tiny
    n = I.national(View(store, ref, Filters(stages=("experimentation",))))
    # P1 and P5; actors A1 A3 A4 (2 links each in P1), A5 A6 (1 each in P5)
    assert (n.actors, n.projects) == (5, 2)
    assert n.partners_per_actor == pytest.approx(8 / 5)
    assert n.funding_total == 55000


def test_within_parent_and_one_territory(tiny):
    store, ref = tiny
    df = I.compute(View(store, ref, Filters()), "departement", within=("region", "52"))
    assert set(df.code) == {"44", "49", "53", "72", "85"}
    epcis = I.compute(View(store, ref, Filters()), "commune", within=("epci", "244400404"))
    assert epcis.set_index("code").at["44109", "n_actors"] == 4  # A1 A3 A4 A9 in Nantes


def test_breakdowns(tiny):
    store, ref = tiny
    f = Filters(territory="departement:44")
    types = I.breakdown(View(store, ref, f), "actor_type").set_index("category")
    assert types.n.to_dict() == {"association": 2, "company": 1, "research": 1, "network": 1}
    assert types.share.sum() == pytest.approx(1.0)
    stages = I.breakdown(View(store, ref, Filters()), "stage", level="region").query("code == '93'")
    assert dict(zip(stages.category, stages.n)) == {"diffusion": 1, "experimentation": 1}
    money = I.breakdown(View(store, ref, Filters()), "funding_origin").set_index("category")
    assert money.n.to_dict() == {"public": 60000, "earned": 30000, "private": 15000}
    assert I.white_zones(View(store, ref, f)) == [d for d in voc.DOMAINS.codes if d not in ("poverty", "food")]


def test_grid_rollup_excludes_not_assessed(tiny):
    store, ref = tiny
    g = I.grid_rollup(View(store, ref, Filters()), by="territory", level="region")
    g = g.set_index(["code", "criterion_id"])
    assert g.loc[("52", "social_need"), "mean_score"] == 3
    assert g.loc[("52", "participation"), "n_scored"] == 0
    assert g.loc[("52", "participation"), "n_not_assessed"] == 1
    assert math.isnan(g.loc[("52", "participation"), "mean_score"])
    assert g.loc[("93", "scalability"), "mean_score"] == 3
    by_domain = I.grid_rollup(View(store, ref, Filters()), by="domain").set_index(
        ["code", "criterion_id"])
    # P1 (poverty, food) and P3 (ecological_transition, employment)
    assert by_domain.loc[("food", "social_impact"), "mean_score"] == 2
    assert by_domain.loc[("employment", "social_need"), "mean_score"] == 1


def test_every_sql_indicator_is_computed(tiny):
    store, ref = tiny
    df = I.compute(View(store, ref, Filters()), "region")
    for ind in I.INDICATORS.values():
        if ind.engine == "sql":
            assert ind.id in df.columns


def test_results_per_capita(deps, geo, tiny):
    d = deps.loc["44"]
    pop = geo.population("departement", "44")
    assert d.beneficiaries_per_10k == pytest.approx(340 * 1e4 / pop)   # P1 300 + P2 40
    assert d.volunteers_per_10k == pytest.approx(32 * 1e4 / pop)       # 20 + 12
    gua = deps.loc["971"]                                               # P4 ended, still counted
    assert gua.beneficiaries_per_10k == pytest.approx(500 * 1e4 / geo.population("departement", "971"))
    assert deps.loc["75"].beneficiaries_per_10k == 0                   # Paris: nothing
    store, ref = tiny
    c = I.for_territory(View(store, ref, Filters()), "commune", "55039")
    assert math.isnan(c.beneficiaries_per_10k) and math.isnan(c.volunteers_per_10k)


def test_totals_are_tagged_and_left_out_of_comparisons():
    totals = {i.id for i in I.INDICATORS.values() if "total" in i.tags}
    assert totals == {"actors", "projects", "active_projects", "funding_total", "beneficiaries",
                      "jobs_fte", "volunteers", "assoc_company_links", "ess_establishments",
                      "ess_employer_establishments", "ess_jobs", "ess_jobs_low", "ess_jobs_high",
                      "ess_establishments_association", "ess_establishments_cooperative",
                      "ess_establishments_mutual", "ess_establishments_foundation",
                      "ess_establishments_commercial", "projects_reaching_diffusion"}
    assert not totals & set(I.COMPARABLE_IDS)
    assert {"actors_per_10k", "hybridity", "white_zones"} <= set(I.COMPARABLE_IDS)


def test_format_value():
    assert I.format_value("cross_type_share", 0.75, "fr") == "75,0\u00a0%"
    assert I.format_value("cross_type_share", 0.75, "en") == "75.0%"
    assert I.format_value("actors_per_10k", 1234.567, "en", with_unit=True) == \
        "1,234.57 per 10,000 inh."
    assert I.format_value("hybridity", float("nan")) == "—"


@pytest.mark.parametrize("iid, lang, title", [
    ("jobs_fte", "fr", "Emplois créés (ETP)"),                       # not "(ETP) (ETP)"
    ("jobs_fte", "en", "Jobs created (FTE)"),
    ("actors_per_10k", "fr", "Acteurs pour 10 000 habitants"),        # "hab." starts "habitants"
    ("actors_per_10k", "en", "Actors per 10,000 inhabitants"),
    ("actors", "fr", "Acteurs"),
    ("associations_share", "fr", "Part des associations (%)"),         # a sign is always said
    ("jobs_per_10k", "fr", "Emplois créés pour 10 000 habitants (ETP pour 10 000 hab.)"),
    ("funding_per_inhabitant", "en", "Funding per inhabitant (€ / inh.)"),
])
def test_titled_says_the_unit_once(iid, lang, title):
    assert I.get(iid).titled(lang) == title


def test_labels_units_and_definitions_are_french_by_default():
    ind = I.get("actors_per_10k")
    assert ind.label() == ind.label("fr") == "Acteurs pour 10 000 habitants"
    assert ind.label("en") == "Actors per 10,000 inhabitants"
    assert ind.unit() == "pour 10 000 hab." and ind.unit("en") == "per 10,000 inh."
    assert ind.definition().startswith("Nombre d'acteurs rapporté à la population")
    assert ind.definition("en").startswith("Number of actors divided by the legal")


def test_format_value_defaults_missing_values_and_separators():
    assert I.format_value("actors_per_10k", 1234.567) == "1\u202f234,57"        # French, no unit
    assert I.format_value("actors_per_10k", 1234.567, "en") == "1,234.57"
    assert I.format_value("actors_per_10k", 2, "fr", with_unit=True) == "2,00 pour 10 000 hab."
    import pandas as pd
    assert I.format_value("hybridity", None) == "—"
    assert I.format_value("hybridity", pd.NA) == "—"


def test_network_indicators_are_merged_per_territory(tiny):
    store, ref = tiny
    # département 44: A1, A2, A3, A4, A9; links between two of them: P1 (A1-A3, A1-A4,
    # A3-A4), P2 (A1-A2), memberships of network A9 (A1-A9, A2-A9): n = 5, m = 6
    df = I.compute(View(store, ref, Filters()), "departement",
                   ids=["actors", "net_mean_degree", "net_density"]).set_index("code")
    assert df.at["44", "actors"] == 5
    assert df.at["44", "net_mean_degree"] == pytest.approx(2 * 6 / 5)
    assert df.at["44", "net_density"] == pytest.approx(6 / 10)
    assert math.isnan(df.at["75", "net_mean_degree"])                  # Paris: no actor
    assert len(df) == 101                                              # every département kept


def test_breakdown_per_territory_within_a_parent(tiny):
    store, ref = tiny
    df = I.breakdown(View(store, ref, Filters()), "actor_type", level="departement",
                     within=("region", "52"))
    # région 52 (Pays de la Loire): only Loire-Atlantique holds actors
    assert sorted(zip(df.code, df.category, df.n)) == [
        ("44", "association", 2), ("44", "company", 1), ("44", "network", 1), ("44", "research", 1)]


def test_grid_rollup_defaults_to_regions(tiny):
    store, ref = tiny
    g = I.grid_rollup(View(store, ref, Filters()))
    # scored projects: P1 (région 52: 3 criteria) and P3 (région 93: 2 criteria)
    assert list(zip(g.code, g.criterion_id)) == [
        ("52", "participation"), ("52", "social_impact"), ("52", "social_need"),
        ("93", "scalability"), ("93", "social_need")]


class _PlainStore:
    """A store without a view cache: the view's sets come as SQL with parameters."""

    def __init__(self, store):
        self.store = store

    def query(self, sql, params=None):
        return self.store.query(sql, params)


def test_breakdowns_of_domains_funding_per_region_and_the_scope_row(tiny):
    store, ref = tiny
    f = Filters(territory="departement:44")
    dom = I.breakdown(View(store, ref, f), "actor_domain")
    # A1 poverty, social_cohesion; A2 food; A3 employment; A4, A9 social_cohesion
    assert dom.columns.tolist() == ["code", "category", "n", "share"]
    assert dom.index.tolist() == [0, 1, 2, 3]
    assert set(dom.code) == {"scope"}
    assert dict(zip(dom.category, dom.n)) == {"social_cohesion": 3, "poverty": 1, "food": 1,
                                             "employment": 1}
    proj = I.breakdown(View(store, ref, f), "project_domain")
    assert dict(zip(proj.category, proj.n)) == {"food": 2, "poverty": 1}   # P1, P2
    money = I.breakdown(View(store, ref, Filters()), "funding_origin", level="region")
    assert sorted(zip(money.code, money.category, money.n)) == [
        ("52", "private", 15000), ("93", "earned", 30000), ("93", "public", 60000)]
    # a level drops the sidebar territory: every région is there
    stages = I.breakdown(View(store, ref, f), "stage", level="region")
    assert sorted(set(stages.code)) == ["01", "52", "93"]
    # "within" only applies with a level
    everyone = I.breakdown(View(store, ref, Filters()), "stage", within=("region", "52"))
    assert everyone.n.sum() == 5
    with pytest.raises(ValueError, match="^nope$"):
        I.breakdown(View(store, ref, f), "nope")


def test_breakdown_and_grid_rollup_pass_the_view_parameters(tiny):
    store, ref = tiny
    view = View(_PlainStore(store), ref, Filters(stages=("experimentation",)))
    stages = I.breakdown(view, "stage")
    assert dict(zip(stages.category, stages.n)) == {"experimentation": 2}   # P1, P5
    g = I.grid_rollup(view, by="domain")
    # scored experimentation project: P1 (poverty, food), 3 criteria each
    assert sorted(set(g.code)) == ["food", "poverty"] and len(g) == 6


def test_national_reference_with_network_indicators_and_parameters(tiny):
    store, ref = tiny
    # France: 10 actors; distinct links: P1 (A1-A3, A1-A4, A3-A4), P2 (A1-A2), P3/P5
    # (A5-A6), memberships (A1-A9, A2-A9), A8 funds P1 led by A1 (A1-A8): m = 8
    row = I.national(View(store, ref, Filters(territory="departement:44")),
                     ids=["actors", "net_mean_degree"])
    assert row["actors"] == 10                                        # the territory is dropped
    assert row["net_mean_degree"] == pytest.approx(2 * 8 / 10)
    plain = I.national(View(_PlainStore(store), ref, Filters(stages=("experimentation",))),
                       ids=["actors", "projects"])
    assert (plain["actors"], plain["projects"]) == (5, 2)             # P1, P5 and their actors


def test_compute_drops_the_territory_and_for_territory_keeps_the_ids_asked(tiny):
    store, ref = tiny
    df = I.compute(View(store, ref, Filters(territory="departement:44")), "departement",
                   ids=["actors"]).set_index("code")
    assert (df.at["13", "actors"], df.at["44", "actors"]) == (3, 5)    # A5 A6 A8; A1-A4 A9
    one = I.for_territory(View(store, ref, Filters()), "departement", "13", ids=["actors"])
    assert one["actors"] == 3 and "hybridity" not in one.index
    with pytest.raises(KeyError, match="departement:999"):
        I.for_territory(View(store, ref, Filters()), "departement", "999")


def test_compute_counts_links_within_the_filtered_projects_only(tiny):
    store, ref = tiny
    df = I.compute(View(store, ref, Filters(stages=("emergence",))), "departement",
                   ids=["partners_per_actor"]).set_index("code")
    # P2 only: A2 (lead) and A1 (partner), one link each in P2 (A1's two links in P1 do
    # not count): 2 / 2
    assert df.at["44", "partners_per_actor"] == pytest.approx(1.0)


def test_communes_within_a_departement_and_percent_in_french_by_default(tiny):
    store, ref = tiny
    df = I.compute(View(store, ref, Filters()), "commune", ids=["actors"],
                   within=("departement", "13"))
    assert df.code.str.startswith("13").all() and len(df) > 100        # Bouches-du-Rhône's
    got = df.set_index("code").actors
    assert (got["13055"], got["13001"]) == (2, 1)                      # A5 A8; A6
    assert I.format_value("cross_type_share", 0.75) == "75,0\u00a0%"


def test_white_zones_pass_the_view_parameters(tiny):
    store, ref = tiny
    view = View(_PlainStore(store), ref, Filters(territory="departement:44"))
    # active projects of Loire-Atlantique: P1 (poverty, food), P2 (food)
    assert I.white_zones(view) == [d for d in voc.DOMAINS.codes if d not in ("poverty", "food")]


def test_value_kind_and_money_read_in_euros_with_the_rest_of_the_unit():
    assert [I.value_kind(i) for i in ("associations_share", "funding_per_inhabitant",
                                      "funding_total", "actors_per_10k")] == \
        ["percent", "money", "money", "number"]
    # euros per inhabitant: 2 decimals, the currency sign where the language puts it
    assert I.format_value("funding_per_inhabitant", 1234.5, "fr") == "1\u202f234,50\u00a0€"
    assert I.format_value("funding_per_inhabitant", 1234.5, "fr", with_unit=True) == \
        "1\u202f234,50\u00a0€ / hab."
    assert I.format_value("funding_per_inhabitant", 1234.5, "en", with_unit=True) == \
        "€1,234.50 / inh."
    # a unit that is the sign alone adds nothing
    assert I.format_value("funding_total", 2500, "en", with_unit=True) == "€2,500"
    assert I.format_value("associations_share", 0.125) == "12,5\u00a0%"
    assert I.format_value("associations_share", 0.125, "en") == "12.5%"
    assert I.format_value("actors_per_10k", 1234.567, "en") == "1,234.57"
    import pandas as pd
    assert I.format_value("associations_share", pd.NA) == I.format_value("actors", None) == "—"


def test_count_units_are_singular_for_one_and_in_french_for_zero():
    assert [I.format_value("actors", n, "fr", with_unit=True) for n in (0, 1, 2)] == \
        ["0 acteur", "1 acteur", "2 acteurs"]
    assert [I.format_value("projects", n, "en", with_unit=True) for n in (0, 1, 2)] == \
        ["0 projects", "1 project", "2 projects"]
    # a rate's unit has no singular
    assert I.format_value("actors_per_10k", 1, "fr", with_unit=True) == "1,00 pour 10 000 hab."


def test_sample_base_per_group_and_fragile_below_five():
    # projects, needs, money, results, cooperation, grid: counted in projects
    assert [I.sample_base(i) for i in ("projects_per_100k", "white_zones", "funding_per_inhabitant",
                                       "beneficiaries", "partners_per_actor", "grid_assessed_share",
                                       "associations_share", "net_density", "ess_establishment_share")] \
        == ["projects"] * 6 + ["actors"] * 3
    assert [I.is_fragile("associations_share", n) for n in (0, 4, 4.9, 5, 6)] == \
        [True, True, True, False, False]
    assert not I.is_fragile("associations_share", None)
    assert not I.is_fragile("associations_share", float("nan"))
    assert not I.is_fragile("actors", 1)                        # a count is never fragile


def test_a_rate_s_formula_in_words_per_population():
    i = I.get("projects_per_100k")
    assert i.formula_words() == "nombre de projets ÷ population municipale × 100 000"
    assert i.formula_words("en") == "number of projects ÷ municipal population × 100,000"


def test_per_population_in_words_fr_and_en():
    # built once at import (FORMULA_WORDS), so called here
    assert I._per(("a", "b"), "10 000") == ("a ÷ population municipale × 10 000",
                                            "b ÷ municipal population × 10,000")


@pytest.mark.parametrize("changes, missing", [
    # only A1 (an association, of the ESS by its type) has a SIRET: no establishment
    # outside the ESS was imported
    ({1: {}}, True),
    # A3, a company, is an establishment outside the ESS: the share is defined
    ({1: {}, 3: {}}, False),
    # ... unless it is closed
    ({1: {}, 3: {"active": False}}, True),
    # an association whose legal category is outside the ESS (family "none") is outside
    ({1: {}, 2: {"ess_family": "none"}}, False),
    # a company of an ESS family is of the ESS
    ({3: {"ess_family": "cooperative"}}, True),
    # no SIRET at all: nothing imported from SIRENE
    ({}, False)])
def test_the_ess_share_is_undefined_when_only_the_ess_was_imported(store, changes, missing):
    from tests.fixtures import tiny as tiny_data

    data = tiny_data()
    for row, values in changes.items():                    # rows 1.. are A1..
        data.actors.loc[row, "siret"] = "73282932000074"
        for column, value in values.items():
            data.actors.loc[row, column] = value
    store.create("inv", data)
    assert I.denominator_missing(View(store, store.ref("inv"))) is missing


@pytest.fixture(scope="module")
def polygons(tmp_path_factory):
    """tests/zoning_fixtures.inventory() with its polygon zoning (NA, NE, MA)."""
    from ecosystem.geo import Geography
    from ecosystem.storage.store import Store
    from tests import zoning_fixtures as zf
    from tests.test_store_zonings import add_polygons

    from tests.fixtures import frame

    store = Store(tmp_path_factory.mktemp("ind_zoning") / "z.duckdb", geo=Geography())
    data = zf.inventory()
    # Q1 in NA, Q3 in MA, Q2 in no zone; Q1's scalability not assessed
    data.scores = frame([dict(project_id="Q1", criterion_id="social_need", score=3),
                         dict(project_id="Q1", criterion_id="scalability"),
                         dict(project_id="Q3", criterion_id="social_need", score=1),
                         dict(project_id="Q2", criterion_id="social_need", score=5)])
    store.create("inv", data)
    level = add_polygons(store)
    yield store, store.ref("inv"), level
    store.close()


def test_indicators_and_breakdowns_by_the_zones_of_a_user_zoning(polygons):
    store, ref, level = polygons
    view = View(store, ref, Filters())            # the view at the region level
    # actors by zone (zoning_fixtures.inventory): NA B1, B7 (associations); NE B2 (a
    # company); MA B4 (an association); B3, B5, B6 in no zone
    d = I.compute(view, level, ["actors", "associations_share"]).set_index("code")
    assert d.loc[["MA", "NA", "NE"], "actors"].tolist() == [1, 2, 1]
    assert d.loc[["MA", "NA", "NE"], "associations_share"].tolist() == [1.0, 1.0, 0.0]
    b = I.breakdown(view, "actor_type", level=level)
    assert [tuple(r) for r in b[b.code.notna()].itertuples(index=False)] == [
        ("MA", "association", 1.0, 1.0), ("NA", "association", 2.0, 1.0),
        ("NE", "company", 1.0, 1.0)]
    # within one zone of the zoning: its rows only
    b = I.breakdown(view, "actor_type", level=level, within=(level, "NA"))
    assert [tuple(r) for r in b.itertuples(index=False)] == [("NA", "association", 2.0, 1.0)]


def test_national_growth_as_of_a_year_reads_that_year_s_fundings(tiny):
    store, ref = tiny
    # as of 2022 (P1 from 2021, P3 from 2016, P5 from 2022 exist): fundings of 2022,
    # F2 5,000 + F5 40,000 = 45,000, against 2021's F1 10,000: (45,000 - 10,000) / 10,000
    row = I.national(View(store, ref, Filters(as_of=2022)), ["funding_growth"])
    assert row["funding_growth"] == pytest.approx(3.5)


def test_the_grid_rolled_up_by_the_zones_of_a_user_zoning(polygons):
    store, ref, level = polygons
    g = I.grid_rollup(View(store, ref, Filters()), "territory", level=level)
    g = g[g.code.notna()].astype(object).where(g.notna(), None)
    # (zone, criterion, mean score, scored, not assessed, projects)
    assert [tuple(r) for r in g.itertuples(index=False)] == [
        ("MA", "social_need", 1.0, 1, 0, 1), ("NA", "scalability", None, 0, 1, 1),
        ("NA", "social_need", 3.0, 1, 0, 1)]


def test_communes_within_a_departement_under_a_project_filter(tiny):
    store, ref = tiny
    # experimentation: P1 (Nantes 44109: A1 lead, A3, A4) and P5 (Marseille); the actors
    # of the view are their participants. Within Loire-Atlantique: Nantes only, each of
    # A1 A3 A4 with 2 links in P1 -> 6 / 3; Saint-Herblain (A2, P2 emergence) none
    df = I.compute(View(store, ref, Filters(stages=("experimentation",))), "commune",
                   ids=["actors", "projects", "partners_per_actor"],
                   within=("departement", "44")).set_index("code")
    assert (df.at["44109", "actors"], df.at["44109", "projects"]) == (3, 1)
    assert df.at["44109", "partners_per_actor"] == pytest.approx(2.0)
    assert (df.at["44162", "actors"], df.at["44162", "projects"]) == (0, 0)
    assert df.index.str.startswith("44").all()


def test_growth_per_departement_as_of_a_year_reads_that_year_s_fundings(tiny):
    store, ref = tiny
    # as of 2022, Loire-Atlantique's P1: F2 5,000 in 2022 against F1 10,000 in 2021:
    # (5,000 - 10,000) / 10,000; Bouches-du-Rhône: F5 40,000 in 2022, nothing in 2021
    df = I.compute(View(store, ref, Filters(as_of=2022)), "departement",
                   ids=["funding_growth"]).set_index("code")
    assert df.at["44", "funding_growth"] == pytest.approx(-0.5)
    assert df.at["44", "funding_year"] == 5000 and df.at["44", "funding_prev_year"] == 10000
    assert df.at["13", "funding_year"] == 40000 and df.at["13", "funding_prev_year"] == 0


def test_partners_per_actor_by_the_zones_of_a_user_zoning_under_a_project_filter(polygons):
    store, ref, level = polygons
    # every project is in emergence, so the filter keeps them all but makes the links
    # count per participation: Q1 {B1, B7} one link each (NA: 2 / 2); B2 (NE) leads Q2
    # alone, B4 (MA) Q3 alone
    view = View(store, ref, Filters(stages=("emergence",)))
    d = I.compute(view, level, ["actors", "partners_per_actor"]).set_index("code")
    assert d.loc[["MA", "NA", "NE"], "actors"].tolist() == [1, 2, 1]
    assert d.loc[["MA", "NA", "NE"], "partners_per_actor"].tolist() == [0.0, 1.0, 0.0]


def test_ess_jobs_read_a_staff_band_s_bounds_and_a_head_count_as_is(store):
    from tests.fixtures import tiny as tiny_data

    data = tiny_data()
    # A1 (association, Nantes) with 4 employees, the middle of SIRENE's band 02 (3 to 5);
    # A2 (association, Saint-Herblain) with 12, no band's middle: a head count
    for row, employees in ((1, 4.0), (2, 12.0)):           # rows 1.. are A1..
        data.actors.loc[row, "siret"] = "73282932000074"
        data.actors.loc[row, "employees"] = employees
    store.create("inv", data)
    df = I.compute(View(store, store.ref("inv")), "departement",
                   ["ess_jobs", "ess_jobs_low", "ess_jobs_high"]).set_index("code")
    assert df.loc["44", ["ess_jobs", "ess_jobs_low", "ess_jobs_high"]].tolist() == [16, 15, 17]
