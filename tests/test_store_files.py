"""The store on files that are not ours or not writable, through the command line
and the app (issue 12, item 17). Read-only cases run the command line as an
unprivileged user (root writes anywhere), with ``setpriv`` when the tests run as root."""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

from ecosystem.storage.store import Store
from tests.conftest import ROOT
from tests.fixtures import tiny
from tests.test_store import _fingerprint, foreign_file

NOBODY = 65534


def cli(*args, unprivileged=False, lang_env=None):
    cmd = [sys.executable, "-m", "ecosystem", *map(str, args)]
    if unprivileged and os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("setpriv is needed to drop root for a read-only test")
        cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]
    env = os.environ | {"PYTHONPATH": str(ROOT), "COLUMNS": "200"} | (lang_env or {})
    env.pop("ECOSYSTEM_DB", None)
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def shared_dir():
    """A folder an unprivileged user can enter (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="store-ro-"))
    path.chmod(0o755)
    yield path
    for p in [path, *path.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(path)


@pytest.fixture
def csv_file(shared_dir):
    src = shared_dir / "acteurs.csv"
    src.write_text("actor_id;name;actor_type;commune_code;source\nX1;Entraide;association;44109;t\n",
                   encoding="utf-8")
    src.chmod(0o644)
    return src


def test_cli_refuses_another_applications_file_untouched(tmp_path, csv_file):
    path = foreign_file(tmp_path / "other.duckdb")
    before = _fingerprint(path)
    for args in (["inventories", "--db", path],
                 ["import", csv_file, "--inventory", "X", "--db", path]):
        proc = cli(*args)
        assert proc.returncode != 0
        assert "not an inventory database of this app" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
    assert _fingerprint(path) == before


def test_cli_read_only_file_lists_but_cannot_import(shared_dir, geo, csv_file):
    path = shared_dir / "ro.duckdb"
    with Store(path, geo=geo) as s:
        s.create("Loire", tiny())
    path.chmod(0o444)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    listing = cli("inventories", "--db", path, unprivileged=True)
    assert listing.returncode == 0, listing.stderr
    assert "Loire" in listing.stdout and "10" in listing.stdout     # tiny: 10 actors
    out = shared_dir / "export"
    out.mkdir(mode=0o777)
    out.chmod(0o777)
    export = cli("export", "--inventory", "Loire", "--db", path, out / "a.csv", "--table",
                 "actors", unprivileged=True)
    assert export.returncode == 0, export.stderr
    imp = cli("import", csv_file, "--inventory", "X", "--db", path, unprivileged=True)
    assert imp.returncode != 0
    assert f"cannot write to {path}" in imp.stderr, imp.stderr
    assert "Impossible d'écrire dans" in imp.stderr       # the hint, in the --lang (fr)
    assert "not a valid inventory database" not in imp.stderr and "Traceback" not in imp.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_cli_read_only_folder_cannot_create_a_store(shared_dir, csv_file):
    folder = shared_dir / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    imp = cli("import", csv_file, "--inventory", "X", "--db", folder / "new.duckdb",
              unprivileged=True)
    assert imp.returncode != 0
    assert f"cannot write to {folder / 'new.duckdb'}" in imp.stderr, imp.stderr
    assert list(folder.iterdir()) == []
