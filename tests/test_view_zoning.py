"""The view with user zonings: each actor's and project's zone read through the view's
sets (``view.zoned_set``), on the tiny hand-made zoning of ``tests/zoning_fixtures.py``."""
