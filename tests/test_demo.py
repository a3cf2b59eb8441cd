"""Demo generator: deterministic, valid, and realistic enough to demo the product."""

import numpy as np
import pandas as pd

from ecosystem import demo, model
from ecosystem import vocabulary as voc


def test_same_seed_same_data_other_seed_other_data(geo, demo_small):
    again = demo.generate(600, seed=7, geo=geo)
    for kind, df in demo_small.tables().items():
        pd.testing.assert_frame_equal(df, again.tables()[kind], obj=kind)
    other = demo.generate(600, seed=8, geo=geo)
    assert not other.actors.name.equals(demo_small.actors.name)


def test_demo_is_valid(demo_small):
    _, issues = model.validate(demo_small)
    assert issues == []


def test_sizes(demo_small):
    assert len(demo_small.actors) == 600
    assert len(demo_small.projects) == 360  # 0.6 per actor by default


def test_type_mix_close_to_french_reality(geo):
    data = demo.generate(20000, seed=1, geo=geo)
    share = data.actors.actor_type.value_counts(normalize=True)
    assert share.idxmax() == "association"
    assert 0.74 < share["association"] < 0.82
    for typ, expected in demo.TYPE_MIX.items():
        assert abs(share[typ] - expected) < 0.015, typ
    # actors follow population: région counts correlate with populations
    reg = data.actors.commune_code.map(geo.communes.reg)
    counts = reg.value_counts().reindex(geo.table("region").code).fillna(0)
    corr = np.corrcoef(counts.values, geo.table("region").population.values.astype(float))[0, 1]
    assert corr > 0.95


def test_every_region_present_even_when_small(geo):
    data = demo.generate(100, seed=3, geo=geo)
    regions = set(data.actors.commune_code.map(geo.communes.reg))
    assert regions == set(geo.table("region").code)


def test_seed_organisations_are_present_in_their_communes(demo_small, geo):
    actors = demo_small.actors.set_index("actor_id")
    for aid, name, typ, commune, _, _ in demo.SEED_ORGANISATIONS:
        assert actors.at[aid, "name"] == name
        assert actors.at[aid, "actor_type"] == typ
        assert actors.at[aid, "commune_code"] == commune
    names = set(actors.name)
    for expected in ("URIOPSS Pays de la Loire", "FACE Loire-Atlantique", "Avise", "France Active",
                     "ESSEC", "Institut Godin", "OREAG", "URSCOP Languedoc-Roussillon"):
        assert expected in names
    assert geo.name("commune", actors.at["S-URIOPSS-PDL", "commune_code"]) == "Nantes"
    assert geo.name("commune", actors.at["S-LEST-CNRS", "commune_code"]) == "Aix-en-Provence"
    pairs = set(zip(demo_small.partnerships.actor_id_a, demo_small.partnerships.actor_id_b))
    assert ("S-URIOPSS-PDL", "S-FACE-44") in pairs
    assert ("S-CRESS-PACA", "S-LEST-CNRS") in pairs


def test_projects_partners_and_money_look_real(geo):
    data = demo.generate(5000, geo=geo)
    p = data.projects
    assert set(p.stage) == set(voc.STAGES.codes)
    assert (p.domains.str.count(";") >= 1).mean() > 0.2  # multi-domain projects
    types = data.actors.set_index("actor_id").actor_type
    part = data.partners.assign(ptype=data.partners.actor_id.map(types),
                                ltype=data.partners.project_id.map(
                                    p.set_index("project_id").lead_actor_id).map(types))
    assert (part.ptype != part.ltype).mean() > 0.3                      # cross-type
    assert (part.role == "research").any()
    research_share = part[part.ptype == "research"].project_id.nunique() / len(p)
    assert 0.08 < research_share < 0.3
    assert ((part.ltype == "association") & (part.ptype == "company")).sum() > 50
    f = data.fundings
    assert set(f.kind) == set(voc.FUNDING_KINDS.codes)
    assert set(f.origin) == {"public", "private", "earned"}
    assert (f.amount_eur > 0).all()
    assert f[f.kind == "recettes"].funder_actor_id.isna().all()
    s = data.scores
    assert s.score.isna().any() and s.score.notna().mean() > 0.7        # some not assessed
    assert 0.4 < s.project_id.nunique() / len(p) < 0.7
    assert len(data.memberships) > 0.2 * len(data.actors)


def test_names_are_plausible_french(demo_small):
    names = demo_small.actors.name
    assert names.str.len().between(3, 120).all()
    assert not names.str.contains(r"\bde (?:Le |Les |[AEIOUÉ])", regex=True).any()
    assert names.nunique() > 0.8 * len(names)
