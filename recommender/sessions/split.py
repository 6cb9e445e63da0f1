"""session-rec's evaluation split: the final day of the file is the test set."""

from __future__ import annotations

import pandas as pd

DAY = 86_400.0


def last_day_split(clicks: pd.DataFrame, *,
                   seconds: float = DAY) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test): test = sessions whose LAST click is within `seconds` of the file's max time.

    Whole sessions move, so no session is cut in two (as session-rec's preprocessing does).
    """
    if clicks.empty:
        raise ValueError("no clicks to split")
    cutoff = clicks["Time"].max() - seconds
    ends = clicks.groupby("SessionId")["Time"].transform("max")
    test_rows = ends >= cutoff
    return clicks[~test_rows].reset_index(drop=True), clicks[test_rows].reset_index(drop=True)


def filter_test(test: pd.DataFrame, train_items) -> pd.DataFrame:
    """Drop clicks on items unknown to training, THEN sessions left with fewer than 2 clicks."""
    known = test[test["ItemId"].isin(set(train_items))]
    sizes = known.groupby("SessionId")["ItemId"].transform("size")
    return known[sizes >= 2].reset_index(drop=True)
