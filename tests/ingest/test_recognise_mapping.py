"""Recognised formats, suggested and saved column mappings."""

import pytest

from ecosystem.ingest import mapping as mp
from ecosystem.ingest.recognise import recognise

RNA_IMPORT = ("id;id_ex;siret;gestion;date_creat;date_publi;nature;groupement;titre;objet;"
              "objet_social1;objet_social2;adr1;adr2;adr3;adrs_codepostal;libcom;adrs_codeinsee;"
              "dir_civilite;siteweb;observation;position;rup_mi;maj_time").split(";")
RNA_WALDEC = ("id;id_ex;siret;rup_mi;gestion;date_creat;date_decla;date_publi;date_disso;nature;"
              "groupement;titre;titre_court;objet;objet_social1;objet_social2;adrs_complement;"
              "adrs_numvoie;adrs_repetition;adrs_typevoie;adrs_libvoie;adrs_distrib;adrs_codeinsee;"
              "adrs_codepostal;adrs_libcommune;adrg_declarant;adrg_complemid;adrg_complemgeo;"
              "adrg_libvoie;adrg_distrib;adrg_codepostal;adrg_achemine;adrg_pays;dir_civilite;"
              "siteweb;publiweb;observation;position;maj_time").split(";")
SIRENE_UL = ["siren", "statutDiffusionUniteLegale", "dateCreationUniteLegale", "sigleUniteLegale",
             "identifiantAssociationUniteLegale", "trancheEffectifsUniteLegale",
             "etatAdministratifUniteLegale", "denominationUniteLegale",
             "categorieJuridiqueUniteLegale", "activitePrincipaleUniteLegale",
             "economieSocialeSolidaireUniteLegale"]
SIRENE_ETAB = ["siren", "nic", "siret", "dateCreationEtablissement", "trancheEffectifsEtablissement",
               "numeroVoieEtablissement", "typeVoieEtablissement", "libelleVoieEtablissement",
               "codePostalEtablissement", "libelleCommuneEtablissement", "codeCommuneEtablissement",
               "coordonneeLambertAbscisseEtablissement", "coordonneeLambertOrdonneeEtablissement",
               "etatAdministratifEtablissement", "enseigne1Etablissement",
               "activitePrincipaleEtablissement"]


def test_rna_import_and_waldec():
    rec = recognise(RNA_IMPORT, "rna_import_20200901_dpt_29.csv")
    assert rec.format == "rna_import" and rec.mapping.table == "actors"
    m = rec.mapping
    assert m.rules["commune_code"].source == "adrs_codeinsee"
    assert m.rules["city"].source == "libcom"
    assert m.rules["domains"].how == "rna_domains"
    assert m.rules["active"].how == "rna_active"
    assert m.rules["actor_type"].constant == "association"
    assert len(RNA_WALDEC) == 39
    rec = recognise(RNA_WALDEC, "rna_waldec_20250101_dpt_44.csv")
    assert rec.format == "rna_waldec"
    assert rec.mapping.rules["city"].source == "adrs_libcommune"
    assert "adrs_libvoie" in rec.mapping.rules["address"].sources


def test_sirene_unite_legale_and_etablissement():
    rec = recognise(SIRENE_UL, "StockUniteLegale_utf8.csv")
    assert (rec.format, rec.variant) == ("sirene", "StockUniteLegale")
    assert rec.mapping.rules["actor_type"].how == "legal_type"
    assert rec.mapping.rules["actor_type"].sources == ["categorieJuridiqueUniteLegale",
                                                       "economieSocialeSolidaireUniteLegale"]
    assert rec.mapping.rules["employees"].how == "staff_band"
    assert rec.mapping.rules["rna_id"].source == "identifiantAssociationUniteLegale"
    rec = recognise(SIRENE_ETAB, "StockEtablissement_utf8.csv")
    assert (rec.format, rec.variant) == ("sirene", "StockEtablissement")
    assert rec.mapping.rules["_x"].source == "coordonneeLambertAbscisseEtablissement"
    assert rec.mapping.rules["commune_code"].source == "codeCommuneEtablissement"
    assert rec.mapping.rules["actor_id"].source == "siret"


def test_map_exports():
    rec = recognise(["id", "title", "location.lat", "location.lon", "address.city", "categories"],
                    "transiscope_niort_transiscopeDatas.js")
    assert rec.format == "gogocarto" and rec.mapping.source == "transiscope"
    assert rec.mapping.rules["lat"].source == "location.lat"
    rec = recognise(["id", "name", "geo.latitude", "geo.longitude", "address.postalCode",
                     "categories"], "elements.json")
    assert rec.mapping.source == "gogocarto"
    assert rec.mapping.rules["lon"].source == "geo.longitude"
    assert rec.mapping.rules["postal_code"].source == "address.postalCode"


@pytest.mark.parametrize("columns, table", [
    (["actor_id", "name", "actor_type", "domains", "source"], "actors"),
    (["project_id", "title", "lead_actor_id", "stage", "source"], "projects"),
    (["project_id", "actor_id", "role"], "partners"),
    (["funding_id", "project_id", "amount_eur", "kind", "origin"], "fundings"),
])
def test_our_own_tables(columns, table):
    rec = recognise(columns, f"{table}.csv")
    assert (rec.format, rec.mapping.table) == ("own", table)


def test_unknown_files_are_not_recognised():
    assert recognise(["Nom", "Ville", "Code INSEE"], "mon_tableur.csv") is None


def test_suggestions_for_home_made_headers():
    rules = mp.suggest("actors", ["Nom de la structure", "Statut juridique", "Code INSEE",
                                  "CP", "Ville", "Nombre de salariés", "Site internet", "Remarques"])
    got = {t: r.source for t, r in rules.items()}
    assert got == {"name": "Nom de la structure", "actor_type": "Statut juridique",
                   "commune_code": "Code INSEE", "postal_code": "CP", "city": "Ville",
                   "employees": "Nombre de salariés", "website": "Site internet"}


def test_auto_mapping_generates_ids_and_a_default_type():
    m = mp.auto_mapping("actors", ["Nom", "Ville"], source="import:x", id_prefix="x-ab12cd-")
    assert m.rules["actor_id"].how == "id" and m.rules["actor_id"].source is None
    assert m.defaults == {"actor_type": "association"}
    assert mp.missing_required(m) == []
    assert mp.missing_required(mp.Mapping("projects", {"title": mp.Rule(source="x")})) == \
        ["project_id", "lead_actor_id", "stage"]


def test_mapping_json_round_trip_and_refusals():
    m = mp.auto_mapping("actors", ["Nom", "Type"])
    m.rules["actor_type"].values = {"Asso": "association"}
    back = mp.Mapping.from_json(m.to_json())
    assert back == m
    with pytest.raises(ValueError):
        mp.Mapping.from_json('{"table": "actors", "rules": {"name": {"how": "1; DROP TABLE x"}}}')
    with pytest.raises(ValueError):
        mp.Mapping.from_json('{"table": "actors", "rules": {"password": {"source": "x"}}}')
    with pytest.raises(ValueError):
        mp.Mapping.from_json('{"table": "actors", "defaults": {"actor_type": "club"}}')


def test_saved_mappings_are_reused_for_the_same_columns(store):
    saved = mp.SavedMappings(store)
    m = mp.auto_mapping("actors", ["Nom", "Ville", "Type"])
    m.rules["actor_type"].values = {"Asso": "association"}
    saved.save("Tableur CRESS", m, ["Nom", "Ville", "Type"])
    assert saved.names() == ["Tableur CRESS"]
    name, again = saved.for_columns(["type", "NOM", "ville"])  # same columns, any order or case
    assert name == "Tableur CRESS" and again.rules["actor_type"].values == {"Asso": "association"}
    assert saved.for_columns(["Nom", "Ville"]) is None
    # persisted in the store's file
    store.close()
    from ecosystem.storage.store import Store
    reopened = Store(store.path, geo=store.geo)
    assert mp.SavedMappings(reopened).get("Tableur CRESS") == again
    reopened.close()


def test_lookup_of_coded_values_uses_labels_keywords_and_user_choices():
    m = mp.Mapping("actors", {"actor_type": mp.Rule(source="Type"), "domains": mp.Rule(source="D")})
    assert mp.lookup(m, "actor_type", "Entreprise de l'ESS") == ("social_enterprise", None)
    assert mp.lookup(m, "actor_type", "Fondation d'entreprise") == ("foundation", None)
    assert mp.lookup(m, "actor_type", "Club") == (None, "Club")
    m.rules["actor_type"].values = {"Club": "association"}
    assert mp.lookup(m, "actor_type", "Club") == ("association", None)
    assert mp.lookup(m, "domains", "Santé; logement; xyz") == ("health;housing", "xyz")
