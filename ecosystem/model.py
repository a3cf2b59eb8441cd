"""Data model: the tables of an inventory, their columns and validation.

Every table is declared once here (:data:`TABLES`); from that declaration come
the pandera schemas, the DuckDB DDL, the import template and the export
column order. DataFrames use one row per record and flat values: multi-valued
fields (``domains``) are ``;``-separated codes, the same form as in CSV files
(the store keeps them as ``VARCHAR[]``).

A DataFrame's index is the record's row number in its source (1-based line of
the file for imports), so validation issues can say *where* a value is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ecosystem import vocabulary as voc
from ecosystem.i18n import catalogue, t

# --------------------------------------------------------------------------
# identifiers


def luhn_ok(digits: str) -> bool:
    """Luhn checksum used by SIREN and SIRET numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siren_ok(value: str) -> bool:
    return bool(re.fullmatch(r"\d{9}", value)) and luhn_ok(value)


def siret_ok(value: str) -> bool:
    if not re.fullmatch(r"\d{14}", value):
        return False
    if value.startswith("356000000") and value != "35600000000048":  # La Poste: sum of digits
        # is a multiple of 5 (its head office uses Luhn)
        return sum(int(c) for c in value) % 5 == 0
    return luhn_ok(value) and luhn_ok(value[:9])


COMMUNE_CODE = r"(?:\d{5}|2[AB]\d{3})"
#: Waldec number, or an older id: the managing office's code (``291S``) and the old number,
#: which real RNA files write with letters and spaces (``291S02910B7087``, ``293S02931153 B``)
RNA_ID = r"W[0-9A-Z]{9}|\d{3}[A-Z0-9][0-9A-Z ]{1,11}"


# --------------------------------------------------------------------------
# table declarations


@dataclass(frozen=True)
class Col:
    name: str
    kind: str  # str | int | float | bool | list
    required: bool = False
    vocabulary: voc.Vocabulary | None = None
    pattern: str | None = None
    min: float | None = None
    max: float | None = None
    unique: bool = False
    help: str = ""
    #: may hold personal data (a person's name, e-mail, phone): hidden from anonymous
    #: visitors and viewers' exports, blanked by ``python -m ecosystem erase``
    personal: bool = False

    @property
    def sql_type(self) -> str:
        return {"str": "VARCHAR", "int": "INTEGER", "float": "DOUBLE", "bool": "BOOLEAN",
                "list": "VARCHAR[]"}[self.kind]

    @property
    def pandas_dtype(self):
        return {"str": "str", "int": "Int64", "float": "float64", "bool": "boolean",
                "list": "str"}[self.kind]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def col(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)


YEAR = dict(min=1800, max=2100)

ACTORS = Table("actors", (
    Col("actor_id", "str", required=True, unique=True, help="Identifiant unique de l'acteur"),
    Col("name", "str", required=True, help="Nom (raison sociale, titre)"),
    Col("actor_type", "str", required=True, vocabulary=voc.ACTOR_TYPES),
    Col("domains", "list", vocabulary=voc.DOMAINS, help="Domaines, séparés par ;"),
    Col("siren", "str", pattern=r"\d{9}"),
    Col("siret", "str", pattern=r"\d{14}"),
    Col("rna_id", "str", pattern=RNA_ID),
    Col("commune_code", "str", pattern=COMMUNE_CODE, help="Code commune INSEE (COG)"),
    Col("postal_code", "str", pattern=r"\d{5}"),
    Col("city", "str"),
    Col("address", "str"),
    Col("lat", "float", min=-90, max=90),
    Col("lon", "float", min=-180, max=180),
    Col("geo_method", "str", vocabulary=voc.GEO_METHODS),
    Col("creation_year", "int", **YEAR),
    Col("closing_year", "int", **YEAR, help="Année de fermeture (dissolution, cessation)"),
    Col("employees", "float", min=0, help="Salariés (ETP)"),
    Col("volunteers", "int", min=0, help="Bénévoles"),
    Col("website", "str"),
    Col("description", "str"),
    Col("active", "bool"),
    Col("source", "str", required=True, help="Origine de l'enregistrement (demo, rna, sirene…)"),
    Col("source_id", "str", help="Identifiant dans la source"),
    Col("contact_name", "str", personal=True, help="Personne à contacter (donnée personnelle)"),
    Col("contact_email", "str", personal=True, help="Courriel de contact (donnée personnelle)"),
    Col("contact_phone", "str", personal=True, help="Téléphone de contact (donnée personnelle)"),
    Col("leader_name", "str", personal=True,
        help="Dirigeant·e, président·e (donnée personnelle)"),
    # columns added after the first release go last: old stores get them by ALTER TABLE
    Col("ess_family", "str", vocabulary=voc.ESS_FAMILIES,
        help="Famille de l'ESS (association, coopérative, mutuelle, fondation, société "
             "commerciale de l'ESS), d'après la catégorie juridique SIRENE"),
), key=("actor_id",))

PROJECTS = Table("projects", (
    Col("project_id", "str", required=True, unique=True),
    Col("title", "str", required=True),
    Col("lead_actor_id", "str", required=True, help="Porteur du projet (actor_id)"),
    Col("stage", "str", required=True, vocabulary=voc.STAGES),
    Col("domains", "list", vocabulary=voc.DOMAINS),
    Col("commune_code", "str", pattern=COMMUNE_CODE,
        help="Commune où le projet se déroule (par défaut celle du porteur)"),
    Col("start_year", "int", **YEAR),
    Col("end_year", "int", **YEAR),
    Col("experimentation_year", "int", **YEAR, help="Année d'entrée en expérimentation"),
    Col("diffusion_year", "int", **YEAR, help="Année d'entrée en diffusion / essaimage"),
    Col("evaluation_year", "int", **YEAR, help="Année d'entrée en évaluation"),
    Col("active", "bool", help="Projet en cours"),
    Col("beneficiaries", "int", min=0),
    Col("jobs_fte", "float", min=0, help="Emplois créés (ETP)"),
    Col("volunteers", "int", min=0),
    Col("description", "str"),
    Col("source", "str", required=True),
    Col("source_id", "str"),
), key=("project_id",))

PARTNERS = Table("partners", (
    Col("project_id", "str", required=True),
    Col("actor_id", "str", required=True),
    Col("role", "str", required=True, vocabulary=voc.PARTNER_ROLES),
), key=("project_id", "actor_id"))

FUNDINGS = Table("fundings", (
    Col("funding_id", "str", required=True, unique=True),
    Col("project_id", "str", required=True),
    Col("funder_actor_id", "str", help="Financeur (actor_id), vide pour les recettes"),
    Col("funder_name", "str"),
    Col("amount_eur", "float", required=True, min=0),
    Col("year", "int", **YEAR),
    Col("kind", "str", required=True, vocabulary=voc.FUNDING_KINDS),
    Col("origin", "str", required=True, vocabulary=voc.FUNDING_ORIGINS),
    Col("outside_territory", "bool",
        help="Bénéficiaire situé hors du territoire de l'inventaire (import SCDL)"),
), key=("funding_id",))

MEMBERSHIPS = Table("memberships", (
    Col("actor_id", "str", required=True),
    Col("network_id", "str", required=True, help="Réseau (actor_id d'un réseau)"),
    Col("since_year", "int", **YEAR),
), key=("actor_id", "network_id"))

PARTNERSHIPS = Table("partnerships", (
    Col("actor_id_a", "str", required=True),
    Col("actor_id_b", "str", required=True),
    Col("kind", "str"),
    Col("since_year", "int", **YEAR),
    Col("source", "str"),
), key=("actor_id_a", "actor_id_b"))

SCORES = Table("scores", (
    Col("project_id", "str", required=True),
    Col("criterion_id", "str", required=True),
    Col("score", "int", min=0, max=9, help="Note ordinale ; vide = non évalué"),
    Col("assessed_year", "int", **YEAR),
), key=("project_id", "criterion_id"))

TABLES: dict[str, Table] = {tb.name: tb for tb in
                            (ACTORS, PROJECTS, PARTNERS, FUNDINGS, MEMBERSHIPS, PARTNERSHIPS, SCORES)}

def personal_columns(kind: str) -> list[str]:
    """Columns of table ``kind`` that may hold personal data (``Col.personal``)."""
    return [c.name for c in TABLES[kind].columns if c.personal]


#: references between tables: (table, column, target table, target column)
REFERENCES: tuple[tuple[str, str, str, str], ...] = (
    ("projects", "lead_actor_id", "actors", "actor_id"),
    ("partners", "project_id", "projects", "project_id"),
    ("partners", "actor_id", "actors", "actor_id"),
    ("fundings", "project_id", "projects", "project_id"),
    ("fundings", "funder_actor_id", "actors", "actor_id"),
    ("memberships", "actor_id", "actors", "actor_id"),
    ("memberships", "network_id", "actors", "actor_id"),
    ("partnerships", "actor_id_a", "actors", "actor_id"),
    ("partnerships", "actor_id_b", "actors", "actor_id"),
    ("scores", "project_id", "projects", "project_id"),
)


# --------------------------------------------------------------------------
# validation issues


#: every reason an :class:`Issue` can give (each has a ``check.<name>`` UI text)
CHECKS = ("type", "required", "unique", "missing_column", "min", "max", "vocabulary", "pattern",
          "siren", "siret", "empty", "unknown_ref", "duplicate_key", "end_before_start",
          "id_exists", "placeholder", "coords_elsewhere", "coords_abroad", "defaulted")


@dataclass(frozen=True)
class Issue:
    """One problem in one cell: what, where (table, row, column) and why."""

    table: str
    row: int | None
    column: str | None
    value: object
    check: str
    params: tuple = ()

    def reason(self, lang: str = "fr") -> str:
        """Why the value is wrong, without where (e.g. "numéro SIREN invalide…")."""
        params = dict(self.params)
        if "kind" in params:
            params["kind"] = t(f"kind.{params['kind']}", lang)
        if "vocabulary" in params and "default" in params:  # the default's label
            params["default"] = voc.ALL[params["vocabulary"]].label(params["default"], lang)
        if "vocabulary" in params:
            params["allowed"] = ", ".join(voc.ALL[params["vocabulary"]].codes)
        if "target" in params:
            params["target"] = t(f"table.{params['target']}", lang)
        key = f"check.{self.check}"
        count = next((k for k in ("count", "n") if isinstance(params.get(k), (int, np.integer))), None)
        if count is not None:  # "1 caractère de contrôle retiré": the key's CLDR plural form
            from ecosystem import numbers

            if numbers.plural_form(params[count], lang) == "one" and f"{key}.one" in catalogue(lang):
                key = f"{key}.one"
            params[count] = numbers.number(params[count], lang)
        text = t(key, lang)
        try:  # formatted here: a parameter may be called "key", like t()'s first argument
            return text.format(**params) if params else text
        except (KeyError, IndexError, ValueError):
            return text

    def message(self, lang: str = "fr") -> str:
        where = t("issue.where", lang, table=t(f"table.{self.table}", lang),
                  row="—" if self.row is None else self.row, column=self.column or "—")
        value = "" if self.value is None else t("issue.value", lang, value=_short(self.value))
        return f"{where} {value}{self.reason(lang)}".strip()

    def as_dict(self, lang: str = "fr") -> dict:
        return {"table": self.table, "row": self.row, "column": self.column,
                "value": None if self.value is None else _short(self.value),
                "check": self.check, "message": self.message(lang)}


def _short(value: object, n: int = 60) -> str:
    text = str(value)
    return text if len(text) <= n else text[: n - 1] + "…"


class ValidationError(ValueError):
    """Raised when data cannot be saved; carries every issue found."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        first = issues[0].message("en") if issues else ""
        super().__init__(f"{len(issues)} validation issue(s); first: {first}")


# --------------------------------------------------------------------------
# schemas


def _split(series: pd.Series) -> pd.Series:
    """Explode a ;-separated list column, keeping the row index."""
    s = series.dropna().astype(str)
    s = s[s.str.len() > 0].str.split(voc.LIST_SEP).explode().str.strip()
    return s[s.str.len() > 0]


def _checks(col: Col) -> list[pa.Check]:
    checks = []
    if col.vocabulary is not None and col.kind == "list":
        allowed = set(col.vocabulary.codes)

        def list_in(s: pd.Series, allowed=allowed) -> pd.Series:
            parts = _split(s)
            bad = parts[~parts.isin(allowed)].index.unique()
            return pd.Series(~s.index.isin(bad), index=s.index)

        checks.append(pa.Check(list_in, element_wise=False, error="vocabulary",
                               name=f"vocabulary:{col.vocabulary.name}"))
    elif col.vocabulary is not None:
        checks.append(pa.Check.isin(col.vocabulary.codes, error="vocabulary",
                                    name=f"vocabulary:{col.vocabulary.name}"))
    if col.pattern:
        checks.append(pa.Check.str_matches(f"^(?:{col.pattern})$", error="pattern",
                                           name=f"pattern:{col.name}"))
    if col.name == "siren":
        checks.append(pa.Check(lambda s: s.map(siren_ok), error="siren", name="siren"))
    if col.name == "siret":
        checks.append(pa.Check(lambda s: s.map(siret_ok), error="siret", name="siret"))
    if col.min is not None:
        checks.append(pa.Check.ge(col.min, error="min", name=f"min:{col.min:g}"))
    if col.max is not None:
        checks.append(pa.Check.le(col.max, error="max", name=f"max:{col.max:g}"))
    if col.name == "title" or col.name == "name":
        checks.append(pa.Check(lambda s: s.str.strip().str.len() > 0, error="empty", name="empty"))
    return checks


def schema(table: Table) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {c.name: pa.Column(c.pandas_dtype, checks=_checks(c), nullable=not c.required,
                           unique=c.unique, required=c.required, coerce=True)
         for c in table.columns},
        strict=False,
    )


_SCHEMAS: dict[str, pa.DataFrameSchema] = {}


def _schema(name: str) -> pa.DataFrameSchema:
    if name not in _SCHEMAS:
        _SCHEMAS[name] = schema(TABLES[name])
    return _SCHEMAS[name]


def _issue_from_failure(table: str, row: pd.Series) -> Issue:
    check = str(row["check"])
    column = row["column"] if isinstance(row["column"], str) else None
    index = row["index"]
    rownum = None if index is None or pd.isna(index) else int(index)
    value = row["failure_case"]
    params: tuple = ()
    if check.startswith("coerce_dtype") or check.startswith("dtype("):
        kind = TABLES[table].col(column).kind if column in TABLES[table].column_names else "str"
        check, params = "type", (("kind", kind),)
    elif check == "not_nullable":
        check, value = "required", None
    elif check == "field_uniqueness" or check.startswith("unique"):
        check = "unique"
    elif check == "column_in_dataframe":
        check, column, value = "missing_column", str(value), None
    elif check in ("min", "max"):
        bound = TABLES[table].col(column).min if check == "min" else TABLES[table].col(column).max
        params = (("bound", f"{bound:g}"),)
    elif check == "vocabulary":
        vocab = TABLES[table].col(column).vocabulary
        params = (("vocabulary", vocab.name),)
    return Issue(table, rownum, column, value, check, params)


def _sub_schema(name: str, columns: tuple[str, ...]) -> pa.DataFrameSchema:
    key = f"{name}:{','.join(columns)}"
    if key not in _SCHEMAS:
        _SCHEMAS[key] = _schema(name).select_columns(list(columns))
    return _SCHEMAS[key]


def validate_table(name: str, df: pd.DataFrame,
                   columns: tuple[str, ...] | None = None) -> tuple[pd.DataFrame, list[Issue]]:
    """Validate and coerce one table (only ``columns`` when given: an edit checks the
    fields it changes). Returns (coerced frame, issues)."""
    table = TABLES[name]
    frame = conform(name, df) if columns is None else df[[c for c in columns if c in df.columns]]
    schema_ = _schema(name) if columns is None else _sub_schema(name, tuple(columns))
    try:
        out = schema_.validate(frame, lazy=True)
        return out, []
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        issues = [_issue_from_failure(name, r) for _, r in cases.iterrows()]
        # a failed coercion is reported twice by pandera (coerce + dtype)
        seen, unique = set(), []
        for issue in issues:
            key = (issue.row, issue.column, issue.check)
            if key not in seen:
                seen.add(key)
                unique.append(issue)
        unique.sort(key=lambda i: (i.row if i.row is not None else -1,
                                   table.column_names.index(i.column)
                                   if i.column in table.column_names else 99))
        return frame, unique


def conform(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Columns of the table in their order; optional missing columns added as null."""
    table = TABLES[name]
    out = pd.DataFrame(index=df.index)
    for col in table.columns:
        if col.name in df.columns:
            out[col.name] = df[col.name]
        elif not col.required:
            out[col.name] = pd.Series(None, index=df.index, dtype=col.pandas_dtype)
    return out


# --------------------------------------------------------------------------
# a whole inventory


def empty_frame(name: str) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype=c.pandas_dtype) for c in TABLES[name].columns})


@dataclass
class InventoryData:
    """The tables of one inventory as DataFrames (flat values, see module doc)."""

    actors: pd.DataFrame = field(default_factory=lambda: empty_frame("actors"))
    projects: pd.DataFrame = field(default_factory=lambda: empty_frame("projects"))
    partners: pd.DataFrame = field(default_factory=lambda: empty_frame("partners"))
    fundings: pd.DataFrame = field(default_factory=lambda: empty_frame("fundings"))
    memberships: pd.DataFrame = field(default_factory=lambda: empty_frame("memberships"))
    partnerships: pd.DataFrame = field(default_factory=lambda: empty_frame("partnerships"))
    scores: pd.DataFrame = field(default_factory=lambda: empty_frame("scores"))

    def tables(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def counts(self) -> dict[str, int]:
        return {name: len(df) for name, df in self.tables().items()}


def check_references(data: InventoryData) -> list[Issue]:
    """Cross-table integrity: every id a row points to exists."""
    issues: list[Issue] = []
    actor_ids = pd.Index(data.actors["actor_id"].astype(str))
    project_ids = pd.Index(data.projects["project_id"].astype(str))

    def missing(table: str, df: pd.DataFrame, column: str, known: pd.Index, target: str):
        values = df[column]
        present = values.notna()
        bad = present & ~values.astype(str).isin(known)
        for idx, value in values[bad].items():
            issues.append(Issue(table, int(idx) if _is_int(idx) else None, column, value,
                                "unknown_ref", (("target", target),)))

    known = {"actors": actor_ids, "projects": project_ids}
    for table, column, target, _ in REFERENCES:
        missing(table, getattr(data, table), column, known[target], target)
    for name in ("partners", "memberships", "partnerships", "scores"):
        df = getattr(data, name)
        key = list(TABLES[name].key)
        dup = df.duplicated(key, keep="first")
        for idx in df.index[dup]:
            issues.append(Issue(name, int(idx) if _is_int(idx) else None, key[-1],
                                df.at[idx, key[-1]], "duplicate_key",
                                (("key", ", ".join(key)),)))
    years = data.projects[["start_year", "end_year"]].apply(pd.to_numeric, errors="coerce")
    backwards = years.start_year.notna() & years.end_year.notna() & (years.end_year < years.start_year)
    for idx in data.projects.index[backwards.values]:
        issues.append(Issue("projects", int(idx) if _is_int(idx) else None, "end_year",
                            data.projects.at[idx, "end_year"], "end_before_start"))
    return issues


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer))


def validate(data: InventoryData) -> tuple[InventoryData, list[Issue]]:
    """Validate every table and the references between them."""
    issues: list[Issue] = []
    out = {}
    for name, df in data.tables().items():
        frame, found = validate_table(name, df)
        out[name] = frame
        issues += found
    coerced = InventoryData(**out)
    if not issues:
        issues += check_references(coerced)
    return coerced, issues
