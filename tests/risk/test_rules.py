"""The rules alone (no Redis): each one's allow / challenge / block, and monotonicity."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transactional_api.risk.limits import Limit, RiskLimits
from transactional_api.risk.rules import ACTIONS, SEVERITY, Signals, judge

LIMITS = RiskLimits(per_device_hour=Limit(challenge_at=3, block_at=5),
                    users_per_address=Limit(challenge_at=2, block_at=4),
                    accounts_per_device_day=Limit(challenge_at=2, block_at=3),
                    score=Limit(challenge_at=70, block_at=90),
                    new_account_days=2, new_account_large_order_cents=10_000)


@pytest.mark.parametrize(("count", "outcome"), [(1, "allow"), (2, "allow"), (3, "challenge"),
                                                (4, "challenge"), (5, "block"), (50, "block")])
def test_device_velocity(count, outcome):
    d = judge("place_order", Signals(velocity={"device": count}), LIMITS)
    assert d.outcome == outcome
    assert d.reasons == (() if outcome == "allow" else ("velocity_device",))


@pytest.mark.parametrize(("users", "outcome"), [(1, "allow"), (2, "challenge"), (4, "block")])
def test_many_accounts_behind_one_address(users, outcome):
    d = judge("coupon_claim", Signals(distinct={"address": users}), LIMITS)
    assert d.outcome == outcome


@pytest.mark.parametrize(("accounts", "outcome"), [(1, "allow"), (2, "challenge"), (3, "block")])
def test_accounts_registered_per_device(accounts, outcome):
    assert judge("register", Signals(accounts={"device": accounts}), LIMITS).outcome == outcome


@pytest.mark.parametrize(("score", "outcome"), [(None, "allow"), (0, "allow"), (69, "allow"),
                                                (70, "challenge"), (89, "challenge"),
                                                (90, "block")])
def test_warehouse_score(score, outcome):
    d = judge("sign_in", Signals(score=score), LIMITS)
    assert d.outcome == outcome
    if score is not None:
        assert d.score == score


def test_new_account_large_order_challenges_and_never_blocks():
    young_big = Signals(account_age_days=0.5, total_cents=10_001)
    assert judge("place_order", young_big, LIMITS).reasons == ("new_account_large_order",)
    assert judge("place_order", young_big, LIMITS).outcome == "challenge"
    # the limit itself, an older account, a trusted member, another action: allowed
    assert judge("place_order", Signals(account_age_days=0.5, total_cents=10_000),
                 LIMITS).outcome == "allow"
    assert judge("place_order", Signals(account_age_days=2.0, total_cents=10**9),
                 LIMITS).outcome == "allow"
    assert judge("place_order", Signals(account_age_days=0, total_cents=10**9, trusted=True),
                 LIMITS).outcome == "allow"
    assert judge("pay", young_big, LIMITS).outcome == "allow"


def test_the_worst_rule_decides_and_reasons_list_the_worst_first():
    d = judge("place_order", Signals(velocity={"device": 3}, distinct={"address": 9}), LIMITS)
    assert d.outcome == "block"
    assert d.reasons == ("users_per_address", "velocity_device")
    assert d.score == 100


def test_a_zero_limit_is_off():
    off = RiskLimits(per_device_hour=Limit(challenge_at=0, block_at=0))
    assert judge("pay", Signals(velocity={"device": 10**6}), off).outcome == "allow"


def test_limits_from_settings_pairs_and_their_order():
    assert Limit.model_validate([3, 5]) == Limit(challenge_at=3, block_at=5)
    with pytest.raises(ValueError):
        Limit.model_validate([5, 3])


def test_unknown_action_is_refused():
    with pytest.raises(ValueError):
        judge("withdraw", Signals(), LIMITS)


counts = st.dictionaries(st.sampled_from(["user", "device", "address", "instrument", "client"]),
                         st.integers(0, 400), max_size=5)
distinct = st.dictionaries(st.sampled_from(["address", "device", "instrument"]),
                           st.integers(0, 40), max_size=3)


@settings(max_examples=300, deadline=None)
@given(action=st.sampled_from(ACTIONS), velocity=counts, users=distinct,
       score=st.none() | st.integers(0, 100), bump=st.integers(0, 400),
       dim=st.sampled_from(["user", "device", "address", "instrument", "client"]),
       age=st.none() | st.floats(0, 10), total=st.none() | st.integers(0, 10**7))
def test_more_velocity_never_lowers_the_outcome_or_the_score(action, velocity, users, score,
                                                            bump, dim, age, total):
    limits = RiskLimits()  # the shipped defaults
    before = Signals(velocity=velocity, distinct=users, score=score, account_age_days=age,
                     total_cents=total)
    more = dict(velocity)
    more[dim] = more.get(dim, 0) + bump
    after = Signals(velocity=more, distinct=users, score=score, account_age_days=age,
                    total_cents=total)
    a, b = judge(action, before, limits), judge(action, after, limits)
    assert SEVERITY[b.outcome] >= SEVERITY[a.outcome]
    assert b.score >= a.score
    assert set(a.reasons) <= set(b.reasons)


@settings(max_examples=200, deadline=None)
@given(users=st.integers(0, 50), more=st.integers(0, 50), score=st.integers(0, 100),
       higher=st.integers(0, 100))
def test_more_accounts_or_a_higher_score_never_lower_the_outcome(users, more, score, higher):
    a = judge("place_order", Signals(distinct={"address": users}, score=score), LIMITS)
    b = judge("place_order", Signals(distinct={"address": users + more},
                                     score=min(100, score + higher)), LIMITS)
    assert SEVERITY[b.outcome] >= SEVERITY[a.outcome]
