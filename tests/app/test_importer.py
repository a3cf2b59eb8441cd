"""The Importer page driven with AppTest: upload, recognise, map, analyse, review, save.

Imports go to inventories named "Test …" so that the demo stays the default
inventory (the first by name) for the other page tests sharing the database.
"""

from pathlib import Path

from ecosystem.i18n import catalogue
from ecosystem.storage.store import default_path
from pages import _shell
from tests.app.pagetest import ok, page_test, texts
from tests.fixtures import workbook_bytes

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
FR, EN = catalogue("fr"), catalogue("en")


def get_store():
    """The store the pages use (Streamlit's cached resource)."""
    return _shell.get_store(str(default_path()), str(_shell.geo_dir()))


def upload(at, name: str, content: bytes, mime: str = "text/csv"):
    at.file_uploader[0].set_value((name, content, mime))
    return ok(at.run())


def button(at, key: str):
    return next(b for b in at.button if b.key == key)


def frame_with(at, column: str):
    """The first dataframe shown with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_page_opens_with_templates_and_the_upload_limit():
    at = ok(page_test("pages/importer.py").run())
    assert at.title[0].value == FR["imp.title"]
    body = texts(at)
    assert "200 Mo" in body  # the limit of .streamlit/config.toml, explained
    assert "python -m ecosystem import" in body
    assert {b.key for b in at.download_button} >= {"tpl_actors", "tpl_projects", "tpl_partners",
                                                    "tpl_fundings", "tpl_xlsx"}
    assert len(at.file_uploader) == 1


def test_page_in_english():
    at = ok(page_test("pages/importer.py", {"lang": "en"}).run())
    assert at.title[0].value == EN["imp.title"]
    assert "200 MB" in texts(at)


HOME_MADE = ("Inventaire des structures 2024;;;;\n"
             ";;;;\n"
             "Nom de la structure;Type;Code INSEE;Effectif;Actif\n"
             "  ENTRAIDE  NANTAISE ;Association;44109;2,5;oui\n"
             "Jardins de l'Erdre;association;1053;NON;non\n"
             "Scop Bois Vert;Entreprise de l'ESS;44162;douze;oui\n"
             "Sans type;;44109;1;oui\n").encode("cp1252")


def test_home_made_csv_is_mapped_checked_and_saved():
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "structures.csv", HOME_MADE)
    assert any(FR["imp.not_recognised"][:30] in str(w.value) for w in at.warning)
    assert FR["imp.header_rows"].format(rows=3) in texts(at)
    # the suggested mapping found the columns under the title rows
    assert at.selectbox(key="imp_map_0_actors_name").value == "Nom de la structure"
    assert at.selectbox(key="imp_map_0_actors_commune_code").value == "Code INSEE"
    assert at.selectbox(key="imp_map_0_actors_employees").value == "Effectif"
    # the preview names the fields by their labels (issue 17), never actor_type / name
    preview = frame_with(at, "Type d'acteur")
    assert "actor_type" not in preview.columns
    assert preview["Nom"].tolist()[0] == "Entraide Nantaise"  # whitespace and capitals
    at.text_input(key="imp_target_name").set_value("Test import maison")
    button(at, "imp_analyse").click()
    ok(at.run())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[FR["imp.sum.read"]] == "4" and metrics[FR["imp.sum.insert"]] == "4"
    report = frame_with(at, FR["imp.col.reason"])
    assert report[[FR["imp.col.row"], FR["imp.col.column"]]].values.tolist() == \
        [[6, "employees"], [7, "actor_type"]]
    assert report[FR["imp.col.value"]].tolist()[0] == "douze"
    # the empty type given the default is said, not silent (ingest finding b)
    assert report[FR["imp.col.reason"]].tolist()[1] == "vide : « Association » par défaut."
    assert any(b.key == "imp_issues_dl_0" for b in at.download_button)
    button(at, "imp_save").click()
    ok(at.run())
    assert any("Test import maison" in str(s.value) for s in at.success)
    actors = get_store().load("Test import maison").actors.set_index("name")
    assert actors.at["Entraide Nantaise", "commune_code"] == "44109"
    assert actors.at["Jardins de l'Erdre", "commune_code"] == "01053"  # leading zero back
    assert actors.at["Scop Bois Vert", "actor_type"] == "social_enterprise"
    assert actors.at["Sans type", "actor_type"] == "association"  # the default type
    assert bool(actors.at["Jardins de l'Erdre", "active"]) is False
    assert len(at.file_uploader) == 1 and not at.file_uploader[0].value  # ready for the next file
    # issue 17 item 6: a button opens the new inventory on the map, fitted to its actors
    opener = button(at, "imp_open_inventory")
    assert opener.label == "Ouvrir « Test import maison » sur la carte"
    opener.click()
    at.run()
    assert at.session_state["w_inv"] == "Test import maison"
    lat, lng, zoom = (float(x) for x in at.session_state["_page_url"]["carte"]["at"].split(","))
    # actors in Nantes (44109) and in the Ain (01053): a box over the west and east of
    # France, centred between them (about 46.6° N, 1.9° E), zoomed out to see both
    assert 45.5 < lat < 47.5 and 0 < lng < 4 and 5 <= zoom <= 7


def test_rna_file_is_recognised_geocoded_and_saved():
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "rna_import_20200901_dpt_29.csv", (REAL / "rna_import_20200901_dpt_29.csv").read_bytes())
    assert any("RNA (rna_import)" in str(s.value) for s in at.success)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[FR["imp.file.rows"]] == "10\u202f553" and metrics[FR["imp.file.encoding"]] == "Windows-1252"
    at.text_input(key="imp_target_name").set_value("Test RNA Finistère")
    button(at, "imp_analyse").click()
    ok(at.run())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[FR["imp.geo.placed"]] == "10\u202f549 / 10\u202f553"
    # 10,549 / 10,553 = 99.962 %: two decimals, French comma, no-break space before %
    assert [m.delta for m in at.metric if m.label == FR["imp.geo.placed"]] == ["99,96\u00a0%"]
    assert FR["imp.sum.active_caption.other"].format(n="3\u202f794", total="10\u202f553") in texts(at)
    failures = frame_with(at, FR["imp.geo.placed_in"])
    assert len(failures) == 4
    button(at, "imp_save").click()
    ok(at.run())
    assert get_store().info("Test RNA Finistère")["n_actors"] == 10_553


def test_ragged_file_is_refused_with_its_lines():
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "decale.csv", b"nom;type;code\nA;association;44109\nB;association\nC;x;1;2\n")
    assert FR["imp.err.ragged"].split(":")[0] in str(at.error[0].value)
    lines = frame_with(at, FR["imp.col.line"])
    assert lines[FR["imp.col.line"]].tolist() == [3, 4]
    assert lines[FR["imp.col.found"]].tolist() == [2, 4]
    assert not any(b.key == "imp_analyse" for b in at.button)


DUPLICATES = ("actor_id;name;actor_type;rna_id;commune_code;website;source\n"
              "A1;Les Amis de l'École;association;W441000001;44109;;test\n"
              "A2;LES AMIS DE L'ECOLE;association;;44109;http://amis.fr;test\n"
              "A3;Comité des fêtes;association;W441000002;44109;;test\n"
              "A4;Comite des Fetes;association;W441000002;44109;;test\n").encode()


def test_duplicates_are_reviewed_then_merged():
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "actors.csv", DUPLICATES)
    assert any(FR["imp.format.own"] in str(s.value) for s in at.success)
    at.text_input(key="imp_target_name").set_value("Test doublons")
    button(at, "imp_analyse").click()
    ok(at.run())
    pairs = next(d.value for d in at.data_editor if "kind" in d.value.columns)
    assert sorted(zip(pairs["kind"], pairs["merge"])) == [(FR["imp.dedup.kind.exact"], True),
                                                       (FR["imp.dedup.kind.fuzzy"], False)]
    assert {m.label: m.value for m in at.metric}[FR["imp.sum.insert"]] == "3"
    button(at, "imp.dedup.merge_fuzzy_0").click()
    ok(at.run())
    assert {m.label: m.value for m in at.metric}[FR["imp.sum.insert"]] == "2"
    button(at, "imp_save").click()
    ok(at.run())
    actors = get_store().load("Test doublons").actors.set_index("actor_id")
    assert sorted(actors.index) == ["A1", "A3"] and actors.at["A1", "website"] == "http://amis.fr"


def test_mapping_is_changed_saved_and_offered_again():
    content = "Structure;Commune INSEE;Thème\nCafé solidaire;44109;Alimentation\n".encode()
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "tableur_cress.csv", content)
    at.selectbox(key="imp_map_0_actors_domains").set_value("Thème")
    button(at, "imp_map_apply").click()
    ok(at.run())
    assert frame_with(at, "Domaines")["Domaines"].tolist()[0] == "Alimentation"  # not "food"
    at.text_input(key="imp_map_save_name").set_value("Test tableur CRESS")
    ok(at.run())
    button(at, "imp_map_save").click()
    ok(at.run())
    again = ok(page_test("pages/importer.py").run())
    again = upload(again, "tableur_cress_2025.csv", content)
    assert any("Test tableur CRESS" in str(i.value) for i in again.info)
    assert again.selectbox(key="imp_map_0_actors_domains").value == "Thème"


def test_a_broken_workbook_gives_a_message_not_a_crash():
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "abime.xlsx", b"PK\x03\x04 not really a workbook",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert at.error and FR["imp.err.xlsx"].split(":")[0] in str(at.error[0].value)


# ------------------------------------------------------------------ issue 12: sheets, mapping, equation
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_sheet_selector_lists_sheets_with_row_counts_and_the_summary_names_the_sheet():
    content = workbook_bytes({"Notes": [["Remarque"], ["voir Structures"]],
                              "Structures": [["Nom de la structure", "Code INSEE"], ["Entraide", "44109"],
                                             ["Jardins", "29019"], ["Chorale", "35238"]]})
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "classeur.xlsx", content, XLSX)
    picker = at.selectbox(key="imp_sheet")
    assert picker.options == ["Notes (2 lignes)", "Structures (4 lignes)"]
    picker.set_value("Structures")
    ok(at.run())
    at.text_input(key="imp_target_name").set_value("Test classeur")
    button(at, "imp_analyse").click()
    ok(at.run())
    body = texts(at)
    assert FR["imp.sum.sheet"].format(sheet="Structures") in body
    assert FR["imp.sum.other_sheets"].format(sheets="Notes") in body
    assert FR["imp.sum.balance"].format(read=3, saved=3, merged=0, excluded=0) in \
        [str(s.value) for s in at.success]


def test_summary_shows_the_equation_and_lists_merged_rows():
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "actors.csv", DUPLICATES)
    at.text_input(key="imp_target_name").set_value("Test equation")
    button(at, "imp_analyse").click()
    ok(at.run())
    # row 5 (A4) has row 4's RNA id: merged; rows 2, 3, 4 are added
    assert FR["imp.sum.balance"].format(read=4, saved=3, merged=1, excluded=0) in \
        [str(s.value) for s in at.success]
    ledger = frame_with(at, FR["imp.col.into_row"])
    assert ledger[[FR["imp.col.row"], FR["imp.col.into_row"], FR["imp.col.into_id"]]].values.tolist() == \
        [[5, 4, "A3"]]
    assert any(b.key == "imp_ledger_dl_0" for b in at.download_button)


def test_unmapped_refusal_names_the_wizard_step():
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "liste.csv", "Intitulé long;Code INSEE\nCafé;44109\n".encode())
    message = str(at.error[0].value)
    assert FR["imp.step.mapping"] in message and FR["imp.map.apply"] in message
    assert not any(b.key == "imp_analyse" for b in at.button)


def test_summary_says_which_mapping_was_applied():
    content = "Structure;Ville INSEE;Remarque\nCafé solidaire;44109;x\n".encode()
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "tableur_origine.csv", content)
    at.selectbox(key="imp_map_0_actors_commune_code").set_value("Ville INSEE")
    button(at, "imp_map_apply").click()
    ok(at.run())
    at.text_input(key="imp_map_save_name").set_value("Test origine")
    ok(at.run())
    button(at, "imp_map_save").click()
    ok(at.run())
    again = ok(page_test("pages/importer.py").run())
    again = upload(again, "tableur_origine_2.csv", content)
    again.text_input(key="imp_target_name").set_value("Test origine")
    button(again, "imp_analyse").click()
    ok(again.run())
    labels = [e.label for e in again.expander]
    assert FR["imp.origin.saved"].format(name="Test origine") in labels
    assert FR["imp.format.custom"] not in texts(again)
    assert FR["imp.map.ignored"].format(n=1, columns="Remarque") in texts(again)
    fields = frame_with(again, FR["imp.map.col.field"])
    assert fields[[FR["imp.map.col.columns"], FR["imp.map.col.field"]]].values.tolist()[1:3] == \
        [["Structure", "name"], ["Ville INSEE", "commune_code"]]


def test_mapping_is_downloadable_for_the_command_line():
    # the file is mp.dump_file's (read back by `mappings save`: tests/ingest/test_cli_import.py)
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "tableur_fichier.csv", "Structure;Ville INSEE;Remarque\nCafé;44109;x\n".encode())
    download = next(b for b in at.download_button if b.key == "imp_map_download")
    assert download.proto.label == FR["imp.map.download"]
    assert "mappings save" in download.proto.help


def test_a_file_mixing_utf8_and_latin1_says_which_lines_are_in_which():
    """Known ingest finding c: two exports pasted together, read line by line."""
    content = (b"nom;commune\n" + "Café Solidaire;44109\n".encode("utf-8")
               + "Société Générale;44109\n".encode("cp1252"))
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "melange.csv", content)
    assert FR["imp.encoding_mixed"].format(utf8="2", latin="3") in [str(w.value) for w in at.warning]
    assert frame_with(at, "Nom")["Nom"].tolist()[:2] == ["Café Solidaire", "Société Générale"]
