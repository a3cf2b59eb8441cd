"""A missing or corrupt database or geography gives a readable message, not a traceback."""

from tests.app.pagetest import page_test, texts


def test_corrupt_database_message(tmp_path, monkeypatch):
    bad = tmp_path / "corrupt.duckdb"
    bad.write_bytes(b"not a database at all" * 200)
    monkeypatch.setenv("ECOSYSTEM_DB", str(bad))
    at = page_test("pages/accueil.py").run()
    assert not at.exception
    body = texts(at)
    assert "ne peut pas être ouverte" in body
    assert f"mv {bad}" in body          # says how to fix it
    assert not at.metric                # the page stopped cleanly


def test_missing_geography_message(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOSYSTEM_GEO_DIR", str(tmp_path / "nowhere"))
    at = page_test("pages/accueil.py", {"lang": "en"}).run()
    assert not at.exception
    body = texts(at)
    assert "reference geography" in body and "build_geo.py" in body


def test_another_applications_database_is_refused_with_a_message(tmp_path, monkeypatch):
    # issue 12 #17: the app wrote its schema, the geography and the demo into it
    from tests.test_store import _fingerprint, foreign_file
    path = foreign_file(tmp_path / "autre.duckdb")
    before = _fingerprint(path)
    monkeypatch.setenv("ECOSYSTEM_DB", str(path))
    for lang, words in (("fr", "n'est pas une base d'inventaires de cette application"),
                        ("en", "is not an inventory database of this app")):
        at = page_test("pages/accueil.py", {"lang": lang}).run()
        assert not at.exception
        body = texts(at)
        assert words in body and str(path) in body
        assert not at.metric
    assert _fingerprint(path) == before


def test_a_database_we_cannot_write_gets_its_own_message(tmp_path, monkeypatch):
    # root writes anywhere: the permission check is what is simulated here (the
    # command-line tests in tests/test_store_files.py use a real read-only file)
    from ecosystem.storage import store
    path = tmp_path / "lecture-seule.duckdb"
    monkeypatch.setattr(store, "_can_write", lambda p: False)
    monkeypatch.setenv("ECOSYSTEM_DB", str(path))
    at = page_test("pages/accueil.py").run()
    assert not at.exception
    body = texts(at)
    assert f"Impossible d'écrire dans `{path}`" in body
    assert "n'est pas une base d'inventaires valide" not in body
    assert not path.exists()


def test_an_existing_store_we_cannot_write_is_shown_read_only(tmp_path, monkeypatch):
    # issue 12 #17: listing and views work on a read-only store, with a banner
    from ecosystem.storage import store
    from ecosystem.geo import Geography
    from tests.app.pagetest import metrics
    from tests.fixtures import tiny
    path = tmp_path / "publie.duckdb"
    with store.Store(path, geo=Geography()) as s:
        s.create("Publié", tiny())
    before = path.read_bytes()
    monkeypatch.setattr(store, "_can_write", lambda p: False)
    monkeypatch.setenv("ECOSYSTEM_DB", str(path))
    at = page_test("pages/accueil.py").run()
    assert not at.exception
    assert f"Base ouverte en lecture seule : impossible d'écrire dans `{path}`" in texts(at)
    assert metrics(at)["Acteurs"] == "10"                      # tiny: 10 actors
    assert path.read_bytes() == before
