"""ImportSession and its Registry: an abandoned upload leaves no file and no
DuckDB connection behind once swept; a live session is left alone."""

import os
import time

import duckdb
import pytest

from ecosystem.ingest.session import Registry

CSV = ("nom;type;commune\n"
       "Entraide Nantaise;association;44109\n"
       "Jardins de l'Erdre;association;44109\n").encode("utf-8")


class Clock:
    """A clock the test moves by hand (seconds)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def registry(tmp_path):
    clock = Clock()
    reg = Registry(tmp_path / "uploads", max_idle=600, clock=clock)
    yield reg, clock
    reg.close_all()


def files(folder):
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def connection_closed(session) -> bool:
    try:
        session.imp.con.execute("SELECT 1")
    except duckdb.ConnectionException:
        return True
    return False


def test_a_session_owns_its_upload_folder_and_reads_the_file(registry, geo):
    reg, _ = registry
    s = reg.open(CSV, "structures.csv", "f1", geo=geo, store=None)
    assert s.step == "mapping" and s.error is None
    assert s.path.parent == s.folder and s.folder.parent == reg.root
    assert s.path.read_bytes() == CSV and s.path.suffix == ".csv"
    assert s.imp.parts[0].raw.n_rows == 2
    assert reg.sessions() == [s]


def test_sweep_closes_idle_sessions_and_leaves_live_ones(registry, geo):
    reg, clock = registry
    old = reg.open(CSV, "old.csv", "f1", geo=geo, store=None)
    clock.now += 400
    live = reg.open(CSV, "live.csv", "f2", geo=geo, store=None)
    assert old.folder.exists() and not connection_closed(old)
    clock.now += 300   # old idle 700 s > 600, live idle 300 s
    swept = reg.sweep()
    assert swept == [old]
    assert not old.folder.exists() and connection_closed(old) and old.step == "closed"
    assert live.folder.exists() and not connection_closed(live) and live.step == "mapping"
    assert live.path.read_bytes() == CSV
    assert reg.sessions() == [live]


def test_a_new_upload_sweeps_the_abandoned_ones(registry, geo):
    reg, clock = registry
    abandoned = reg.open(CSV, "a.csv", "f1", geo=geo, store=None)
    clock.now += 601
    fresh = reg.open(CSV, "b.csv", "f2", geo=geo, store=None)
    assert abandoned.closed and not abandoned.folder.exists() and connection_closed(abandoned)
    assert [p.name for p in reg.root.iterdir()] == [fresh.folder.name]


def test_using_a_session_keeps_it_from_the_sweep(registry, geo):
    reg, clock = registry
    s = reg.open(CSV, "a.csv", "f1", geo=geo, store=None)
    clock.now += 500
    s.touch()              # a page run
    clock.now += 500       # idle 500 s since the touch
    assert reg.sweep() == [] and not s.closed
    with s.using():        # a long analysis: not swept however long it takes
        clock.now += 5000
        assert reg.sweep() == [] and s.folder.exists()
    clock.now += 601
    assert reg.sweep() == [s] and s.closed


def test_close_removes_files_and_connection_and_is_idempotent(registry, geo):
    reg, _ = registry
    s = reg.open(CSV, "a.csv", "f1", geo=geo, store=None)
    workdir = s.imp.workdir
    assert workdir.parent == s.folder
    reg.close(s)
    assert not s.folder.exists() and not workdir.exists() and connection_closed(s)
    reg.close(s)
    assert reg.sessions() == []


def test_an_unreadable_upload_is_an_error_step_and_still_cleaned(registry, geo):
    reg, clock = registry
    s = reg.open(b"\x00\x01\x02 not a table", "x.parquet", "f1", geo=geo, store=None)
    assert s.step == "error" and s.error is not None
    assert s.path.exists()
    clock.now += 601
    assert reg.sweep() == [s] and not s.folder.exists()


def test_orphan_folders_of_a_stopped_process_are_removed_at_start(tmp_path, geo):
    root = tmp_path / "uploads"
    (root / "session-old" / "import-x").mkdir(parents=True)
    (root / "session-old" / "upload.csv").write_bytes(CSV)
    (root / "session-recent").mkdir()
    (root / "unrelated").mkdir()
    now = time.time()
    os.utime(root / "session-old", (now - 3600, now - 3600))
    os.utime(root / "session-recent", (now - 60, now - 60))
    reg = Registry(root, max_idle=600)
    live = reg.open(CSV, "a.csv", "f1", geo=geo, store=None)
    os.utime(live.folder, (now - 3600, now - 3600))   # owned by this process: kept
    removed = reg.sweep_orphans(now)
    assert [p.name for p in removed] == ["session-old"]
    assert sorted(p.name for p in root.iterdir()) == sorted(
        ["session-recent", "unrelated", live.folder.name])
    reg.close_all()
    assert sorted(p.name for p in root.iterdir()) == ["session-recent", "unrelated"]


def test_decisions_go_through_the_session(registry, geo):
    reg, _ = registry
    s = reg.open(CSV, "a.csv", "f1", geo=geo, store=None)
    s.analyse(None, only_active=False)
    assert s.step == "analysed" and s.is_analysed(None) and not s.is_analysed("Other")
    entry = s.imp.summary()["parts"][0]
    assert entry["balance"]["read"] == 2 and entry["insert"] == 2
    version = s.version
    s.remap(0, s.imp.parts[0].mapping)
    assert s.step == "mapping" and s.version == version + 1
