"""The importer's UI keys built at run time exist in both languages."""

from ecosystem import model
from ecosystem.i18n import LANGS, catalogue
from ecosystem.ingest import geocode
from ecosystem.ingest.recognise import recognise  # noqa: F401 - the formats below are its ids
from ecosystem.vocabulary import GEO_METHODS

FORMATS = ("rna_import", "rna_waldec", "sirene", "gogocarto", "own", "custom")
STAGES = ("sniff", "read", "normalise", "geocode", "validate", "dedup", "prepare", "save")


def dynamic_keys() -> set[str]:
    keys = {f"imp.format.{f}" for f in FORMATS} | {f"imp.stage.{s}" for s in STAGES}
    keys |= {f"imp.geo.reason.{r}" for r in geocode.REASONS}
    keys |= {f"imp.action.{a}" for a in ("excluded", "cleared", "default", "cleaned")}
    keys |= {f"imp.dedup.kind.{k}" for k in ("exact", "fuzzy")}
    keys |= {f"imp.dedup.where.{w}" for w in ("file", "inventory")}
    keys |= {f"imp.sum.pairs_{k}" for k in ("exact", "fuzzy")}
    keys |= {f"imp.target.{m}" for m in ("new", "existing")}
    keys |= {f"imp.colhelp.{c.name}" for t in model.TABLES.values() for c in t.columns if c.help}
    keys |= {f"check.{c}" for c in model.CHECKS + ("controls",)}
    return keys


def test_dynamic_keys_exist_in_both_languages():
    for lang in LANGS:
        missing = sorted(dynamic_keys() - set(catalogue(lang)))
        assert missing == [], f"{lang}: {missing}"


def test_geocoding_methods_are_in_the_vocabulary():
    assert set(geocode.METHODS) <= set(GEO_METHODS.codes)
