"""Controlled vocabularies: the codes stored in data and their FR/EN labels.

This is the only place where actor types, social-need domains, project stages,
funding kinds and origins, partner roles and territory levels are defined.
Schemas, filters, the demo generator, importers, exports and the UI all read
from here; translation of a code never goes through the UI catalogues.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Term:
    code: str
    fr: str
    en: str
    help_fr: str = ""
    help_en: str = ""

    def label(self, lang: str = "fr") -> str:
        return self.en if lang == "en" else self.fr

    def help(self, lang: str = "fr") -> str:
        return self.help_en if lang == "en" else self.help_fr


@dataclass(frozen=True)
class Vocabulary:
    name: str
    terms: tuple[Term, ...]
    _index: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {t.code: t for t in self.terms})
        if len(self._index) != len(self.terms):
            raise ValueError(f"duplicate code in vocabulary {self.name}")

    @property
    def codes(self) -> list[str]:
        return [t.code for t in self.terms]

    def __contains__(self, code: object) -> bool:
        return code in self._index

    def __iter__(self):
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def term(self, code: str) -> Term:
        return self._index[code]

    def label(self, code: str | None, lang: str = "fr") -> str:
        """Label of a code; unknown codes are returned as they are (never raise in UI)."""
        if code is None:
            return ""
        term = self._index.get(code)
        return term.label(lang) if term else str(code)

    def labels(self, lang: str = "fr") -> dict[str, str]:
        return {t.code: t.label(lang) for t in self.terms}

    def in_sentence(self, code: str | None, lang: str = "fr") -> str:
        """The label inside a sentence: its first letter in lower case, acronyms kept
        ("intercommunalité (EPCI)", not "intercommunalité (epci)")."""
        label = self.label(code, lang)
        return label[:1].lower() + label[1:]


ACTOR_TYPES = Vocabulary("actor_type", (
    Term("association", "Association", "Association",
         "Association loi 1901, association reconnue d'utilité publique, SIAE associative",
         "Non-profit association (loi 1901), incl. public-interest associations"),
    Term("foundation", "Fondation / fonds de dotation", "Foundation / endowment fund",
         "Fondation d'entreprise, fondation RUP, fonds de dotation",
         "Corporate or public-interest foundation, endowment fund"),
    Term("local_authority", "Collectivité territoriale", "Local authority",
         "Commune, EPCI, département, région", "Municipality, inter-municipality, département, région"),
    Term("research", "Recherche et enseignement supérieur", "Research and higher education",
         "Laboratoire, université, école", "Laboratory, university, school"),
    Term("social_enterprise", "Entreprise de l'ESS", "Social economy enterprise",
         "SCOP, SCIC, mutuelle, entreprise agréée ESUS",
         "Worker or multi-stakeholder cooperative, mutual, ESUS-approved company"),
    Term("company", "Entreprise engagée (RSE)", "Committed company (CSR)",
         "Entreprise ayant une politique RSE, partenaire d'associations",
         "Company with a CSR policy, partner of associations"),
    Term("network", "Réseau / fédération", "Network / federation",
         "CRESS, URIOPSS, têtes de réseau", "Regional ESS chambers, federations, umbrella networks"),
    Term("funder", "Financeur", "Funder",
         "Financeur public ou solidaire (France Active, Banque des Territoires…)",
         "Public or solidarity funder"),
))

DOMAINS = Vocabulary("domain", (
    Term("employment", "Emploi et insertion", "Employment and work integration"),
    Term("ageing", "Vieillissement", "Ageing"),
    Term("early_childhood", "Petite enfance et famille", "Early childhood and family"),
    Term("housing", "Logement", "Housing"),
    Term("health", "Santé", "Health"),
    Term("poverty", "Pauvreté et exclusion", "Poverty and exclusion"),
    Term("social_cohesion", "Cohésion sociale et lien social", "Social cohesion and ties"),
    Term("education_youth", "Éducation et jeunesse", "Education and youth"),
    Term("disability", "Handicap", "Disability"),
    Term("ecological_transition", "Transition écologique", "Ecological transition",
         "Énergie citoyenne, économie circulaire", "Community energy, circular economy"),
    Term("food", "Alimentation", "Food"),
    Term("mobility", "Mobilité", "Mobility"),
    Term("digital_inclusion", "Inclusion numérique", "Digital inclusion"),
    Term("culture", "Culture", "Culture"),
    Term("sport", "Sport", "Sport"),
    Term("citizen_participation", "Participation citoyenne et gouvernance",
         "Citizen participation and governance"),
    Term("migration", "Migrations et accueil", "Migration and reception"),
))

STAGES = Vocabulary("stage", (
    Term("emergence", "Émergence", "Emergence",
         "Repérage du besoin, idée, constitution du collectif",
         "Need identified, idea, forming the group"),
    Term("experimentation", "Expérimentation", "Experimentation",
         "Test en conditions réelles, ajustements", "Tested in real conditions, adjusted"),
    Term("diffusion", "Diffusion / essaimage", "Diffusion / scaling",
         "Généralisation, essaimage sur d'autres territoires", "Spread to other places or scaled up"),
    Term("evaluation", "Évaluation", "Evaluation",
         "Mesure des effets et de l'impact social", "Effects and social impact measured"),
))

FUNDING_KINDS = Vocabulary("funding_kind", (
    Term("subvention", "Subvention", "Grant"),
    Term("pret", "Prêt", "Loan"),
    Term("mecenat", "Mécénat", "Corporate sponsorship"),
    Term("commande_publique", "Commande publique", "Public procurement"),
    Term("investissement_solidaire", "Investissement solidaire", "Solidarity investment"),
    Term("recettes", "Recettes d'activité", "Earned income",
         "Ventes de biens et services aux usagers", "Sales of goods and services to users"),
))

FUNDING_ORIGINS = Vocabulary("funding_origin", (
    Term("public", "Public", "Public", "Subventions et prêts de financeurs publics",
         "Grants and loans from public bodies"),
    Term("private", "Privé", "Private", "Mécénat, fondations, investissement solidaire",
         "Sponsorship, foundations, solidarity investment"),
    Term("earned", "Recettes propres", "Earned income",
         "Ventes, prestations, commande publique", "Sales, services, public procurement"),
))

PARTNER_ROLES = Vocabulary("partner_role", (
    Term("co_lead", "Co-porteur", "Co-lead"),
    Term("operational", "Partenaire opérationnel", "Operational partner"),
    Term("research", "Partenaire de recherche", "Research partner"),
    Term("financial", "Partenaire financier", "Financial partner"),
    Term("technical", "Appui technique / accompagnement", "Technical support"),
    Term("institutional", "Partenaire institutionnel", "Institutional partner"),
    Term("users", "Représentants des usagers", "User representatives"),
))

LEVELS = Vocabulary("level", (
    Term("region", "Région", "Region"),
    Term("departement", "Département", "Département"),
    Term("epci", "Intercommunalité (EPCI)", "Inter-municipality (EPCI)"),
    Term("commune", "Commune", "Municipality"),
))

#: the inventory's fields (columns of model.TABLES) as people name them: the import
#: mapping and the actor card show these labels, never the column names
FIELDS = Vocabulary("field", (
    Term("actor_id", "Identifiant de l'acteur", "Actor identifier"),
    Term("name", "Nom", "Name"),
    Term("actor_type", "Type d'acteur", "Actor type"),
    Term("domains", "Domaines", "Domains"),
    Term("siren", "SIREN", "SIREN"),
    Term("siret", "SIRET", "SIRET"),
    Term("rna_id", "Numéro RNA", "RNA number"),
    Term("commune_code", "Code commune (INSEE)", "Commune code (INSEE)"),
    Term("postal_code", "Code postal", "Postal code"),
    Term("city", "Commune (nom)", "City"),
    Term("address", "Adresse", "Address"),
    Term("lat", "Latitude", "Latitude"),
    Term("lon", "Longitude", "Longitude"),
    Term("geo_method", "Mode de localisation", "How it was located"),
    Term("creation_year", "Année de création", "Year founded"),
    Term("employees", "Salariés (ETP)", "Employees (FTE)"),
    Term("volunteers", "Bénévoles", "Volunteers"),
    Term("website", "Site web", "Website"),
    Term("description", "Description", "Description"),
    Term("active", "Actif", "Active"),
    Term("source", "Source", "Source"),
    Term("source_id", "Identifiant dans la source", "Identifier in the source"),
    Term("project_id", "Identifiant du projet", "Project identifier"),
    Term("title", "Titre", "Title"),
    Term("lead_actor_id", "Porteur du projet (identifiant)", "Project lead (identifier)"),
    Term("stage", "Étape", "Stage"),
    Term("start_year", "Année de début", "Start year"),
    Term("end_year", "Année de fin", "End year"),
    Term("beneficiaries", "Bénéficiaires", "Beneficiaries"),
    Term("jobs_fte", "Emplois créés (ETP)", "Jobs created (FTE)"),
    Term("role", "Rôle", "Role"),
    Term("funding_id", "Identifiant du financement", "Funding identifier"),
    Term("funder_actor_id", "Financeur (identifiant)", "Funder (identifier)"),
    Term("funder_name", "Financeur (nom)", "Funder (name)"),
    Term("amount_eur", "Montant (€)", "Amount (€)"),
    Term("year", "Année", "Year"),
    Term("kind", "Nature", "Kind"),
    Term("origin", "Origine", "Origin"),
    Term("network_id", "Réseau (identifiant)", "Network (identifier)"),
    Term("since_year", "Depuis (année)", "Since (year)"),
    Term("actor_id_a", "Premier acteur (identifiant)", "First actor (identifier)"),
    Term("actor_id_b", "Second acteur (identifiant)", "Second actor (identifier)"),
    Term("criterion_id", "Critère de la grille", "Grid criterion"),
    Term("score", "Note", "Score"),
    Term("assessed_year", "Année d'évaluation", "Year assessed"),
    # declared after the first release (the history and the mapping name them too)
    Term("closing_year", "Année de fermeture", "Year closed"),
    Term("experimentation_year", "Année d'entrée en expérimentation", "Year experimentation began"),
    Term("diffusion_year", "Année d'entrée en diffusion", "Year diffusion began"),
    Term("evaluation_year", "Année d'entrée en évaluation", "Year evaluation began"),
    Term("contact_name", "Personne à contacter", "Contact person"),
    Term("contact_email", "Courriel de contact", "Contact e-mail"),
    Term("contact_phone", "Téléphone de contact", "Contact phone"),
    Term("leader_name", "Dirigeant·e", "Leader"),
    Term("ess_family", "Famille de l'ESS", "ESS family"),
    Term("outside_territory", "Bénéficiaire hors du territoire", "Beneficiary outside the territory"),
))

GEO_METHODS = Vocabulary("geo_method", (
    Term("coordinates", "Coordonnées (point dans la commune)", "Coordinates (point in polygon)"),
    Term("commune_code", "Code commune", "Commune code"),
    Term("old_code", "Ancien code commune", "Former commune code"),
    Term("postal_city", "Code postal et nom de commune", "Postal code and city name"),
    Term("postal_code", "Code postal seul", "Postal code only"),
    Term("city_name", "Nom de commune seul", "City name only"),
    Term("none", "Non localisé", "Not located"),
))

#: The ESS families of the observatories (CRESS, ESS France), from the SIRENE legal category:
#: associations 92xx, foundations 9300, cooperatives and mutuals by their categories,
#: commercial ESS companies the legal units flagged ESS outside those categories; ``none``:
#: the legal category is known and outside the ESS (empty: not known, e.g. not from SIRENE)
ESS_FAMILIES = Vocabulary("ess_family", (
    Term("association", "Association", "Association", "Catégories juridiques 92xx",
         "Legal categories 92xx"),
    Term("cooperative", "Coopérative", "Cooperative",
         "SCOP, SCIC, coopératives agricoles, banques coopératives…",
         "Worker, multi-stakeholder and farm cooperatives, cooperative banks…"),
    Term("mutual", "Mutuelle", "Mutual", "Mutuelles et unions (82xx), sociétés d'assurance mutuelle",
         "Mutual societies and their unions (82xx), mutual insurers"),
    Term("foundation", "Fondation", "Foundation", "Catégorie juridique 9300", "Legal category 9300"),
    Term("commercial", "Société commerciale de l'ESS", "Commercial ESS company",
         "Société indiquée ESS par SIRENE hors des catégories ci-dessus (loi ESS 2014, art. 1er)",
         "Company flagged ESS by SIRENE outside the categories above (2014 ESS law, art. 1)"),
    Term("none", "Hors ESS", "Outside the ESS",
         "Catégorie juridique connue hors des familles de l'ESS, ou activité que le périmètre "
         "statistique exclut (administration, partis, syndicats, cultes)",
         "Known legal category outside the ESS families, or an activity the statistical scope "
         "leaves out (administration, parties, unions, religious bodies)"),
))

#: Default origin of a funding from its kind and the funder's actor type.
PUBLIC_FUNDER_TYPES = {"local_authority"}


def default_origin(kind: str, funder_type: str | None = None, funder_public: bool | None = None) -> str:
    """Origin (public / private / earned) of a funding when the source does not say.

    Earned income and public procurement are market resources (``earned``);
    sponsorship and solidarity investment are ``private``; a grant or a loan is
    ``public`` when its funder is a public body (a local authority, or a funder
    flagged public), otherwise ``private``.
    """
    if kind in ("recettes", "commande_publique"):
        return "earned"
    if kind in ("mecenat", "investissement_solidaire"):
        return "private"
    if funder_public is None:
        funder_public = funder_type in PUBLIC_FUNDER_TYPES
    return "public" if funder_public else "private"


ALL = {v.name: v for v in (ACTOR_TYPES, DOMAINS, STAGES, FUNDING_KINDS, FUNDING_ORIGINS,
                           PARTNER_ROLES, LEVELS, GEO_METHODS, ESS_FAMILIES)}

#: Separator of multi-valued fields (domains) in flat files and DataFrames.
LIST_SEP = ";"
