"""Deterministic synthetic inventory of a French social-innovation ecosystem.

``generate(n_actors, seed=...)`` returns an :class:`~ecosystem.model.InventoryData`
that looks like a real national inventory: actors spread over every région in
proportion to population, a type mix dominated by associations, plausible
generated names, multi-domain projects at the four stages with a lead,
partners (cross-type, research, association–company), fundings of every kind,
network memberships and characterisation-grid scores (some not assessed).

Everything is synthetic and labelled so in the UI. The real organisations
named in the project's source texts (``SEED_ORGANISATIONS``) appear as actors
in their real communes, with the relations the sources describe
(``SEED_PARTNERSHIPS``); their projects, figures and money are generated like
everyone else's and are not facts about them.

The generator is vectorised with NumPy: 1.5 million actors in one call stays
within the benchmark budget (see ``benchmarks/``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecosystem import vocabulary as voc
from ecosystem.geo import Geography
from ecosystem.analysis.grid import Grid, load_grid
from ecosystem.model import InventoryData

DEFAULT_SEED = 2026
CURRENT_YEAR = 2026

# ----------------------------------------------------------------- seed orgs
#: Organisations named in ../shared/seeds, in their real communes.
SEED_ORGANISATIONS = [
    # id, name, type, commune code, domains, seed file
    ("S-URIOPSS-PDL", "URIOPSS Pays de la Loire", "network", "44109",
     "social_cohesion;ageing;disability;citizen_participation", "003"),
    ("S-FACE-44", "FACE Loire-Atlantique", "network", "44109", "employment;poverty", "003"),
    ("S-REGION-PDL", "Région Pays de la Loire", "local_authority", "44109",
     "employment;social_cohesion", "003"),
    ("S-CRESS-PACA", "CRESS Provence-Alpes-Côte d'Azur", "network", "13055",
     "employment;social_cohesion;citizen_participation", "001"),
    ("S-LEST-CNRS", "LEST-CNRS (Laboratoire d'économie et de sociologie du travail)", "research",
     "13001", "employment;social_cohesion", "001"),
    ("S-AVISE", "Avise", "network", "75056", "employment;social_cohesion;citizen_participation",
     "002"),
    ("S-MOUVES", "Mouves (Mouvement des entrepreneurs sociaux)", "network", "75056",
     "employment;social_cohesion", "002"),
    ("S-FRANCE-ACTIVE", "France Active", "funder", "93048", "employment;poverty", "002"),
    ("S-URSCOP-LR", "URSCOP Languedoc-Roussillon", "network", "34172", "employment", "002"),
    ("S-ESSEC", "ESSEC", "research", "95127", "employment;education_youth", "002"),
    ("S-INSTITUT-GODIN", "Institut Godin", "research", "80021",
     "social_cohesion;citizen_participation", "002"),
    ("S-CFI", "Centre Francilien de l'Innovation", "network", "75056", "employment", "002"),
    ("S-ALMA", "Alma Consulting Group", "company", "92026", "employment", "002"),
    ("S-OREAG", "OREAG", "association", "97120",
     "early_childhood;education_youth;social_cohesion", "000"),
]

#: Relations between seed organisations stated by the sources.
SEED_PARTNERSHIPS = [
    ("S-URIOPSS-PDL", "S-FACE-44", "engagement bénévole et entreprises RSE (seed 003)", "003"),
    ("S-URIOPSS-PDL", "S-REGION-PDL", "convention avec le Conseil régional (seed 003)", "003"),
    ("S-CRESS-PACA", "S-LEST-CNRS", "guide 2015 de l'innovation sociale en PACA (seed 001)", "001"),
    ("S-AVISE", "S-MOUVES", "groupe de travail innovation sociale 2011 (seed 002)", "002"),
    ("S-AVISE", "S-FRANCE-ACTIVE", "groupe de travail innovation sociale 2011 (seed 002)", "002"),
    ("S-AVISE", "S-URSCOP-LR", "groupe de travail innovation sociale 2011 (seed 002)", "002"),
    ("S-AVISE", "S-ESSEC", "groupe de travail innovation sociale 2011 (seed 002)", "002"),
    ("S-AVISE", "S-INSTITUT-GODIN", "groupe de travail innovation sociale 2011 (seed 002)", "002"),
    ("S-AVISE", "S-CFI", "groupe de travail innovation sociale 2011 (seed 002)", "002"),
    ("S-AVISE", "S-ALMA", "groupe de travail innovation sociale 2011 (seed 002)", "002"),
    ("S-MOUVES", "S-FRANCE-ACTIVE", "groupe de travail innovation sociale 2011 (seed 002)", "002"),
]

# ------------------------------------------------------------------ the mix
#: Share of each actor type (associations dominate the French ESS: ~80 % of
#: establishments; cooperatives, mutuals and ESUS companies next).
TYPE_MIX = {
    "association": 0.78, "social_enterprise": 0.09, "company": 0.04, "local_authority": 0.035,
    "foundation": 0.02, "network": 0.015, "research": 0.01, "funder": 0.01,
}
#: Relative chance of leading a project, by type.
LEAD_PROPENSITY = {
    "association": 1.0, "social_enterprise": 1.6, "company": 0.25, "local_authority": 0.9,
    "foundation": 0.5, "network": 1.4, "research": 0.7, "funder": 0.1,
}
DOMAIN_WEIGHTS = {  # share of associations' primary domain, roughly
    "employment": 9, "ageing": 6, "early_childhood": 6, "housing": 4, "health": 7, "poverty": 7,
    "social_cohesion": 11, "education_youth": 9, "disability": 5, "ecological_transition": 8,
    "food": 5, "mobility": 3, "digital_inclusion": 3, "culture": 9, "sport": 7,
    "citizen_participation": 4, "migration": 2,
}
STAGE_MIX = {"emergence": 0.28, "experimentation": 0.34, "diffusion": 0.22, "evaluation": 0.16}
FUNDING_MIX = {"subvention": 0.45, "pret": 0.08, "mecenat": 0.12, "commande_publique": 0.08,
               "investissement_solidaire": 0.05, "recettes": 0.22}
FUNDING_MEDIAN_EUR = {"subvention": 15000, "pret": 30000, "mecenat": 8000,
                      "commande_publique": 25000, "investissement_solidaire": 50000,
                      "recettes": 20000}

# ------------------------------------------------------------------ words
DOMAIN_WORDS = {
    "employment": ["Tremplin", "Passerelle Emploi", "Chantier d'insertion", "Atelier d'insertion",
                   "Coup de pouce emploi", "Emploi Solidaire"],
    "ageing": ["Bien Vieillir", "Âge et Vie", "Aînés Solidaires", "Vivre chez soi", "Les Cheveux d'argent"],
    "early_childhood": ["Petits Pas", "Crèche parentale", "Les P'tits Loups", "Maison des familles",
                        "Familles Solidaires"],
    "housing": ["Habitat Solidaire", "Toit Partagé", "Habitat inclusif", "Logis Solidaire",
                "Un Toit pour Tous"],
    "health": ["Santé Partagée", "Prévention Santé", "Maison de santé", "Souffle", "Bien-être Solidaire"],
    "poverty": ["Entraide", "Épicerie solidaire", "Solidarité", "Main Tendue", "Restos du quartier"],
    "social_cohesion": ["Lien Social", "Maison de quartier", "Vivre Ensemble", "Centre social",
                        "Café associatif", "Voisins Solidaires"],
    "education_youth": ["Jeunesse", "Savoirs Partagés", "Accompagnement scolaire", "Les Jeunes Pousses",
                        "Éducation Populaire"],
    "disability": ["Handi'Cap", "Autonomie", "Différences", "Handicap et Emploi", "Tous Capables"],
    "ecological_transition": ["Énergie Citoyenne", "Recyclerie", "Ressourcerie", "Repair Café",
                              "Transition", "Jardins Partagés"],
    "food": ["Jardins Solidaires", "Panier Paysan", "AMAP", "Cuisine Partagée", "Terres Nourricières"],
    "mobility": ["Garage Solidaire", "Mobilité Partagée", "Vélo-école", "Covoiturage Solidaire",
                 "Auto-école sociale"],
    "digital_inclusion": ["Numérique Solidaire", "Fablab", "Clic Solidaire", "Connexions",
                          "Espace numérique"],
    "culture": ["Compagnie", "Scène Ouverte", "Musiques", "Théâtre", "Arts et Culture", "Tiers-lieu"],
    "sport": ["Sport pour Tous", "Club Omnisports", "Sport Santé", "Vélo Club", "Randonneurs"],
    "citizen_participation": ["Démocratie Locale", "Conseil Citoyen", "Agir Ensemble", "Initiatives",
                              "Fabrique Citoyenne"],
    "migration": ["Accueil", "Terre d'Asile", "Langues et Cultures", "Hospitalité", "Ponts"],
}
PROJECT_WORDS = {
    "employment": ["Chantier d'insertion", "Plateforme emploi", "Entreprise à but d'emploi",
                   "Parcours vers l'emploi", "Couveuse d'activités"],
    "ageing": ["Colocation seniors", "Café des aidants", "Habitat intergénérationnel",
               "Visites de convivialité", "Plateforme de répit"],
    "early_childhood": ["Crèche à vocation d'insertion", "Lieu d'accueil parents-enfants",
                        "Garde à horaires atypiques", "Ludothèque itinérante"],
    "housing": ["Habitat inclusif", "Intermédiation locative", "Pension de famille",
                "Auto-réhabilitation accompagnée"],
    "health": ["Maison de santé participative", "Médiation en santé", "Sport sur ordonnance",
               "Bus santé itinérant"],
    "poverty": ["Épicerie solidaire", "Accès aux droits", "Microcrédit accompagné",
                "Bagagerie solidaire"],
    "social_cohesion": ["Conciergerie de quartier", "Tiers-lieu", "Café associatif",
                        "Fête des voisins solidaire"],
    "education_youth": ["Accompagnement scolaire", "Service civique solidaire",
                        "Atelier d'éloquence", "Mentorat jeunes"],
    "disability": ["Emploi accompagné", "Habitat partagé", "Loisirs adaptés", "Job coaching"],
    "ecological_transition": ["Ressourcerie", "Centrale solaire citoyenne", "Repair café",
                              "Compostage partagé"],
    "food": ["Jardin d'insertion", "Légumerie solidaire", "Cuisine partagée", "Paniers solidaires"],
    "mobility": ["Garage solidaire", "Plateforme mobilité", "Location de vélos solidaire",
                 "Transport à la demande solidaire"],
    "digital_inclusion": ["Conseillers numériques", "Reconditionnement d'ordinateurs",
                          "Ateliers numériques", "Fablab solidaire"],
    "culture": ["Résidence d'artistes", "Festival participatif", "Micro-folie",
                "Culture à l'hôpital"],
    "sport": ["Sport santé", "Sport en pied d'immeuble", "Savoir nager", "Handisport partagé"],
    "citizen_participation": ["Budget participatif", "Assemblée citoyenne", "Atelier urbain",
                              "Fabrique d'initiatives"],
    "migration": ["Accueil de réfugiés", "Français langue d'intégration",
                  "Parrainage citoyen", "Hébergement solidaire"],
}
SURNAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
            "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David",
            "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre",
            "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Le Gall",
            "Kerbrat", "Etcheverry", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson"]
COMPANY_WORDS = ["Industries", "Services", "Logistique", "Bâtiment", "Distribution", "Conseil",
                 "Énergies", "Transports", "Agroalimentaire", "Numérique", "Assurances", "Banque"]
COOP_FORMS = ["SCOP", "SCIC", "Coopérative", "Mutuelle", "Entreprise d'insertion", "ESAT"]
RESEARCH_FORMS = ["Laboratoire", "Chaire", "Institut", "Centre de recherche", "Pôle universitaire"]
NETWORK_FORMS = ["Fédération", "Réseau", "Collectif", "Union régionale", "Coordination"]
FUNDER_FORMS = ["Fonds solidaire", "Caisse solidaire", "Fonds territorial", "Plateforme d'initiative"]
FOUNDATION_FORMS = ["Fondation", "Fonds de dotation"]
ACRONYM_LETTERS = np.array(list("ABCDEFGHIJKLMNOPRSTUV"))


def _de(names: pd.Series) -> pd.Series:
    """French 'de X' with elision and contraction: d'Angers, du Mans, des Sables."""
    s = names.astype(str)
    out = "de " + s
    out = out.mask(s.str.match(r"^[AEIOUYÂÉÈÎÔH]", case=False), "d'" + s)
    out = out.mask(s.str.startswith("Le "), "du " + s.str[3:])
    out = out.mask(s.str.startswith("Les "), "des " + s.str[4:])
    return out


class _Picker:
    """Random members of a group (département, région…) in O(1) per draw."""

    def __init__(self, keys: np.ndarray):
        self.order = np.argsort(keys, kind="stable")
        sorted_keys = keys[self.order]
        self.uniq, self.start, self.count = np.unique(sorted_keys, return_index=True,
                                                      return_counts=True)

    def pick(self, rng: np.random.Generator, keys: np.ndarray) -> np.ndarray:
        """One random member per requested key; -1 where the group is empty."""
        pos = np.searchsorted(self.uniq, keys)
        pos_c = np.clip(pos, 0, max(len(self.uniq) - 1, 0))
        found = (len(self.uniq) > 0) & (pos < len(self.uniq))
        found &= self.uniq[pos_c] == keys if len(self.uniq) else found
        out = np.full(len(keys), -1, dtype=np.int64)
        if found.any():
            u = rng.random(found.sum())
            offs = self.start[pos_c[found]] + (u * self.count[pos_c[found]]).astype(np.int64)
            out[found] = self.order[offs]
        return out


def _choice(rng, mix: dict, size: int) -> np.ndarray:
    keys = np.array(list(mix))
    p = np.array(list(mix.values()), dtype=float)
    return keys[rng.choice(len(keys), size=size, p=p / p.sum())]


def _lognormal(rng, median, sigma, size):
    return rng.lognormal(np.log(median), sigma, size)


def _join_domains(a: np.ndarray, b: np.ndarray, c: np.ndarray, has_b, has_c) -> np.ndarray:
    codes = np.array(voc.DOMAINS.codes, dtype=object)
    out = codes[a].copy()
    out[has_b] = out[has_b] + voc.LIST_SEP + codes[b[has_b]]
    out[has_c] = out[has_c] + voc.LIST_SEP + codes[c[has_c]]
    return out


def _draw_domains(rng, size: int, p_second: float, p_third: float, primary=None):
    n = len(voc.DOMAINS)
    w = np.array([DOMAIN_WEIGHTS[c] for c in voc.DOMAINS.codes], dtype=float)
    first = rng.choice(n, size=size, p=w / w.sum()) if primary is None else primary
    off1 = rng.integers(1, n, size)
    off2 = rng.integers(1, n - 1, size)
    off2 = off2 + (off2 >= off1)  # distinct from off1
    second = (first + off1) % n
    third = (first + off2) % n
    has_b = rng.random(size) < p_second
    has_c = has_b & (rng.random(size) < p_third)
    return first, _join_domains(first, second, third, has_b, has_c)


def generate(n_actors: int = 5000, n_projects: int | None = None, seed: int = DEFAULT_SEED,
             geo: Geography | None = None, grid: Grid | None = None) -> InventoryData:
    """Synthetic inventory with ``n_actors`` actors and ``n_projects`` projects
    (default 0.6 per actor). Same arguments, same data, on any machine."""
    if n_actors < len(SEED_ORGANISATIONS) + 18:
        raise ValueError(f"n_actors must be at least {len(SEED_ORGANISATIONS) + 18}")
    geo = geo or Geography()
    grid = grid or load_grid()
    rng = np.random.default_rng(seed)
    n_projects = int(round(0.6 * n_actors)) if n_projects is None else n_projects

    actors = _actors(rng, n_actors, geo)
    projects, partners = _projects(rng, n_projects, actors, geo)
    fundings = _fundings(rng, projects, actors)
    memberships = _memberships(rng, actors)
    partnerships = _partnerships(rng, actors)
    scores = _scores(rng, projects, grid)
    # histories draw from their own stream: every other figure stays as it was
    _histories(np.random.default_rng([seed, 14]), actors, projects)

    keep_actor = [c for c in actors.columns if not c.startswith("_")]
    data = InventoryData(
        actors=actors[keep_actor], projects=projects, partners=partners, fundings=fundings,
        memberships=memberships, partnerships=partnerships, scores=scores)
    return data


# ------------------------------------------------------------------ histories
def _histories(rng, actors: pd.DataFrame, projects: pd.DataFrame) -> None:
    """Closing years and stage years (issue 14), in place.

    Closed actors (``active`` false, about 4 %) close between the year after their
    creation and now (any year since 2000 when their creation year is unknown).
    Projects walk through the stages from their start year: experimentation 0–2
    years after the start, diffusion 1–3 years after experimentation, evaluation 1–3
    years after diffusion, each only up to the project's current stage and never
    after its end (or now)."""
    n = len(actors)
    created = actors.creation_year.to_numpy(dtype=float, na_value=np.nan)
    closed = ~actors.active.to_numpy(dtype=bool)
    span = np.where(np.isnan(created), np.nan, CURRENT_YEAR - created)
    closing = np.where(np.isnan(created), rng.integers(2000, CURRENT_YEAR + 1, n),
                       np.minimum(created + 1 + np.floor(rng.random(n) * np.nan_to_num(span)),
                                  CURRENT_YEAR))
    actors["closing_year"] = pd.array(np.where(closed, closing, np.nan), dtype="Int64")

    m = len(projects)
    stage = projects.stage.to_numpy(dtype=object)
    start = projects.start_year.to_numpy(dtype=float, na_value=np.nan)
    end = projects.end_year.to_numpy(dtype=float, na_value=np.nan)
    cap = np.where(np.isnan(end), CURRENT_YEAR, end)
    rank = pd.Series(stage).map({s: i for i, s in enumerate(voc.STAGES.codes)}).to_numpy()
    exp = np.minimum(start + rng.integers(0, 3, m), cap)
    dif = np.minimum(exp + rng.integers(1, 4, m), cap)
    eva = np.minimum(dif + rng.integers(1, 4, m), cap)
    for column, years, reached in (("experimentation_year", exp, 1), ("diffusion_year", dif, 2),
                                   ("evaluation_year", eva, 3)):
        projects[column] = pd.array(np.where(rank >= reached, years, np.nan), dtype="Int64")


# ------------------------------------------------------------------ actors
def _actors(rng, n_actors: int, geo: Geography) -> pd.DataFrame:
    com = geo.communes.reset_index(drop=True)
    seeds = pd.DataFrame(SEED_ORGANISATIONS,
                         columns=["actor_id", "name", "actor_type", "commune_code", "domains", "seed"])
    n = n_actors - len(seeds)
    types = _choice(rng, TYPE_MIX, n)

    # communes weighted by population; the first 18 actors cover every région
    pop = com.population.fillna(0).to_numpy(dtype=float)
    cidx = rng.choice(len(com), size=n, p=pop / pop.sum())
    regions = sorted(com.reg.unique())
    for i, reg in enumerate(regions):
        in_reg = np.flatnonzero(com.reg.to_numpy() == reg)
        cidx[i] = in_reg[np.argmax(pop[in_reg])]
        types[i] = "association"

    names = np.empty(n, dtype=object)
    is_la = types == "local_authority"
    cidx, names = _local_authorities(rng, geo, com, cidx, names, is_la)

    primary, domains = _draw_domains(rng, n, 0.45, 0.35)
    com_name = com.name.to_numpy(dtype=object)
    de_commune = _de(com.name).to_numpy(dtype=object)
    dep_names = geo.table("departement").name
    reg_names = geo.table("region").name
    de_dep = _de(com.dep.map(dep_names)).to_numpy(dtype=object)
    reg_name = com.reg.map(reg_names).to_numpy(dtype=object)
    # a word per actor drawn within its primary domain
    per_domain = [np.array(DOMAIN_WORDS[d], dtype=object) for d in voc.DOMAINS.codes]
    lens = np.array([len(w) for w in per_domain])
    flat = np.concatenate(per_domain)
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    word = flat[starts[primary] + (rng.random(n) * lens[primary]).astype(int)]
    template = rng.integers(0, 5, n)
    surname = np.array(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), n)]
    acro = (ACRONYM_LETTERS[rng.integers(0, len(ACRONYM_LETTERS), n)].astype(object)
            + ACRONYM_LETTERS[rng.integers(0, len(ACRONYM_LETTERS), n)].astype(object)
            + ACRONYM_LETTERS[rng.integers(0, len(ACRONYM_LETTERS), n)].astype(object))
    place = com_name[cidx]
    de_place = de_commune[cidx]

    def pick(forms, size):
        return np.array(forms, dtype=object)[rng.integers(0, len(forms), size)]

    m = types == "association"
    tm = template[m]
    assoc = np.where(tm == 0, word[m] + " " + place[m],
            np.where(tm == 1, "Association " + word[m] + " " + de_place[m],
            np.where(tm == 2, "Les Amis " + de_place[m] + " – " + word[m],
            np.where(tm == 3, acro[m] + " " + word[m], word[m] + " " + de_dep[cidx][m]))))
    names[m] = assoc
    m = types == "social_enterprise"
    names[m] = pick(COOP_FORMS, m.sum()) + " " + word[m] + np.where(template[m] < 3, " " + place[m], "")
    m = types == "company"
    names[m] = np.where(template[m] < 3, surname[m] + " " + pick(COMPANY_WORDS, m.sum()),
                        "Groupe " + surname[m] + " " + place[m])
    m = types == "foundation"
    names[m] = pick(FOUNDATION_FORMS, m.sum()) + np.where(template[m] < 3, " " + surname[m],
                                                          " " + word[m] + " " + de_place[m])
    m = types == "research"
    names[m] = pick(RESEARCH_FORMS, m.sum()) + " " + acro[m] + " – " + word[m] + " " + de_place[m]
    m = types == "network"
    names[m] = pick(NETWORK_FORMS, m.sum()) + " " + word[m] + " " + reg_name[cidx][m]
    m = types == "funder"
    names[m] = pick(FUNDER_FORMS, m.sum()) + " " + word[m] + " " + de_dep[cidx][m]

    created = CURRENT_YEAR - np.minimum(rng.exponential(16, n), 120).astype(int)
    created = np.where(types == "local_authority", np.nan, created)
    employees = np.zeros(n)
    for typ, (p_zero, median, sigma) in {
            "association": (0.7, 4, 1.1), "social_enterprise": (0.05, 12, 1.0),
            "company": (0.0, 60, 1.3), "local_authority": (0.0, 40, 1.4),
            "foundation": (0.3, 6, 1.0), "network": (0.1, 6, 0.8), "research": (0.0, 35, 0.9),
            "funder": (0.0, 15, 0.9)}.items():
        m = types == typ
        e = _lognormal(rng, median, sigma, m.sum())
        e[rng.random(m.sum()) < p_zero] = 0
        employees[m] = np.round(e, 1)
    volunteers = np.where(np.isin(types, ["association", "network", "foundation"]),
                          np.round(_lognormal(rng, 12, 1.0, n)), 0).astype(int)

    com_lat = com.lat.to_numpy()
    com_lon = com.lon.to_numpy()
    spread = np.sqrt(com.area_km2.fillna(1).to_numpy()) / 111.0 * 0.25
    lat = com_lat[cidx] + rng.normal(0, 1, n) * spread[cidx]
    lon = com_lon[cidx] + rng.normal(0, 1, n) * spread[cidx] / np.cos(np.radians(com_lat[cidx]))

    gen = pd.DataFrame({
        "actor_id": [f"A{i:07d}" for i in range(1, n + 1)],
        "name": names, "actor_type": types, "domains": domains,
        "commune_code": com.code.to_numpy()[cidx], "city": place,
        "lat": np.round(lat, 5), "lon": np.round(lon, 5),
        "creation_year": pd.array(created, dtype="Int64"), "employees": employees,
        "volunteers": pd.array(volunteers, dtype="Int64"),
        "description": None,
    })

    # seed organisations, placed at their commune's point
    pts = com.set_index("code").loc[seeds.commune_code]
    seeds_df = pd.DataFrame({
        "actor_id": seeds.actor_id, "name": seeds.name, "actor_type": seeds.actor_type,
        "domains": seeds.domains, "commune_code": seeds.commune_code,
        "city": pts.name.to_numpy(), "lat": pts.lat.to_numpy(), "lon": pts.lon.to_numpy(),
        "creation_year": pd.array([pd.NA] * len(seeds), dtype="Int64"),
        "employees": np.nan, "volunteers": pd.array([pd.NA] * len(seeds), dtype="Int64"),
        "description": "Organisation citée dans les textes sources (seed " + seeds.seed + ")",
    })
    out = pd.concat([seeds_df, gen], ignore_index=True)
    out["geo_method"] = "commune_code"
    out["active"] = rng.random(len(out)) > 0.04
    out.loc[: len(seeds) - 1, "active"] = True
    out["source"] = "demo"
    # integer codes of département and région: fast group picks (see _Picker)
    pos = com.reset_index(drop=True).reset_index().set_index("code")["index"]
    cpos = out.commune_code.map(pos).to_numpy()
    out["_dep"] = pd.factorize(com.dep)[0][cpos]
    out["_reg"] = pd.factorize(com.reg)[0][cpos]
    out.index = pd.RangeIndex(1, len(out) + 1)
    return out


def _local_authorities(rng, geo: Geography, com: pd.DataFrame, cidx, names, is_la):
    """Name local-authority actors after real territories (figures stay synthetic)."""
    idx = np.flatnonzero(is_la)
    k = len(idx)
    level = rng.choice(4, size=k, p=[0.02, 0.08, 0.2, 0.7])  # région, dép., EPCI, commune
    code_pos = {c: i for i, c in enumerate(com.code)}
    used: set[str] = set()
    for level_id, (tb_name, prefix, de) in enumerate(
            [("region", "Région ", False), ("departement", "Département ", True),
             ("epci", "", False), ("commune", "Commune ", True)]):
        sel = idx[level == level_id]
        if not len(sel):
            continue
        tb = geo.table(tb_name).reset_index(drop=True)
        weights = tb.population.fillna(0).to_numpy(float) + 1
        take = min(len(sel), len(tb))
        chosen = rng.choice(len(tb), size=take, replace=False, p=weights / weights.sum())
        label = (_de(tb.name) if de else tb.name).to_numpy(dtype=object)
        if tb_name == "commune":
            seat = tb.code.to_numpy()
        elif tb_name == "epci":
            seat = (com.sort_values("population", ascending=False).drop_duplicates("epci")
                    .set_index("epci").code.reindex(tb.code).to_numpy())
        else:
            seat = tb.chef_lieu.to_numpy()
        names[sel[:take]] = prefix + label[chosen] if prefix else label[chosen]
        cidx[sel[:take]] = [code_pos.get(s, cidx[j]) for s, j in zip(seat[chosen], sel[:take])]
        used.update(names[sel[:take]])
        # more actors than territories of this level: communal social action centres
        rest = sel[take:]
        if len(rest):
            names[rest] = "CCAS " + _de(com.name).to_numpy(dtype=object)[cidx[rest]]
    return cidx, names


# ------------------------------------------------------------------ projects
def _projects(rng, n_projects: int, actors: pd.DataFrame, geo: Geography):
    types = actors.actor_type.to_numpy()
    w = np.array([LEAD_PROPENSITY[t] for t in types])
    lead = rng.choice(len(actors), size=n_projects, p=w / w.sum())
    stage = _choice(rng, STAGE_MIX, n_projects)

    lead_dom = actors.domains.to_numpy(dtype=object)[lead]
    first_codes = pd.Series(lead_dom, dtype=object).str.split(voc.LIST_SEP, n=1).str[0]
    code_idx = {c: i for i, c in enumerate(voc.DOMAINS.codes)}
    primary = first_codes.map(code_idx).to_numpy()
    _, domains = _draw_domains(rng, n_projects, 0.4, 0.25, primary=primary)

    per_domain = [np.array(PROJECT_WORDS[d], dtype=object) for d in voc.DOMAINS.codes]
    lens = np.array([len(x) for x in per_domain])
    flat = np.concatenate(per_domain)
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    phrase = flat[starts[primary] + (rng.random(n_projects) * lens[primary]).astype(int)]
    com = geo.communes
    commune = actors.commune_code.to_numpy(dtype=object)[lead]
    de_com = _de(pd.Series(commune).map(com.name)).to_numpy(dtype=object)
    suffix = np.array(["", " – phase 2", " itinérant", " (essaimage)", " partagé"], dtype=object)
    title = phrase + " " + de_com + suffix[rng.choice(5, n_projects, p=[0.7, 0.08, 0.08, 0.07, 0.07])]

    ranges = {"emergence": (2022, 2026), "experimentation": (2019, 2025),
              "diffusion": (2014, 2023), "evaluation": (2012, 2022)}
    start = np.zeros(n_projects, dtype=int)
    for s, (lo, hi) in ranges.items():
        m = stage == s
        start[m] = rng.integers(lo, hi + 1, m.sum())
    ended = (stage == "evaluation") & (rng.random(n_projects) < 0.6)
    end = np.where(ended, np.minimum(start + rng.integers(2, 7, n_projects), CURRENT_YEAR), np.nan)
    scale = pd.Series(stage).map({"emergence": 0.3, "experimentation": 1.0, "diffusion": 4.0,
                                  "evaluation": 3.0}).to_numpy()
    beneficiaries = np.round(_lognormal(rng, 60, 1.1, n_projects) * scale).astype(int)
    jobs = np.round(_lognormal(rng, 1.2, 0.9, n_projects) * np.sqrt(scale), 1)
    jobs[rng.random(n_projects) < 0.3] = 0
    vols = np.round(_lognormal(rng, 8, 1.0, n_projects) * np.sqrt(scale)).astype(int)

    projects = pd.DataFrame({
        "project_id": [f"P{i:07d}" for i in range(1, n_projects + 1)],
        "title": title, "lead_actor_id": actors.actor_id.to_numpy()[lead], "stage": stage,
        "domains": domains, "commune_code": commune,
        "start_year": pd.array(start, dtype="Int64"),
        "end_year": pd.array(end, dtype="Int64"), "active": ~ended,
        "beneficiaries": pd.array(beneficiaries, dtype="Int64"), "jobs_fte": jobs,
        "volunteers": pd.array(vols, dtype="Int64"), "description": None, "source": "demo",
    }, index=pd.RangeIndex(1, n_projects + 1))
    projects["_lead"] = lead
    partners = _partners(rng, projects, actors)
    return projects.drop(columns="_lead"), partners


def _partners(rng, projects: pd.DataFrame, actors: pd.DataFrame) -> pd.DataFrame:
    lead = projects._lead.to_numpy()
    n_p = len(projects)
    lam = projects.stage.map({"emergence": 1.2, "experimentation": 2.2, "diffusion": 3.2,
                              "evaluation": 2.8}).to_numpy()
    k = np.minimum(rng.poisson(lam), 8)
    proj = np.repeat(np.arange(n_p), k)
    m = len(proj)
    dep = actors._dep.to_numpy(dtype=np.int64)
    reg = actors._reg.to_numpy(dtype=np.int64)
    types = actors.actor_type.to_numpy(dtype=object)
    by_dep, by_reg = _Picker(dep), _Picker(reg)
    scope = rng.choice(3, size=m, p=[0.6, 0.27, 0.13])
    partner = np.where(scope == 0, by_dep.pick(rng, dep[lead[proj]]),
                       np.where(scope == 1, by_reg.pick(rng, reg[lead[proj]]),
                                rng.integers(0, len(actors), m)))

    # research partners (seed 000) and association–company links (seed 003)
    extra_proj, extra_actor = [], []
    for typ, share, lead_types in (("research", 0.15, None), ("company", 0.22, ("association",))):
        cand = types == typ
        eligible = np.ones(n_p, bool) if lead_types is None else np.isin(types[lead], lead_types)
        want = eligible & (rng.random(n_p) < share)
        pr = np.flatnonzero(want)
        pick_reg = _Picker(np.where(cand, reg, -1))
        chosen = pick_reg.pick(rng, reg[lead[pr]])
        missing = chosen < 0
        pool = np.flatnonzero(cand)
        if missing.any() and len(pool):
            chosen[missing] = pool[rng.integers(0, len(pool), missing.sum())]
        ok = chosen >= 0
        extra_proj.append(pr[ok])
        extra_actor.append(chosen[ok])
    proj = np.concatenate([proj] + extra_proj)
    partner = np.concatenate([partner] + extra_actor)

    keep = (partner >= 0) & (partner != lead[proj])
    proj, partner = proj[keep], partner[keep]
    df = pd.DataFrame({"p": proj, "a": partner}).drop_duplicates()
    ptype = types[df.a.to_numpy()]
    r = rng.random(len(df))
    role = np.where(ptype == "research", "research",
           np.where(np.isin(ptype, ["funder", "foundation"]), "financial",
           np.where(ptype == "local_authority", np.where(r < 0.5, "institutional", "financial"),
           np.where(ptype == "network", "technical",
           np.where(ptype == "company", np.where(r < 0.5, "financial", "operational"),
           np.where(r < 0.15, "co_lead", np.where(r < 0.3, "users", "operational")))))))
    out = pd.DataFrame({"project_id": projects.project_id.to_numpy()[df.p.to_numpy()],
                        "actor_id": actors.actor_id.to_numpy()[df.a.to_numpy()], "role": role})
    out.index = pd.RangeIndex(1, len(out) + 1)
    return out


# ------------------------------------------------------------------ money
def _fundings(rng, projects: pd.DataFrame, actors: pd.DataFrame) -> pd.DataFrame:
    n_p = len(projects)
    lam = projects.stage.map({"emergence": 0.9, "experimentation": 1.6, "diffusion": 2.2,
                              "evaluation": 1.8}).to_numpy()
    k = np.minimum(rng.poisson(lam), 6)
    proj = np.repeat(np.arange(n_p), k)
    m = len(proj)
    kind = _choice(rng, FUNDING_MIX, m)
    lead_idx = pd.Index(actors.actor_id).get_indexer(projects.lead_actor_id.to_numpy()[proj])
    dep = actors._dep.to_numpy(dtype=np.int64)
    reg = actors._reg.to_numpy(dtype=np.int64)
    types = actors.actor_type.to_numpy(dtype=object)

    funder = np.full(m, -1, dtype=np.int64)
    wanted = np.full(m, "", dtype=object)
    r = rng.random(m)
    wanted[kind == "subvention"] = np.where(r[kind == "subvention"] < 0.7, "local_authority",
                                            np.where(r[kind == "subvention"] < 0.9, "funder",
                                                     "foundation"))
    wanted[kind == "pret"] = "funder"
    wanted[kind == "investissement_solidaire"] = "funder"
    wanted[kind == "mecenat"] = np.where(r[kind == "mecenat"] < 0.6, "company", "foundation")
    wanted[kind == "commande_publique"] = "local_authority"
    for typ in ("local_authority", "funder", "foundation", "company"):
        sel = np.flatnonzero(wanted == typ)
        if not len(sel):
            continue
        cand = types == typ
        got = _Picker(np.where(cand, dep, -1)).pick(rng, dep[lead_idx[sel]])
        miss = got < 0
        if miss.any():
            got[miss] = _Picker(np.where(cand, reg, -1)).pick(rng, reg[lead_idx[sel[miss]]])
        miss = got < 0
        pool = np.flatnonzero(cand)
        if miss.any() and len(pool):
            got[miss] = pool[rng.integers(0, len(pool), miss.sum())]
        funder[sel] = got

    median = pd.Series(kind).map(FUNDING_MEDIAN_EUR).to_numpy(dtype=float)
    amount = np.round(_lognormal(rng, 1.0, 0.9, m) * median, -2)
    start = projects.start_year.to_numpy(dtype=float)[proj]
    year = np.minimum(start + rng.integers(0, 4, m), CURRENT_YEAR)
    has = funder >= 0
    ftype = np.where(has, types[np.maximum(funder, 0)], None)
    origin = _origins(kind, ftype)
    ids = actors.actor_id.to_numpy(dtype=object)
    names = actors.name.to_numpy(dtype=object)
    out = pd.DataFrame({
        "funding_id": [f"F{i:07d}" for i in range(1, m + 1)],
        "project_id": projects.project_id.to_numpy()[proj],
        "funder_actor_id": np.where(has, ids[np.maximum(funder, 0)], None),
        "funder_name": np.where(has, names[np.maximum(funder, 0)], None),
        "amount_eur": amount, "year": pd.array(year, dtype="Int64"), "kind": kind,
        "origin": origin,
    }, index=pd.RangeIndex(1, m + 1))
    return out


def _origins(kind: np.ndarray, ftype: np.ndarray) -> np.ndarray:
    """Vectorised :func:`vocabulary.default_origin`: one call per (kind, funder type)."""
    key = pd.Series(kind, dtype=object) + "|" + pd.Series(ftype, dtype=object).fillna("")
    lookup = {k: voc.default_origin(k.split("|")[0], k.split("|")[1] or None) for k in key.unique()}
    return key.map(lookup).to_numpy(dtype=object)


# ----------------------------------------------------------------- networks
def _memberships(rng, actors: pd.DataFrame) -> pd.DataFrame:
    types = actors.actor_type.to_numpy(dtype=object)
    reg = actors._reg.to_numpy(dtype=np.int64)
    is_net = types == "network"
    members = np.flatnonzero(~is_net & (rng.random(len(actors)) < 0.28))
    net = _Picker(np.where(is_net, reg, -1)).pick(rng, reg[members])
    miss = net < 0
    pool = np.flatnonzero(is_net)
    if miss.any() and len(pool):
        net[miss] = pool[rng.integers(0, len(pool), miss.sum())]
    ok = net >= 0
    ids = actors.actor_id.to_numpy(dtype=object)
    created = actors.creation_year.to_numpy(dtype=float, na_value=np.nan)[members[ok]]
    since = np.where(np.isnan(created), 2015, np.maximum(created, 1990)) + rng.integers(0, 8, ok.sum())
    out = pd.DataFrame({"actor_id": ids[members[ok]], "network_id": ids[net[ok]],
                        "since_year": pd.array(np.minimum(since, CURRENT_YEAR).astype(int),
                                               dtype="Int64")})
    out.index = pd.RangeIndex(1, len(out) + 1)
    return out


def _partnerships(rng, actors: pd.DataFrame) -> pd.DataFrame:
    """Explicit partnerships: those the sources state, plus association–company
    conventions (seed 003) between actors of the same département."""
    rows = [(a, b, kind, None, f"seed:{s}") for a, b, kind, s in SEED_PARTNERSHIPS]
    types = actors.actor_type.to_numpy(dtype=object)
    dep = actors._dep.to_numpy(dtype=np.int64)
    assoc = np.flatnonzero((types == "association") & (rng.random(len(actors)) < 0.02))
    comp = _Picker(np.where(types == "company", dep, -1)).pick(rng, dep[assoc])
    ok = comp >= 0
    ids = actors.actor_id.to_numpy(dtype=object)
    gen = pd.DataFrame({"actor_id_a": ids[assoc[ok]], "actor_id_b": ids[comp[ok]],
                        "kind": "convention de mécénat de compétences",
                        "since_year": pd.array(rng.integers(2012, CURRENT_YEAR + 1, ok.sum()),
                                               dtype="Int64"),
                        "source": "demo"})
    seed_df = pd.DataFrame(rows, columns=gen.columns).astype({"since_year": "Int64"})
    out = pd.concat([seed_df, gen], ignore_index=True).drop_duplicates(["actor_id_a", "actor_id_b"])
    out.index = pd.RangeIndex(1, len(out) + 1)
    return out


# -------------------------------------------------------------------- grid
def _scores(rng, projects: pd.DataFrame, grid: Grid) -> pd.DataFrame:
    n_p = len(projects)
    assessed = np.flatnonzero(rng.random(n_p) < 0.55)
    n_c = len(grid.criteria)
    proj = np.repeat(assessed, n_c)
    crit = np.tile(np.arange(n_c), len(assessed))
    stage_bonus = projects.stage.map({"emergence": -0.6, "experimentation": 0.0, "diffusion": 0.5,
                                      "evaluation": 0.4}).to_numpy()[proj]
    lo, hi = grid.min_score, grid.max_score
    raw = rng.normal((lo + hi) / 2 + stage_bonus, 0.9)
    score = np.clip(np.round(raw), lo, hi).astype(float)
    score[rng.random(len(score)) < 0.15] = np.nan  # criterion not assessed
    start = projects.start_year.to_numpy(dtype=float)[proj]
    out = pd.DataFrame({
        "project_id": projects.project_id.to_numpy()[proj],
        "criterion_id": np.array(grid.ids, dtype=object)[crit],
        "score": pd.array(score, dtype="Int64"),
        "assessed_year": pd.array(np.minimum(start + 1, CURRENT_YEAR).astype(int), dtype="Int64"),
    }, index=pd.RangeIndex(1, len(proj) + 1))
    return out


def seed_actor_ids() -> list[str]:
    return [row[0] for row in SEED_ORGANISATIONS]
