"""The Importer page and its upload session: each upload's folder and DuckDB
connection are closed when the user cancels or uploads another file, and a
session swept while the user was away is opened again from the same upload."""

from ecosystem.ingest.session import REGISTRY
from tests.app.pagetest import ok, page_test
from tests.app.test_importer import button, upload

CSV = ("nom;type;commune\n"
       "Entraide Nantaise;association;44109\n"
       "Jardins de l'Erdre;association;44109\n").encode("utf-8")


def closed(session) -> bool:
    try:
        session.imp.con.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - duckdb.ConnectionException once closed
        return True
    return False


def test_another_file_closes_the_first_upload():
    at = upload(ok(page_test("pages/importer.py").run()), "un.csv", CSV)
    first = at.session_state["_import"]
    assert first in REGISTRY.sessions() and first.path.read_bytes() == CSV
    at = upload(at, "deux.csv", CSV + "Scop Bois Vert;association;44162\n".encode())
    second = at.session_state["_import"]
    assert second is not first and second.imp.parts[0].raw.n_rows == 3
    assert first.closed and not first.folder.exists() and closed(first)
    assert first not in REGISTRY.sessions() and second in REGISTRY.sessions()
    REGISTRY.close(second)


def test_cancel_closes_the_upload_and_empties_the_uploader():
    at = upload(ok(page_test("pages/importer.py").run()), "annule.csv", CSV)
    session = at.session_state["_import"]
    at.text_input(key="imp_target_name").set_value("Test annulé")
    button(at, "imp_analyse").click()
    ok(at.run())
    assert session.step == "analysed"
    button(at, "imp_cancel").click()
    ok(at.run())
    assert session.closed and not session.folder.exists() and closed(session)
    assert session not in REGISTRY.sessions() and "_import" not in at.session_state
    assert not at.file_uploader[0].value


def test_a_session_swept_while_away_is_read_again_from_the_upload():
    at = upload(ok(page_test("pages/importer.py").run()), "parti.csv", CSV)
    old = at.session_state["_import"]
    old.last_used -= REGISTRY.max_idle + 1      # the tab was left alone for too long
    assert old in REGISTRY.sweep() and old.closed and not old.folder.exists()
    ok(at.run())
    new = at.session_state["_import"]
    assert new is not old and not new.closed and new.key == old.key
    assert new.path.read_bytes() == CSV and any(b.key == "imp_analyse" for b in at.button)
    REGISTRY.close(new)
