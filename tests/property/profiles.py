"""Hypothesis profiles of the property suite.

``ci`` (default): a bounded number of examples, so the whole of tests/property runs
in about 3 minutes on a loaded 2-core machine. ``long``: many more examples, for a
night run: ``HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/property``.
Examples are slow (a store file, 50 page runs): no deadline in either profile.

The profile is applied to this suite's tests only (``PROFILE`` as their settings'
parent), not loaded globally: other Hypothesis tests keep their own settings.
"""

import os

from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "ci", max_examples=4, deadline=None, print_blob=True,
    # no shrinking: a failing example is printed whole, and the run stays short
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much])
settings.register_profile(
    "long", max_examples=100, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much])
PROFILE_NAME = os.environ.get("HYPOTHESIS_PROFILE", "ci")
PROFILE = settings.get_profile(PROFILE_NAME)
#: examples of the page test: each is 64 page runs (40 with their downloads built); two
#: took 20 of the 28 minutes of tests/property on a loaded 2-core machine (2026-12-07),
#: so ci runs one, a new inventory on each clean clone; other profiles half of theirs
PAGE_EXAMPLES = 1 if PROFILE_NAME == "ci" else max(1, PROFILE.max_examples // 2)
