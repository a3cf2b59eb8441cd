"""Personal data: which fields hold it (``model.Col.personal``), who sees them, and
erasing one person's data (``python -m ecosystem erase``). See docs/privacy.md."""

from __future__ import annotations

import pandas as pd

from ecosystem import access, model
from ecosystem.access import User


def personal_columns(kind: str) -> list[str]:
    return model.personal_columns(kind)


def hide_personal(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    """``df`` without the personal columns of table ``kind``."""
    return df.drop(columns=[c for c in personal_columns(kind) if c in df.columns])


def erase(store, acting: User, inventory: str, match: str) -> pd.DataFrame:
    """Blank the personal fields of every record where one of them is ``match`` (an
    e-mail address, a name or a phone number written as stored), in one transaction;
    administrators only. Returns table, record key and column of each field erased."""
    access.require(store, acting, inventory, "manage")
    return store.erase_personal(inventory, match)
