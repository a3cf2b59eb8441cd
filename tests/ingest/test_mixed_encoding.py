"""A file mixing UTF-8 and Latin-1 (cp1252) lines — two exports pasted together — is
detected: each line is read in its own encoding and the import says which lines were
in which (known ingest finding c)."""

from ecosystem.i18n import t
from ecosystem.ingest import sniff
from tests.ingest.conftest import checked


def mixed_file(write):
    body = (b"nom;ville\n"
            + "Café Solidaire;Nantes\n".encode("utf-8")            # line 2
            + "Société Générale;Orléans\n".encode("cp1252")        # line 3
            + b"Atelier Velo;Brest\n"                              # line 4: ASCII, either
            + "Crèche Les Pâquerettes;Pontivy\n".encode("utf-8")   # line 5
            + "Œuvre d'entraide – Brest;Brest\n".encode("cp1252"))  # line 6 (Œ, – are cp1252)
    return write("structures.csv", body)


def test_the_lines_of_each_encoding_are_found(write, tmp_path):
    info = sniff.sniff(mixed_file(write), workdir=tmp_path)
    assert info.mixed == {"utf_8": [2, 5], "cp1252": [3, 6]}


def test_a_mixed_file_is_read_line_by_line_in_its_own_encoding(write, analyse):
    imp = analyse(mixed_file(write))
    assert checked(imp)["name"].tolist() == ["Café Solidaire", "Société Générale", "Atelier Velo",
                                             "Crèche Les Pâquerettes", "Œuvre d'entraide – Brest"]
    summary = imp.summary()
    assert summary["mixed_encoding"] == {"utf_8": [2, 5], "cp1252": [3, 6]}
    assert summary["parts"][0]["balance"] == {"read": 5, "saved": 5, "merged": 0, "excluded": 0}


def test_the_warning_names_the_lines(write, analyse):
    from ecosystem.ingest.pipeline import mixed_encoding_message
    imp = analyse(mixed_file(write))
    assert mixed_encoding_message(imp.summary(), "fr") == t(
        "imp.encoding_mixed", "fr", utf8="2, 5", latin="3, 6")
    assert "2, 5" in t("imp.encoding_mixed", "en", utf8="2, 5", latin="3, 6")


def test_a_plain_latin1_file_is_not_mixed(write, tmp_path):
    path = write("structures.csv", "nom;ville\nSociété Générale;Orléans\n", encoding="cp1252")
    info = sniff.sniff(path, workdir=tmp_path)
    assert info.encoding in ("cp1252", "latin_1") and info.mixed is None


def test_a_plain_utf8_file_is_not_mixed(write, tmp_path):
    info = sniff.sniff(write("structures.csv", "nom;ville\nCafé;Orléans\n"), workdir=tmp_path)
    assert info.encoding == "utf_8" and info.mixed is None


def test_the_command_line_says_which_lines_are_in_which(write, tmp_path):
    from tests.ingest.test_cli_import import cli
    result, out = cli("import", mixed_file(write), "--inventory", "Test", "--dry-run",
                      "--db", tmp_path / "a.duckdb", lang="fr")
    assert result.exit_code == 0, out
    assert " ".join(t("imp.encoding_mixed", "fr", utf8="2, 5", latin="3, 6").split()) in out
