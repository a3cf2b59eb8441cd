"""Territory indicators: one registry read by the UI, exports and tests.

Each :class:`Indicator` has an id, a group, FR/EN labels and units, a written
definition, a human-readable formula and how it is computed:

* ``engine="sql"``: a SQL expression over the per-territory base aggregates
  built by :func:`compute` (see :data:`BASE_COLUMNS`), all in one DuckDB query;
* ``engine="network"``: a column of :func:`ecosystem.analysis.network.territory_metrics`
  (graph metrics need igraph, not SQL).

Definitions follow the product brief ("Territory indicators"). Counts of
projects use the project's commune; counts of actors the actor's commune;
money, results and cooperation are attached to projects, hence to the
territory where the project takes place. Populations are INSEE legal
municipal populations; a per-capita value is undefined (NULL) when the
population is zero.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecosystem import vocabulary as voc
from ecosystem.analysis import asof
from ecosystem.analysis.view import View, level_column
from ecosystem.geo import is_zoning_level
from ecosystem.storage.store import InventoryRef, Store

N_DOMAINS = len(voc.DOMAINS)
#: tag of extensive indicators (sums that grow with the territory's size): compare them
#: between territories only through their per-capita counterparts
TOTAL = ("total",)
GROUPS = ("actors", "employment", "projects", "needs", "money", "results", "cooperation", "network", "grid")


@dataclass(frozen=True)
class Indicator:
    id: str
    group: str
    label_fr: str
    label_en: str
    unit_fr: str
    unit_en: str
    definition_fr: str
    definition_en: str
    formula: str
    expr: str = ""
    decimals: int = 1
    engine: str = "sql"
    per_capita: bool = False
    tags: tuple[str, ...] = field(default=())

    def label(self, lang: str = "fr") -> str:
        return self.label_en if lang == "en" else self.label_fr

    def unit(self, lang: str = "fr") -> str:
        return self.unit_en if lang == "en" else self.unit_fr

    def definition(self, lang: str = "fr") -> str:
        return self.definition_en if lang == "en" else self.definition_fr

    def titled(self, lang: str = "fr") -> str:
        """The label with its unit in brackets, unless the label already says it
        ("Emplois créés (ETP)", "Acteurs pour 10 000 habitants": every word of the
        unit starts a word of the label, and the unit has no sign such as € or %)."""
        from ecosystem.geo import normalize_name

        label, unit = self.label(lang), self.unit(lang)
        words = normalize_name(label).split()
        unit_words = normalize_name(unit).split()
        signs = any(c in unit for c in "%€$£")  # a sign the label never spells out
        if unit_words and not signs and all(any(w.startswith(u) for w in words) for u in unit_words):
            return label
        return f"{label} ({unit})"

    def formula_words(self, lang: str = "fr") -> str:
        """The formula as people read it, in French or English (:data:`FORMULA_WORDS`);
        :attr:`formula` is the technical notation of docs/indicators.md."""
        fr, en = FORMULA_WORDS[self.id]
        return en if lang == "en" else fr


def _pc(n: str, per: int) -> str:
    return f"CASE WHEN population > 0 THEN {n} * {per}.0 / population END"


def _share(num: str, den: str) -> str:
    return f"CASE WHEN {den} > 0 THEN {num} * 1.0 / {den} END"


_FAMILY_FR = {"association": "associations", "cooperative": "coopératives", "mutual": "mutuelles",
              "foundation": "fondations", "commercial": "sociétés commerciales"}
_FAMILY_EN = {"association": "associations", "cooperative": "cooperatives", "mutual": "mutuals",
              "foundation": "foundations", "commercial": "commercial companies"}
#: the ESS families counted one by one (``none``: a known legal category outside the ESS)
FAMILY_CODES = [f.code for f in voc.ESS_FAMILIES if f.code != "none"]

_I = Indicator
_REGISTRY: list[Indicator] = [
    # ------------------------------------------------------------- actors
    _I("actors", "actors", "Acteurs", "Actors", "acteurs", "actors",
       "Nombre d'acteurs de l'inventaire dont la commune est dans le territoire (filtres appliqués).",
       "Number of inventory actors whose commune lies in the territory (filters applied).",
       "n_actors", "n_actors", decimals=0, tags=TOTAL),
    _I("actors_per_10k", "actors", "Acteurs pour 10 000 habitants", "Actors per 10,000 inhabitants",
       "pour 10 000 hab.", "per 10,000 inh.",
       "Nombre d'acteurs rapporté à la population municipale légale (INSEE), pour 10 000 habitants. "
       "Non défini si la population est nulle.",
       "Number of actors divided by the legal municipal population (INSEE), per 10,000 inhabitants. "
       "Undefined when the population is zero.",
       "n_actors / population × 10 000", _pc("n_actors", 10000), 2, per_capita=True),
    _I("associations_share", "actors", "Part des associations", "Share of associations", "%", "%",
       "Part des associations parmi les acteurs du territoire.",
       "Share of associations among the territory's actors.",
       "n_associations / n_actors", _share("n_associations", "n_actors"), 3),
    _I("actor_types", "actors", "Types d'acteurs représentés", "Actor types present", "sur 8", "of 8",
       "Nombre de types d'acteurs différents présents dans le territoire (sur les 8 du vocabulaire).",
       "Number of different actor types present in the territory (of the vocabulary's 8).",
       "count(distinct actor_type)", "n_actor_types", 0),
    # ----------------------------------------------------------- projects
    _I("projects", "projects", "Projets", "Projects", "projets", "projects",
       "Nombre de projets dont la commune de réalisation est dans le territoire.",
       "Number of projects whose commune lies in the territory.",
       "n_projects", "n_projects", decimals=0, tags=TOTAL),
    _I("projects_per_100k", "projects", "Projets pour 100 000 habitants",
       "Projects per 100,000 inhabitants", "pour 100 000 hab.", "per 100,000 inh.",
       "Nombre de projets rapporté à la population municipale légale, pour 100 000 habitants. "
       "Non défini si la population est nulle.",
       "Number of projects divided by the legal municipal population, per 100,000 inhabitants. "
       "Undefined when the population is zero.",
       "n_projects / population × 100 000", _pc("n_projects", 100000), 2, per_capita=True),
    *[_I(f"projects_{s.code}_per_100k", "projects", f"Projets en {s.fr.lower()} pour 100 000 hab.",
         f"Projects at {s.en.lower()} stage per 100,000 inh.", "pour 100 000 hab.",
         "per 100,000 inh.",
         f"Projets à l'étape « {s.fr} » du processus d'innovation sociale, pour 100 000 habitants "
         "(pipeline de l'innovation).",
         f"Projects at the “{s.en}” step of the social-innovation process, per 100,000 "
         "inhabitants (innovation pipeline).",
         f"n_{s.code} / population × 100 000", _pc(f"n_{s.code}", 100000), 2, per_capita=True,
         tags=("pipeline",))
      for s in voc.STAGES],
    _I("active_projects", "projects", "Projets en cours", "Active projects", "projets", "projects",
       "Projets en cours : marqués actifs, ou sans année de fin, ou finissant cette année ou après.",
       "Projects under way: flagged active, or with no end year, or ending this year or later.",
       "n_active", "n_active", 0, tags=TOTAL),
    # -------------------------------------------------------------- needs
    _I("white_zones", "needs", "Zones blanches (domaines sans projet actif)",
       "White zones (domains with no active project)", f"sur {N_DOMAINS}", f"of {N_DOMAINS}",
       f"Nombre de domaines de besoins sociaux (sur {N_DOMAINS}) pour lesquels aucun projet en cours "
       "n'a lieu dans le territoire.",
       f"Number of social-need domains (of {N_DOMAINS}) with no active project in the territory.",
       f"{N_DOMAINS} − domains with ≥ 1 active project", f"{N_DOMAINS} - n_domains_active", 0),
    _I("domain_diversity", "needs", "Diversité des domaines", "Diversity of domains", "0–1", "0–1",
       "Entropie de Shannon de la répartition des projets entre domaines, divisée par son maximum "
       f"ln({N_DOMAINS}) : 0 si tous les projets sont dans un seul domaine, 1 s'ils se répartissent "
       "également entre tous. Un projet multi-domaines compte dans chacun de ses domaines.",
       "Shannon entropy of the spread of projects over domains, divided by its maximum "
       f"ln({N_DOMAINS}): 0 when all projects are in one domain, 1 when they are spread evenly over "
       "all. A multi-domain project counts in each of its domains.",
       f"−Σ pᵢ ln pᵢ / ln {N_DOMAINS}", "domain_entropy", 3),
    # -------------------------------------------------------------- money
    _I("funding_total", "money", "Financements", "Funding", "€", "€",
       "Somme des financements (subventions, prêts, mécénat, commande publique, investissement "
       "solidaire, recettes) reçus par les projets du territoire.",
       "Sum of the fundings (grants, loans, sponsorship, procurement, solidarity investment, earned "
       "income) received by the territory's projects.",
       "Σ amount_eur", "funding_total", 0, tags=TOTAL),
    _I("funding_per_inhabitant", "money", "Financements par habitant", "Funding per inhabitant",
       "€ / hab.", "€ / inh.",
       "Financements des projets du territoire rapportés à sa population. Non défini si la "
       "population est nulle.",
       "Funding of the territory's projects divided by its population. Undefined when the "
       "population is zero.",
       "Σ amount_eur / population", _pc("funding_total", 1), 2, per_capita=True),
    _I("funding_public_share", "money", "Part publique des financements", "Public share of funding",
       "%", "%", "Part des financements d'origine publique (subventions et prêts de collectivités ou "
       "de financeurs publics).",
       "Share of funding of public origin (grants and loans from public bodies).",
       "public / total", _share("funding_public", "funding_total"), 3),
    _I("funding_private_share", "money", "Part privée des financements", "Private share of funding",
       "%", "%", "Part des financements d'origine privée (mécénat, fondations, investissement "
       "solidaire, prêts privés).",
       "Share of funding of private origin (sponsorship, foundations, solidarity investment, private "
       "loans).", "private / total", _share("funding_private", "funding_total"), 3),
    _I("funding_earned_share", "money", "Part des recettes propres", "Earned share of funding", "%",
       "%", "Part des ressources marchandes : recettes d'activité et commande publique.",
       "Share of market resources: earned income and public procurement.",
       "earned / total", _share("funding_earned", "funding_total"), 3),
    _I("hybridity", "money", "Indice d'hybridité des ressources", "Resource hybridity index", "0–1",
       "0–1",
       "Diversité du mix public / privé / recettes propres (modèles économiques hybrides) : "
       "1 − Σ parts², ramené à [0, 1] en divisant par 2/3. 0 = une seule origine, 1 = trois "
       "origines à parts égales. Non défini sans financement.",
       "Diversity of the public / private / earned mix (hybrid economic models): 1 − Σ shares², "
       "scaled to [0, 1] by dividing by 2/3. 0 = a single origin, 1 = three equal origins. "
       "Undefined with no funding.",
       "(1 − (s_pub² + s_priv² + s_earned²)) / (2/3)",
       "CASE WHEN funding_total > 0 THEN (1 - (pow(funding_public / funding_total, 2) + "
       "pow(funding_private / funding_total, 2) + pow(funding_earned / funding_total, 2))) * 1.5 END",
       3),
    # ------------------------------------------------------------ results
    _I("beneficiaries", "results", "Bénéficiaires", "Beneficiaries", "personnes", "people",
       "Somme des bénéficiaires déclarés par les projets du territoire.",
       "Sum of the beneficiaries reported by the territory's projects.",
       "Σ beneficiaries", "beneficiaries", 0, tags=TOTAL),
    _I("jobs_fte", "results", "Emplois créés (ETP)", "Jobs created (FTE)", "ETP", "FTE",
       "Somme des emplois créés par les projets, en équivalents temps plein.",
       "Sum of the jobs created by the projects, in full-time equivalents.",
       "Σ jobs_fte", "jobs_fte", 1, tags=TOTAL),
    _I("jobs_per_10k", "results", "Emplois créés pour 10 000 habitants",
       "Jobs created per 10,000 inhabitants", "ETP pour 10 000 hab.", "FTE per 10,000 inh.",
       "Emplois créés (ETP) par les projets du territoire, pour 10 000 habitants.",
       "Jobs created (FTE) by the territory's projects, per 10,000 inhabitants.",
       "Σ jobs_fte / population × 10 000", _pc("jobs_fte", 10000), 2, per_capita=True),
    _I("volunteers", "results", "Bénévoles mobilisés", "Volunteers involved", "personnes", "people",
       "Somme des bénévoles mobilisés par les projets du territoire.",
       "Sum of the volunteers involved in the territory's projects.",
       "Σ volunteers", "volunteers", 0, tags=TOTAL),
    _I("beneficiaries_per_10k", "results", "Bénéficiaires pour 10 000 habitants",
       "Beneficiaries per 10,000 inhabitants", "pour 10 000 hab.", "per 10,000 inh.",
       "Bénéficiaires déclarés par les projets du territoire, pour 10 000 habitants. Un même "
       "habitant peut être compté par plusieurs projets. Non défini si la population est nulle.",
       "Beneficiaries reported by the territory's projects, per 10,000 inhabitants. One "
       "inhabitant may be counted by several projects. Undefined when the population is zero.",
       "Σ beneficiaries / population × 10 000", _pc("beneficiaries", 10000), 1, per_capita=True),
    _I("volunteers_per_10k", "results", "Bénévoles pour 10 000 habitants",
       "Volunteers per 10,000 inhabitants", "pour 10 000 hab.", "per 10,000 inh.",
       "Bénévoles mobilisés par les projets du territoire, pour 10 000 habitants. Non défini si "
       "la population est nulle.",
       "Volunteers involved in the territory's projects, per 10,000 inhabitants. Undefined when "
       "the population is zero.",
       "Σ volunteers / population × 10 000", _pc("volunteers", 10000), 2, per_capita=True),
    # -------------------------------------------------------- cooperation
    _I("partners_per_actor", "cooperation", "Partenariats par acteur", "Partnerships per actor",
       "liens", "links",
       "Nombre moyen de liens de partenariat des acteurs du territoire : pour chaque projet "
       "(filtré) auquel un acteur participe, comme porteur ou partenaire, chacun des autres "
       "participants compte pour un lien.",
       "Mean number of partnership links of the territory's actors: for each (filtered) project an "
       "actor takes part in, as lead or partner, each other participant counts as one link.",
       "Σ_actors Σ_projects (participants − 1) / n_actors",
       _share("actor_links", "n_actors"), 2),
    _I("cross_type_share", "cooperation", "Partenariats entre types d'acteurs différents",
       "Partnerships across actor types", "%", "%",
       "Part des liens de partenariat (paires de participants d'un même projet du territoire) qui "
       "relient des acteurs de types différents : le décloisonnement.",
       "Share of partnership links (pairs of participants of one of the territory's projects) that "
       "join actors of different types: cross-sector cooperation.",
       "cross-type links / links", _share("links_cross", "links"), 3),
    _I("research_share", "cooperation", "Projets associant la recherche",
       "Projects with a research partner", "%", "%",
       "Part des projets du territoire qui comptent un partenaire de recherche (rôle « recherche » "
       "ou acteur de type recherche).",
       "Share of the territory's projects with a research partner (role “research” or an actor of "
       "type research).", "projects with research / projects",
       _share("n_research", "n_projects"), 3),
    _I("assoc_company_links", "cooperation", "Liens associations – entreprises",
       "Association–company links", "liens", "links",
       "Nombre de liens entre une association et une entreprise engagée : paires association – "
       "entreprise participant à un même projet du territoire, plus les partenariats déclarés "
       "dont l'association est dans le territoire.",
       "Number of links between an association and a committed company: association–company pairs "
       "taking part in one of the territory's projects, plus declared partnerships whose "
       "association is in the territory.",
       "project pairs + declared partnerships", "links_assoc_company + declared_assoc_company", 0, tags=TOTAL),
    # ------------------------------------------------------------- network
    _I("net_density", "network", "Densité du réseau local", "Local network density", "0–1", "0–1",
       "Densité du graphe des acteurs du territoire (liens : projets partagés, adhésions, "
       "financements) : liens existants / liens possibles.",
       "Density of the graph of the territory's actors (links: shared projects, memberships, "
       "fundings): existing links / possible links.", "2m / (n (n − 1))", engine="network",
       decimals=4),
    _I("net_largest_share", "network", "Part dans le plus grand groupe connecté",
       "Share in the largest connected group", "%", "%",
       "Part des acteurs du territoire qui appartiennent à sa plus grande composante connexe.",
       "Share of the territory's actors in its largest connected component.",
       "|largest component| / n", engine="network", decimals=3),
    _I("net_mean_degree", "network", "Degré moyen", "Mean degree", "liens", "links",
       "Nombre moyen d'acteurs du territoire avec lesquels un acteur du territoire est lié.",
       "Mean number of the territory's actors an actor of the territory is linked to.",
       "2m / n", engine="network", decimals=2),
    _I("net_communities", "network", "Communautés", "Communities", "communautés", "communities",
       "Nombre de communautés (groupes d'acteurs plus liés entre eux qu'avec les autres) "
       "détectées dans le réseau du territoire (au moins 3 acteurs).",
       "Number of communities (groups of actors more linked to each other than to the rest) found "
       "in the territory's network (3 actors or more).", "Leiden / multilevel", engine="network",
       decimals=0),
    _I("net_cross_type_share", "network", "Liens du réseau entre types d'acteurs différents",
       "Network links across actor types", "%", "%",
       "Part des liens du réseau local (paires d'acteurs du territoire reliées par des projets "
       "partagés, adhésions, financements ou partenariats déclarés, chaque paire comptée une "
       "fois) qui relient des acteurs de types différents. Diffère de « Partenariats entre types "
       "d'acteurs différents », qui compte les paires de participants de chaque projet du "
       "territoire, où qu'ils soient.",
       "Share of the local network's links (pairs of the territory's actors joined by shared "
       "projects, memberships, fundings or declared partnerships, each pair counted once) that "
       "join actors of different types. Differs from “Partnerships across actor types”, which "
       "counts pairs of participants of each of the territory's projects, wherever they are.",
       "cross-type links / links", engine="network", decimals=3),
    # ---------------------------------------------------------------- grid
    _I("grid_assessed_share", "grid", "Projets évalués sur la grille", "Projects assessed on the grid",
       "%", "%", "Part des projets du territoire ayant au moins un critère de la grille noté "
       "(les critères « non évalués » ne comptent pas).",
       "Share of the territory's projects with at least one grid criterion scored (“not assessed” "
       "criteria do not count).", "assessed projects / projects",
       _share("n_assessed", "n_projects"), 3),
    _I("grid_mean", "grid", "Note moyenne (grille)", "Mean grid score", "sur l'échelle",
       "on the scale", "Moyenne des notes attribuées, tous critères confondus, aux projets du "
       "territoire ; les critères non évalués sont exclus.",
       "Mean of the scores given, all criteria together, to the territory's projects; criteria not "
       "assessed are left out.", "Σ scores / number of scores", "grid_mean", 2),
    # ---------------------------------------------------------- employment
    _I("ess_establishments", "employment", "Établissements de l'ESS", "ESS establishments",
       "établissements", "establishments",
       "Établissements actifs (acteurs identifiés par un SIRET, non fermés) d'une famille de "
       "l'ESS : associations, fondations, coopératives, mutuelles et sociétés commerciales de "
       "l'ESS. La famille vient de la catégorie juridique SIRENE, de l'indicateur ESS et de "
       "l'activité de l'unité légale (une association politique ou cultuelle n'en a pas) ; "
       "sans famille connue (import hors SIRENE), le type d'acteur décide (association, "
       "fondation, entreprise de l'ESS). Chaque établissement compte dans la commune où il se "
       "trouve.",
       "Active establishments (actors identified by a SIRET, not closed) of an ESS family: "
       "associations, foundations, cooperatives, mutuals and commercial ESS companies. The "
       "family comes from the legal unit's SIRENE legal category, ESS flag and activity (a "
       "political or religious association has none); with no known family (imports other "
       "than SIRENE), the actor type decides (association, foundation, social-economy "
       "enterprise). Each establishment counts in the commune where it is.",
       "n_ess_establishments", "n_ess_establishments", 0, tags=TOTAL),
    _I("ess_establishments_per_10k", "employment", "Établissements de l'ESS pour 10 000 habitants",
       "ESS establishments per 10,000 inhabitants", "pour 10 000 hab.", "per 10,000 inh.",
       "Établissements de l'ESS rapportés à la population municipale légale, pour 10 000 "
       "habitants. Non défini si la population est nulle.",
       "ESS establishments divided by the legal municipal population, per 10,000 inhabitants. "
       "Undefined when the population is zero.",
       "n_ess_establishments / population × 10 000", _pc("n_ess_establishments", 10000), 2,
       per_capita=True),
    _I("ess_employer_establishments", "employment", "Établissements employeurs de l'ESS",
       "ESS employer establishments", "établissements", "establishments",
       "Établissements de l'ESS ayant au moins un salarié selon leur tranche d'effectif SIRENE "
       "(tranches 01 et au-delà ; NN, 00 et tranche absente : non employeur), la base de "
       "comptage des observatoires de l'ESS.",
       "ESS establishments with at least one employee by their SIRENE staff band (bands 01 and "
       "above; NN, 00 and no band: not an employer), the observatories' counting base.",
       "n_ess_employers", "n_ess_employers", 0, tags=TOTAL),
    _I("ess_jobs", "employment", "Emplois salariés de l'ESS (estimation)",
       "ESS salaried jobs (estimate)", "salariés", "employees",
       "Estimation des emplois salariés des établissements de l'ESS : somme des milieux de "
       "tranche d'effectif SIRENE (01 = 1–2 → 1,5 ; 02 = 3–5 → 4 ; 03 = 6–9 → 7,5 ; 11 = "
       "10–19 → 14,5 ; … ; 53 = 10 000 et plus → 10 000), en personnes et non en ETP. La "
       "fourchette est donnée par « bas » et « haut ». Un effectif déclaré hors tranche compte "
       "tel quel.",
       "Estimated salaried jobs of the ESS establishments: sum of the middles of the SIRENE "
       "staff bands (01 = 1–2 → 1.5; 02 = 3–5 → 4; 03 = 6–9 → 7.5; 11 = 10–19 → 14.5; …; "
       "53 = 10,000 or more → 10,000), head count, not FTE. Its range is given by “low” and "
       "“high”. A head count declared outside the bands counts as written.",
       "Σ band middle", "ess_jobs", 1, tags=TOTAL),
    _I("ess_jobs_low", "employment", "Emplois salariés de l'ESS (bas de fourchette)",
       "ESS salaried jobs (low end of range)", "salariés", "employees",
       "Somme des bornes basses des tranches d'effectif des établissements de l'ESS "
       "(01 → 1, 02 → 3, 03 → 6, 11 → 10…) : le minimum compatible avec les tranches.",
       "Sum of the lower bounds of the ESS establishments' staff bands (01 → 1, 02 → 3, "
       "03 → 6, 11 → 10…): the least the bands allow.",
       "Σ band lower bound", "ess_jobs_low", 0, tags=TOTAL),
    _I("ess_jobs_high", "employment", "Emplois salariés de l'ESS (haut de fourchette)",
       "ESS salaried jobs (high end of range)", "salariés", "employees",
       "Somme des bornes hautes des tranches d'effectif des établissements de l'ESS "
       "(01 → 2, 02 → 5, 03 → 9, 11 → 19… ; 53, tranche ouverte, compte 10 000).",
       "Sum of the upper bounds of the ESS establishments' staff bands (01 → 2, 02 → 5, "
       "03 → 9, 11 → 19…; 53, an open band, counts 10,000).",
       "Σ band upper bound", "ess_jobs_high", 0, tags=TOTAL),
    _I("ess_establishment_share", "employment", "Part de l'ESS parmi les établissements",
       "ESS share of establishments", "%", "%",
       "Établissements de l'ESS de l'inventaire parmi tous les établissements actifs du "
       "territoire. Dénominateur : les effectifs complets d'établissements SIRENE par commune "
       "chargés pour toute la base (sirene-counts ou l'étape SIRENE de l'Importer : "
       "établissements actifs, etatAdministratifEtablissement = A), jamais comme acteurs ; les "
       "filtres de la barre latérale ne s'appliquent qu'au numérateur. Non défini pour un "
       "territoire sans établissement compté et pour les zones d'un zonage dessiné (polygones, "
       "qui coupent les communes). Sans effectifs chargés : tous les établissements actifs de "
       "l'inventaire (acteurs identifiés par un SIRET, import SIRENE avec --ess all), non "
       "défini quand l'inventaire n'a aucun établissement hors de l'ESS (la part lirait 100 %) "
       "ou aucun établissement. L'évolution dans le temps suit toujours cette seconde règle "
       "(les effectifs sont ceux d'une date).",
       "The inventory's ESS establishments among all the territory's active establishments. "
       "Denominator: the full SIRENE establishment counts per commune loaded for the whole "
       "store (sirene-counts or the Importer's SIRENE step: active establishments, "
       "etatAdministratifEtablissement = A), never as actors; the sidebar's filters apply to "
       "the numerator only. Undefined for a territory with no counted establishment and for "
       "the zones of a drawn zoning (polygons, which cut communes). Without loaded counts: "
       "every active establishment of the inventory (actors identified by a SIRET, SIRENE "
       "import with --ess all), undefined when the inventory holds no establishment outside "
       "the ESS (the share would read 100 %) or none at all. The evolution through time always "
       "follows this second rule (the counts are of one date).",
       "n_ess_establishments / n_all_establishments (loaded counts), else "
       "n_ess_establishments / n_establishments",
       f"CASE WHEN n_all_establishments IS NOT NULL THEN "
       f"{_share('n_ess_establishments', 'n_all_establishments')} "
       f"WHEN n_inventory_outside_ess > 0 THEN {_share('n_ess_establishments', 'n_establishments')} END",
       3),
    # ---------------------------------------------- growth (per-year flows, issue 14)
    _I("new_actors_per_10k", "actors", "Créations d'acteurs pour 10 000 habitants",
       "New actors per 10,000 inhabitants", "par an pour 10 000 hab.", "per year per 10,000 inh.",
       "Acteurs créés dans l'année (année de création = l'année de la vue : l'année choisie, "
       "sinon l'année en cours), rapportés à la population municipale légale, pour 10 000 "
       "habitants. Un acteur sans année de création n'est compté dans aucune année.",
       "Actors created in the year (creation year = the view's year: the chosen year, else the "
       "current year), divided by the legal municipal population, per 10,000 inhabitants. An "
       "actor without a creation year counts in no year.",
       "n_created_in_year / population × 10 000", _pc("n_new_actors", 10000), 2,
       per_capita=True, tags=("growth",)),
    _I("projects_reaching_diffusion", "projects", "Projets passés en diffusion dans l'année",
       "Projects reaching diffusion in the year", "projets", "projects",
       "Projets du territoire entrés dans l'année à l'étape « Diffusion / essaimage » (ou "
       "passés directement à l'évaluation) : année de diffusion, sinon année d'évaluation, "
       "sinon année de début pour un projet dont l'étape actuelle est la diffusion ou "
       "l'évaluation sans date d'étape.",
       "The territory's projects that reached the “Diffusion / scaling” step in the year (or "
       "went straight to evaluation): diffusion year, else evaluation year, else start year for "
       "a project whose current stage is diffusion or evaluation without a stage date.",
       "count(year reaching diffusion = year)", "n_reach_diffusion", 0,
       tags=("total", "growth")),
    _I("funding_growth", "money", "Croissance des financements sur un an",
       "Funding growth over one year", "%", "%",
       "Évolution des financements reçus par les projets du territoire entre l'année précédente "
       "et l'année de la vue (financements datés de chacune des deux années). Non défini sans "
       "financement l'année précédente.",
       "Change of the funding received by the territory's projects from the year before to the "
       "view's year (fundings dated in each of the two years). Undefined with no funding the "
       "year before.",
       "(Σ amount_eur[year] − Σ amount_eur[year − 1]) / Σ amount_eur[year − 1]",
       "CASE WHEN funding_prev_year > 0 THEN (funding_year - funding_prev_year) / "
       "funding_prev_year END", 3, tags=("growth",)),
    *[_I(f"ess_establishments_{f.code}", "employment",
         f"Établissements de l'ESS : {_FAMILY_FR[f.code]}", f"ESS establishments: {_FAMILY_EN[f.code]}",
         "établissements", "establishments",
         f"Établissements actifs (acteurs identifiés par un SIRET, non fermés) de la famille "
         f"« {f.fr} » de l'ESS, donnée par la catégorie juridique SIRENE de leur unité légale "
         f"({f.help_fr}). Les établissements sans famille connue (hors import SIRENE) n'y "
         "figurent pas.",
         f"Active establishments (actors identified by a SIRET, not closed) of the ESS family "
         f"“{f.en}”, given by their legal unit's SIRENE legal category ({f.help_en}). "
         "Establishments with no known family (not imported from SIRENE) are not counted.",
         f"n_ess_{f.code}", f"n_ess_{f.code}", 0, tags=TOTAL)
      for f in voc.ESS_FAMILIES if f.code != "none"],
    # the families' shares: comparable across territories of different sizes (Comparer)
    *[_I(f"ess_family_share_{f.code}", "employment",
         f"Part des {_FAMILY_FR[f.code]} parmi les établissements de l'ESS",
         f"Share of {_FAMILY_EN[f.code]} among ESS establishments", "%", "%",
         f"Établissements de la famille « {f.fr} » parmi les établissements de l'ESS dont la "
         "famille est connue (associations, coopératives, mutuelles, fondations et sociétés "
         "commerciales de l'ESS, données par la catégorie juridique SIRENE de leur unité "
         "légale). Non défini sans établissement de famille connue (imports autres que SIRENE).",
         f"Establishments of the “{f.en}” family among the ESS establishments whose family is "
         "known (associations, cooperatives, mutuals, foundations and commercial ESS companies, "
         "given by their legal unit's SIRENE legal category). Undefined with no establishment "
         "of known family (imports other than SIRENE).",
         f"n_ess_{f.code} / Σ n_ess_<family>",
         _share(f"n_ess_{f.code}", "(" + " + ".join(f"n_ess_{g}" for g in _FAMILY_FR) + ")"), 3)
      for f in voc.ESS_FAMILIES if f.code != "none"],
]

INDICATORS: dict[str, Indicator] = {i.id: i for i in _REGISTRY}

#: indicators computable as of a year (:mod:`ecosystem.analysis.asof`), with the records
#: whose missing dates leave them out of a year: actors (no creation year, or closed at an
#: unknown date), projects (no start year) or fundings (no year). Not dated: the graph
#: metrics, the grid (scores have no stage history) and the indicators that read
#: undated links (each actor's links over all projects, declared partnerships).
DATED: dict[str, str] = {
    **{i: "actors" for i in ("actors", "actors_per_10k", "associations_share", "actor_types",
                             "new_actors_per_10k", "ess_establishments",
                             "ess_establishments_per_10k", "ess_employer_establishments",
                             "ess_jobs", "ess_jobs_low", "ess_jobs_high",
                             "ess_establishment_share")},
    **{i: "projects" for i in ("projects", "projects_per_100k", "active_projects",
                               "white_zones", "domain_diversity", "beneficiaries", "jobs_fte",
                               "jobs_per_10k", "volunteers", "beneficiaries_per_10k",
                               "volunteers_per_10k", "cross_type_share", "research_share",
                               "projects_reaching_diffusion",
                               *(f"projects_{s}_per_100k" for s in voc.STAGES.codes))},
    **{i: "fundings" for i in ("funding_total", "funding_per_inhabitant", "funding_public_share",
                               "funding_private_share", "funding_earned_share", "hybridity",
                               "funding_growth")},
}
#: the headline indicators whose evolution reports and profiles show
EVOLUTION_IDS = ["actors_per_10k", "new_actors_per_10k", "projects_per_100k",
                 "projects_reaching_diffusion", "funding_per_inhabitant", "funding_growth"]
#: indicators computed by SQL in :func:`compute` (the rest need other engines)
SQL_IDS = [i.id for i in _REGISTRY if i.engine == "sql"]
DEFAULT_MAP = ["actors", "actors_per_10k", "projects_per_100k", "funding_per_inhabitant",
               "cross_type_share"]


#: graph indicators (:func:`ecosystem.analysis.network.territory_metrics`)
NETWORK_IDS = [i.id for i in _REGISTRY if i.engine == "network"]
#: indicators that compare territories of different sizes (per capita, shares, indexes)
COMPARABLE_IDS = [i.id for i in _REGISTRY if "total" not in i.tags]


# ----------------------------------------------------- formulas in words
_POP = ("population municipale", "municipal population")


def _per(what: tuple[str, str], per: str) -> tuple[str, str]:
    return (f"{what[0]} ÷ {_POP[0]} × {per}", f"{what[1]} ÷ {_POP[1]} × {per.replace(' ', ',')}")


_N_ACTORS = ("nombre d'acteurs", "number of actors")
_N_PROJECTS = ("nombre de projets", "number of projects")
#: each indicator's formula as people read it (FR, EN): what the UI and the reports
#: show beside the definition; ``Indicator.formula`` stays the technical notation of
#: docs/indicators.md
FORMULA_WORDS: dict[str, tuple[str, str]] = {
    "actors": _N_ACTORS,
    "actors_per_10k": _per(_N_ACTORS, "10 000"),
    "associations_share": ("nombre d'associations ÷ nombre d'acteurs",
                           "number of associations ÷ number of actors"),
    "actor_types": ("nombre de types d'acteurs différents", "number of different actor types"),
    "projects": _N_PROJECTS,
    "projects_per_100k": _per(_N_PROJECTS, "100 000"),
    **{f"projects_{s.code}_per_100k": _per((f"projets à l'étape « {s.fr} »",
                                            f"projects at the “{s.en}” step"), "100 000")
       for s in voc.STAGES},
    "active_projects": ("nombre de projets en cours", "number of active projects"),
    "white_zones": (f"{N_DOMAINS} − nombre de domaines ayant au moins un projet en cours",
                    f"{N_DOMAINS} − number of domains with at least one active project"),
    "domain_diversity": (f"entropie de Shannon de la répartition des projets entre domaines "
                         f"÷ son maximum (ln {N_DOMAINS})",
                         f"Shannon entropy of the projects' spread over domains "
                         f"÷ its maximum (ln {N_DOMAINS})"),
    "funding_total": ("somme des montants (€)", "sum of amounts (€)"),
    "funding_per_inhabitant": (f"somme des montants (€) ÷ {_POP[0]}",
                               f"sum of amounts (€) ÷ {_POP[1]}"),
    "funding_public_share": ("financements publics ÷ total des financements",
                             "public funding ÷ total funding"),
    "funding_private_share": ("financements privés ÷ total des financements",
                              "private funding ÷ total funding"),
    "funding_earned_share": ("recettes propres ÷ total des financements",
                             "earned income ÷ total funding"),
    "hybridity": ("(1 − somme des carrés des parts publique, privée et de recettes propres) "
                  "÷ (2/3)",
                  "(1 − sum of the squared public, private and earned shares) ÷ (2/3)"),
    "beneficiaries": ("somme des bénéficiaires des projets", "sum of the projects' beneficiaries"),
    "jobs_fte": ("somme des emplois créés (ETP)", "sum of jobs created (FTE)"),
    "jobs_per_10k": _per(("somme des emplois créés (ETP)", "sum of jobs created (FTE)"), "10 000"),
    "volunteers": ("somme des bénévoles des projets", "sum of the projects' volunteers"),
    "beneficiaries_per_10k": _per(("somme des bénéficiaires", "sum of beneficiaries"), "10 000"),
    "volunteers_per_10k": _per(("somme des bénévoles", "sum of volunteers"), "10 000"),
    "partners_per_actor": ("somme, sur les projets de chaque acteur, des autres participants "
                           "÷ nombre d'acteurs",
                           "sum, over each actor's projects, of the other participants "
                           "÷ number of actors"),
    "cross_type_share": ("liens entre types d'acteurs différents ÷ ensemble des liens",
                         "links between different actor types ÷ all links"),
    "research_share": ("projets associant la recherche ÷ nombre de projets",
                       "projects involving research ÷ number of projects"),
    "assoc_company_links": ("paires association – entreprise dans un même projet "
                            "+ partenariats déclarés",
                            "association – company pairs in a project + declared partnerships"),
    "net_density": ("liens existants ÷ liens possibles entre les acteurs",
                    "existing links ÷ possible links between the actors"),
    "net_largest_share": ("acteurs du plus grand groupe connecté ÷ nombre d'acteurs du réseau",
                          "actors in the largest connected group ÷ actors in the network"),
    "net_mean_degree": ("2 × nombre de liens ÷ nombre d'acteurs du réseau",
                        "2 × number of links ÷ actors in the network"),
    "net_communities": ("nombre de communautés trouvées par la méthode de Leiden",
                        "number of communities found by the Leiden method"),
    "net_cross_type_share": ("liens entre types d'acteurs différents ÷ ensemble des liens",
                             "links between different actor types ÷ all links"),
    "grid_assessed_share": ("projets évalués sur la grille ÷ nombre de projets",
                            "projects assessed on the grid ÷ number of projects"),
    "grid_mean": ("somme des notes ÷ nombre de notes", "sum of scores ÷ number of scores"),
    "ess_establishments": ("nombre d'établissements de l'ESS", "number of ESS establishments"),
    "ess_establishments_per_10k": _per(("nombre d'établissements de l'ESS",
                                        "number of ESS establishments"), "10 000"),
    "ess_employer_establishments": ("nombre d'établissements employeurs de l'ESS",
                                    "number of ESS employer establishments"),
    "ess_jobs": ("somme des milieux de tranche d'effectif salarié",
                 "sum of the staff bands' midpoints"),
    "ess_jobs_low": ("somme des bornes basses de tranche d'effectif salarié",
                     "sum of the staff bands' lower bounds"),
    "ess_jobs_high": ("somme des bornes hautes de tranche d'effectif salarié",
                      "sum of the staff bands' upper bounds"),
    "ess_establishment_share": ("établissements de l'ESS ÷ ensemble des établissements du "
                                "territoire (effectifs SIRENE chargés)",
                                "ESS establishments ÷ all the territory's establishments "
                                "(loaded SIRENE counts)"),
    **{f"ess_establishments_{code}": (f"nombre d'établissements actifs de l'ESS de la famille "
                                      f"« {_FAMILY_FR[code]} »",
                                      f"number of active ESS establishments of the "
                                      f"“{_FAMILY_EN[code]}” family")
       for code in _FAMILY_FR},
    **{f"ess_family_share_{code}": (f"établissements de l'ESS de la famille « {_FAMILY_FR[code]} » ÷ "
                                    "établissements de l'ESS de famille connue",
                                    f"ESS establishments of the “{_FAMILY_EN[code]}” family ÷ "
                                    "ESS establishments of known family")
       for code in _FAMILY_FR},
    "new_actors_per_10k": _per(("nombre d'acteurs créés dans l'année",
                                "number of actors created in the year"), "10 000"),
    "projects_reaching_diffusion": ("nombre de projets entrés dans l'année à l'étape de diffusion",
                                    "number of projects that reached the diffusion step in the "
                                    "year"),
    "funding_growth": ("(financements de l'année − financements de l'année précédente) ÷ "
                       "financements de l'année précédente",
                       "(the year's funding − the previous year's funding) ÷ the previous "
                       "year's funding"),
}


#: a rate computed from fewer projects (or actors) than this is shown as fragile
FRAGILE_BELOW = 5
_PROJECT_GROUPS = ("projects", "needs", "money", "results", "cooperation", "grid")


def sample_base(indicator_id: str) -> str:
    """What an indicator's value is computed from, counted per territory: ``projects``
    (projects, needs, money, results, cooperation, grid) or ``actors``."""
    return "projects" if INDICATORS[indicator_id].group in _PROJECT_GROUPS else "actors"


def is_fragile(indicator_id: str, n) -> bool:
    """A share, rate or mean (not a count) computed from fewer than
    :data:`FRAGILE_BELOW` projects or actors: one more would move it a lot."""
    if "total" in INDICATORS[indicator_id].tags or n is None or n != n:
        return False
    return int(n) < FRAGILE_BELOW


def get(indicator_id: str) -> Indicator:
    return INDICATORS[indicator_id]


#: singular of the count units, for "1 acteur" (CLDR plural category "one")
UNIT_ONE = {"acteurs": "acteur", "actors": "actor", "projets": "projet", "projects": "project",
            "personnes": "personne", "people": "person", "liens": "lien", "links": "link",
            "communautés": "communauté", "communities": "community"}


def value_kind(indicator_id: str) -> str:
    """How an indicator's values read: ``percent`` (a share), ``money`` (euros,
    possibly per inhabitant) or ``number``."""
    unit = INDICATORS[indicator_id].unit_fr
    return "percent" if unit == "%" else "money" if unit.startswith("€") else "number"


def format_value(indicator_id: str, value, lang: str = "fr", with_unit: bool = False) -> str:
    """A value as users read it, through :mod:`ecosystem.numbers` (Babel): shares in
    percent with one decimal, money in euros (``12,34 €`` per inhabitant), other
    values with the registry's decimals; ``with_unit`` adds the rest of the unit
    (``€ / hab.`` → ``/ hab.``; ``acteurs`` → ``acteur`` for 0 and 1 in French).
    Undefined values read as a dash."""
    from ecosystem import numbers

    i = INDICATORS[indicator_id]
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return numbers.DASH
    kind = value_kind(indicator_id)
    if kind == "percent":
        return _not_zero(numbers.percent, float(value), lang, 1, 3)
    if kind == "money":
        text = _not_zero(numbers.currency, float(value), lang, i.decimals, i.decimals)
        rest = i.unit(lang).removeprefix("€").strip()
        return f"{text} {rest}" if with_unit and rest else text
    text = _not_zero(numbers.number, float(value), lang, i.decimals, i.decimals)
    if not with_unit:
        return text
    unit = i.unit(lang)
    # only a count unit has a singular: the plural rule is not evaluated for the
    # others (a map of 4,000 communes formats 4,000 values per rerun)
    if unit in UNIT_ONE and numbers.plural_form(value, lang) == "one":
        unit = UNIT_ONE[unit]
    return f"{text} {unit}"


def _not_zero(fmt, value: float, lang: str, places: int, step_places: int) -> str:
    """``fmt(value, lang, places)``, or "< 0,01" (the smallest value those places write,
    ``10 ** -step_places`` in ``value``'s scale) when a value that is not zero would be
    written as zero: 10 actors over France read "0,00 acteurs pour 10 000 habitants"."""
    text = fmt(value, lang, places)
    if value == 0 or fmt(abs(value), lang, places) != fmt(0.0, lang, places):
        return text
    step = 10.0 ** -step_places
    return ("<\u00a0" + fmt(step, lang, places)) if value > 0 else (">\u00a0" + fmt(-step, lang, places))


def by_group(group: str) -> list[Indicator]:
    return [i for i in _REGISTRY if i.group == group]


# ---------------------------------------------------------------------- SQL
def _base_sql(ref: InventoryRef, key: str, project_filter: bool, *, year: str = "year(current_date)",
              fp: str = "fp", fa: str = "fa", fma: str | None = None,
              counts: str | None = None) -> str:
    """Per-territory base aggregates (one row per territory code), after ``WITH fp, fa``.

    fp and fa read the derived tables, which already carry geography codes and
    per-project statistics (:mod:`ecosystem.storage.derived`); ``key`` is the level
    column (or a constant for the national row).

    Two grouped scans do almost all the work: projects (``p_agg``; domain counts
    come from one 0/1 column per domain, so there is no unnest and no grouping by
    (territory, domain)) and actors (``a_agg``; actor types counted per type
    rather than with a distinct count, links and declared association–company
    partnerships (``declared_ac`` of the derived actors) summed in the same pass).
    Under project filters, the partnership links of actors are summed over their
    participations: ``fma`` (the view's participations of its actors, which carry the
    actor's territory codes: no join) when the key is one of those codes, else
    ``fm`` joined to ``fa``.

    ``year``: SQL for the year of the per-year flows (new actors, projects reaching
    diffusion, fundings of the year and the year before; :mod:`ecosystem.analysis.asof`);
    ``fp``/``fa``: the tables or CTEs the sets are read from (the time series read
    sets expanded by year, :mod:`ecosystem.analysis.timeline`; :func:`compute` passes
    them cut to the territories it returns, ``fma`` too).

    ``counts``: SQL of the full SIRENE establishment counts per territory (``code``,
    ``n_all_establishments``; :func:`ecosystem.storage.establishment_counts.counts_sql`)
    when the store holds them, the denominator of the share of ESS establishments
    (``c_agg``, empty otherwise).
    """
    fu = ref.table("fundings")
    family_counts = ", ".join(f"count(*) FILTER (WHERE ess_family = '{f}') AS n_ess_{f}"
                              for f in FAMILY_CODES)
    stage_counts = ", ".join(f"count(*) FILTER (WHERE stage = '{s}') AS n_{s}"
                             for s in voc.STAGES.codes)
    active = "coalesce(active, end_year IS NULL OR end_year >= year(current_date))"
    fa_key = key if key.startswith("'") else f"fa.{key}"
    fp_key = key if key.startswith("'") else f"fp.{key}"
    reached = asof.diffusion_reached("fp")
    doms = range(N_DOMAINS)
    # one 0/1 flag per domain from the derived tables' bit mask (bit i: the i-th
    # domain, :func:`ecosystem.storage.derived.domain_bits`): 17 list searches per
    # project cost a third of a national aggregation; the projects are counted per
    # mask first (a few hundred masks), so the 34 domain sums run over those counts,
    # not over every project (``p_dom``)
    flags = [f"((domain_bits >> {i}) & 1)" for i in doms]
    dom_sums = ", ".join(f"sum({flags[i]} * n) AS nd{i}, sum({flags[i]} * n_act) AS na{i}"
                         for i in doms)
    dom_total = " + ".join(f"nd{i}" for i in doms)
    entropy = " + ".join(f"CASE WHEN nd{i} > 0 THEN nd{i} / dom_total * ln(nd{i} / dom_total) "
                         f"ELSE 0 END" for i in doms)
    n_active_domains = " + ".join(f"(na{i} > 0)::INTEGER" for i in doms)
    type_flags = " + ".join(f"(count(*) FILTER (WHERE actor_type = '{t}') > 0)::INTEGER"
                            for t in voc.ACTOR_TYPES.codes)
    if project_filter and fma:  # links of each actor within the filtered projects only
        links_col = ""
        actor_links = (f", links_of_actors AS (SELECT {fa_key} AS code, "
                       f"sum(fa.n_members - 1) AS actor_links FROM {fma} fa GROUP BY 1)")
    elif project_filter:
        links_col = ""
        actor_links = (f", links_of_actors AS (SELECT {fa_key} AS code, "
                       f"sum(m.n_members - 1) AS actor_links "
                       f"FROM fm m JOIN {fa} fa USING (actor_id) GROUP BY 1)")
    else:  # each actor's links over all projects are precomputed (links_all)
        links_col = ", sum(links_all) AS actor_links"
        actor_links = ""
    return f"""
    , p_sums AS (
        SELECT {key} AS code, count(*) AS n_projects, {stage_counts},
               sum(act) AS n_active,
               coalesce(sum(beneficiaries), 0) AS beneficiaries,
               coalesce(sum(jobs_fte), 0) AS jobs_fte,
               coalesce(sum(volunteers), 0) AS volunteers,
               sum(links) AS links, sum(links_cross) AS links_cross,
               sum(links_assoc_company) AS links_assoc_company,
               count(*) FILTER (WHERE has_research) AS n_research,
               sum(funding_total) AS funding_total, sum(funding_public) AS funding_public,
               sum(funding_private) AS funding_private, sum(funding_earned) AS funding_earned,
               count(*) FILTER (WHERE n_scores > 0) AS n_assessed,
               count(*) FILTER (WHERE reached = {year}) AS n_reach_diffusion,
               sum(score_sum) / nullif(sum(n_scores), 0) AS grid_mean
        FROM (SELECT *, ({active})::INTEGER AS act, {reached} AS reached FROM {fp} fp)
        GROUP BY 1)
    , p_dom AS (  -- projects per domain mask first: few masks, then one bit per domain
        SELECT code, {dom_sums} FROM (
            SELECT {key} AS code, domain_bits, count(*) AS n, sum(act) AS n_act
            FROM (SELECT *, ({active})::INTEGER AS act FROM {fp} fp) GROUP BY 1, 2)
        GROUP BY 1)
    , p_agg AS (
        SELECT code, n_projects, {', '.join(f'n_{s}' for s in voc.STAGES.codes)}, n_active,
               beneficiaries, jobs_fte, volunteers, links, links_cross, links_assoc_company,
               n_research, funding_total, funding_public, funding_private, funding_earned,
               n_assessed, n_reach_diffusion, grid_mean, {n_active_domains} AS n_domains_active,
               CASE WHEN dom_total > 0 THEN -({entropy}) / ln({N_DOMAINS}) END AS domain_entropy
        FROM (SELECT *, ({dom_total})::DOUBLE AS dom_total FROM p_sums JOIN p_dom USING (code)))
    , a_agg AS (
        SELECT {key} AS code, count(*) AS n_actors,
               count(*) FILTER (WHERE actor_type = 'association') AS n_associations,
               count(*) FILTER (WHERE creation_year = {year}) AS n_new_actors,
               sum(declared_ac) AS declared_assoc_company,
               {type_flags} AS n_actor_types{links_col}
        FROM {fa} fa GROUP BY 1)
    {actor_links}
    , e_agg AS (  -- active establishments (a SIRET), ESS ones, staff bands
        SELECT {key} AS code, count(*) AS n_establishments,
               count(*) FILTER (WHERE ess) AS n_ess_establishments,
               count(*) FILTER (WHERE ess AND employees > 0) AS n_ess_employers,
               sum(employees) FILTER (WHERE ess) AS ess_jobs,
               sum(jobs_low) FILTER (WHERE ess) AS ess_jobs_low,
               sum(jobs_high) FILTER (WHERE ess) AS ess_jobs_high,
               {family_counts},
               (SELECT count(*) FROM {ref.derived('d_actors')} WHERE has_siret
                  AND coalesce(active, true) AND NOT ({ESS_SQL})) AS n_inventory_outside_ess
        FROM (SELECT *, {ESS_SQL} AS ess, {_band_bound(0)} AS jobs_low,
                     {_band_bound(1)} AS jobs_high
              FROM {fa} fa WHERE coalesce(active, true) AND has_siret)
        GROUP BY 1)
    , f_agg AS (  -- fundings of the flows' year and of the year before
        SELECT {fp_key} AS code,
               coalesce(sum(f.amount_eur) FILTER (WHERE f.year = {year}), 0) AS funding_year,
               coalesce(sum(f.amount_eur) FILTER (WHERE f.year = {year} - 1), 0)
                   AS funding_prev_year
        FROM {fu} f JOIN {fp} fp USING (project_id)
        WHERE f.year BETWEEN {year} - 1 AND {year} GROUP BY 1)
    , c_agg AS ({counts or _NO_COUNTS})  -- every establishment (loaded counts), unfiltered
    """


def _base_from(project_filter: bool, flows: bool = False) -> str:
    """Joins of the per-territory aggregates (after ``FROM <territories> t``);
    ``flows``: with the fundings of the year (only the indicators that need them
    pay for that join, :data:`FLOW_COLUMNS`)."""
    links = "LEFT JOIN links_of_actors USING (code) " if project_filter else ""
    return (f"LEFT JOIN a_agg USING (code) LEFT JOIN p_agg USING (code) {links}"
            f"LEFT JOIN e_agg USING (code) LEFT JOIN c_agg USING (code)"
            + (" LEFT JOIN f_agg USING (code)" if flows else ""))


#: base columns available to indicator expressions (with their zero default)
BASE_COLUMNS = {
    "n_actors": 0, "n_associations": 0, "n_actor_types": 0, "n_projects": 0, "n_active": 0,
    **{f"n_{s}": 0 for s in voc.STAGES.codes},
    "beneficiaries": 0, "jobs_fte": 0, "volunteers": 0, "links": 0, "links_cross": 0,
    "links_assoc_company": 0, "n_research": 0, "funding_total": 0, "funding_public": 0,
    "funding_private": 0, "funding_earned": 0, "n_assessed": 0, "grid_mean": None,
    "n_domains_active": 0, "domain_entropy": None, "actor_links": 0, "declared_assoc_company": 0,
    "n_establishments": 0, "n_ess_establishments": 0, "n_ess_employers": 0, "ess_jobs": 0,
    "ess_jobs_low": 0, "ess_jobs_high": 0, "n_inventory_outside_ess": 0,
    **{f"n_ess_{f}": 0 for f in FAMILY_CODES},
    "n_new_actors": 0, "n_reach_diffusion": 0, "funding_year": 0, "funding_prev_year": 0,
    # NULL without loaded counts (the share then keeps the inventory's rule), else 0
    # for a territory none of whose communes is counted (:func:`_base_select`)
    "n_all_establishments": None,
}
_NO_COUNTS = "SELECT NULL::VARCHAR AS code, NULL::BIGINT AS n_all_establishments WHERE false"
#: base columns read from ``f_agg`` (the fundings of the year), joined only when needed
FLOW_COLUMNS = ("funding_year", "funding_prev_year")

#: actor types of the ESS families (associations; foundations; cooperatives, mutuals and
#: commercial ESS companies are social-economy enterprises)
ESS_TYPES = ("association", "foundation", "social_enterprise")
ESS_TYPES_SQL = ", ".join(f"'{t}'" for t in ESS_TYPES)
#: an establishment of the ESS: by its family when its legal category is known (SIRENE
#: imports: a political association, family ``none``, is not), else by its actor type
ESS_SQL = f"coalesce(ess_family <> 'none', actor_type IN ({ESS_TYPES_SQL}))"


def denominator_missing(view: View) -> bool:
    """True when the inventory holds ESS establishments but none outside the ESS: only
    the ESS was imported, not every establishment (``--ess all``), and no full
    establishment counts are loaded, so the share of ESS establishments is undefined (it
    would read 100 %); the pages say why."""
    from ecosystem.storage import establishment_counts as ec

    if ec.loaded(view.store):
        return False
    n = view.store.query(f"SELECT count(*) FILTER (WHERE {ESS_SQL}) AS ess, "
                         f"count(*) FILTER (WHERE NOT ({ESS_SQL})) AS other FROM {view.ref.actors} "
                         "WHERE siret IS NOT NULL AND coalesce(active, true)").iloc[0]
    return bool(n.ess) and not n.other


def _band_bound(end: int) -> str:
    """SQL: the staff band's lower (0) or upper (1) bound of an actor's ``employees``,
    which SIRENE imports set to the band's middle; any other value is a count."""
    from ecosystem.ingest.codes import STAFF_BAND_RANGES, STAFF_BANDS

    whens = " ".join(f"WHEN {STAFF_BANDS[b]} THEN {r[end]}" for b, r in STAFF_BAND_RANGES.items()
                     if STAFF_BANDS[b] > 0)
    return f"CASE employees {whens} ELSE employees END"


def _base_select(flows: bool = True, counted: bool = False) -> str:
    defaults = {**BASE_COLUMNS, "n_all_establishments": 0 if counted else None}
    return ", ".join(f"coalesce({c}, {d}) AS {c}" if d is not None else c
                     for c, d in defaults.items() if flows or c not in FLOW_COLUMNS)


def _counts_sql(store, level: str | None, ids) -> str | None:
    """The loaded establishment counts per territory of ``level`` (None: France), or
    None when the store holds none or no indicator of ``ids`` reads them."""
    from ecosystem.storage import establishment_counts as ec

    if not any("n_all_establishments" in INDICATORS[i].expr for i in ids) or not ec.loaded(store):
        return None
    if level is None:
        return ec.counts_sql("'FR'")
    if is_zoning_level(level):
        from ecosystem.storage import zonings
        row = zonings.get(store, level)
        return ec.counts_sql("", (int(row["id"]), row["kind"]))
    return ec.counts_sql({"commune": "code", "epci": "epci", "departement": "dep",
                          "region": "reg"}[level])


def _needs_flows(ids) -> bool:
    return any(c in INDICATORS[i].expr for i in ids for c in FLOW_COLUMNS)


def compute(view: View, level: str,
            ids: list[str] | None = None, within: tuple[str, str] | None = None) -> pd.DataFrame:
    """Indicators of every territory of ``level`` (optionally only those ``within`` a
    parent territory) for the filters other than the territory scope.

    Returns one row per territory: code, name, population, the base aggregates
    and one column per requested indicator.
    """
    if is_zoning_level(level):  # the view adds the zoning's column to fa and fp
        view = view.with_(level=level)
    store, ref, filters = view.store, view.ref, view.filters
    ids = list(ids or SQL_IDS)
    sql_ids = [i for i in ids if INDICATORS[i].engine == "sql"]
    key = level_column(level)
    where, tail = _territory_where(level, within)
    exprs = "".join(f", {INDICATORS[i].expr} AS {i}" for i in sql_ids)
    flows = _needs_flows(sql_ids)
    cut, fp, fa = "", "fp", "fa"
    # participations carry their actor's territory codes, not a user zoning's
    fma = None if is_zoning_level(level) else "fma"
    if within is not None and not is_zoning_level(within[0]):
        # only the rows of the territories returned are aggregated (a territory's
        # profile need not group the whole of France): every row carries the codes
        # of its commune's EPCI, département and région
        column = level_column(within[0])
        cut, fp, fa = (f", fp_in AS (SELECT * FROM fp WHERE {column} = ?), "
                       f"fa_in AS (SELECT * FROM fa WHERE {column} = ?)"), "fp_in", "fa_in"
        tail = [within[1], within[1], *tail]
        if fma and filters.has_project_filter:  # the territory's row groups only
            cut += f", fma_in AS (SELECT * FROM fma WHERE {column} = ?)"
            fma, tail = "fma_in", [within[1], *tail]
    counts = _counts_sql(store, level, sql_ids)
    body = (cut + _base_sql(ref, key, filters.has_project_filter, year=filters.year_sql,
                            fp=fp, fa=fa, fma=fma, counts=counts) +
            f"SELECT *{exprs} FROM (SELECT t.code, t.name, t.population, "
            f"{_base_select(flows, counts is not None)} "
            f"FROM {territory_relation(level)} t {_base_from(filters.has_project_filter, flows)} "
            f"WHERE {where}) ORDER BY code")
    sql = view.sql(body, territory=False)
    df = store.query(sql.text, sql.params + tail)
    other = [i for i in ids if INDICATORS[i].engine == "network"]
    if other:
        df = _merge_network(df, view, level, other)
    return df


def territory_relation(level: str) -> str:
    """The territories of ``level``: ``geo_territories``, or a user zoning's zones."""
    if is_zoning_level(level):
        from ecosystem.storage.zonings import territories_sql
        return territories_sql(level)
    return "geo_territories"


def _territory_where(level: str, within) -> tuple[str, list]:
    where, tail = "t.level = ?", [level]
    if within is not None:
        parent_level, parent_code = within
        if parent_level == level:
            where += " AND t.code = ?"
        elif parent_level == "region":
            where += " AND t.reg = ?"
        elif parent_level == "departement":
            where += " AND t.dep = ?"
        else:
            where += " AND t.code IN (SELECT code FROM geo_communes WHERE epci = ?)"
        tail.append(parent_code)
    return where, tail


def _merge_network(df, view: View, level, ids):
    try:
        network = importlib.import_module("ecosystem.analysis.network")
    except ImportError:
        for i in ids:
            df[i] = np.nan
        return df
    metrics = network.territory_metrics(view, level)
    return df.merge(metrics[["code", *ids]], on="code", how="left")


def national(view: View,
             ids: list[str] | None = None) -> pd.Series:
    """The same indicators for the whole of France (the national reference)."""
    store, ref, filters = view.store, view.ref, view.filters
    wanted = list(ids or SQL_IDS)
    ids = [i for i in wanted if INDICATORS[i].engine == "sql"]
    exprs = "".join(f", {INDICATORS[i].expr} AS {i}" for i in ids)
    flows = _needs_flows(ids)
    counts = _counts_sql(store, None, ids)
    body = (_base_sql(ref, "'FR'", filters.has_project_filter, year=filters.year_sql,
                      fma="fma", counts=counts) +
            f"SELECT *{exprs} FROM (SELECT 'FR' AS code, 'France' AS name, "
            f"(SELECT sum(population) FROM geo_communes) AS population, "
            f"{_base_select(flows, counts is not None)} "
            f"FROM (SELECT 'FR' AS code) t {_base_from(filters.has_project_filter, flows)})")
    sql = view.sql(body, territory=False)
    row = store.query(sql.text, sql.params).iloc[0]
    other = [i for i in wanted if INDICATORS[i].engine == "network"]
    if other:
        from ecosystem.analysis import network
        values = network.national_metrics(view)
        row = pd.concat([row, pd.Series({i: values[i] for i in other})])
    return row


def for_territory(view: View, level: str, code: str,
                  ids: list[str] | None = None) -> pd.Series:
    """Indicators of one territory (same definitions as :func:`compute`)."""
    df = compute(view, level, ids, within=(level, code))
    if df.empty:
        raise KeyError(f"{level}:{code}")
    return df.iloc[0]


# --------------------------------------------------------------- breakdowns
BREAKDOWNS = ("actor_type", "actor_domain", "project_domain", "stage", "funding_origin")


def breakdown(view: View, dimension: str,
              level: str | None = None, within: tuple[str, str] | None = None) -> pd.DataFrame:
    """Counts by category (long format: code, category, n, share).

    ``level=None`` gives one row set for the current scope (``filters.territory``);
    otherwise one per territory of ``level`` (``within`` a parent if given).
    Shares are within each territory. Multi-domain records count in each domain.
    """
    if level and is_zoning_level(level):
        view = view.with_(level=level)
    store, ref = view.store, view.ref
    key = level_column(level) if level else "'scope'"
    sources = {
        "actor_type": f"SELECT {key} AS code, actor_type AS category, 1.0 AS w FROM fa",
        "actor_domain": f"SELECT {key} AS code, unnest(domains) AS category, 1.0 AS w FROM fa",
        "project_domain": f"SELECT {key} AS code, unnest(domains) AS category, 1.0 AS w FROM fp",
        "stage": f"SELECT {key} AS code, stage AS category, 1.0 AS w FROM fp",
        "funding_origin": (f"SELECT {'fp.' + key if level else key} AS code, f.origin AS category, "
                           f"f.amount_eur AS w FROM {ref.table('fundings')} f JOIN fp "
                           f"USING (project_id)"),
    }
    if dimension not in sources:
        raise ValueError(dimension)
    body = (f"SELECT code, category, sum(w) AS n, sum(w) / sum(sum(w)) OVER (PARTITION BY code) "
            f"AS share FROM ({sources[dimension]}) GROUP BY 1, 2 ORDER BY 1, 3 DESC")
    sql = view.sql(body, territory=level is None)
    df = store.query(sql.text, sql.params)
    if level and within:
        df = df[df.code.isin(_codes_within(store, level, within))]
    return df.reset_index(drop=True)


def _codes_within(store: Store, level: str, within: tuple[str, str]) -> list[str]:
    where, tail = _territory_where(level, within)
    return store.query(f"SELECT code FROM {territory_relation(level)} t WHERE {where}",
                       tail).code.tolist()


def white_zones(view: View) -> list[str]:
    """Domains with no active project in the current scope (the white zones), in
    vocabulary order."""
    store = view.store
    body = ("SELECT DISTINCT unnest(domains) AS d FROM fp WHERE coalesce(active, end_year IS NULL "
            "OR end_year >= year(current_date))")
    sql = view.sql(body)
    covered = set(store.query(sql.text, sql.params).d)
    return [d for d in voc.DOMAINS.codes if d not in covered]


def grid_rollup(view: View, by: str = "territory",
                level: str = "region") -> pd.DataFrame:
    """Mean score and assessed share per criterion, rolled up per territory of
    ``level`` (``by="territory"``) or per project domain (``by="domain"``).

    Scores left empty ("not assessed") are excluded from means and counted apart.
    """
    if by == "territory" and is_zoning_level(level):
        view = view.with_(level=level)
    store, ref = view.store, view.ref
    sc = ref.table("scores")
    group = f"fp.{level_column(level)}" if by == "territory" else "d"
    source = "fp" if by == "territory" else "(SELECT *, unnest(domains) AS d FROM fp)"
    body = f"""
        SELECT {group} AS code, s.criterion_id,
               avg(s.score) AS mean_score, count(s.score) AS n_scored,
               count(*) - count(s.score) AS n_not_assessed,
               count(DISTINCT s.project_id) AS n_projects
        FROM {source} fp JOIN {sc} s USING (project_id)
        GROUP BY 1, 2 ORDER BY 1, 2"""
    sql = view.sql(body)
    return store.query(sql.text, sql.params)
