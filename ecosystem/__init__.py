"""Territorial social-innovation ecosystems: the domain package (no Streamlit).

``model``, ``vocabulary``, ``geo`` and ``i18n`` hold the data model, the code lists,
the geography and the translations; ``storage/`` keeps inventories, ``analysis/``
computes on a view of one, ``render/`` turns results into maps, reports, files and
safe text, ``ingest/`` reads the files people have.
"""

from pathlib import Path

#: the project's folder (data/, static/ are there)
ROOT = Path(__file__).resolve().parent.parent
