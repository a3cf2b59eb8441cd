#!/usr/bin/env python3
"""Generate the hostile input corpus: ``python tests/hostile/make_corpus.py DIR``.

Each case is a file an analyst could upload, chosen to break a naive importer:
wrong and mixed encodings, ragged rows, duplicate or empty headers, empty files,
binary data with a .csv name, a zip-bomb-like XLSX, formulas, HTML/JS in every
field, absurd coordinates, negative amounts, dates in the years 0001 and 9999…
``CASES`` lists them with the one outcome expected: ``error`` (a clear message, nothing
written) or ``import`` (a clean import, possibly with values emptied and reported);
``tests/hostile/test_hostile.py`` ``EXPECTED`` gives each case's message key or rows
saved and cells reported. The 1 GB case is made only with ``--big`` (not committed, slow).
"""

from __future__ import annotations

import json
import random
import struct
import sys
import zipfile
import zlib
from pathlib import Path

HEADER = "nom;type;commune;code_postal;ville;latitude;longitude;siren;date_creation;description"
GOOD = [
    "Entraide Nantes;association;44109;44000;Nantes;47.2184;-1.5536;;2001-05-02;Aide alimentaire",
    "Jardins d'Herblain;association;44162;44800;Saint-Herblain;47.21;-1.65;;1998;Jardins partagés",
    "SCOP Ressourcerie;social_enterprise;13001;13090;Aix-en-Provence;43.52;5.45;;2010-01-01;Réemploi",
]
PAYLOAD = "<img src=x onerror=alert(1)><script>alert(2)</script>\"'><svg onload=alert(3)>"


def csv_text(rows: list[str], header: str = HEADER, sep: str = ";") -> str:
    return "\n".join([header.replace(";", sep)] + [r.replace(";", sep) for r in rows]) + "\n"


def _xlsx(path: Path, rows: list[list], sheet_xml: bytes | None = None) -> None:
    """A minimal valid XLSX written by hand (inline strings), or with a given sheet."""
    def cell(v, r, c):
        ref = f"{chr(65 + c)}{r}"
        if isinstance(v, (int, float)):
            return f'<c r="{ref}"><v>{v}</v></c>'
        if isinstance(v, str) and v.startswith("="):
            return f'<c r="{ref}"><f>{v[1:]}</f></c>'
        text = str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    if sheet_xml is None:
        body = "".join(f'<row r="{i + 1}">' + "".join(cell(v, i + 1, j) for j, v in enumerate(row))
                       + "</row>" for i, row in enumerate(rows))
        sheet_xml = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                     'openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + body +
                     "</sheetData></worksheet>").encode()
    ns = "http://schemas.openxmlformats.org"
    files = {
        "[Content_Types].xml": f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="Acteurs" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)


def _bomb_sheet(rows: int) -> bytes:
    row = ('<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
           '</t></is></c></row>')
    head = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main"><sheetData>')
    return (head + row * rows + "</sheetData></worksheet>").encode()


def _png() -> bytes:
    raw = b"\x00" + b"\xff\x00\x00" * 4
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def cases() -> dict[str, tuple[str, object]]:
    """name -> (expected outcome, content: str (UTF-8), bytes, or a callable(path))."""
    rnd = random.Random(7)
    good = csv_text(GOOD)
    c: dict[str, tuple[str, object]] = {}
    # --- encodings
    c["enc_utf8.csv"] = ("import", good)
    c["enc_utf8_bom.csv"] = ("import", "\ufeff" + good)
    c["enc_latin1.csv"] = ("import", good.encode("latin-1", errors="replace"))
    c["enc_cp1252_euro.csv"] = ("import", csv_text(GOOD + ["Cœur & Œuvre;association;75056;75001;"
                                                           "Paris;48.86;2.35;;2005;Budget 10 €"])
                                .encode("cp1252"))
    c["enc_utf16.csv"] = ("import", good.encode("utf-16"))
    c["enc_mixed_utf8_latin1.csv"] = ("import", good.encode("utf-8") + "Élan Solidaire;association;"
                                      "44109;44000;Nantes;47.2;-1.5;;2001;Été\n".encode("latin-1"))
    c["enc_invalid_bytes.csv"] = ("import", good.encode() + b"Nom\xff\xfe\x80;association;44109;;;;;;;\n")
    c["enc_null_bytes.csv"] = ("import", good.replace("Aide alimentaire", "Aide\x00alimentaire"))
    # --- structure
    c["ragged_fewer_fields.csv"] = ("error", good + "Tronqué;association;44109\n")
    c["ragged_more_fields.csv"] = ("error", good + "Trop;association;44109;;;;;;;;x;y;z\n")
    c["header_duplicates.csv"] = ("import", csv_text(GOOD, HEADER.replace("ville", "nom")))
    c["header_empty_names.csv"] = ("import", csv_text(GOOD, HEADER.replace("ville", "").replace(
        "description", "")))
    c["header_only.csv"] = ("error", HEADER + "\n")
    c["empty.csv"] = ("error", b"")
    c["whitespace_only.csv"] = ("error", "   \n\n\t\n  \n")
    c["only_delimiters.csv"] = ("error", ";;;;;\n;;;;;\n;;;;;\n")
    c["binary_random.csv"] = ("error", bytes(rnd.getrandbits(8) for _ in range(20000)))
    c["png_named.csv"] = ("error", _png())
    c["unbalanced_quotes.csv"] = ("import", good + '"Guillemet ouvert;association;44109;;;;;;;\n'
                                  + GOOD[0] + "\n")
    c["newlines_in_quoted.csv"] = ("import", HEADER + "\n" + '"Multi\nligne";association;44109;'
                                   '44000;Nantes;;;;;"une\ndescription"\n' + GOOD[1] + "\n")
    c["title_rows_before_header.csv"] = ("import", "Inventaire des acteurs\nExport du 12/03/2024\n\n"
                                         + good)
    c["comma_delimited.csv"] = ("import", csv_text(GOOD, sep=",").replace("Jardins d'Herblain",
                                                                           '"Jardins, Herblain"'))
    c["tab_delimited.tsv"] = ("import", csv_text(GOOD, sep="\t"))
    c["wide_5000_columns.csv"] = ("error", ";".join(f"c{i}" for i in range(5000)) + "\n"
                                  + ";".join("x" for _ in range(5000)) + "\n")
    c["long_field_1mb.csv"] = ("error", HEADER + "\n" + "A" * 1_000_000 + ";association;44109;"
                               "44000;Nantes;;;;;\n")
    # --- content
    c["formulas_everywhere.csv"] = ("import", csv_text([
        "=cmd|' /C calc'!A0;association;44109;44000;=1+1;+47.2;-1.55;;@SUM(1);=HYPERLINK(\"x\")",
        "+33 1 00;association;44109;44000;Nantes;47.2;-1.5;;2001;-2+3"]))
    c["html_js_everywhere.csv"] = ("import", csv_text([
        f"{PAYLOAD};association;44109;44000;{PAYLOAD};47.2;-1.5;;2001;{PAYLOAD}"]))
    c["absurd_coordinates.csv"] = ("import", csv_text([
        "Lat 999;association;;;;999;-999;;;", "Lat texte;association;;;;abc;def;;;",
        "Lat NaN;association;;;;NaN;inf;;;", "Inversées;association;;;;-1.5536;47.2184;;;",
        "Océan;association;;;;30;-40;;;"]))
    c["dates_0001_9999.csv"] = ("import", csv_text([
        "Ancienne;association;44109;;;;;;0001-01-01;", "Future;association;44109;;;;;;9999-12-31;",
        "Texte;association;44109;;;;;;hier;", "Négative;association;44109;;;;;;-500;"]))
    c["bad_commune_codes.csv"] = ("import", csv_text([
        "Zéro;association;00000;;;;;;;", "Neufs;association;99999;;;;;;;",
        "Lettres;association;ABCDE;;;;;;;", "Corse fausse;association;2C001;;;;;;;",
        "Sans zéro;association;1001;;;;;;;"]))
    c["bad_sirens.csv"] = ("import", csv_text([
        "Clé fausse;association;44109;;;;;732829321;;", "Espaces;association;44109;;;;;732 829 320;;",
        "Court;association;44109;;;;;123;;"]))
    c["unknown_types.csv"] = ("import", csv_text([
        "Type inconnu;licorne;44109;;;;;;;", "Type vide;;44109;;;;;;;"]))
    c["decimal_commas_thousands.csv"] = ("import", HEADER + ";salaries\n" + GOOD[0] + ";1 234,5\n")
    c["duplicate_rows.csv"] = ("import", csv_text(GOOD + GOOD))
    c["missing_names.csv"] = ("import", csv_text([";association;44109;;;;;;;", GOOD[0]]))
    c["non_values.csv"] = ("import", csv_text(["NON;association;NON;N/A;NON;NON;NON;NON;0001-01-01;NON",
                                               GOOD[0]]))
    # projects template with negative amounts and unknown references
    c["projects_negative_amounts.csv"] = ("error",
        "project_id;title;lead_actor_id;stage;funding_eur\nP1;Projet;A404;emergence;-5000\n"
        "P2;=1+1;A1;stage_inconnu;abc\n")
    c["fundings_negative.csv"] = ("error", "funding_id;project_id;amount_eur;year;kind;origin\n"
                                  "F1;P1;-1000;0001;subvention;public\nF2;P1;1e308;9999;don;autre\n")
    # --- other formats
    c["not_json.json"] = ("error", "{ceci n'est pas du json")
    c["json_object_not_array.json"] = ("error", json.dumps({"a": 1, "b": [1, 2]}))
    c["json_deep.json"] = ("error", "[" * 5000 + "]" * 5000)
    c["json_array_of_numbers.json"] = ("error", json.dumps(list(range(100))))
    c["js_export_broken.js"] = ("error", "const transiscopeDatas = [ {\"title\": \"x\", ")
    c["js_export_payloads.js"] = ("import", "const transiscopeDatas = " + json.dumps([
        {"title": PAYLOAD, "location": {"lat": 47.2, "lon": -1.55},
         "address": {"postalCode": "44000", "city": PAYLOAD}, "categories": [{"name": PAYLOAD}]},
        {"title": "Hors carte", "location": {"lat": "999", "lon": "abc"}}]) + ";")
    c["parquet_corrupt.parquet"] = ("error", b"PAR1" + bytes(range(256)) * 10 + b"PAR1")
    c["xlsx_is_csv.xlsx"] = ("import", good)  # read by its content, not its name
    c["xlsx_truncated.xlsx"] = ("error", lambda p: _truncated_xlsx(p))
    c["xlsx_formulas.xlsx"] = ("import", lambda p: _xlsx(p, [HEADER.split(";"), [
        "=1/0", "association", "44109", "44000", "Nantes", 47.2, -1.55, "", "2001", "=HYPERLINK(\"x\")"],
        ["Normal", "association", "44162", "44800", "Saint-Herblain", 47.21, -1.65, "", "1998", "ok"]]))
    c["xlsx_empty_sheet.xlsx"] = ("error", lambda p: _xlsx(p, []))
    c["xlsx_zip_bomb.xlsx"] = ("error", lambda p: _xlsx(p, [], sheet_xml=_bomb_sheet(6_000_000)))
    c["legacy_xls.xls"] = ("error", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    c["rna_truncated_header.csv"] = ("error", "id;id_ex;siret;gestion;date_creat\n"
                                     "\"W291000001\";\"0291\";\"\";\"291S\";\"0001-01-01\"\n")
    return c


def _truncated_xlsx(path: Path) -> None:
    _xlsx(path, [HEADER.split(";"), GOOD[0].split(";")])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def write(directory: Path, big: bool = False) -> dict[str, str]:
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for name, (expected, content) in cases().items():
        path = directory / name
        if callable(content):
            content(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        manifest[name] = expected
    if big:
        manifest["big_1gb_one_line.csv"] = "error"
        write_big(directory / "big_1gb_one_line.csv")
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def write_big(path: Path, size: int = 1 << 30) -> None:
    """1 GiB with no line break: a CSV no importer should try to hold in memory."""
    block = (b"A;" * 32768)
    with open(path, "wb") as f:
        for _ in range(size // len(block)):
            f.write(block)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("hostile-corpus")
    m = write(target, big="--big" in sys.argv)
    print(f"{len(m)} cases written to {target}")
