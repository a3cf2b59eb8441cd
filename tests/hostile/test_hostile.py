"""Hostile inputs: every case ends in a clear message or a clean import — never a
crash, never a partial inventory, and the inventory already there is untouched."""

import json

import pytest

from ecosystem import model
from ecosystem.i18n import t
from ecosystem.ingest.pipeline import ImportError_, run_import
from ecosystem.storage.store import Store
from tests.fixtures import tiny
from tests.hostile import make_corpus

CASES = make_corpus.cases()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    directory = tmp_path_factory.mktemp("hostile")
    manifest = make_corpus.write(directory)
    return directory, manifest


def test_corpus_has_at_least_forty_cases(corpus):
    assert len(corpus[1]) >= 40


def _run(path, store, geo):
    """(outcome, message): 'error' with the user's message, or 'import'."""
    try:
        imp, ref = run_import(path, store, "cible", geo=geo)
    except ImportError_ as exc:
        return "error", t(exc.key, "fr", **exc.params)
    except model.ValidationError as exc:
        return "error", exc.issues[0].message("fr")
    imp.close()
    return "import", ref


@pytest.mark.timeout(180)
@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_case(name, corpus, tmp_path, geo):
    directory, manifest = corpus
    store = Store(tmp_path / "s.duckdb", geo=geo)
    store.create("base", tiny())
    before = store.info("base")
    outcome, detail = _run(directory / name, store, geo)
    expected = manifest[name]
    assert expected in (outcome, "either"), f"{name}: expected {expected}, got {outcome}: {detail}"
    if outcome == "error":
        assert detail and not detail.startswith("⟦"), f"{name}: no readable message ({detail})"
        assert not store.exists("cible"), f"{name}: half-written inventory"
    else:
        info = store.info("cible")
        data = store.load("cible")
        assert info["n_actors"] + info["n_projects"] + len(data.fundings) > 0
        _, issues = model.validate(data)
        assert issues == [], f"{name}: stored data invalid: {issues[:3]}"
        # stored text is the file's text, never evaluated: formulas stay strings
        assert all(isinstance(n, str) for n in data.actors.name)
    after = store.info("base")
    assert {k: after[k] for k in ("version", "n_actors", "n_projects")} == \
           {k: before[k] for k in ("version", "n_actors", "n_projects")}
    store.close()


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_one_gigabyte_file_is_refused_quickly(tmp_path, geo):
    path = tmp_path / "big_1gb_one_line.csv"
    make_corpus.write_big(path)
    store = Store(tmp_path / "s.duckdb", geo=geo)
    store.create("base", tiny())
    outcome, detail = _run(path, store, geo)
    assert outcome == "error" and detail
    assert store.names() == ["base"]


def test_manifest_written_with_the_corpus(corpus):
    directory, manifest = corpus
    assert json.loads((directory / "manifest.json").read_text()) == manifest


def test_zip_bomb_is_refused_from_the_zip_directory(corpus, tmp_path, geo):
    """The bomb is refused before openpyxl inflates it, with the member and its ratio."""
    directory, _ = corpus
    store = Store(tmp_path / "s.duckdb", geo=geo)
    try:
        run_import(directory / "xlsx_zip_bomb.xlsx", store, "cible", geo=geo)
    except ImportError_ as exc:
        assert exc.key == "imp.err.xlsx_bomb"
        assert exc.params["member"] == "xl/worksheets/sheet1.xml"
        assert float(exc.params["ratio"].replace(",", "")) > 100
    else:
        pytest.fail("the zip bomb was imported")
    finally:
        store.close()
