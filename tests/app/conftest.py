"""AppTest runs in this process and Streamlit's resource cache outlives a test:
all page tests share one database file, created (with the demo) on first use."""

import os
import tempfile
from pathlib import Path

_DB = Path(tempfile.mkdtemp(prefix="apptest-")) / "app.duckdb"
os.environ["ECOSYSTEM_DB"] = str(_DB)


# imported after ECOSYSTEM_DB is set (above): the app reads it when its modules load
import pytest  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit.delta_generator import DeltaGenerator  # noqa: E402


@pytest.fixture
def downloads(monkeypatch):
    """Every download button's file, produced as a click would (file name -> bytes)."""
    files: dict[str, bytes] = {}
    original = DeltaGenerator.download_button

    def record(self, label, data, file_name=None, *args, **kwargs):
        body = data() if callable(data) else data
        body = body.encode("utf-8") if isinstance(body, str) else body
        files[file_name] = body
        return original(self, label, body, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    monkeypatch.setattr(st, "download_button",
                        lambda *a, **k: record(st._main, *a, **k))
    return files
