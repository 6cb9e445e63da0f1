"""Builders for interaction frames shaped like marts.fct_product_interactions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

COLUMNS = [
    "interaction_id",
    "visitor_key",
    "user_id",
    "session_key",
    "product_id",
    "interaction_type",
    "weight",
    "occurred_at",
]
WEIGHTS = {"view": 1, "cart": 3, "purchase": 5}
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def build_interactions(rows: list[tuple]) -> pd.DataFrame:
    """rows: (visitor_key, user_id, session_key, product_id, interaction_type[, minute])."""
    records = []
    for index, row in enumerate(rows):
        visitor, user, session, product, kind = row[:5]
        minute = row[5] if len(row) > 5 else index
        records.append(
            {
                "interaction_id": f"i{index}",
                "visitor_key": visitor,
                "user_id": user,
                "session_key": session,
                "product_id": product,
                "interaction_type": kind,
                "weight": WEIGHTS[kind],
                "occurred_at": T0 + timedelta(minutes=minute),
            }
        )
    return pd.DataFrame.from_records(records, columns=COLUMNS)


@pytest.fixture
def make_interactions():
    """Factory fixture, so tests work under any pytest import mode."""
    return build_interactions


@pytest.fixture
def empty_interactions() -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS)
