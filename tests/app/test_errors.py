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
