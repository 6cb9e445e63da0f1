"""in_audience's hot path (tags/audience_check.py): the cached audience row and how an
edit propagates, one parse per version, and the same answers as the batch path
(load_facts + rules.evaluate, which size() and members() use) for any rule."""

from __future__ import annotations

import time
import uuid

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from tests.tags import test_audiences
from transactional_api.core.db import transaction
from transactional_api.core.errors import NotFound
from transactional_api.tags import audience_check, rules
from transactional_api.tags.audiences import in_audience, load_facts
from transactional_api.tags.models import Audience

shop = test_audiences.shop  # the four shoppers fixture
_audience = test_audiences._audience
GOLD, NOT_GOLD = {"attr": "level", "eq": "gold"}, {"not": {"attr": "level", "eq": "gold"}}


def _ask(api, audience_id: str, user_id: str, **overrides) -> bool:
    client = redis.Redis.from_url(api.settings.redis_url)
    try:
        with api.sessions() as s:
            return in_audience(s, client, audience_id, user_id,
                               settings=api.settings.model_copy(update=overrides))
    finally:
        client.close()


def _edit_elsewhere(api, audience_id: str, rule: dict) -> None:
    """What another API process's edit looks like to this one: the row changes, nothing
    here is told."""
    with transaction(api.sessions) as s:
        s.execute(update(Audience).where(Audience.id == audience_id)
                  .values(rule=rule, version=Audience.version + 1))


def test_an_edit_in_another_process_takes_effect_within_the_cache_seconds(api, admin, shop):
    users, _ = shop
    audience = _audience(admin, GOLD)["id"]
    ttl = 1.0
    assert _ask(api, audience, users["gold"], tags_audience_cache_seconds=ttl)
    cached_at = time.monotonic()
    _edit_elsewhere(api, audience, NOT_GOLD)
    # within the bound the cached rule answers (this process reads no row); past it, the
    # edit does
    stale = _ask(api, audience, users["gold"], tags_audience_cache_seconds=ttl)
    if time.monotonic() - cached_at < ttl * 0.9:  # a slow machine may have passed it
        assert stale
    time.sleep(max(0.0, ttl - (time.monotonic() - cached_at)) + 0.05)
    assert not _ask(api, audience, users["gold"], tags_audience_cache_seconds=ttl)
    assert _ask(api, audience, users["silver"], tags_audience_cache_seconds=ttl)
    _edit_elsewhere(api, audience, GOLD)  # with no caching an edit is seen at once
    assert _ask(api, audience, users["gold"], tags_audience_cache_seconds=0)


def test_an_edit_or_delete_through_this_process_is_seen_at_once(api, admin, shop):
    users, _ = shop
    audience = _audience(admin, GOLD)["id"]
    assert _ask(api, audience, users["gold"], tags_audience_cache_seconds=3600)
    r = admin.patch(f"/v1/admin/audiences/{audience}", json={"rule": NOT_GOLD})
    assert r.status_code == 200, r.text
    assert not _ask(api, audience, users["gold"], tags_audience_cache_seconds=3600)
    assert admin.delete(f"/v1/admin/audiences/{audience}").status_code == 204
    with pytest.raises(NotFound):
        _ask(api, audience, users["gold"], tags_audience_cache_seconds=3600)


def test_an_unknown_audience_is_not_found_and_a_new_one_is_seen_at_once(api, admin, shop):
    users, _ = shop
    with pytest.raises(NotFound):
        _ask(api, str(uuid.uuid4()), users["gold"])
    assert _ask(api, _audience(admin, GOLD)["id"], users["gold"])


def test_a_rule_is_parsed_once_per_version(api, admin, shop, monkeypatch):
    users, _ = shop
    audience = _audience(admin, GOLD)["id"]
    parsed = []
    real = rules.parse
    monkeypatch.setattr(rules, "parse", lambda data: parsed.append(data) or real(data))
    for _ in range(5):  # ttl 0: the row is read every time, but parsed only when new
        assert _ask(api, audience, users["gold"], tags_audience_cache_seconds=0)
    _edit_elsewhere(api, audience, NOT_GOLD)
    for _ in range(3):
        assert not _ask(api, audience, users["gold"], tags_audience_cache_seconds=0)
    assert parsed == [GOLD, NOT_GOLD]


LEAVES = [{"tag": "dormant_90d"}, {"tag": "rfm_segment"},
          {"tag": "rfm_segment", "eq": "champions"}, {"tag": "rfm_segment", "eq": "at_risk"},
          {"attr": "level", "eq": "gold"}, {"attr": "level", "in": ["silver", "regular"]},
          {"attr": "orders_count", "gt": 0}, {"attr": "orders_count", "gt": 3},
          {"attr": "points_balance", "gt": 100}, {"tag": "never_defined_tag"}]


def _rules_strategy(vip: str):
    leaf = st.sampled_from([*LEAVES, {"tag": vip}])
    return st.recursive(leaf, lambda inner: st.one_of(
        st.builds(lambda xs: {"and": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: {"or": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda x: {"not": x}, inner)), max_leaves=6)


def test_the_hot_path_answers_as_the_batch_path_does(api, admin, shop):
    users, vip = shop
    client = redis.Redis.from_url(api.settings.redis_url)

    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(rule=_rules_strategy(vip))
    def check(rule):
        audience = _audience(admin, rule)["id"]
        with api.sessions() as s:
            found = audience_check.compiled(s, audience, ttl=0)
            batch = load_facts(session=s, redis_client=client, user_ids=list(users.values()),
                               attrs=set(found.attrs), tags=set(found.tags),
                               settings=api.settings)
            for name, uid in users.items():
                expected = rules.evaluate(found.rule, batch[uid])
                assert in_audience(s, client, audience, uid, settings=api.settings) \
                    == expected, (rule, name)

    try:
        check()
    finally:
        client.close()
