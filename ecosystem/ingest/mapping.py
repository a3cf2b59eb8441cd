"""Column mappings: which column of the file fills which column of the model, and how.

A :class:`Mapping` targets one table of the model (``actors``, ``projects``,
``partners``, ``fundings``…) and holds one :class:`Rule` per target column:
the source column(s), a named transform (``how``, from :data:`HOWS`, never
SQL text, so a saved mapping cannot inject SQL) and, for coded columns, a
value map (source value → code) that overrides the automatic reading.

Two kinds of transforms:

* row transforms run in SQL on every row (:func:`row_sql`): cleaning, codes,
  numbers, years, booleans, identifiers, joined address parts;
* lookups (:data:`LOOKUPS`) are computed in Python once per *distinct*
  source value (vocabulary codes or labels, domain lists, RNA objet social
  codes, legal categories, staff bands, NAF codes) and joined back in SQL.

Mappings are saved in the store (table ``import_mappings``, created when
first needed) and reused when a file with the same columns comes back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, fields, replace

import duckdb
from rapidfuzz import fuzz

from ecosystem import model
from ecosystem.geo import normalize_name
from ecosystem.ingest import codes
from ecosystem.ingest.sql import ident, lit

#: extra targets that are not model columns: projected coordinates (with ``Mapping.crs``)
EXTRA_TARGETS = ("_x", "_y")

ROW_HOWS = ("text", "name", "id", "commune", "postal", "digits", "number", "int", "year", "bool",
            "join", "first", "rna_active", "sirene_active", "constant")
LOOKUPS = ("vocab", "domains", "rna_domains", "legal_type", "staff_band", "naf_domains",
           "keyword_type", "ess_family")
HOWS = ROW_HOWS + LOOKUPS
KEY_SEP = "\x1f"


@dataclass
class Rule:
    source: str | None = None
    sources: list[str] = field(default_factory=list)
    how: str = "auto"
    values: dict[str, str] = field(default_factory=dict)
    constant: str | None = None

    @property
    def columns(self) -> list[str]:
        return [c for c in ([self.source] if self.source else []) + list(self.sources) if c]


@dataclass
class Mapping:
    table: str
    rules: dict[str, Rule] = field(default_factory=dict)
    format: str = "custom"
    source: str = "import"          # value of the ``source`` column
    id_prefix: str = ""             # prefix of generated or source ids
    crs: str = "auto"               # CRS of _x/_y: auto, or an EPSG code
    defaults: dict[str, str] = field(default_factory=dict)  # e.g. {"actor_type": "association"}
    filters: dict[str, str] = field(default_factory=dict)   # reserved (e.g. only active)

    # ------------------------------------------------------------ serialise
    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | dict) -> "Mapping":
        """A mapping from its JSON (text or parsed); unknown keys, tables, targets and
        transforms are refused with a ``ValueError`` that says where."""
        data = json.loads(text) if isinstance(text, str) else dict(text)
        if not isinstance(data, dict):
            raise ValueError("a JSON object is expected")
        unknown = sorted(set(data) - MAPPING_KEYS)
        if unknown:
            raise ValueError(f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(MAPPING_KEYS))})")
        if "table" not in data:
            raise ValueError("key 'table' missing")
        raw_rules = data.pop("rules", None) or {}
        if not isinstance(raw_rules, dict):
            raise ValueError("'rules' must be an object (field -> rule)")
        rules = {}
        for target, v in raw_rules.items():
            if isinstance(v, str):  # shorthand: "name": "Nom de la structure"
                v = {"source": v}
            if not isinstance(v, dict):
                raise ValueError(f"rules.{target}: an object or a column name is expected")
            bad = sorted(set(v) - RULE_KEYS)
            if bad:
                raise ValueError(f"rules.{target}: unknown key {bad[0]!r} "
                                 f"(allowed: {', '.join(sorted(RULE_KEYS))})")
            rules[target] = Rule(**v)
        mapping = cls(rules=rules, **data)
        mapping.check()
        return mapping

    def check(self) -> None:
        """Refuse unknown tables, targets and transforms (saved mappings are data)."""
        if self.table not in model.TABLES:
            raise ValueError(f"unknown table {self.table!r}")
        allowed = set(model.TABLES[self.table].column_names) | set(EXTRA_TARGETS)
        for target, rule in self.rules.items():
            if target not in allowed:
                raise ValueError(f"unknown target column {target!r}")
            if rule.how != "auto" and rule.how not in HOWS:
                raise ValueError(f"unknown transform {rule.how!r}")
        for target, code in self.defaults.items():
            col = model.TABLES[self.table].col(target)
            if col.vocabulary is not None and code not in col.vocabulary:
                raise ValueError(f"default {code!r} not in {col.vocabulary.name}")

    def how(self, target: str) -> str:
        rule = self.rules.get(target)
        if rule is None or rule.how == "auto":
            return default_how(self.table, target)
        return rule.how

    def used(self) -> dict[str, Rule]:
        """Rules that read something (a column or a constant)."""
        return {t: r for t, r in self.rules.items()
                if r.columns or r.constant is not None or r.how in ("id", "constant")}


MAPPING_KEYS = frozenset(f.name for f in fields(Mapping))
RULE_KEYS = frozenset(f.name for f in fields(Rule))
#: keys a mapping *file* may hold beside the mapping (see :func:`load_file`)
FILE_KEYS = frozenset({"columns", "signature", "name"})


def load_file(text: str) -> tuple[Mapping, list[str] | None, str | None]:
    """A mapping file (``mappings save``; format in docs/import.md): the mapping's JSON,
    plus optionally ``columns`` (the file layout it is applied to automatically) or
    ``signature`` (as ``mappings show`` prints it). Raises ``json.JSONDecodeError`` or
    ``ValueError``."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("a JSON object is expected")
    columns = data.pop("columns", None)
    sig = data.pop("signature", None)
    data.pop("name", None)
    if columns is not None and (not isinstance(columns, list)
                                or not all(isinstance(c, str) for c in columns)):
        raise ValueError("'columns' must be a list of column names")
    if sig is not None and not isinstance(sig, str):
        raise ValueError("'signature' must be text")
    mapping = Mapping.from_json(data)
    key = model.TABLES[mapping.table].key
    if len(key) == 1 and key[0] not in mapping.rules:  # ids made from the file and the row
        mapping.rules[key[0]] = Rule(how="id")
    return mapping, columns, sig


def dump_file(name: str, mapping: Mapping, sig: str | None = None) -> str:
    """The mapping file of a saved mapping (what ``mappings show`` prints; ``mappings save``
    reads it back)."""
    data = {"name": name, **json.loads(mapping.to_json())}
    if sig:
        data["signature"] = sig
    return json.dumps(data, ensure_ascii=False, indent=2)


def default_how(table: str, target: str) -> str:
    if target in EXTRA_TARGETS:
        return "number"
    col = model.TABLES[table].col(target)
    if target in ("name", "title"):
        return "name"
    if target == "domains":
        return "domains"
    if col.vocabulary is not None:
        return "vocab"
    if target in ("siren", "siret"):
        return "digits"
    if target == "commune_code":
        return "commune"
    if target == "postal_code":
        return "postal"
    if col.kind == "float":
        return "number"
    if col.kind == "int":
        return "year" if target.endswith("year") else "int"
    if col.kind == "bool":
        return "bool"
    return "text"


# ------------------------------------------------------------------ SQL of row rules

class Refs:
    """How SQL refers to a source column: cleaned (``c``) or only trimmed (``t``).

    By default the macros are applied to the raw column; :func:`levels` gives
    references to columns cleaned once in a subquery (cheaper: macros nest)."""

    def __init__(self, names: dict[str, int] | None = None):
        self.names = names

    def c(self, col: str) -> str:
        return f"c{self.names[col]}" if self.names is not None else f"imp_clean({ident(col)})"

    def t(self, col: str) -> str:
        return f"t{self.names[col]}" if self.names is not None else f"imp_trim({ident(col)})"


RAW = Refs()


def levels(raw: str, row_expr: str, columns: list[str]) -> tuple[str, Refs]:
    """A FROM clause where each source column is trimmed (``t<i>``) then cleaned
    (``c<i>``) once, and the references to use in expressions over it."""
    names = {c: i for i, c in enumerate(dict.fromkeys(columns))}
    trimmed = ", ".join(f"imp_trim({ident(c)}) AS t{i}" for c, i in names.items())
    cleaned = ", ".join(f"t{i}, imp_clean_t(t{i}) AS c{i}" for i in names.values())
    inner = f"SELECT {row_expr} AS _row{', ' + trimmed if trimmed else ''} FROM {ident(raw)}"
    return f"(SELECT _row{', ' + cleaned if cleaned else ''} FROM ({inner}))", Refs(names)


def sources(mapping: Mapping, targets_: list[str] | None = None) -> list[str]:
    """Every source column the mapping reads (for the given targets)."""
    out = []
    for target, rule in mapping.rules.items():
        if targets_ is None or target in targets_:
            out += rule.columns
    return list(dict.fromkeys(out))


def row_sql(mapping: Mapping, target: str, row: str = "_row", refs: Refs = RAW) -> str | None:
    """SQL expression of a row transform (None: not mapped)."""
    rule = mapping.rules.get(target, Rule())
    how = mapping.how(target)
    cols = rule.columns
    c = refs.c
    if how == "constant" or (rule.constant is not None and not cols):
        return lit(rule.constant)
    if how == "id":
        prefix = lit(mapping.id_prefix)
        if cols:
            return (f"CASE WHEN {c(cols[0])} IS NULL THEN NULL ELSE {prefix} || "
                    f"regexp_replace({c(cols[0])}, '\\s+', '_', 'g') END")
        return f"{prefix} || CAST({row} AS VARCHAR)"
    if not cols:
        return None
    first = cols[0]
    simple = {"text": "{}", "name": "imp_space({})", "commune": "imp_commune({})",
              "postal": "imp_postal({})", "digits": "imp_digits({})",
              "number": "CAST(imp_number({}) AS VARCHAR)", "int": "CAST(imp_int({}) AS VARCHAR)",
              "year": "CAST(imp_year({}) AS VARCHAR)"}
    if how == "name" and len(cols) > 1:  # the first name given
        return "imp_space(coalesce(" + ", ".join(c(x) for x in cols) + "))"
    if how in simple:
        return simple[how].format(c(first))
    if how == "bool":
        return f"CAST(imp_bool({refs.t(first)}) AS VARCHAR)"
    if how == "join":
        return "nullif(concat_ws(' ', " + ", ".join(f"imp_space({c(x)})" for x in cols) + "), '')"
    if how == "first":
        return "coalesce(" + ", ".join(c(x) for x in cols) + ")"
    if how in ("rna_active", "sirene_active"):  # RNA position A; SIRENE etatAdministratif A
        active = codes.RNA_ACTIVE_POSITIONS if how == "rna_active" else ("A",)
        return (f"CASE WHEN {c(first)} IS NULL THEN NULL ELSE CAST(upper({c(first)}) IN "
                f"({', '.join(lit(p) for p in active)}) AS VARCHAR) END")
    raise ValueError(f"{how} is not a row transform")


def raw_sql(mapping: Mapping, target: str, refs: Refs = RAW) -> str | None:
    """The source value(s) as the user wrote them (for issue reports)."""
    cols = mapping.rules.get(target, Rule()).columns
    if not cols:
        return None
    if len(cols) == 1:
        return refs.t(cols[0])
    return "nullif(concat_ws(' | ', " + ", ".join(refs.c(x) for x in cols) + "), '')"


def key_sql(mapping: Mapping, target: str, refs: Refs = RAW) -> str | None:
    """SQL of a lookup's key: the cleaned source value(s), parts joined with \\x1f."""
    cols = mapping.rules.get(target, Rule()).columns
    if not cols:
        return None
    if len(cols) == 1:
        return refs.c(cols[0])
    parts = ", ".join(f"coalesce({refs.c(x)}, '')" for x in cols)
    nonempty = " OR ".join(f"{refs.c(x)} IS NOT NULL" for x in cols)
    return f"CASE WHEN {nonempty} THEN concat_ws(chr(31), {parts}) END"


# ------------------------------------------------------------------ lookups

def lookup(mapping: Mapping, target: str, key: str | None) -> tuple[str | None, str | None]:
    """(value, part not understood) of one distinct key of a lookup rule."""
    if key is None:
        return None, None
    rule = mapping.rules.get(target, Rule())
    if key in rule.values:
        value = rule.values[key]
        return (value or None), None
    parts = key.split(KEY_SEP)
    how = mapping.how(target)
    table = model.TABLES[mapping.table]
    if how == "vocab":
        vocab = table.col(target).vocabulary.name
        code = codes.vocabulary_code(vocab, key)
        if code is None and vocab == "actor_type":
            code = codes.keyword_type(key)
        return code, (None if code else key)
    if how == "domains":
        found, unknown = codes.domain_codes(key)
        return (";".join(found) or None), ("; ".join(unknown) or None)
    if how == "rna_domains":
        found = codes.rna_domains(*parts)
        return (";".join(found) or None), None
    if how == "naf_domains":
        return (";".join(codes.naf_domains(parts[0])) or None), None
    if how == "legal_type":
        code = codes.legal_category_type(parts[0], parts[1] if len(parts) > 1 else None)
        return code, (None if code else parts[0] or None)
    if how == "staff_band":
        value = codes.staff_band_employees(parts[0])
        return value, (None if value is not None else parts[0])
    if how == "keyword_type":
        return codes.keyword_type(parts[0]), None
    if how == "ess_family":  # legal category, ESS flag, activity: no family is no error
        return codes.ess_family(*(parts + ["", ""])[:3]), None
    raise ValueError(f"{how} is not a lookup")


def build_lookup(con: duckdb.DuckDBPyConnection, raw: str, mapping: Mapping, target: str,
                 name: str) -> int:
    """Create table ``name`` (k, v, bad) for every distinct key of a lookup; returns its size."""
    import pandas as pd

    from ecosystem.ingest.normalise import inline_in_lists

    src, refs = levels(raw, "0", mapping.rules[target].columns)
    with inline_in_lists(con):  # every cell cleaned: the empty markers' test inline
        keys = [r[0] for r in con.execute(
            f"SELECT DISTINCT {key_sql(mapping, target, refs)} AS k FROM {src} WHERE k IS NOT NULL"
        ).fetchall()]
    rows = [(k, *lookup(mapping, target, k)) for k in keys]
    frame = pd.DataFrame(rows, columns=["k", "v", "bad"], dtype="object")
    con.register("_lookup", frame)
    con.execute(f"CREATE OR REPLACE TABLE {ident(name)} AS SELECT CAST(k AS VARCHAR) AS k, "
                f"CAST(v AS VARCHAR) AS v, CAST(bad AS VARCHAR) AS bad FROM _lookup")
    con.unregister("_lookup")
    return len(rows)


def distinct_values(con, raw: str, mapping: Mapping, target: str, limit: int = 200):
    """Distinct source values of a coded column with their count and current reading."""
    import pandas as pd

    if key_sql(mapping, target) is None:
        return pd.DataFrame(columns=["value", "n", "code"])
    src, refs = levels(raw, "0", mapping.rules[target].columns)
    rows = con.execute(f"SELECT {key_sql(mapping, target, refs)} AS k, count(*) AS n FROM {src} "
                       f"WHERE k IS NOT NULL GROUP BY k ORDER BY n DESC, k LIMIT {int(limit)}").fetchall()
    out = [(k, n, lookup(mapping, target, k)[0]) for k, n in rows]
    frame = pd.DataFrame(out, columns=["value", "n", "code"])
    frame["value"] = frame["value"].str.replace(KEY_SEP, " | ", regex=False)
    return frame


# ------------------------------------------------------------------ suggestions

#: words people use for each target column (normalised like place names)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "actor_id": ("actor_id", "id acteur", "identifiant acteur", "identifiant", "id", "code acteur"),
    "name": ("nom", "name", "raison sociale", "denomination", "nom de la structure", "structure",
             "organisme", "organisation", "titre", "intitule", "nom de l association"),
    "actor_type": ("type", "type d acteur", "type de structure", "categorie", "statut",
                   "statut juridique", "forme juridique", "actor type"),
    "domains": ("domaine", "domaines", "thematique", "thematiques", "theme", "themes",
                "secteur", "secteurs", "champ d action", "categories", "besoins"),
    "siren": ("siren", "n siren", "numero siren"),
    "siret": ("siret", "n siret", "numero siret"),
    "rna_id": ("rna", "n rna", "numero rna", "identifiant rna", "waldec", "rna id"),
    "commune_code": ("code commune", "code insee", "insee", "code insee commune", "cog",
                     "depcom", "codgeo", "commune code"),
    "postal_code": ("code postal", "cp", "postal code", "zip", "codepostal"),
    "city": ("commune", "ville", "city", "localite", "libelle commune", "nom commune"),
    "address": ("adresse", "address", "rue", "voie", "adresse postale"),
    "lat": ("latitude", "lat", "y wgs84"),
    "lon": ("longitude", "lon", "lng", "long", "x wgs84"),
    "creation_year": ("annee de creation", "date de creation", "creation", "cree en",
                      "creation year", "date creation"),
    "closing_year": ("annee de fermeture", "date de fermeture", "date de dissolution",
                     "annee de dissolution", "closing year"),
    "employees": ("salaries", "nombre de salaries", "etp", "effectif", "effectif salarie",
                  "employees"),
    "volunteers": ("benevoles", "nombre de benevoles", "volunteers"),
    "website": ("site", "site web", "site internet", "url", "website", "web"),
    "description": ("description", "objet", "presentation", "activite", "activites", "resume"),
    "active": ("actif", "active", "en activite", "en activite oui non"),
    "source_id": ("source_id", "reference", "ref", "identifiant source"),
    "project_id": ("project_id", "id projet", "identifiant projet", "code projet"),
    "title": ("titre", "nom du projet", "projet", "intitule", "title", "nom"),
    "lead_actor_id": ("lead_actor_id", "porteur", "id porteur", "porteur du projet", "structure porteuse"),
    "stage": ("etape", "stade", "phase", "stage", "avancement"),
    "start_year": ("annee de debut", "debut", "date de debut", "start year", "lancement"),
    "end_year": ("annee de fin", "fin", "date de fin", "end year"),
    "experimentation_year": ("annee d experimentation", "experimentation year"),
    "diffusion_year": ("annee de diffusion", "annee d essaimage", "diffusion year"),
    "evaluation_year": ("annee d evaluation", "evaluation year"),
    "beneficiaries": ("beneficiaires", "nombre de beneficiaires", "public touche", "beneficiaries"),
    "jobs_fte": ("emplois", "emplois crees", "etp crees", "jobs", "jobs fte"),
    "role": ("role", "type de partenariat", "nature du partenariat"),
    "funding_id": ("funding_id", "id financement", "identifiant financement"),
    "funder_actor_id": ("funder_actor_id", "id financeur", "identifiant financeur"),
    "funder_name": ("financeur", "nom du financeur", "funder"),
    "amount_eur": ("montant", "montant eur", "montant en euros", "somme", "amount"),
    "year": ("annee", "year", "exercice"),
    "kind": ("type de financement", "nature du financement", "kind", "type"),
    "origin": ("origine", "origine des fonds", "origin"),
    "network_id": ("network_id", "reseau", "id reseau"),
    "since_year": ("depuis", "annee d adhesion", "since"),
    "actor_id_a": ("actor_id_a", "acteur a"),
    "actor_id_b": ("actor_id_b", "acteur b"),
    "criterion_id": ("criterion_id", "critere"),
    "score": ("score", "note"),
    "assessed_year": ("annee d evaluation", "assessed year"),
}
MIN_SCORE = 80


def _score(column: str, target: str) -> float:
    key = normalize_name(column)
    if key == normalize_name(target):
        return 100.0
    return max((fuzz.ratio(key, normalize_name(s)) for s in SYNONYMS.get(target, ())), default=0.0)


def suggest(table: str, columns: list[str]) -> dict[str, Rule]:
    """Best source column for each target column (score ≥ 80), each source used once."""
    targets = model.TABLES[table].column_names
    scored = sorted(((_score(c, t), t, c) for t in targets for c in columns), reverse=True)
    out: dict[str, Rule] = {}
    used: set[str] = set()
    for score, target, column in scored:
        if score < MIN_SCORE or target in out or column in used:
            continue
        out[target] = Rule(source=column)
        used.add(column)
    return out


def auto_mapping(table: str, columns: list[str], source: str = "import",
                 id_prefix: str = "") -> Mapping:
    """A mapping from suggestions; missing ids are generated (``how="id"``)."""
    rules = suggest(table, columns)
    mapping = Mapping(table=table, rules=rules, source=source, id_prefix=id_prefix)
    key = model.TABLES[table].key
    if len(key) == 1 and key[0] in rules:
        rules[key[0]].how = "id"
    elif len(key) == 1:
        rules[key[0]] = Rule(how="id")
    if table == "actors":  # the most common type; the user can change or remove it
        mapping.defaults["actor_type"] = "association"
    return mapping


#: a commune code as files write it: 5 characters (Corsica 2A / 2B), or 4 digits when a
#: spreadsheet dropped the leading zero
COMMUNE_CODE_SHAPE = re.compile(r"\d{4,5}|2[AB]\d{3}")
#: share of a column's distinct values that must be known commune codes (current or
#: former) for the column to be read as codes: postal codes have the same shape
CODE_SHARE = 0.9


def city_as_code(mapping: Mapping, values: list[str], is_commune) -> Mapping:
    """A mapping whose ``city`` column holds INSEE commune codes (``commune`` =
    ``44109``, ``2A004``, ``97411``) reads it as ``commune_code`` instead: every
    non-empty distinct value (``values``) is shaped like a code and at least
    :data:`CODE_SHARE` of them are commune codes (``is_commune(value)``). A mapping
    that already reads a commune code column is left as it is."""
    rule = mapping.rules.get("city")
    if rule is None or "commune_code" in mapping.rules or len(rule.columns) != 1:
        return mapping
    shown = [v.strip().upper() for v in values if v is not None and v.strip()]
    if not shown or not all(COMMUNE_CODE_SHAPE.fullmatch(v) for v in shown):
        return mapping
    if sum(1 for v in shown if is_commune(v)) < CODE_SHARE * len(shown):
        return mapping
    rules = {t: r for t, r in mapping.rules.items() if t != "city"}
    rules["commune_code"] = Rule(source=rule.columns[0])
    return replace(mapping, rules=rules)


def missing_required(mapping: Mapping) -> list[str]:
    """Required columns the mapping leaves empty (no column, constant, id or default)."""
    used = mapping.used()
    out = []
    for col in model.TABLES[mapping.table].columns:
        if col.required and col.name not in used and col.name not in mapping.defaults \
                and col.name != "source":
            out.append(col.name)
    return out


# ------------------------------------------------------------------ saved mappings

def signature(columns: list[str]) -> str:
    """Identity of a file layout: its column names, normalised and sorted."""
    keys = sorted(normalize_name(c) for c in columns)
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()[:16]


class SavedMappings:
    """Named mappings in the store's DuckDB file (table ``import_mappings``)."""

    TABLE = "import_mappings"

    def __init__(self, store):
        self.store = store
        if not store.read_only:
            with store.transaction() as con:
                con.execute(f"CREATE TABLE IF NOT EXISTS {self.TABLE} (name VARCHAR PRIMARY KEY, "
                            "target VARCHAR, signature VARCHAR, body VARCHAR, "
                            "created_at TIMESTAMP, updated_at TIMESTAMP)")

    def save(self, name: str, mapping: Mapping, columns: list[str] | None = None,
             sig: str | None = None) -> None:
        """Save (or replace) a mapping; files whose columns are ``columns`` (or whose
        layout has the signature ``sig``; by default the columns the mapping reads) get it
        automatically."""
        name = (name or "").strip()
        if not name or len(name) > 80:
            raise ValueError("mapping name: 1 to 80 characters")
        mapping.check()
        if sig is None:
            sig = signature(columns if columns is not None else sources(mapping))
        now = dt.datetime.now().replace(microsecond=0)
        with self.store.transaction() as con:
            con.execute(f"INSERT INTO {self.TABLE} VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) "
                        "DO UPDATE SET target = excluded.target, signature = excluded.signature, "
                        "body = excluded.body, updated_at = excluded.updated_at",
                        [name, mapping.table, sig, mapping.to_json(), now, now])

    def listing(self):
        """Every saved mapping: name, target, signature, body, updated_at (newest first)."""
        return self.store.query(f"SELECT name, target, signature, body, updated_at FROM {self.TABLE} "
                                "ORDER BY updated_at DESC, name")

    def signature_of(self, name: str) -> str | None:
        return self.store.scalar(f"SELECT signature FROM {self.TABLE} WHERE name = ?", [name])

    def names(self) -> list[str]:
        return [r for r in self.store.query(
            f"SELECT name FROM {self.TABLE} ORDER BY updated_at DESC, name").name]

    def get(self, name: str) -> Mapping:
        body = self.store.scalar(f"SELECT body FROM {self.TABLE} WHERE name = ?", [name])
        if body is None:
            raise KeyError(name)
        return Mapping.from_json(body)

    def for_columns(self, columns: list[str]) -> tuple[str, Mapping] | None:
        """The most recent saved mapping made for a file with the same columns."""
        df = self.store.query(f"SELECT name, body FROM {self.TABLE} WHERE signature = ? "
                              "ORDER BY updated_at DESC LIMIT 1", [signature(columns)])
        if df.empty:
            return None
        return df.name.iloc[0], Mapping.from_json(df.body.iloc[0])

    def delete(self, name: str) -> bool:
        """Delete a saved mapping; False when there is none of that name."""
        if self.signature_of(name) is None:
            return False
        with self.store.transaction() as con:
            con.execute(f"DELETE FROM {self.TABLE} WHERE name = ?", [name])
        return True


# ------------------------------------------------------------------ apply a mapping

def targets(mapping: Mapping) -> list[str]:
    """Target columns the mapping fills (model columns, then _x/_y)."""
    table = model.TABLES[mapping.table]
    used = mapping.used()
    out = [c for c in table.column_names if c in used or c in mapping.defaults or c == "source"]
    return out + [t for t in EXTRA_TARGETS if t in used]
