"""AppTest runs in this process and Streamlit's resource cache outlives a test:
all page tests share one database file, created (with the demo) on first use."""

import os
import tempfile
from pathlib import Path

_DB = Path(tempfile.mkdtemp(prefix="apptest-")) / "app.duckdb"
os.environ["ECOSYSTEM_DB"] = str(_DB)
