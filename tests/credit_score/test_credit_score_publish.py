"""The published credit score: what credit/scoring.py reads back from a real Redis, the
keys one publish replaces, and an overdue bill lowering the user's next score."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import redis

from pipelines.ml import credit_features, credit_histories, credit_score
from transactional_api.credit import scoring

CUT = datetime(2024, 6, 1)


@pytest.fixture(scope="module")
def model():
    return credit_score.fit_on_simulation(lambda msg: None, users=400, seed=2)


@pytest.fixture
def conn():
    c = credit_histories.generate(150, months=18, seed=9)
    yield c
    c.close()


@pytest.fixture
def client(redis_server):
    c = redis.Redis.from_url(redis_server.url, decode_responses=True)
    for key in c.scan_iter(match=scoring.score_key("*")):
        c.delete(key)
    yield c
    c.close()


def test_published_scores_read_back_as_the_api_reads_them(model, conn, client):
    rows = credit_score.scores(model, credit_features.features(conn, CUT))
    assert len(rows) == 150
    client.set(scoring.score_key("gone-user"), json.dumps({"score": 1, "model": "old"}))
    counts = credit_score.publish(client, rows, datetime.now(UTC))
    assert counts == {"scores": 150, "deleted": 1}
    assert client.get(scoring.score_key("gone-user")) is None
    for row in rows:
        read = scoring.read_score(client, row["user_id"])
        assert read is not None, row  # a key the API could not parse falls back to rules
        assert (read.score, read.model) == (row["score"], credit_score.MODEL_NAME)
        assert 0 <= read.score <= 1000
        assert [f["name"] for f in read.factors] == [f["name"] for f in row["factors"]]
    # the factors' signs survive the API's reading: a penalised user shows it as negative
    penalised = next(r for r in rows if r["factors"][0]["name"] == "overdue_penalty")
    decision = scoring.decide(
        facts=scoring.Facts("3000_5999", "employed", "phone"),
        published=scoring.read_score(client, penalised["user_id"]), risk="allow",
        account_age_days=400, income_caps={"3000_5999": 500_000}, min_score=0,
        rules_only_limit_cents=100_000, min_account_age_days=0, young_account_days=30,
        step_cents=1_000)
    assert {"name": "overdue_penalty", "effect": "negative",
            "detail": f"from {credit_score.MODEL_NAME}"} in decision.factors
    assert decision.limit_cents == 500_000 * penalised["score"] // 1000 // 1000 * 1000


def _score(model, conn, user_id: str) -> int:
    frame = credit_features.features(conn, CUT)
    return next(r["score"] for r in credit_score.scores(model, frame[frame.user_id == user_id]))


def test_an_overdue_bill_lowers_the_next_score(model, conn):
    user = conn.execute("select user_id from staging.stg_flywheel__events where event_type = "
                        "'installment_plan_created' and occurred_at < ? order by user_id "
                        "limit 1", [CUT - timedelta(days=60)]).fetchone()[0]
    first = _score(model, conn, user)
    due = CUT - timedelta(days=20)
    for kind, payload in [
        ("credit_bill_issued", {"bill_id": "b-new", "plan_id": "p", "seq": 1,
                                "due_date": due.date().isoformat()}),
        ("credit_bill_overdue", {"bill_id": "b-new", "plan_id": "p", "period": 1,
                                 "late_fee_cents": 500, "score_penalty": 50}),
    ]:
        conn.execute("insert into staging.stg_flywheel__events values (?, ?, ?, ?, ?::json)",
                     [f"e-{kind}", kind, due - timedelta(days=10) if kind.endswith("issued")
                      else due + timedelta(days=4), user, json.dumps(payload)])
    second = _score(model, conn, user)
    assert second <= first - 50  # the recorded penalty, and the model's own view on top


def test_the_model_alone_ranks_an_overdue_bill_as_riskier(model, conn):
    """Without the penalty, the learnt weights still move the score down."""
    frame = credit_features.features(conn, CUT)
    row = frame.iloc[[0]].copy()
    worse = row.copy()
    worse["bills_due"] += 1
    worse["overdue_bills"] += 1
    worse["overdue_bills_90d"] += 1
    worse["late_fees_cents"] += 500
    worse = credit_features.derive(worse)  # on_time_rate falls with the new overdue bill
    assert worse["on_time_rate"].iloc[0] < 1.0
    assert (credit_score.overdue_probability(model, worse)[0]
            > credit_score.overdue_probability(model, row)[0])
