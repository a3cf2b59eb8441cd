"""An inventory whose every free-text field holds a script payload (XSS sweep).

Codes must stay valid vocabulary codes, but every name, title, address,
description, identifier-like free text and label that the UI may show is a
payload that would run if inserted as raw HTML. Browser tests open every page on
this inventory and assert that no dialog fires and no payload element exists.
"""

from __future__ import annotations

import pandas as pd

from ecosystem.model import InventoryData
from tests.fixtures import frame, tiny

PAYLOADS = [
    "<img src=x onerror=alert('xss-img')>",
    "<script>alert('xss-script')</script>",
    "\"><svg onload=alert('xss-svg')>",
    "javascript:alert('xss-href')",
    "<a href=\"javascript:alert('xss-a')\">clic</a>",
    "'\"><iframe src=javascript:alert('xss-iframe')>",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "</script><script>alert('xss-close')</script>",
    "{{7*7}}${7*7}<b onmouseover=alert('xss-b')>survol</b>",
    "**gras** [lien](javascript:alert('xss-md'))",
]
#: text of the payloads that must never appear unescaped in the DOM as elements
MARKERS = ("xss-img", "xss-script", "xss-svg", "xss-iframe", "xss-close", "xss-b", "xss-a",
           "xss-md", "xss-href")


def payload(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


def hostile() -> InventoryData:
    """tests.fixtures.tiny() with every free-text field replaced by a payload."""
    data = tiny()
    a = data.actors.copy()
    n = len(a)
    for field, shift in (("name", 0), ("city", 1), ("address", 2), ("description", 3),
                         ("website", 4), ("source", 5), ("source_id", 6)):
        values = [payload(j + shift) for j in range(n)]
        a[field] = [f"{v} acteur {j}" for j, v in enumerate(values)] if field == "name" else values
    data.actors = a
    p = data.projects.copy()
    n = len(p)
    p["title"] = [f"{payload(j + 7)} projet {j}" for j in range(n)]
    p["description"] = [payload(j + 8) for j in range(n)]
    p["source"] = [payload(j + 9) for j in range(n)]
    data.projects = p
    f = data.fundings.copy()
    f["funder_name"] = [payload(j) for j in range(len(f))]
    data.fundings = f
    d = data.partnerships.copy()
    d["kind"] = [payload(j + 3) for j in range(len(d))]
    d["source"] = [payload(j + 4) for j in range(len(d))]
    data.partnerships = d
    extra = frame([dict(project_id="P1", criterion_id=payload(0), score=2, assessed_year=2024)])
    data.scores = pd.concat([data.scores, extra.set_axis([len(data.scores) + 1])])
    return data


def hostile_zoning(store) -> str:
    """A zoning whose name and zone names are payloads (tests/zoning_fixtures.py's
    zones), stored in ``store``; its level."""
    from ecosystem import zonings
    from ecosystem.storage import zonings as zstore
    from tests import zoning_fixtures as zf

    zones = [(code, f"{payload(i + 1)} zone {i}", pop, geom)
             for i, (code, _, pop, geom) in enumerate(zf.ZONES)]
    z = zonings.from_polygons(zf.frame(zones), "code_z", "lib_z", "pop_z")
    return f"z{zstore.add(store, payload(0) + ' zonage', z, source=payload(2))}"
