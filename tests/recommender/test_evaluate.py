import os
from pathlib import Path

import pandas as pd
import pytest

from recommender.evaluate import hit_rate_at_k

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("FLYWHEEL_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
YOOCHOOSE = SHARED_DATA / "yoochoose_sample" / "yoochoose-clicks-100k_train_full.txt"


def test_empty_input_scores_nobody(empty_interactions):
    assert hit_rate_at_k(empty_interactions) == {"popularity": 0.0, "cooccurrence": 0.0, "users": 0}


def test_cooccurrence_finds_what_popularity_misses(make_interactions):
    rows = []
    # u0..u4 view A, B then Z: the A-B pair stays in training, their last item Z is held out
    # and never seen in training, so neither recommender can hit it.
    for i in range(5):
        rows += [(f"u{i}", None, f"su{i}", p, "view") for p in ("A", "B", "Z")]
    # v0..v4 view A then B: B is held out; A's neighbour B (from u*) is a hit at k=1.
    for i in range(5):
        rows += [(f"v{i}", None, f"sv{i}", p, "view") for p in ("A", "B")]
    # Single-item visitors are not evaluated but make P the most popular item.
    rows += [(f"w{i}", None, f"sw{i}", "P", "view") for i in range(10)]
    result = hit_rate_at_k(make_interactions(rows), k=1)
    assert result == {"popularity": 0.0, "cooccurrence": 0.5, "users": 10}


def test_popularity_hits_when_target_is_the_popular_item(make_interactions):
    rows = [(f"w{i}", None, f"sw{i}", "P", "view") for i in range(10)]
    rows += [("v", None, "sv", "A", "view", 100), ("v", None, "sv", "P", "view", 101)]
    result = hit_rate_at_k(make_interactions(rows), k=1)
    assert result == {"popularity": 1.0, "cooccurrence": 0.0, "users": 1}


def test_session_holdout_uses_returning_visitors_only(make_interactions):
    rows = [
        ("r", None, "r1", "A", "view", 0),
        ("r", None, "r1", "B", "view", 1),
        ("r", None, "r2", "A", "view", 100),
        ("r", None, "r2", "C", "view", 101),  # last session: C is new, A is not a target
        ("o", None, "o1", "A", "view", 0),
        ("o", None, "o1", "C", "view", 1),
        ("x", None, "x1", "A", "view", 0),  # single session: not evaluated
    ]
    result = hit_rate_at_k(make_interactions(rows), k=1, holdout="session")
    assert result["users"] == 1
    assert result["cooccurrence"] == 1.0  # A-C co-occur in o1, kept for training


@pytest.mark.skipif(not YOOCHOOSE.exists(), reason=f"shared data not found at {YOOCHOOSE}")
def test_cooccurrence_beats_popularity_on_yoochoose_clicks():
    """YOOCHOOSE clicks (RecSys Challenge 2015 sample, non-commercial research terms)."""
    raw = pd.read_csv(YOOCHOOSE, sep="\t", dtype={"SessionId": str, "ItemId": str})
    assert list(raw.columns) == ["SessionId", "ItemId", "Time"]
    frame = pd.DataFrame(
        {
            "visitor_key": raw["SessionId"],
            "user_id": None,
            "session_key": raw["SessionId"],
            "product_id": raw["ItemId"],
            "interaction_type": "view",
            "weight": 1,
            "occurred_at": pd.to_datetime(raw["Time"], unit="s", utc=True),
        }
    )
    result = hit_rate_at_k(frame, k=10)
    assert result["users"] > 1000
    assert result["cooccurrence"] > result["popularity"]
