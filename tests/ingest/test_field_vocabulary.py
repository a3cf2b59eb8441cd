"""Issue 17 item 3: the field's own terms → actor type and domains (free-text labels
and organisation names read by ``codes.keyword_type`` / ``codes.keyword_domains``).

Expected values follow the product brief's type table (SIAE run by associations are
associations; SCOP, SCIC, CAE, entreprises d'insertion and adaptées are ESS
enterprises; CCAS are local authorities) and docs/import.md ("Field terms")."""

import pytest

from ecosystem.ingest import codes

TERMS = [
    # (text, actor type, every domain the text names)
    ("Entreprise d'insertion Le Relais", "social_enterprise", {"employment"}),
    ("ETTI Bretagne Intérim Insertion", "social_enterprise", {"employment"}),
    ("Entreprise de travail temporaire d'insertion", "social_enterprise", {"employment"}),
    ("Atelier chantier d'insertion du Léon", "association", {"employment"}),
    ("ACI du Pays de Morlaix", "association", {"employment"}),
    ("Association intermédiaire Emploi Service", "association", {"employment"}),
    ("SIAE La Ressource", "association", {"employment"}),
    ("GEIQ BTP Finistère", "association", {"employment"}),
    ("ESAT des Genêts", "association", {"disability", "employment"}),
    ("Entreprise adaptée Bretagne Atelier", "social_enterprise", {"disability", "employment"}),
    ("SCOP Ressourcerie", "social_enterprise", {"ecological_transition"}),  # reuse
    ("SCIC Énergies citoyennes", "social_enterprise", {"ecological_transition"}),
    ("CAE Coopaname", "social_enterprise", {"employment"}),
    ("Coopérative d'activité et d'emploi Oxalis", "social_enterprise", {"employment"}),
    ("Régie de quartier Brest Nord", "association", {"social_cohesion", "employment"}),
    ("Régie de territoire du Val", "association", {"social_cohesion", "employment"}),
    ("Fondation reconnue d'utilité publique Abbé Pierre", "foundation", set()),
    ("Fonds de dotation Horizon", "foundation", set()),
    ("CCAS de Brest", "local_authority", {"poverty"}),
    ("CIAS du Pays d'Iroise", "local_authority", {"poverty"}),
    ("Centre communal d'action sociale de Quimper", "local_authority", {"poverty"}),
    ("Mutuelle de Bretagne", "social_enterprise", set()),
    ("Entreprise agréée ESUS Tri Ouest", "social_enterprise", set()),
    ("PTCE Pôle territorial de coopération économique du Pays de Redon", "network", set()),
    ("Entreprise Durand Logistique", "company", set()),
]


@pytest.mark.parametrize("text, actor_type, domains", TERMS, ids=[t for t, _, _ in TERMS])
def test_field_term_gives_its_actor_type_and_domains(text, actor_type, domains):
    assert codes.keyword_type(text) == actor_type
    assert set(codes.keyword_domains(text)) == domains


def test_the_longest_term_at_a_position_wins():
    # "ENTREPRISE" (company) and "ENTREPRISE D INSERTION" both start the text
    assert codes.keyword_type("Entreprise d'insertion") == "social_enterprise"
    assert codes.keyword_type("Entreprise") == "company"
