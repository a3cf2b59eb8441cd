"""Actor profile on the tiny fixture, checked by hand."""

import pytest

from ecosystem.analysis.profiles import ActorNotFound, actor_profile, search_actors


def test_profile_of_an_association_with_projects_and_partners(tiny_store):
    ref = tiny_store.ref("tiny")
    p = actor_profile(tiny_store, ref, "A1")
    assert p.record["name"] == "Entraide Nantes"
    assert p.territory["departement"] == ("44", "Loire-Atlantique")
    assert p.territory["region"] == ("52", "Pays de la Loire")
    # leads P1, partner of P2 (operational)
    assert dict(zip(p.projects.project_id, p.projects.role)) == {"P1": "lead", "P2": "operational"}
    # partners: A3, A4 (P1) and A2 (P2), one shared project each
    assert set(p.partners.actor_id) == {"A2", "A3", "A4"}
    assert p.partners.shared_projects.tolist() == [1, 1, 1]
    assert p.fundings_received.amount_eur.sum() == 15000  # F1 + F2 on P1
    assert p.fundings_given.empty
    assert p.memberships.actor_id.tolist() == ["A9"]
    assert p.declared.actor_id.tolist() == ["A3"]
    by_criterion = p.scores.set_index("criterion_id")
    assert by_criterion.at["social_need", "mean_score"] == 3
    assert by_criterion.at["participation", "n_not_assessed"] == 1
    assert p.figures == {"projects_led": 1, "projects_partner": 1, "partners": 3,
                         "funding_received": 15000.0, "funding_given": 0.0}


def test_profile_of_a_funder_and_of_a_network(tiny_store):
    ref = tiny_store.ref("tiny")
    funder = actor_profile(tiny_store, ref, "A5")  # Commune de Marseille funds P3 and P5
    assert funder.fundings_given.amount_eur.sum() == 60000
    network = actor_profile(tiny_store, ref, "A9")
    assert sorted(network.memberships.actor_id) == ["A1", "A2"]
    assert set(network.memberships.relation) == {"has_member"}


def test_unknown_actor(tiny_store):
    with pytest.raises(ActorNotFound):
        actor_profile(tiny_store, tiny_store.ref("tiny"), "nope")


def test_search_is_accent_and_case_insensitive(tiny_store):
    ref = tiny_store.ref("tiny")
    assert search_actors(tiny_store, ref, "reseau solidaire").actor_id.tolist() == ["A9"]
    assert search_actors(tiny_store, ref, "732829320").actor_id.tolist() == ["A3"]
    assert search_actors(tiny_store, ref, "").empty


def test_project_profile_of_p1(tiny_store):
    """P1 "Épicerie solidaire de Nantes": led by A1, partners A3 (financial) and A4
    (research), funded by F1 (Fonds solidaire Provence, 10 000 €, 2021) and F2
    (Durand Logistique, 5 000 €, 2022)."""
    from ecosystem.analysis.profiles import project_profile

    p = project_profile(tiny_store, tiny_store.ref("tiny"), "P1")
    assert (p.record["title"], p.record["stage"], p.record["start_year"]) == \
        ("Épicerie solidaire de Nantes", "experimentation", 2021)
    assert p.record["domains"] == ["poverty", "food"]
    assert p.lead == ("A1", "Entraide Nantes")
    assert list(zip(p.partners.actor_id, p.partners.name, p.partners.role)) == [
        ("A3", "Durand Logistique", "financial"), ("A4", "Laboratoire ABC", "research")]
    assert list(zip(p.fundings.funding_id, p.fundings.funder, p.fundings.amount_eur)) == [
        ("F2", "Durand Logistique", 5000.0), ("F1", "Fonds solidaire Provence", 10000.0)]
    assert p.figures == {"partners": 2, "fundings": 2, "funding_total": 15000.0}


def test_project_profile_unknown_and_refused_as_aggregates(tiny_store):
    from dataclasses import replace

    from ecosystem.access import RecordsDenied
    from ecosystem.analysis.profiles import ProjectNotFound, project_profile

    ref = tiny_store.ref("tiny")
    with pytest.raises(ProjectNotFound):
        project_profile(tiny_store, ref, "P99")
    with pytest.raises(RecordsDenied):
        project_profile(tiny_store, replace(ref, records=False), "P1")
