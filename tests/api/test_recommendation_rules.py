"""Operator rules (pins, boosts, diversity) through the admin API and the A/B assignment
(the pure scoring and re-ranking are tested in tests/recommender/test_serving.py)."""

from __future__ import annotations

import uuid

import pytest

from tests.api.reco_helpers import FRESH, ids, make_shop
from tests.conftest import make_settings, register, run_api
from tests.schema_check import ON_BOTH_ENGINES, assert_migrations_match_models, database_url
from transactional_api.recommendations import variants

RULES = "/v1/admin/recommendations/rules"


@pytest.fixture
def live(tmp_path, redis_server):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url, **FRESH))


def test_pins_boosts_and_diversity_change_the_home_list(live, redis_server):
    with live.client(live.admin_token()) as boss:
        shop = make_shop(boss, redis_server.url)
        p = shop.p
        with live.client() as c:
            def home(**params):
                return ids(c.get("/v1/recommendations/home",
                                 params={"limit": 6, **params}).json())
            assert home()[:4] == p[:4]
            pin = boss.post(RULES, json={"kind": "pin", "placement": "home",
                                         "product_id": p[7], "position": 2})
            assert pin.status_code == 201, pin.text
            assert home()[:3] == [p[0], p[7], p[1]]
            boss.delete(f"{RULES}/{pin.json()['id']}").raise_for_status()
            assert home()[:2] == [p[0], p[1]]
            boost = boss.post(RULES, json={"kind": "boost", "category_id": shop.c2,
                                           "multiplier": 10})
            assert boost.status_code == 201
            assert set(home()[:4]) == set(p[4:8])  # 10x lifts the whole second category
            boss.delete(f"{RULES}/{boost.json()['id']}").raise_for_status()
            div = boss.post(RULES, json={"kind": "diversity", "placement": "home",
                                         "max_per_category": 1, "top_k": 4})
            assert div.status_code == 201
            top = home()
            assert top[:2] == [p[0], p[4]]  # one of each category first
            # a rule outside its window does nothing
            boss.delete(f"{RULES}/{div.json()['id']}").raise_for_status()
            boss.post(RULES, json={"kind": "pin", "placement": "home", "product_id": p[7],
                                   "position": 1, "starts_at": "2999-01-01T00:00:00Z"})
            assert home()[0] == p[0]
            # other placements are untouched by a home rule
            assert boss.get(RULES).json()["items"][0]["placement"] == "home"


def test_rules_need_the_marketing_permission_and_valid_shapes(live):
    with live.client() as anon:
        assert anon.get(RULES).status_code == 401
    with live.client(register(live, f"m-{uuid.uuid4().hex[:6]}@example.com")) as shopper:
        r = shopper.post(RULES, json={"kind": "boost", "product_id": "x", "multiplier": 2})
        assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied"
    with live.client(live.admin_token()) as boss:
        for bad in ({"kind": "pin", "product_id": "x"},
                    {"kind": "pin", "placement": "home", "product_id": "x", "position": 0},
                    {"kind": "boost", "multiplier": 2},
                    {"kind": "boost", "product_id": "x", "category_id": "y", "multiplier": 2},
                    {"kind": "boost", "product_id": "x", "multiplier": -1},
                    {"kind": "diversity", "placement": "nowhere", "max_per_category": 1},
                    {"kind": "boost", "product_id": "x", "multiplier": 2,
                     "starts_at": "2030-01-02T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z"}):
            assert boss.post(RULES, json=bad).status_code == 422, bad
        assert boss.delete(f"{RULES}/nope").status_code == 404
        assert boss.get(RULES).json()["items"] == []


def test_a_b_assignment_is_stable_and_balanced(live, redis_server):
    salt = live.settings.reco_experiment_salt
    names = sorted(live.settings.reco_variants)
    counts = {n: 0 for n in names}
    for i in range(1000):
        v = variants.assign(f"user-{i}", salt=salt, variants=names)
        assert v == variants.assign(f"user-{i}", salt=salt, variants=names)
        counts[v] += 1
    assert all(400 <= n <= 600 for n in counts.values()), counts
    moved = sum(variants.assign(f"user-{i}", salt="other", variants=names)
                != variants.assign(f"user-{i}", salt=salt, variants=names) for i in range(1000))
    assert 350 <= moved <= 650  # a new salt reshuffles
    with live.client(live.admin_token()) as boss:
        make_shop(boss, redis_server.url)
    token = register(live, f"ab-{uuid.uuid4().hex[:6]}@example.com")
    with live.client(token) as me:
        uid = me.get("/v1/me").json()["id"]
        seen = {me.get("/v1/recommendations/home").json()["variant"] for _ in range(5)}
    assert seen == {variants.assign(uid, salt=salt, variants=names)}
    with live.client() as anon:
        got = {anon.get("/v1/recommendations/home", params={"session_key": "sk-1"}).json()[
            "variant"] for _ in range(3)}
    assert got == {variants.assign("sk-1", salt=salt, variants=names)}


@ON_BOTH_ENGINES
def test_migration_matches_the_models(engine_name, tmp_path, request):
    assert_migrations_match_models({"reco_rules"}, database_url(engine_name, tmp_path, request))
