"""An inventory published as aggregates only (issue 13): an anonymous visitor walks
every page of the menu, each page's views, at France and at a département, and
gets every download those pages offer (the deferred files produced as a click
would) — no page element, no file may hold an actor's name, a project's title,
a funder's free-text name or a personal field. A viewer of a private inventory
walks the same way: records, but no personal field.

The inventory is tests/fixtures.py's ``tiny()`` with sentinels put in: an actor
named "Qzxv Sentinelle" with a contact, leader and e-mail, a project titled
"Projet Qzxv", a funding from "Fonds Qzxv". Each sentinel is looked for in the
serialised protobuf of every element (markdown, tables' Arrow data, Plotly specs,
component arguments such as the map's HTML) and in each file's text (workbooks
unzipped, PDFs read by pypdf)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import streamlit as st
from pypdf import PdfReader
from streamlit.delta_generator import DeltaGenerator

from ecosystem import members, writes
from ecosystem.access import LOCAL_ADMIN
from ecosystem.geo import Geography
from ecosystem.storage.store import Store
from tests import fixtures
from tests.app.pagetest import ok, page_test
from tests.app.test_access_pages import AUTH
from tests.conftest import app_pages

PERSONAL = ["Marie Qzxv", "Paul Qzxv", "marie.qzxv@example.org", "06 12 34 56 78"]
SENTINELS = ["Qzxv Sentinelle", "Projet Qzxv", "Fonds Qzxv", *PERSONAL]
ANONYMOUS = {"is_logged_in": False}
VIEWER = {"is_logged_in": True, "sub": "sub-vera", "name": "Vera"}
#: (who, inventory, what they must never get): an anonymous visitor of the
#: aggregates-only inventory no record at all; a viewer of the private one the records
#: but no personal field ("hidden from exports made by viewers")
WHO = [("anonymous", ANONYMOUS, "Vitrine", SENTINELS), ("viewer", VIEWER, "Privé", PERSONAL)]
#: each page of the menu, plus the views that are other URLs of a page
VIEWS = [(p, {}) for p in app_pages()] + [
    ("acteur", {"actor": "A1"}),
    ("projet", {"project": "P1"}),  # the project card (not in the menu)
    ("projet", {}),
    ("territoires", {"view": "ranking"}),
    ("comparer", {"cmp": "departement:44,region:52"}),
    ("carte", {"layers": "points,lines,funders"}),
    *[("reseau", {"view": v}) for v in ("brokers", "isolated", "communities", "suggestions",
                                        "export")],
]
SCOPES = [None, "departement:44"]


@pytest.fixture(scope="module")
def vitrine_db(tmp_path_factory):
    data = fixtures.tiny()
    a = data.actors
    first = a.index[a.actor_id == "A1"][0]
    a.loc[first, "name"] = "Qzxv Sentinelle"
    for col, value in [("contact_name", "Marie Qzxv"), ("contact_email", "marie.qzxv@example.org"),
                       ("contact_phone", "06 12 34 56 78"), ("leader_name", "Paul Qzxv")]:
        a[col] = None
        a.loc[first, col] = value
    p = data.projects
    p.loc[p.index[p.project_id == "P1"][0], "title"] = "Projet Qzxv"
    f = data.fundings
    f.loc[f.index[f.funding_id == "F1"][0], "funder_name"] = "Fonds Qzxv"
    path = tmp_path_factory.mktemp("vitrine") / "vitrine.duckdb"
    store = Store(path, geo=Geography())
    writes.create(store, LOCAL_ADMIN, "Vitrine", data)
    members.set_visibility(store, LOCAL_ADMIN, "Vitrine", "public_aggregates")
    writes.create(store, LOCAL_ADMIN, "Privé", data)
    members.grant(store, LOCAL_ADMIN, "Privé", "sub-vera", "viewer")
    store.close()
    return path


@pytest.fixture
def downloads(monkeypatch):
    """Every download button's file, produced as a click would (file name -> bytes);
    a disabled button cannot be clicked (its file is not produced)."""
    files: dict[str, bytes] = {}
    original = DeltaGenerator.download_button

    def record(self, label, data, file_name=None, *args, **kwargs):
        if kwargs.get("disabled"):
            return original(self, label, b"", file_name, *args, **kwargs)
        body = data() if callable(data) else data
        body = body.encode("utf-8") if isinstance(body, str) else body
        files[file_name] = body
        return original(self, label, body, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    monkeypatch.setattr(st, "download_button", lambda *a, **k: record(st._main, *a, **k))
    return files


def elements(node) -> bytes:
    """The serialised protobuf of every element under ``node`` (AppTest's tree)."""
    out = []
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "SerializeToString"):
        out.append(proto.SerializeToString())
    for child in (getattr(node, "children", None) or {}).values():
        out.append(elements(child))
    return b"\n".join(out)


def file_text(name: str, body: bytes) -> str:
    """What a file says, as text: zips (XLSX, zipped Shapefiles) member by member,
    PDFs through their text layer, anything else decoded."""
    if body[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "\n".join(file_text(n, z.read(n)) for n in z.namelist())
    if body.startswith(b"%PDF"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", errors="replace")


def found(text: str, sentinels=SENTINELS) -> list[str]:
    squeezed = re.sub(r"\s+", " ", text)  # a PDF may wrap a name over two lines
    return [s for s in sentinels if s in text or s in squeezed]


def test_the_sentinels_are_in_the_inventory(vitrine_db, monkeypatch, downloads):
    """The check can fail: locally (administrator) the card shows the name and the
    e-mail, and the map's GeoPackage holds the actor (the walk below reads files so)."""
    monkeypatch.setenv("ECOSYSTEM_DB", str(vitrine_db))
    at = ok(page_test("pages/acteur.py", {"inv": "Vitrine", "actor": "A1"}).run())
    shown = elements(at._tree).decode("utf-8", errors="replace")
    assert "Qzxv Sentinelle" in found(shown)
    assert "marie.qzxv@example.org" in found(shown)
    ok(page_test("pages/carte.py", {"inv": "Vitrine"}).run())
    assert "Qzxv Sentinelle" in found(file_text("carte-region.gpkg", downloads["carte-region.gpkg"]))


@pytest.mark.parametrize("who,user,inventory,never", WHO, ids=[w[0] for w in WHO])
@pytest.mark.parametrize("page,params", VIEWS, ids=[f"{p}-{'-'.join(q.values()) or 'default'}"
                                                    for p, q in VIEWS])
def test_no_page_or_file_shows_what_the_user_may_not_read(vitrine_db, monkeypatch, downloads,
                                                           page, params, who, user, inventory,
                                                           never):
    monkeypatch.setenv("ECOSYSTEM_DB", str(vitrine_db))
    leaks = {}
    for scope in SCOPES:
        at = page_test(f"pages/{page}.py", {"inv": inventory, **params,
                                            **({"terr": scope} if scope else {})})
        at.secrets["auth"] = AUTH
        at.user = user
        ok(at.run())
        shown = elements(at._tree).decode("utf-8", errors="replace")
        assert inventory in shown  # the page ran on the inventory
        if found(shown, never):
            leaks[f"{scope}: page"] = found(shown, never)
        for name, body in downloads.items():
            if found(file_text(name, body), never):
                leaks[f"{scope}: {name}"] = found(file_text(name, body), never)
        downloads.clear()
    assert leaks == {}
