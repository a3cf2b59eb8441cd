"""Source code tables: what the codes of RNA, SIRENE and map exports mean in our vocabulary.

Each table is a plain dict documented in docs/import.md; the functions at the
bottom apply them to one distinct source value (the pipeline calls them once
per distinct value, never per row).

* RNA ``objet_social1`` / ``objet_social2``: 6-digit codes of the national
  nomenclature of association purposes (``019000`` interventions sociales,
  ``017000`` santé…). The first three digits are the theme
  (:data:`RNA_THEMES`); a few sub-codes say more (:data:`RNA_SUBCODES`).
  ``000000`` means "not classified".
* SIRENE ``categorieJuridiqueUniteLegale`` (INSEE legal categories) → actor
  type (:func:`legal_category_type`), the ESS flag
  ``economieSocialeSolidaireUniteLegale = O`` deciding between a committed
  company and a social-economy enterprise for commercial companies.
* SIRENE staff bands ``trancheEffectifs*`` → number of employees
  (:data:`STAFF_BANDS`, middle of the band, head count, not FTE).
* SIRENE ``activitePrincipale*`` (NAF rév. 2) → domains for the activities
  that clearly answer a social need (:data:`NAF_DOMAINS`).
* Map-export categories (GoGoCarto, Transiscope, Près de chez nous, Carteco)
  and free-text domain or type labels → codes by keywords
  (:data:`DOMAIN_KEYWORDS`, :data:`TYPE_KEYWORDS`).
"""

from __future__ import annotations

import re

from ecosystem import vocabulary as voc
from ecosystem.geo import normalize_name

# ----------------------------------------------------------------- RNA

#: theme (first 3 digits of an RNA objet social code) → domains
RNA_THEMES: dict[str, tuple[str, ...]] = {
    "001": ("citizen_participation",),            # activités politiques
    "002": ("social_cohesion",),                  # clubs, cercles de réflexion
    "003": ("citizen_participation",),            # défense de droits fondamentaux, activités civiques
    "004": ("citizen_participation",),            # justice (médiation, accès au droit)
    "005": ("culture",),                          # information, communication
    "006": ("culture",),                          # culture, pratiques artistiques
    "007": ("social_cohesion",),                  # clubs de loisirs, relations
    "009": ("social_cohesion", "education_youth"),  # action socio-culturelle
    "010": ("culture",),                          # préservation du patrimoine
    "011": ("sport",),                            # sports, activités de plein air
    "013": ("sport",),                            # chasse, pêche
    "014": ("social_cohesion",),                  # amicales, groupements d'entraide
    "015": ("education_youth",),                  # éducation, formation
    "016": (),                                    # recherche (no social-need domain)
    "017": ("health",),                           # santé
    "018": ("health", "disability"),              # services et établissements médico-sociaux
    "019": ("poverty", "social_cohesion"),        # interventions sociales
    "020": ("poverty",),                          # caritatives, humanitaires, bénévolat
    "021": ("early_childhood", "ageing"),         # services familiaux, personnes âgées
    "022": (),                                    # conduite d'activités économiques
    "023": (),                                    # représentation d'intérêts économiques
    "024": ("ecological_transition",),            # environnement, cadre de vie
    "030": ("employment",),                       # aide à l'emploi, développement local
    "032": ("housing",),                          # logement
    "034": (),                                    # tourisme
    "036": (),                                    # sécurité, protection civile
    "038": (),                                    # armée, anciens combattants
    "040": (),                                    # activités religieuses, spirituelles
    "050": (),                                    # domaines divers
}

#: sub-codes whose meaning is narrower than their theme
RNA_SUBCODES: dict[str, tuple[str, ...]] = {
    "003012": ("education_youth", "citizen_participation"),  # droits des enfants
    "003030": ("disability", "citizen_participation"),       # droits des personnes handicapées
    "003040": ("social_cohesion", "citizen_participation"),  # lutte contre les discriminations
    "003050": ("migration",),                                # droits des étrangers, réfugiés
    "005020": ("digital_inclusion",),                        # réseaux internet
    "007070": ("food", "social_cohesion"),                   # jardins ouvriers
    "007075": ("social_cohesion",),                          # échanges locaux
    "009005": ("education_youth",),                          # maisons de jeunes
    "009010": ("disability",),                               # loisirs des personnes handicapées
    "009025": ("education_youth",),                          # éducation populaire
    "009040": ("ageing",),                                   # clubs du troisième âge
    "011018": ("sport", "disability"),                       # handisport
    "014070": ("disability",),                               # entraide, personnes handicapées
    "015005": ("education_youth", "early_childhood"),        # parents d'élèves
    "015045": ("employment", "education_youth"),             # formation professionnelle
    "016025": ("ecological_transition",),                    # recherche sur l'environnement
    "018005": ("early_childhood",),                          # protection de la petite enfance
    "018010": ("education_youth",),                          # adolescents en difficulté
    "018015": ("disability",),                               # établissements pour handicapés
    "018025": ("poverty", "housing"),                        # CHRS
    "018030": ("health",),                                   # addictions
    "018050": ("disability",),                               # aide sociale, handicap
    "019004": ("early_childhood",),                          # aide aux familles
    "019005": ("early_childhood",),                          # services sociaux aux familles
    "019012": ("poverty",),                                  # surendettement
    "019014": ("education_youth", "poverty"),                # illettrisme
    "019016": ("employment", "education_youth"),             # insertion des jeunes
    "019020": ("employment",),                               # aide aux chômeurs
    "019025": ("migration",),                                # aide aux réfugiés et immigrés
    "020010": ("poverty", "food"),                           # distribution de nourriture
    "021005": ("early_childhood",),                          # crèches, garderies
    "021010": ("ageing",),                                   # aide à domicile
    "021015": ("ageing",),                                   # services aux personnes âgées
    "021020": ("ageing",),                                   # maisons de retraite
    "022510": ("food",),                                     # cantines
    "022543": ("mobility",),                                 # transports
    "023001": ("citizen_participation",),                    # usagers des services publics
    "023002": ("citizen_participation",),                    # consommateurs
    "023010": ("ageing",),                                   # intérêts des retraités
    "023020": ("food",),                                     # exploitants agricoles
    "030010": ("employment",),                               # entreprises d'insertion
    "030012": ("social_cohesion", "citizen_participation"),  # comités de quartier
    "030050": ("ecological_transition",),                    # développement durable
    "032510": ("housing", "poverty"),                        # aide au logement
    "034210": ("education_youth",),                          # auberges de jeunesse
    "036535": ("mobility",),                                 # sécurité routière
}


def rna_domains(*codes: str | None) -> list[str]:
    """Domains of the RNA objet social codes of one association (``000000`` ignored)."""
    out: list[str] = []
    for code in codes:
        code = (code or "").strip()
        if not re.fullmatch(r"\d{6}", code) or code == "000000":
            continue
        for d in RNA_SUBCODES.get(code, RNA_THEMES.get(code[:3], ())):
            if d not in out:
                out.append(d)
    return out


#: RNA ``position``: A active, D dissoute, S supprimée, R reprise dans Waldec
RNA_ACTIVE_POSITIONS = ("A",)

# ----------------------------------------------------------------- SIRENE

#: legal categories of cooperatives, mutuals and cooperative or mutual banks
COOPERATIVE_CATEGORIES = frozenset({
    "5191", "5192", "5193", "5194", "5195", "5196", "5203", "5307", "5309", "5443", "5451",
    "5453", "5454", "5455", "5458", "5459", "5460", "5543", "5547", "5551", "5552", "5553",
    "5554", "5555", "5558", "5559", "5560", "5643", "5647", "5651", "5652", "5653", "5654",
    "5655", "5658", "5659", "5660", "6316", "6317", "6318", "6411", "6543", "6551", "6554",
    "6558", "6560", "6595", "6596", "8210", "8250", "8290"})
LOCAL_AUTHORITY_CATEGORIES = frozenset({
    "7210", "7220", "7225", "7229", "7230", "7312", "7340", "7342", "7343", "7344", "7345",
    "7346", "7347", "7348", "7349", "7353", "7354", "7355", "7357", "7361", "7367"})
RESEARCH_CATEGORIES = frozenset({"7383", "7384"})  # universities (EPSCP), national schools
NETWORK_CATEGORIES = frozenset({"8410", "8420", "8450", "8490"})  # unions, federations, orders


def legal_category_type(category: str | None, ess: str | None = None) -> str | None:
    """Actor type of an INSEE legal category (``ess``: the SIRENE ESS flag, ``O``/``N``).

    92xx associations (9220 déclarée, 9230 RUP, 9260 droit local…) → association;
    9300 fondation → foundation; cooperatives (SCOP 5458/5558/5658, SCIC, coopératives
    agricoles…), mutuals (82xx) and cooperative banks → social_enterprise; communes,
    départements, régions, EPCI, CCAS/CIAS → local_authority; universities → research;
    unions and federations → network; other companies → social_enterprise when flagged
    ESS, else company. Unknown: None (the import's default type applies).
    """
    cat = (category or "").strip()
    if cat.endswith(".0"):
        cat = cat[:-2]
    flagged = (ess or "").strip().upper() == "O"
    if not re.fullmatch(r"\d{4}", cat):
        return "social_enterprise" if flagged else None
    if cat.startswith("92"):
        return "association"
    if cat == "9300":
        return "foundation"
    if cat in COOPERATIVE_CATEGORIES:
        return "social_enterprise"
    if cat in LOCAL_AUTHORITY_CATEGORIES:
        return "local_authority"
    if cat in RESEARCH_CATEGORIES:
        return "research"
    if cat in NETWORK_CATEGORIES:
        return "network"
    if cat[0] in "1256":  # sole traders, companies, civil companies, GIE
        return "social_enterprise" if flagged else "company"
    return "social_enterprise" if flagged else None


#: mutual legal categories (the rest of :data:`COOPERATIVE_CATEGORIES` are cooperatives)
MUTUAL_CATEGORIES = frozenset({"8210", "8250", "8290", "6411"})
#: legal category → ESS family (observatories' families) besides associations (92xx);
#: commercial ESS companies are the legal units flagged ESS outside these categories
FAMILY_CATEGORIES: dict[str, str] = {
    **{c: "cooperative" for c in COOPERATIVE_CATEGORIES - MUTUAL_CATEGORIES},
    **{c: "mutual" for c in MUTUAL_CATEGORIES},
    "9300": "foundation",
}
#: NAF prefixes the statistical scope of the ESS leaves out of its legal categories
#: (public administration, employer and consular bodies, unions, religious and political
#: organisations)
EXCLUDED_ACTIVITIES = ("84.", "94.11", "94.12", "94.20", "94.91", "94.92")


def ess_family(category: str | None, ess: str | None = None, naf: str | None = None) -> str | None:
    """ESS family (:data:`vocabulary.ESS_FAMILIES`) of a legal unit from its INSEE legal
    category, its ESS flag (``O``/``N``) and its activity (NAF, ``94.92Z``).

    A unit flagged ESS is in the ESS; an unflagged one is when its category is an ESS
    family's and its activity is not one the statistical scope leaves out
    (:data:`EXCLUDED_ACTIVITIES`: a political association has no family). Then: 92xx →
    association, 9300 → foundation, cooperative and mutual categories → cooperative /
    mutual, any other category → commercial (a company flagged ESS); ``none`` outside the
    ESS; None when neither the category nor the flag is given (not known)."""
    cat = (category or "").strip()
    if cat.endswith(".0"):
        cat = cat[:-2]
    flagged = (ess or "").strip().upper() == "O"
    family = "association" if cat.startswith("92") and len(cat) == 4 else FAMILY_CATEGORIES.get(cat)
    excluded = any((naf or "").strip().startswith(a) for a in EXCLUDED_ACTIVITIES)
    if flagged:
        return family or "commercial"
    if not cat and not (ess or "").strip():
        return None
    return family if family and not excluded else "none"


#: SIRENE staff band → employees (middle of the band; NN and 00: no employee at year end)
STAFF_BANDS: dict[str, float] = {
    "NN": 0.0, "00": 0.0, "01": 1.5, "02": 4.0, "03": 7.5, "11": 14.5, "12": 34.5, "21": 74.5,
    "22": 149.5, "31": 224.5, "32": 374.5, "41": 749.5, "42": 1499.5, "51": 3499.5,
    "52": 7499.5, "53": 10000.0}


#: SIRENE staff band → (lowest, highest) head count; 53 (10,000 or more) is open: its lower
#: bound for both (the employment indicators show the range of an estimate)
STAFF_BAND_RANGES: dict[str, tuple[float, float]] = {
    "NN": (0, 0), "00": (0, 0), "01": (1, 2), "02": (3, 5), "03": (6, 9), "11": (10, 19),
    "12": (20, 49), "21": (50, 99), "22": (100, 199), "31": (200, 249), "32": (250, 499),
    "41": (500, 999), "42": (1000, 1999), "51": (2000, 4999), "52": (5000, 9999),
    "53": (10000, 10000)}


def staff_band_employees(band: str | None) -> str | None:
    value = STAFF_BANDS.get((band or "").strip().upper())
    return None if value is None else f"{value:g}"


#: NAF rév. 2 code prefixes → domains (longest prefix wins)
NAF_DOMAINS: dict[str, tuple[str, ...]] = {
    "01": ("food",), "10.": ("food",), "56.": ("food",), "47.2": ("food",),
    "35.1": ("ecological_transition",), "38.": ("ecological_transition",),
    "39.": ("ecological_transition",), "95.": ("ecological_transition",),
    "55.90": ("housing",), "68.2": ("housing",),
    "78.": ("employment",),
    "85.": ("education_youth",), "85.59A": ("employment", "education_youth"),
    "86.": ("health",), "87.10": ("health", "ageing"), "87.20": ("disability",),
    "87.30A": ("ageing",), "87.30B": ("disability",), "87.90A": ("education_youth",),
    "87.90B": ("poverty", "housing"),
    "88.10A": ("ageing",), "88.10B": ("disability",), "88.10C": ("disability", "employment"),
    "88.91A": ("early_childhood",), "88.91B": ("disability", "early_childhood"),
    "88.99A": ("education_youth",), "88.99B": ("social_cohesion", "poverty"),
    "90.": ("culture",), "91.": ("culture",), "93.1": ("sport",),
    "49.3": ("mobility",), "77.21": ("mobility",),
}


def naf_domains(code: str | None) -> list[str]:
    text = (code or "").strip().upper()
    if not text:
        return []
    if re.fullmatch(r"\d{4}[A-Z]", text):  # 8810A written without the dot
        text = f"{text[:2]}.{text[2:]}"
    best = max((p for p in NAF_DOMAINS if text.startswith(p)), key=len, default=None)
    return list(NAF_DOMAINS[best]) if best else []


# ------------------------------------------------- keywords (labels, categories)

#: words (normalised, upper case ASCII) found in a free-text label → domains; a whole word
#: (plural allowed) unless the keyword ends with ``*`` (then any word starting so)
DOMAIN_KEYWORDS: dict[str, tuple[str, ...]] = {
    "EMPLOI": ("employment",), "INSERTION": ("employment",), "CHOMAGE": ("employment",),
    "TRAVAIL": ("employment",), "AGRICULTURE": ("food",), "ALIMENTATION": ("food",),
    "ALIMENTAIRE": ("food",), "JARDIN": ("food", "social_cohesion"), "AMAP": ("food",), "EPICERIE": ("food",), "PANIER": ("food",),
    "MARAICH*": ("food",), "RESTAURATION": ("food",), "CIRCUIT COURT": ("food",),
    "ECOLOGIE": ("ecological_transition",), "ENERGIE": ("ecological_transition",),
    "ENVIRONNEMENT": ("ecological_transition",), "DECHET": ("ecological_transition",),
    "REPARER": ("ecological_transition",), "REPARATION": ("ecological_transition",),
    "RECYCL*": ("ecological_transition",), "REEMPLOI": ("ecological_transition",),
    "RESSOURCERIE": ("ecological_transition",), "CLIMAT": ("ecological_transition",),
    "BIODIVERSITE": ("ecological_transition",), "TRANSITION": ("ecological_transition",),
    "ECONOMIE CIRCULAIRE": ("ecological_transition",),
    "HABITAT": ("housing",), "LOGEMENT": ("housing",), "HEBERGEMENT": ("housing",),
    "EDUCATION": ("education_youth",), "FORMATION": ("education_youth",),
    "SENSIBILISATION": ("education_youth",), "JEUNE": ("education_youth",),
    "JEUNESSE": ("education_youth",), "ECOLE": ("education_youth",),
    "SANTE": ("health",), "SOIN": ("health",), "MEDICO*": ("health",),
    "CULTURE": ("culture",), "CULTUREL": ("culture",), "MEDIA": ("culture",),
    "ART": ("culture",), "PATRIMOINE": ("culture",), "MUSIQUE": ("culture",),
    "LIEN SOCIAL": ("social_cohesion",), "RENCONTRE": ("social_cohesion",),
    "SOLIDARITE": ("social_cohesion",), "ENTRAIDE": ("social_cohesion",),
    "COHESION": ("social_cohesion",), "ECHANGE": ("social_cohesion",),
    "CITOYEN": ("citizen_participation",), "CITOYENNETE": ("citizen_participation",),
    "DROITS": ("citizen_participation",), "GOUVERNANCE": ("citizen_participation",),
    "DEMOCRATIE": ("citizen_participation",), "PARTICIPATION": ("citizen_participation",),
    "MOBILITE": ("mobility",), "TRANSPORT": ("mobility",), "VELO": ("mobility",),
    "NUMERIQUE": ("digital_inclusion",), "INFORMATIQUE": ("digital_inclusion",),
    "SPORT": ("sport",), "SPORTIF": ("sport",), "SPORTIVE": ("sport",),
    "HANDICAP": ("disability",), "MIGRANT": ("migration",), "REFUGIE": ("migration",),
    "MIGRATION": ("migration",), "EXIL": ("migration",), "ENFANCE": ("early_childhood",),
    "FAMILLE": ("early_childhood",), "PARENTALITE": ("early_childhood",),
    "CRECHE": ("early_childhood",), "AGEE": ("ageing",), "SENIOR": ("ageing",),
    "VIEILLISSEMENT": ("ageing",), "AUTONOMIE": ("ageing",), "PAUVRETE": ("poverty",),
    "PRECARITE": ("poverty",), "EXCLUSION": ("poverty",), "INCLUSION": ("poverty",),
    "SANS ABRI": ("poverty", "housing"),
    # the field's own terms (see TYPE_KEYWORDS)
    "ETTI": ("employment",), "ACI": ("employment",), "SIAE": ("employment",),
    "GEIQ": ("employment",), "ASSOCIATION INTERMEDIAIRE": ("employment",),
    "CAE": ("employment",), "ESAT": ("disability", "employment"),
    "ENTREPRISE ADAPTEE": ("disability", "employment"),
    "REGIE DE QUARTIER": ("social_cohesion", "employment"),
    "REGIE DE TERRITOIRE": ("social_cohesion", "employment"),
    "CCAS": ("poverty",), "CIAS": ("poverty",), "ACTION SOCIALE": ("poverty",),
}

#: words found in a type label or an organisation's name → actor type
TYPE_KEYWORDS: dict[str, str] = {
    "ASSOCIATION": "association", "ASSO": "association", "AMAP": "association",
    "FONDATION": "foundation", "FONDS DE DOTATION": "foundation", "SCOP": "social_enterprise",
    "SCIC": "social_enterprise", "COOPERATIVE": "social_enterprise",
    "MUTUELLE": "social_enterprise", "ESUS": "social_enterprise", "ESS": "social_enterprise",
    "COMMUNE": "local_authority", "MAIRIE": "local_authority", "VILLE DE": "local_authority",
    "DEPARTEMENT": "local_authority", "REGION": "local_authority",
    "COMMUNAUTE DE COMMUNES": "local_authority", "METROPOLE": "local_authority",
    "AGGLOMERATION": "local_authority", "COLLECTIVITE": "local_authority",
    "UNIVERSITE": "research", "LABORATOIRE": "research", "RECHERCHE": "research",
    "CNRS": "research", "RESEAU": "network", "FEDERATION": "network", "UNION": "network",
    "CRESS": "network", "URIOPSS": "network", "FINANCEUR": "funder", "FRANCE ACTIVE": "funder",
    "ENTREPRISE": "company", "SOCIETE": "company", "SAS": "company", "SARL": "company",
    # the field's own terms (docs/import.md, "Field terms"); at one position the
    # longest term wins, so "entreprise d'insertion" is not read as "entreprise"
    "ENTREPRISE D INSERTION": "social_enterprise", "ETTI": "social_enterprise",
    "ENTREPRISE DE TRAVAIL TEMPORAIRE D INSERTION": "social_enterprise",
    "ENTREPRISE ADAPTEE": "social_enterprise", "CAE": "social_enterprise",
    "COOPERATIVE D ACTIVITE ET D EMPLOI": "social_enterprise",
    "ENTREPRISE AGREEE ESUS": "social_enterprise",
    "ATELIER CHANTIER D INSERTION": "association", "CHANTIER D INSERTION": "association",
    "ACI": "association", "ASSOCIATION INTERMEDIAIRE": "association", "SIAE": "association",
    "GEIQ": "association", "ESAT": "association", "REGIE DE QUARTIER": "association",
    "REGIE DE TERRITOIRE": "association", "CCAS": "local_authority", "CIAS": "local_authority",
    "CENTRE COMMUNAL D ACTION SOCIALE": "local_authority",
    "CENTRE INTERCOMMUNAL D ACTION SOCIALE": "local_authority",
    "PTCE": "network", "POLE TERRITORIAL DE COOPERATION ECONOMIQUE": "network",
}


def _find(key: str, word: str) -> int:
    """Where a keyword is in a normalised text (-1: absent): a whole word (plural
    allowed), or a word start when the keyword ends with ``*``."""
    if word.endswith("*"):
        m = re.search(rf"(^| ){re.escape(word[:-1])}", key)
    else:
        m = re.search(rf"(^| ){re.escape(word)}[SX]?( |$)", key)
    return m.start() if m else -1


def keyword_domains(text: str | None) -> list[str]:
    """Domains named by a free-text label, in the order the text names them
    (``Agriculture et alimentation`` → food)."""
    key = normalize_name(text or "")
    found = sorted((pos, i, domains) for i, (word, domains) in enumerate(DOMAIN_KEYWORDS.items())
                   if (pos := _find(key, word)) >= 0)
    out: list[str] = []
    for _, _, domains in found:
        out += [d for d in domains if d not in out]
    return out


def keyword_type(text: str | None) -> str | None:
    """The actor type a label or a name names first (``SCOP Ressourcerie`` → social_enterprise)."""
    key = normalize_name(text or "")
    found = sorted((pos, -len(word), code) for word, code in TYPE_KEYWORDS.items()
                   if (pos := _find(key, word)) >= 0)
    return found[0][2] if found else None


# --------------------------------------------- our vocabulary, by code or by label

def _labels(vocab: voc.Vocabulary) -> dict[str, str]:
    out = {}
    for term in vocab:
        for text in (term.code, term.fr, term.en):
            out[normalize_name(text)] = term.code
    return out


_LABELS = {name: _labels(v) for name, v in voc.ALL.items()}


def vocabulary_code(vocab: str, text: str | None) -> str | None:
    """A vocabulary code from its code or its FR/EN label, case and accents ignored."""
    return _LABELS[vocab].get(normalize_name(text or ""))


#: labels that name a sector, not a social need: dropped without a warning
NOT_DOMAINS = frozenset({"ECONOMIE SOCIALE ET SOLIDAIRE", "ESS", "AUTRE", "AUTRES", "DIVERS",
                         "NON CLASSE", "OTHER"})
STRONG_SPLIT = re.compile(r"\s*[;|\n]\s*")
WEAK_SPLIT = re.compile(r"\s*[,/]\s*")


def domain_codes(text: str | None) -> tuple[list[str], list[str]]:
    """Domains of a cell holding codes or labels separated by ``;`` (or ``|``, a line
    break; when there is none, by ``,`` or ``/``: labels such as "Fabriquer, réparer"
    stay whole in lists separated by ``;``).

    Returns (codes, parts not understood). A part that is neither a code nor a
    label is read by keywords (:data:`DOMAIN_KEYWORDS`)."""
    codes: list[str] = []
    unknown: list[str] = []
    text = text or ""
    splitter = STRONG_SPLIT if STRONG_SPLIT.search(text) else WEAK_SPLIT
    for part in splitter.split(text):
        if not part or normalize_name(part) in NOT_DOMAINS:
            continue
        found = [c] if (c := vocabulary_code("domain", part)) else keyword_domains(part)
        if found:
            codes += [d for d in found if d not in codes]
        else:
            unknown.append(part)
    return codes, unknown


# ----------------------------------------------------------------- identifiers

#: identifier columns whose placeholder values mean "no identifier"
PLACEHOLDER_COLUMNS = ("siren", "siret", "rna_id")


def is_placeholder(value: str | None) -> bool:
    """A placeholder identifier: digits all the same (``00000000000000``, ``111111111``),
    optionally after the RNA ``W`` (``W000000000``). ``00000000000000`` passes the SIRET
    Luhn key: taken as real, every record carrying it would be one actor."""
    text = (value or "").upper()
    digits = text[1:] if text.startswith("W") else text
    return bool(re.fullmatch(r"[0-9]+", digits)) and len(set(digits)) == 1


def placeholder_sql(expr: str) -> str:
    """SQL twin of :func:`is_placeholder` (RE2 has no back-references: the last digit is
    removed everywhere and nothing but the ``W`` may remain)."""
    up = f"upper({expr})"
    return (f"(regexp_full_match({up}, 'W?[0-9]+') AND "
            f"replace({up}, right({up}, 1), '') IN ('', 'W'))")


def identifier_ok(column: str, value: str | None) -> bool:
    """The Python rule the pipeline's SQL follows (tested against it): python-stdnum's
    SIREN / SIRET checks (Luhn, La Poste's rule) or the RNA pattern, placeholders refused."""
    from stdnum.fr import siren, siret

    from ecosystem.model import RNA_ID

    if not value or is_placeholder(value):
        return False
    if column == "siren":
        return bool(re.fullmatch(r"[0-9]{9}", value)) and siren.is_valid(value)
    if column == "siret":
        return bool(re.fullmatch(r"[0-9]{14}", value)) and siret.is_valid(value)
    if column == "rna_id":
        return bool(re.fullmatch(f"(?:{RNA_ID})", value))
    raise ValueError(f"not an identifier column: {column}")


# ----------------------------------------------------------------- website and e-mail domains

#: e-mail providers: a shared address domain says nothing about who the structure is
WEBMAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr",
    "neuf.fr", "bbox.fr", "club-internet.fr", "aliceadsl.fr", "numericable.fr", "cegetel.net",
    "voila.fr", "noos.fr", "9online.fr", "libertysurf.fr", "me.com", "mac.com", "proton.me",
})
#: provider names under any top-level domain (hotmail.fr, yahoo.co.uk, outlook.com…)
WEBMAIL_NAMES = frozenset({"hotmail", "yahoo", "outlook", "live", "msn", "aol", "icloud", "gmx",
                           "protonmail", "yandex", "caramail", "ymail", "tutanota"})
#: shared platforms: many structures have a page there (social networks, site builders,
#: fundraising, directories)
PLATFORM_DOMAINS = frozenset({
    "facebook.com", "fb.com", "fb.me", "instagram.com", "linkedin.com", "twitter.com", "x.com",
    "youtube.com", "tiktok.com", "helloasso.com", "wixsite.com", "wix.com", "wordpress.com",
    "blogspot.com", "blogspot.fr", "over-blog.com", "over-blog.fr", "e-monsite.com", "jimdo.com",
    "jimdofree.com", "webnode.fr", "webnode.com", "canalblog.com", "assoconnect.com",
    "google.com", "linktr.ee", "weebly.com", "pagesjaunes.fr", "net1901.org",
    "presdecheznous.fr", "transiscope.org", "gogocarto.fr", "mystrikingly.com", "site-solocal.com",
})
#: second-level suffixes under which a registered name has three labels
SECOND_LEVEL = ("asso.fr", "gouv.fr", "com.fr", "nom.fr", "co.uk", "org.uk")


def website_domain(value: str | None) -> str | None:
    """The registered domain of a web address or e-mail address (``contact@asso.org``,
    ``https://www.asso.org/page`` → ``asso.org``); None for webmail providers and shared
    platforms, or when there is none. Python twin of ``dedup.domain_sql``."""
    m = re.match(r"^(?:[a-z][a-z0-9+.-]*:(?://)?)?(?:[^@/\s]*@)?(?:www[0-9]*\.)?"
                 r"([a-z0-9.-]+\.[a-z]{2,})(?:[:/?#]|$)", (value or "").strip().lower())
    if not m:
        return None
    host = m.group(1)
    labels = 3 if host.endswith(tuple("." + s for s in SECOND_LEVEL)) else 2
    domain = ".".join(host.split(".")[-labels:])
    if domain in WEBMAIL_DOMAINS or domain in PLATFORM_DOMAINS or domain.split(".")[0] in WEBMAIL_NAMES:
        return None
    return domain


# ----------------------------------------------------------------- data·inclusion

#: data·inclusion ``typologie`` (structure typology, reference list of the
#: ``structures-insertion`` schema, v0) → (actor type, domains). The vocabulary has
#: no type for public bodies other than local authorities: State services, social
#: security funds and national public operators get ``funder`` (they fund or
#: commission the field). ``Autre`` and unknown codes: no type (the mapping's
#: default, association), no domain. Documented in docs/import.md.
DATAINCL_TYPOLOGIES: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "ACI": ("association", ("employment", "poverty")),
    "ACIPHC": ("association", ("employment", "poverty")),
    "AFPA": ("funder", ("employment",)),
    "AI": ("association", ("employment",)),
    "ASE": ("local_authority", ("early_childhood", "education_youth")),
    "ASSO": ("association", ()),
    "ASSO_CHOMEUR": ("association", ("employment",)),
    "AVIP": ("association", ("early_childhood", "employment")),
    "Autre": (None, ()),
    "BIB": ("local_authority", ("culture",)),
    "CAARUD": ("association", ("health", "poverty")),
    "CADA": ("association", ("migration", "housing")),
    "CAF": ("funder", ("early_childhood", "poverty")),
    "CAP_EMPLOI": ("association", ("employment", "disability")),
    "CAVA": ("association", ("employment", "poverty")),
    "CC": ("local_authority", ()),
    "CCAS": ("local_authority", ("poverty", "social_cohesion")),
    "CCONS": ("network", ()),
    "CD": ("local_authority", ()),
    "CDAS": ("local_authority", ("poverty",)),
    "CFP": ("funder", ()),
    "CHRS": ("association", ("housing", "poverty")),
    "CHU": ("association", ("housing", "poverty")),
    "CIAS": ("local_authority", ("poverty", "social_cohesion")),
    "CIDFF": ("association", ("citizen_participation",)),
    "CITMET": ("association", ("employment",)),
    "CMP": ("funder", ("health",)),
    "CMS": ("local_authority", ("health",)),
    "CPAM": ("funder", ("health",)),
    "CPH": ("association", ("migration", "housing")),
    "CS": ("association", ("social_cohesion",)),
    "CSAPA": ("association", ("health",)),
    "CSC": ("association", ("social_cohesion", "culture")),
    "DEETS": ("funder", ("employment",)),
    "DEPT": ("local_authority", ("poverty",)),
    "DIPLP": ("funder", ("poverty",)),
    "E2C": ("association", ("employment", "education_youth")),
    "EA": ("social_enterprise", ("employment", "disability")),
    "EATT": ("social_enterprise", ("employment", "disability")),
    "EI": ("social_enterprise", ("employment",)),
    "EITI": ("social_enterprise", ("employment",)),
    "ENM": ("association", ("digital_inclusion",)),
    "EPCI": ("local_authority", ()),
    "EPI": ("association", ("digital_inclusion",)),
    "EPIDE": ("funder", ("employment", "education_youth")),
    "EPN": ("association", ("digital_inclusion",)),
    "ES": ("association", ("food", "poverty")),
    "ESS": ("social_enterprise", ()),
    "ETABL_PRI": ("company", ()),
    "ETABL_PUB": ("funder", ()),
    "ETAT": ("funder", ()),
    "ETTI": ("social_enterprise", ("employment",)),
    "EVS": ("association", ("social_cohesion",)),
    "FABLAB": ("association", ("digital_inclusion",)),
    "FAIS": ("network", ("employment", "poverty")),
    "FT": ("funder", ("employment",)),
    "GEIQ": ("social_enterprise", ("employment",)),
    "HUDA": ("association", ("migration", "housing")),
    "LA_POSTE": ("company", ()),
    "MDA": ("local_authority", ("ageing", "disability")),
    "MDE": ("association", ("employment",)),
    "MDEF": ("association", ("employment",)),
    "MDPH": ("local_authority", ("disability",)),
    "MDS": ("local_authority", ("poverty",)),
    "MJC": ("association", ("education_youth", "culture")),
    "ML": ("association", ("employment", "education_youth")),
    "MQ": ("association", ("social_cohesion",)),
    "MSA": ("funder", ("health",)),
    "MSAP": ("local_authority", ("digital_inclusion",)),
    "MUNI": ("local_authority", ()),
    "OACAS": ("association", ("poverty", "employment")),
    "ODC": ("association", ("poverty",)),
    "OF": ("company", ("employment",)),
    "OIL": ("association", ("housing",)),
    "OPCS": ("association", ("employment",)),
    "PAD": ("association", ("citizen_participation",)),
    "PENSION": ("association", ("housing", "poverty")),
    "PI": ("association", ()),
    "PIJ_BIJ": ("association", ("education_youth",)),
    "PIMMS": ("association", ("digital_inclusion", "social_cohesion")),
    "PJJ": ("funder", ("education_youth",)),
    "PLIE": ("association", ("employment",)),
    "PREF": ("funder", ()),
    "PREVENTION": ("association", ("education_youth",)),
    "REG": ("local_authority", ()),
    "RESSOURCERIE": ("association", ("ecological_transition", "employment")),
    "RFS": ("local_authority", ("digital_inclusion",)),
    "RS_FJT": ("association", ("housing", "education_youth")),
    "SCP": ("association", ("education_youth",)),
    "SPIP": ("funder", ()),
    "TIERS_LIEUX": ("association", ("social_cohesion",)),
    "UDAF": ("network", ("early_childhood",)),
}


def dataincl_type_values() -> dict[str, str]:
    """``typologie`` → actor type, as the ``values`` of a mapping rule (editable in the wizard)."""
    return {code: (kind or "") for code, (kind, _) in DATAINCL_TYPOLOGIES.items()}


def dataincl_domain_values() -> dict[str, str]:
    """``typologie`` → domains joined with ``;`` (empty: none), as the ``values`` of a rule."""
    return {code: voc.LIST_SEP.join(domains) for code, (_, domains) in DATAINCL_TYPOLOGIES.items()}


# ----------------------------------------------------------------- SCDL subventions

#: SCDL ``nature`` → funding kind. Both natures the schema allows are grants: in
#: cash (``aide en numéraire``) and in kind (``aide en nature``, a grant valued in
#: euros). Keys are compared without accents, case or spaces.
SCDL_NATURES: dict[str, str] = {"AIDE EN NUMERAIRE": "subvention", "AIDE EN NATURE": "subvention"}


def scdl_funder_type(siret: str | None) -> str:
    """Actor type of a granting body from its SIRET: SIREN starting with 2 = local
    authorities and their groupings (communes 21, départements 22, régions 23, EPCI
    and syndicates 24/25: ``local_authority``); anything else (the State, 1…;
    agencies, foundations) = ``funder``."""
    return "local_authority" if siret and siret[:1] == "2" else "funder"
