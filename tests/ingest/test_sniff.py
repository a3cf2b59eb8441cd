"""How the Importer and the command line name a file's encoding."""

from typer.testing import CliRunner

from ecosystem import __main__ as cli
from ecosystem.ingest.sniff import encoding_name


def test_encodings_are_named_as_people_name_them():
    """"UTF-8", "Windows-1252", not Python's codec names; an unknown one as it is."""
    assert [encoding_name(e) for e in ("utf_8", "utf_16", "cp1252", "latin_1", "koi8_r", None)] == \
        ["UTF-8", "UTF-16", "Windows-1252", "ISO-8859-1 (Latin-1)", "koi8_r", None]


def test_command_line_names_the_encoding(tmp_path, geo, monkeypatch):
    monkeypatch.setattr(cli.console, "width", 250)
    path = tmp_path / "a.csv"
    path.write_bytes("nom;commune\nCafé Solidaire;44109\n".encode("cp1252"))
    r = CliRunner().invoke(cli.app, ["import", str(path), "-i", "T", "--dry-run",
                                     "--db", str(tmp_path / "t.duckdb"), "--lang", "en"])
    assert "Type csv, encoding Windows-1252, delimiter ';'" in r.output, r.output
