"""Issue 12 item 9 in Debian's chromium: continuation rows shown, folded on request."""

from pathlib import Path

import pytest

from ecosystem.i18n import catalogue
from tests.conftest import screenshot, upload_and_analyse, wait_idle

pytestmark = pytest.mark.e2e
SHAPED = Path(__file__).resolve().parents[1] / "data" / "shaped"
FR = catalogue("fr")


def test_continuation_rows_are_shown_and_folded(app_server, offline_page):
    page = offline_page.open(app_server.url + "/importer")
    upload_and_analyse(page, SHAPED / "continuation_rows_jardins.csv", "Test navigateur continuation")
    found = page.get_by_text(FR["imp.cont.found.other"].format(n="3")[:40])
    found.wait_for(timeout=90_000)
    wait_idle(page)
    # excluded by default: 3 of the 6 records left out
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=FR["imp.sum.excluded"])
    assert metric.locator('[data-testid="stMetricValue"]').inner_text() == "3"
    page.get_by_text(FR["imp.cont.fold"]).click()
    page.wait_for_function(
        """(label) => [...document.querySelectorAll('[data-testid="stMetric"]')]
            .some(m => m.innerText.includes(label) &&
                       m.querySelector('[data-testid="stMetricValue"]').innerText.trim() === '0')""",
        arg=FR["imp.sum.excluded"], timeout=90_000)
    wait_idle(page)
    found.scroll_into_view_if_needed()
    screenshot(page, "importer_continuation_fold_fr")
    assert offline_page.external == []
    assert offline_page.errors == [] and offline_page.dialogs == []
