"""docs/indicators.md is generated from the registry and lists every indicator."""

import subprocess
import sys
from pathlib import Path

from ecosystem.analysis import indicators as ind

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import indicators_doc  # noqa: E402


def test_doc_is_up_to_date():
    doc = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert doc == indicators_doc.render(), \
        "docs/indicators.md is stale: run scripts/indicators_doc.py"


def test_doc_lists_every_registry_id_with_unit_and_formula():
    doc = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    for i in ind.INDICATORS.values():
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{i.id}` |"))
        assert i.unit_en.replace("|", "\\|") in row and i.definition_en[:30] in row


def test_check_mode():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "indicators_doc.py"), "--check"])
    assert r.returncode == 0
