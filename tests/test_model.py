"""Schemas: valid data passes, bad rows are rejected with table, row, column and reason."""

import pandas as pd
import pytest

from ecosystem import model
from ecosystem import vocabulary as voc
from tests.fixtures import frame, tiny


def issues_of(data):
    _, issues = model.validate(data)
    return {(i.table, i.row, i.column, i.check) for i in issues}, issues


def test_tiny_inventory_is_valid():
    found, issues = issues_of(tiny())
    assert issues == []


def test_bad_actor_rows_are_located_by_row_and_column():
    data = tiny()
    a = data.actors.copy()
    a.loc[3, "actor_type"] = "asso"            # not in the vocabulary
    a.loc[2, "name"] = None                    # required
    a.loc[4, "siren"] = "732829321"            # Luhn key wrong
    a.loc[5, "lat"] = 200.0                    # out of range
    a.loc[6, "domains"] = "poverty;bogus"      # one bad code in a list
    a["creation_year"] = pd.Series({7: "vers 1990"}, dtype=object)  # not a number
    a.loc[8, "actor_id"] = "A1"                # duplicate id
    a.loc[9, "commune_code"] = "4410"          # pattern: 5 characters
    data.actors = a
    found, issues = issues_of(data)
    expected = {
        ("actors", 3, "actor_type", "vocabulary"),
        ("actors", 2, "name", "required"),
        ("actors", 4, "siren", "siren"),
        ("actors", 5, "lat", "max"),
        ("actors", 6, "domains", "vocabulary"),
        ("actors", 7, "creation_year", "type"),
        ("actors", 9, "commune_code", "pattern"),
    }
    assert expected <= found
    assert any(i.check == "unique" and i.column == "actor_id" for i in issues)
    # every issue names its row (the DataFrame index = source line) and column
    assert all(i.column for i in issues)
    assert {i.check for i in issues} <= set(model.CHECKS)


def test_messages_say_what_and_where_in_both_languages():
    data = tiny()
    data.actors.loc[3, "actor_type"] = "asso"
    _, issues = model.validate(data)
    (issue,) = issues
    fr, en = issue.message("fr"), issue.message("en")
    assert "ligne 3" in fr and "actor_type" in fr and "asso" in fr and "association" in fr
    assert "row 3" in en and "actor_type" in en and "unknown code" in en


def test_missing_required_column_is_reported():
    data = tiny()
    data.projects = data.projects.drop(columns="stage")
    found, _ = issues_of(data)
    assert ("projects", None, "stage", "missing_column") in found


def test_references_between_tables_are_checked():
    data = tiny()
    data.projects.loc[2, "lead_actor_id"] = "A404"
    data.partners = pd.concat([data.partners, frame([dict(project_id="P9", actor_id="A1",
                                                          role="operational")]).set_axis([6])])
    data.projects.loc[4, "end_year"] = 2010  # before its start (2015)
    found, _ = issues_of(data)
    assert ("projects", 2, "lead_actor_id", "unknown_ref") in found
    assert ("partners", 6, "project_id", "unknown_ref") in found
    assert ("projects", 4, "end_year", "end_before_start") in found


def test_duplicate_partner_rows_are_rejected():
    data = tiny()
    dup = data.partners.iloc[[0]].set_axis([6])
    data.partners = pd.concat([data.partners, dup])
    found, _ = issues_of(data)
    assert ("partners", 6, "actor_id", "duplicate_key") in found


@pytest.mark.parametrize("siren,ok", [("732829320", True), ("552100554", True),
                                      ("732829321", False), ("12345678", False),
                                      ("73282932A", False)])
def test_siren_luhn(siren, ok):
    assert model.siren_ok(siren) is ok


def test_siret_luhn_and_la_poste_rule():
    assert model.siret_ok("55210055400013")
    assert not model.siret_ok("55210055400014")
    # La Poste establishments: the sum of the digits is a multiple of 5
    assert model.siret_ok("35600000000051") and not model.siret_ok("35600000000052")


def test_every_table_declares_its_key_columns():
    for table in model.TABLES.values():
        assert set(table.key) <= set(table.column_names)
        for col in table.columns:
            if col.vocabulary is not None:
                assert col.vocabulary.name in voc.ALL


def test_default_origin_rules():
    assert voc.default_origin("subvention", "local_authority") == "public"
    assert voc.default_origin("subvention", "foundation") == "private"
    assert voc.default_origin("pret", "funder", funder_public=True) == "public"
    assert voc.default_origin("commande_publique", "local_authority") == "earned"
    assert voc.default_origin("recettes") == "earned"
    assert voc.default_origin("mecenat", "company") == "private"


def test_vocabularies_have_the_brief_sizes():
    assert len(voc.DOMAINS) == 17
    assert voc.STAGES.codes == ["emergence", "experimentation", "diffusion", "evaluation"]
    assert len(voc.ACTOR_TYPES) == 8
    for v in voc.ALL.values():
        for term in v:
            assert term.fr and term.en
