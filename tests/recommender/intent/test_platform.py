"""Intent on warehouse sessions (marts.fct_sessions rows): features, tiny data, the tag."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from recommender.intent.platform import (
    HIGH_POTENTIAL_MIN_PRECISION,
    intent_bundle,
    score_sessions,
    session_features,
    session_labels,
    train_platform_intent,
)

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday


def fct_sessions(rows: int, *, seed: int) -> pd.DataFrame:
    """Cart adders who browse long mostly buy; everyone else rarely does."""
    rng = np.random.default_rng(seed)
    views = rng.poisson(4, rows) + 1
    product = rng.random(rows) < 0.7
    cart = product & (rng.random(rows) < 0.35)
    odds = np.where(cart, 0.15 + 0.08 * np.minimum(views, 9), 0.02)
    bought = rng.random(rows) < odds
    start = [T0 + timedelta(hours=int(h)) for h in rng.integers(0, 24 * 14, rows)]
    seconds = views * rng.exponential(30, rows)
    order_at = [s + timedelta(seconds=float(d)) if b else None
                for s, d, b in zip(start, seconds, bought, strict=True)]
    end = [s + timedelta(seconds=float(d) + (600 if b else 0))
           for s, d, b in zip(start, seconds, bought, strict=True)]
    users = [f"u{i % 150}" if rng.random() < 0.5 else None for i in range(rows)]
    return pd.DataFrame({
        "session_key": [f"s{i}" for i in range(rows)],
        "visitor_key": [f"v{i % 300}" for i in range(rows)],
        "user_id": users, "stitched_user_id": users,
        "session_start_at": start, "session_end_at": end,
        "device": rng.choice(["desktop", "mobile", "tablet"], rows),
        "channel": rng.choice(["Direct", "Organic Search", "Email", "Paid Search"], rows),
        "events": views + 2 * bought, "page_views": views,
        "reached_product_view": product, "reached_add_to_cart": cart,
        "reached_checkout_started": bought, "reached_order_created": bought,
        "reached_order_paid": bought, "has_conversion": bought, "is_engaged": views >= 2,
        "visitor_type": rng.choice(["new", "returning"], rows),
        "person_session_number": rng.integers(1, 5, rows),
        "duration_seconds": [(e - s).total_seconds() for s, e in zip(start, end, strict=True)],
        "order_created_at": order_at, "order_paid_at": order_at,
        "checkout_started_at": order_at,
    })


def test_features_know_nothing_of_the_order():
    sessions = fct_sessions(200, seed=1)
    before = session_features(sessions)
    scrambled = sessions.assign(
        events=0, is_engaged=False, has_conversion=False, reached_checkout_started=False,
        reached_order_created=False, reached_order_paid=False, order_paid_at=None,
        checkout_started_at=None)
    pd.testing.assert_frame_equal(session_features(scrambled), before)
    bought = sessions["has_conversion"].to_numpy()
    # A buyer's time on site stops at the order, not at the session's end 10 minutes later.
    expected = (sessions["order_created_at"] - sessions["session_start_at"]).dt.total_seconds()
    assert np.allclose(before.loc[bought, "log_seconds_before_order"],
                       np.log1p(expected[bought].astype(float)))


def test_labels_are_placed_orders():
    sessions = fct_sessions(50, seed=2).assign(has_conversion=None)
    assert session_labels(sessions).tolist() == sessions["reached_order_created"].astype(
        int).tolist()


def test_a_trained_model_ranks_buyers_first_and_is_calibrated():
    train = fct_sessions(3000, seed=3)
    model = train_platform_intent(train)
    assert model.estimator is not None
    fresh = fct_sessions(3000, seed=4)
    proba = score_sessions(model, fresh)
    assert list(proba.index) == fresh["session_key"].tolist()
    bought = fresh["has_conversion"].to_numpy()
    assert proba[bought].mean() > 3 * proba[~bought].mean()
    assert proba.mean() == pytest.approx(bought.mean(), abs=0.02)
    tagged = proba.to_numpy() >= model.threshold
    assert tagged.any()
    assert bought[tagged].mean() >= HIGH_POTENTIAL_MIN_PRECISION - 0.1


@pytest.mark.parametrize("sessions", [
    fct_sessions(3000, seed=5).assign(has_conversion=False, reached_order_created=False),
    fct_sessions(12, seed=6),
    fct_sessions(0, seed=7),
], ids=["no-buyers", "tiny", "empty"])
def test_untrainable_data_scores_the_base_rate_and_tags_nobody(sessions):
    model = train_platform_intent(sessions)
    assert model.estimator is None
    rate = float(session_labels(sessions).mean()) if len(sessions) else 0.0
    scores = score_sessions(model, sessions)
    assert np.allclose(scores.to_numpy(), rate)
    bundle = intent_bundle(model, sessions)
    assert bundle["high_potential_users"] == []
    assert bundle["threshold"] == 1.0


def test_the_bundle_section_tags_signed_in_users_over_the_threshold():
    model = train_platform_intent(fct_sessions(3000, seed=8))
    live = fct_sessions(400, seed=9)
    bundle = intent_bundle(model, live)
    assert set(bundle["sessions"]) == set(live["session_key"])
    assert all(0.0 <= p <= 1.0 for p in bundle["sessions"].values())
    over = {k for k, p in bundle["sessions"].items() if p >= bundle["threshold"]}
    users = live.set_index("session_key").loc[sorted(over), "user_id"].dropna()
    assert bundle["high_potential_users"] == sorted(set(users))
    assert score_sessions(None, live).eq(0.0).all()


def test_a_large_history_is_fitted_on_a_stratified_sample(monkeypatch):
    """Above max_rows the model sees a sample with the same buyer rate, so its calibration
    (mean prediction ~ buyer rate) survives the cut."""
    import recommender.intent.platform as platform

    seen: list[pd.Series] = []
    real = platform.fit_intent

    def spy(X, y, **kw):
        seen.append(y)
        return real(X, y, **kw)

    monkeypatch.setattr(platform, "fit_intent", spy)
    sessions = fct_sessions(3000, seed=8)
    rate = session_labels(sessions).mean()
    model = train_platform_intent(sessions, max_rows=1000)
    assert abs(len(seen[0]) - 1000) <= 2
    assert seen[0].mean() == pytest.approx(rate, abs=0.01)
    assert score_sessions(model, fct_sessions(2000, seed=9)).mean() == pytest.approx(
        session_labels(fct_sessions(2000, seed=9)).mean(), abs=0.05)
