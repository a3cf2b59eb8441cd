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


# Each case worked out by hand from the UTF-8 table: a lead byte 0xC2–0xDF takes one
# continuation byte (0x80–0xBF), 0xE0–0xEF two, 0xF0–0xF4 three.
UTF8_CASES = [
    (b"", False),
    (b"plain ascii;line\n", False),
    ("Société".encode("latin-1"), False),        # é = 0xE9 then 't' (0x74): no continuation
    ("Société".encode("utf-8"), True),           # é = 0xC3 0xA9
    (b"\xc2\xa0", True),                         # the smallest two-byte lead, at the very start
    (b"x\xc1\xa9", False),                       # 0xC1 is never a lead (overlong)
    (b"x\xdf\xbf", True),                        # the largest two-byte sequence, at the very end
    (b"x\xc3", False),                           # a lead cut by the end of the data
    (b"x\xe2\x80", False),                       # a three-byte lead with one continuation only
    (b"x\xe2\x80\x93y", True),                   # – (U+2013)
    (b"x\xe2\x80y\x93", False),                  # continuation bytes not contiguous
    (b"x\xf0\x9f\x98", False),                   # four-byte lead, two continuations, then the end
    (b"x\xf0\x9f\x98\x80", True),                # 😀
    (b"x\xf5\x80\x80\x80", False),               # 0xF5 is never a lead
    ("Œuvre – Brest".encode("cp1252"), False),   # 0x8C, 0x96: cp1252 bytes, no lead
    ("ÉLÈVES ÂGÉS «».".encode("latin-1"), False),  # leads 0xC9, 0xC8, 0xC2 followed by ASCII
    ("Â«".encode("latin-1"), True),              # 0xC2 0xAB: latin-1 text that is valid UTF-8
]


def test_the_utf8_scan_finds_exactly_the_multibyte_sequences():
    for data, expected in UTF8_CASES:
        assert sniff.has_utf8_sequence(data) is expected, data


def test_the_utf8_scan_sees_a_sequence_across_its_slices():
    # the scan works on slices of 1 MiB: a sequence whose lead is the slice's last byte
    # is found, and a lead whose followers in the next slice are not continuations is not
    pad = b"a" * (sniff._SLICE - 1)
    assert sniff.has_utf8_sequence(pad + b"\xe2\x80\x93") is True
    assert sniff.has_utf8_sequence(pad + b"\xe2\x80a" + b"a" * 10) is False
    assert sniff.has_utf8_sequence(pad + b"a\xc3\xa9") is True   # lead opening the next slice


def test_a_sequence_cut_by_the_scan_s_chunks_is_found(tmp_path, monkeypatch):
    # mixed_lines reads the file in chunks; a sequence across two chunks is found (the
    # last three bytes of a chunk are scanned again with the next)
    import builtins

    path = tmp_path / "cut.csv"
    body = "nom\nSociete Generale\n".encode("cp1252") + b"x\xe2\x80\x93\n" + "Né\n".encode("cp1252")
    path.write_bytes(body)
    cut = body.index(b"\xe2") + 1      # a chunk ends right after the lead byte
    real_open = builtins.open

    class Chunked:
        def __init__(self, f):
            self.f, self.first = f, True

        def read(self, n=-1):
            if self.first:
                self.first = False
                return self.f.read(cut)
            return self.f.read(n)

        def __iter__(self):
            return iter(self.f)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    monkeypatch.setattr(builtins, "open", lambda p, *a, **k: Chunked(real_open(p, *a, **k))
                        if str(p) == str(path) else real_open(p, *a, **k))
    assert sniff.mixed_lines(path) == {"utf_8": [3], "cp1252": [4]}


def test_the_utf8_scan_agrees_with_the_regular_expression():
    # the regular expression it replaces, on random bytes weighted towards the bytes
    # that matter (leads, continuations, ASCII)
    from hypothesis import given, settings
    from hypothesis import strategies as st

    pieces = st.sampled_from([b"a", b"\n", b"\x80", b"\xbf", b"\xc0", b"\xc2", b"\xdf", b"\xe0",
                              b"\xef", b"\xf0", b"\xf4", b"\xf5", b"\xe9", b"\x93"])

    @settings(max_examples=400, deadline=None)
    @given(st.lists(pieces, max_size=12))
    def agree(parts):
        data = b"".join(parts)
        assert sniff.has_utf8_sequence(data) is bool(sniff._UTF8_SEQ.search(data)), data

    agree()
