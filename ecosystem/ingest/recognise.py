"""Formats recognised from their columns, mapped with no wizard.

=============  ==========================================================  =========
format         recognised by (columns, case ignored)                        table
=============  ==========================================================  =========
rna_waldec     id, titre, objet_social1, adrs_codeinsee, adrs_libcommune,   actors
               position (RNA ``rna_waldec_*``, 39 columns)
rna_import     id, titre, objet_social1, adrs_codeinsee, libcom, position   actors
               (RNA ``rna_import_*``, 24 columns)
sirene         siren + columns ending in ``UniteLegale`` or                 actors
               ``Etablissement`` (``StockUniteLegale``, ``StockEtablissement``
               and extracts of them)
gogocarto      a name (``title``/``name``) and coordinates (``location.lat``,  actors
               ``geo.latitude``, ``latitude``…): GoGoCarto, Transiscope, Près
               de chez nous, Carteco map exports
scdl           nomAttribuant, idAttribuant, nomBeneficiaire, idBeneficiaire,    actors,
               montant (SCDL ``subventions`` 1.x and 2.x, multi-funder        projects,
               rows of 2.1 included): three parts, see ``ingest/scdl.py``     fundings
dataincl       id, nom, source and ``typologie`` (v0) or ``reseaux_porteurs``  actors
               (v1): data·inclusion structures (``structures-insertion``)
own            the required columns of one of our tables (our exports and      any
               the templates): round trip
=============  ==========================================================  =========

:func:`recognise` returns a :class:`Recognition` (format, mapping, label) or
None, in which case the wizard starts from :func:`mapping.auto_mapping`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecosystem import model
from ecosystem.ingest import codes, scdl
from ecosystem.ingest.mapping import Mapping, Rule


@dataclass
class Recognition:
    format: str
    mapping: Mapping
    variant: str = ""      # e.g. StockUniteLegale / StockEtablissement, the table of our export

    @property
    def label_key(self) -> str:
        return f"imp.format.{self.format}"


def _lower(columns: list[str]) -> dict[str, str]:
    return {c.strip().lower(): c for c in columns}


def _pick(cols: dict[str, str], *names: str) -> str | None:
    for n in names:
        if n.lower() in cols:
            return cols[n.lower()]
    return None


# ------------------------------------------------------------------ RNA

def _rna(cols: dict[str, str], waldec: bool) -> Mapping:
    city = _pick(cols, "adrs_libcommune" if waldec else "libcom")
    address = ([_pick(cols, c) for c in ("adrs_complement", "adrs_numvoie", "adrs_repetition",
                                         "adrs_typevoie", "adrs_libvoie", "adrs_distrib")]
               if waldec else [_pick(cols, c) for c in ("adr1", "adr2", "adr3")])
    rules = {
        "actor_id": Rule(source=cols["id"], how="id"),
        "name": Rule(source=cols["titre"]),
        "actor_type": Rule(how="constant", constant="association"),
        "domains": Rule(sources=[c for c in (cols["objet_social1"], _pick(cols, "objet_social2")) if c],
                        how="rna_domains"),
        "rna_id": Rule(source=cols["id"], how="text"),
        "siret": Rule(source=_pick(cols, "siret"), how="digits"),
        "commune_code": Rule(source=cols["adrs_codeinsee"]),
        "postal_code": Rule(source=_pick(cols, "adrs_codepostal")),
        "city": Rule(source=city),
        "address": Rule(sources=[c for c in address if c], how="join"),
        "creation_year": Rule(source=_pick(cols, "date_creat"), how="year"),
        "website": Rule(source=_pick(cols, "siteweb")),
        "description": Rule(source=_pick(cols, "objet")),
        "active": Rule(source=cols["position"], how="rna_active"),
        "source_id": Rule(source=cols["id"], how="text"),
    }
    return Mapping("actors", {k: v for k, v in rules.items() if v.columns or v.how == "constant"},
                   format="rna_waldec" if waldec else "rna_import", source="rna", id_prefix="rna:")


# ------------------------------------------------------------------ SIRENE

def _sirene(cols: dict[str, str]) -> tuple[Mapping, str]:
    etab = "siret" in cols and any(c.endswith("etablissement") for c in cols)
    siret = _pick(cols, "siret")
    name_cols = [c for c in (_pick(cols, "denominationUniteLegale"),
                             _pick(cols, "denominationUsuelleEtablissement"),
                             _pick(cols, "enseigne1Etablissement"),
                             _pick(cols, "denominationUsuelle1UniteLegale"),
                             _pick(cols, "nomUniteLegale"), _pick(cols, "sigleUniteLegale")) if c]
    rules = {
        "actor_id": Rule(source=siret if etab else cols["siren"], how="id"),
        "name": Rule(sources=name_cols, how="name"),
        "actor_type": Rule(sources=[c for c in (_pick(cols, "categorieJuridiqueUniteLegale"),
                                                _pick(cols, "economieSocialeSolidaireUniteLegale")) if c],
                           how="legal_type"),
        "domains": Rule(source=_pick(cols, "activitePrincipaleEtablissement",
                                     "activitePrincipaleUniteLegale"), how="naf_domains"),
        "siren": Rule(source=cols["siren"], how="digits"),
        "siret": Rule(source=siret, how="digits"),
        "rna_id": Rule(source=_pick(cols, "identifiantAssociationUniteLegale"), how="text"),
        "commune_code": Rule(source=_pick(cols, "codeCommuneEtablissement")),
        "postal_code": Rule(source=_pick(cols, "codePostalEtablissement")),
        "city": Rule(source=_pick(cols, "libelleCommuneEtablissement")),
        "address": Rule(sources=[c for c in (_pick(cols, "numeroVoieEtablissement"),
                                             _pick(cols, "indiceRepetitionEtablissement"),
                                             _pick(cols, "typeVoieEtablissement"),
                                             _pick(cols, "libelleVoieEtablissement")) if c],
                        how="join"),
        "_x": Rule(source=_pick(cols, "coordonneeLambertAbscisseEtablissement")),
        "_y": Rule(source=_pick(cols, "coordonneeLambertOrdonneeEtablissement")),
        # geolocated vintages (Etalab's géo-SIRENE) give WGS84 longitude / latitude
        "lat": Rule(source=_pick(cols, "latitude")),
        "lon": Rule(source=_pick(cols, "longitude")),
        "creation_year": Rule(source=_pick(cols, "dateCreationEtablissement",
                                           "dateCreationUniteLegale"), how="year"),
        "employees": Rule(source=_pick(cols, "trancheEffectifsEtablissement",
                                       "trancheEffectifsUniteLegale"), how="staff_band"),
        "active": Rule(source=_pick(cols, "etatAdministratifEtablissement",
                                    "etatAdministratifUniteLegale"), how="sirene_active"),
        "source_id": Rule(source=siret if etab else cols["siren"], how="text"),
        # the ESS family needs the legal category (an establishment file alone has none)
        "ess_family": Rule(sources=[c for c in (_pick(cols, "categorieJuridiqueUniteLegale"),
                                                _pick(cols, "economieSocialeSolidaireUniteLegale"),
                                                _pick(cols, "activitePrincipaleUniteLegale"))
                                    if c] if _pick(cols, "categorieJuridiqueUniteLegale") else [],
                           how="ess_family"),
    }
    mapping = Mapping("actors", {k: v for k, v in rules.items() if v.columns}, format="sirene",
                      source="sirene", id_prefix="sirene:", crs="sirene")
    # establishments carry no legal category: the type the user picks (association by default)
    mapping.defaults["actor_type"] = "association"
    return mapping, ("StockEtablissement" if etab else "StockUniteLegale")


# ------------------------------------------------------------------ map exports

_LAT = ("location.lat", "geo.latitude", "latitude", "lat", "coordinates.latitude")
_LON = ("location.lon", "location.lng", "geo.longitude", "longitude", "lon", "lng", "long",
        "coordinates.longitude")


def _map_export(cols: dict[str, str], filename: str) -> Mapping:
    source = "transiscope" if "transiscope" in filename.lower() else "gogocarto"
    rules = {
        "actor_id": Rule(source=_pick(cols, "id", "_id"), how="id"),
        "name": Rule(source=_pick(cols, "title", "name", "nom")),
        "actor_type": Rule(source=_pick(cols, "title", "name", "nom"), how="keyword_type"),
        "domains": Rule(source=_pick(cols, "categories", "categoriesfull", "taxonomy"),
                        how="domains"),
        "lat": Rule(source=_pick(cols, *_LAT)),
        "lon": Rule(source=_pick(cols, *_LON)),
        "postal_code": Rule(source=_pick(cols, "address.postalCode", "address.postalcode",
                                         "postalcode", "postal_code", "codepostal")),
        "city": Rule(source=_pick(cols, "address.city", "address.addressLocality", "city",
                                  "commune", "ville")),
        "address": Rule(source=_pick(cols, "address.street", "address.streetAddress",
                                     "address.customFormatedAddress", "address")),
        "website": Rule(source=_pick(cols, "website", "site", "url")),
        "description": Rule(source=_pick(cols, "summary", "description", "descriptionmore")),
        "source_id": Rule(source=_pick(cols, "id", "_id"), how="text"),
    }
    mapping = Mapping("actors", {k: v for k, v in rules.items() if v.columns}, format="gogocarto",
                      source=source, id_prefix=f"{source}:")
    mapping.defaults["actor_type"] = "association"
    if "actor_id" not in mapping.rules:
        mapping.rules["actor_id"] = Rule(how="id")
    return mapping


# ------------------------------------------------------------------ data·inclusion

def _dataincl(cols: dict[str, str]) -> Mapping:
    typology = _pick(cols, "typologie")
    rules = {
        "actor_id": Rule(source=cols["id"], how="id"),
        "name": Rule(source=cols["nom"]),
        "actor_type": Rule(source=typology, how="vocab", values=codes.dataincl_type_values()),
        "domains": Rule(source=typology, how="domains", values=codes.dataincl_domain_values()),
        "siret": Rule(source=_pick(cols, "siret"), how="digits"),
        "rna_id": Rule(source=_pick(cols, "rna"), how="text"),
        "commune_code": Rule(source=_pick(cols, "code_insee")),
        "postal_code": Rule(source=_pick(cols, "code_postal")),
        "city": Rule(source=_pick(cols, "commune")),
        "address": Rule(sources=[c for c in (_pick(cols, "adresse"), _pick(cols, "complement_adresse"))
                                 if c], how="join"),
        "lat": Rule(source=_pick(cols, "latitude")),
        "lon": Rule(source=_pick(cols, "longitude")),
        "website": Rule(source=_pick(cols, "site_web")),
        "description": Rule(sources=[c for c in (_pick(cols, "presentation_resume"),
                                                 _pick(cols, "description"),
                                                 _pick(cols, "presentation_detail")) if c],
                            how="first"),
        "source_id": Rule(source=cols["id"], how="text"),
    }
    mapping = Mapping("actors", {k: v for k, v in rules.items() if v.columns}, format="dataincl",
                      source="data-inclusion", id_prefix="data-inclusion:")
    mapping.defaults["actor_type"] = "association"
    return mapping


def _is_dataincl(keys: set[str]) -> bool:
    return {"id", "nom", "source"} <= keys and bool({"typologie", "reseaux_porteurs"} & keys) \
        and bool({"siret", "code_insee", "date_maj"} & keys)


# ------------------------------------------------------------------ our own tables

#: tables in the order they are tried (the most specific first)
OWN_ORDER = ("partners", "memberships", "partnerships", "scores", "fundings", "projects", "actors")


def _own(cols: dict[str, str]) -> Mapping | None:
    for name in OWN_ORDER:
        table = model.TABLES[name]
        required = {c.name for c in table.columns if c.required} - {"source"}
        if required <= set(cols):
            rules = {c.name: Rule(source=cols[c.name]) for c in table.columns if c.name in cols}
            mapping = Mapping(name, rules, format="own", source="import")
            return mapping
    return None


# ------------------------------------------------------------------ entry point

def recognise(columns: list[str], filename: str = "") -> Recognition | None:
    cols = _lower(columns)
    keys = set(cols)
    rna = {"id", "titre", "objet_social1", "adrs_codeinsee", "position"}
    if rna <= keys and "adrs_libcommune" in keys:
        return Recognition("rna_waldec", _rna(cols, waldec=True))
    if rna <= keys and "libcom" in keys:
        return Recognition("rna_import", _rna(cols, waldec=False))
    if "siren" in keys and sum(k.endswith(("unitelegale", "etablissement")) for k in keys) >= 2:
        mapping, variant = _sirene(cols)
        return Recognition("sirene", mapping, variant)
    if scdl.is_scdl(keys):
        return Recognition("scdl", scdl.grants_mapping(), scdl.version(keys))
    if _is_dataincl(keys):
        return Recognition("dataincl", _dataincl(cols))
    own = _own(cols)
    if own is not None:
        return Recognition("own", own, own.table)
    has_name = any(k in keys for k in ("title", "name", "nom"))
    has_coords = any(k in keys for k in _LAT) and any(k in keys for k in _LON)
    if has_name and has_coords and (re.search(r"\.(js|json|geojson)$", filename.lower())
                                    or any("." in k for k in keys)):
        return Recognition("gogocarto", _map_export(cols, filename))
    return None
