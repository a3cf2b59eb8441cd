"""Issue 12 items 2 and 4: CSV records read and numbered right, ragged lines reported once.

Row numbers of a CSV are the file's record numbers: the first record of the file
(title or header) is 1, a record whose quoted field holds line breaks counts once,
a blank line counts as one record (as a spreadsheet shows it).
"""

import pytest

from ecosystem.ingest import readers, sniff
from ecosystem.ingest.readers import ReadError


def read(con, path):
    info = sniff.sniff(path, con=con, workdir=path.parent)
    return readers.read(con, info, "raw")


def numbered(con, raw):
    """(row number, first column) of every record read, in row order."""
    first = raw.columns[0]
    return con.execute(f'SELECT {raw.row_sql} AS r, "{first}" FROM raw ORDER BY r').fetchall()


# ------------------------------------------------------------------ item 2

def test_header_cell_spanning_two_lines_keeps_first_record(con, write):
    # the issue's repro: the header is one record on two physical lines
    path = write("a.csv", 'nom,"code\ninsee",ville\nAlpha,29019,Brest\nBeta,44109,Nantes\n'
                          'Gamma,35238,Rennes\n')
    raw = read(con, path)
    assert raw.columns == ["nom", "code insee", "ville"]
    assert raw.n_rows == 3
    # record 1 is the header, Alpha is record 2 (on physical lines 3)
    assert numbered(con, raw) == [(2, "Alpha"), (3, "Beta"), (4, "Gamma")]
    assert raw.header_rows == [1]


def test_quoted_newlines_in_data_cells_give_record_numbers(con, write):
    # records: 1 header, 2 Alpha (two physical lines), 3 Beta, 4 blank line, 5 Gamma
    path = write("b.csv", 'nom,code,ville\nAlpha,"29\n019",Brest\nBeta,44109,Nantes\n\n'
                          'Gamma,35238,Rennes\n')
    raw = read(con, path)
    assert raw.n_rows == 3
    assert numbered(con, raw) == [(2, "Alpha"), (3, "Beta"), (5, "Gamma")]
    value = con.execute("SELECT code FROM raw WHERE nom = 'Alpha'").fetchall()[0][0]
    assert value == "29\n019"


def test_title_lines_blank_line_and_multiline_title_above_header(con, write):
    # records: 1 title, 2 blank, 3 a quoted note on two lines, 4 header, 5 Alpha, 6 blank, 7 Beta
    path = write("c.csv", 'Titre\n\n"note\nsur deux lignes"\nnom,code,ville\n'
                          'Alpha,29019,Brest\n\nBeta,44109,Nantes\n')
    raw = read(con, path)
    assert raw.columns == ["nom", "code", "ville"]
    assert raw.header_rows == [4]
    assert numbered(con, raw) == [(5, "Alpha"), (7, "Beta")]


def test_two_line_header_with_units_row(con, write):
    # a header row and a units row: records 1-2 are the header, data start at record 3
    path = write("d.csv", 'nom;effectif;budget\n;(personnes);(k€)\nAlpha;3;12\nBeta;5;40\n')
    raw = read(con, path)
    assert raw.columns == ["nom", "effectif (personnes)", "budget (k€)"]
    assert raw.header_rows == [1, 2]
    assert numbered(con, raw) == [(3, "Alpha"), (4, "Beta")]


def test_two_line_header_record_and_multiline_data_rows_in_issues(analyse, write):
    # record 1: header on two physical lines; 2: A; 3: B with a wrong SIRET, its address
    # spanning three physical lines; 4: C. The issue on B's SIRET says row 3.
    path = write("e.csv", 'nom,"numéro\nsiret",adresse\nA,,1 rue\nB,12345,"2 rue\nbât B\n3e"\n'
                          'C,,4 rue\n')
    imp = analyse(path)
    issues = imp.issues(imp.parts[0].index)
    assert issues[["row", "column", "value"]].values.tolist() == [[3, "siret", "12345"]]
    assert imp.summary()["parts"][0]["rows"] == 3


# ------------------------------------------------------------------ item 4

def test_ragged_refusal_counts_distinct_lines_with_their_field_counts(con, write):
    # 5 columns expected; record 3 has 2 fields, record 5 has 7 (record 4 is blank),
    # record 6 has 2, record 7 is right
    text = ('nom,code,ville,x,y\nAlpha,"29\n019",Brest,1,2\nBeta,44109\n\n'
            'Gamma,35238,Rennes,1,2,3,4\nDelta,1\nEpsilon,1,2,3,4\n')
    with pytest.raises(ReadError) as err:
        read(con, write("r.csv", text))
    assert err.value.key == "imp.err.ragged"
    assert err.value.params["count"] == 3
    assert [(x["line"], x["found"], x["expected"]) for x in err.value.lines] == [
        (3, 2, 5), (5, 7, 5), (6, 2, 5)]
    assert err.value.params["first"] == "3 (2/5), 5 (7/5), 6 (2/5)"


def test_ragged_refusal_lists_only_the_first_ten_lines_in_the_message(con, write):
    # records 2..31; the even ones have one field missing: 15 ragged lines
    body = "".join(f"N{i},1\n" if i % 2 == 0 else f"N{i},1,2\n" for i in range(2, 32))
    with pytest.raises(ReadError) as err:
        read(con, write("r.csv", "nom,code,ville\n" + body))
    assert err.value.params["count"] == 15
    assert [x["line"] for x in err.value.lines] == [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
    assert [x["found"] for x in err.value.lines] == [2] * 15
    assert err.value.params["first"] == ", ".join(f"{n} (2/3)" for n in range(2, 21, 2))


def test_small_utf8_file_with_euro_sign_is_read_as_utf8(write):
    # found with the units row above: charset-normalizer called this 60-byte UTF-8 file cp1252
    path = write("u.csv", "nom;effectif;budget\n;(personnes);(k€)\nAlpha;3;12\nBeta;5;40\n")
    assert sniff.detect_encoding(path) == "utf_8"
    assert sniff.detect_encoding(write("l.csv", "nom;budget\nAlpha;12 €\n", "cp1252")) == "cp1252"


def test_blank_line_in_a_file_without_a_final_line_break(con, write):
    # records: 1 header, 2 Alpha, 3 blank, 4 Beta (no line break after it)
    raw = read(con, write("f.csv", "nom;ville\nAlpha;Brest\n\nBeta;Nantes"))
    assert numbered(con, raw) == [(2, "Alpha"), (4, "Beta")]
