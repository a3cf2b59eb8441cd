"""Hypothesis profiles of the property suite.

``ci`` (default): a bounded number of examples, so the whole of tests/property runs
in about 3 minutes on a loaded 2-core machine. ``long``: many more examples, for a
night run: ``HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/property``.
Examples are slow (a store file, 50 page runs): no deadline in either profile.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=6, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much])
settings.register_profile(
    "long", max_examples=300, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
