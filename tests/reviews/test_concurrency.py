"""Races on SQLite and PostgreSQL: moderations of one review at once (one wins, the product's
rating counts it once), the first reviews of a product published at once (both count),
and one order line reviewed twice at once (one review)."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import make_settings, run_api
from tests.reviews.helpers import (
    buyer,
    events,
    moderate,
    rating_row,
    review,
    review_rows,
    shop,
    sku_id,
)


@pytest.fixture(params=["sqlite", "postgres"])
def any_api(request, tmp_path, redis_server):
    url = None if request.param == "sqlite" else request.getfixturevalue("postgres_db")
    overrides = {"database_url": url} if url else {}
    yield from run_api(make_settings(tmp_path / "var", redis_server.url, **overrides))


def _at_once(api, calls: list) -> list:
    """Run each call(client) in its own thread with its own admin session, released
    together; their responses in call order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int, call) -> None:
        with api.client(api.admin_token()) as mine:
            barrier.wait()
            results[i] = call(mine)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_racing_moderations_and_submissions(any_api):
    api = any_api
    with api.client(api.admin_token()) as admin:
        goods = shop(admin, "Clock", "Vase")
        clock, vase = goods["Clock"], goods["Vase"]
        c, order = buyer(api, admin, [sku_id(clock), sku_id(vase), sku_id(vase, "B")])
        rid = review(c, clock["id"], order["id"], sku_id(clock), 4).json()["id"]

        # two publications and a rejection of one review at once: exactly one moves it
        results = _at_once(api, [lambda a: moderate(a, rid), lambda a: moderate(a, rid),
                                 lambda a: moderate(a, rid, "reject", "duplicate")])
        codes = sorted(r.status_code for r in results)
        assert codes == [200, 409, 409], [r.text for r in results]
        winner = next(r.json() for r in results if r.status_code == 200)
        assert all(r.json()["error"]["code"] == "illegal_transition"
                   for r in results if r.status_code == 409)
        assert len(events(api, "review_moderated", rid)) == 1
        if winner["status"] == "published":
            assert rating_row(api, clock["id"]) == (1, 4, 0, 0, 0, 1, 0)
        else:
            assert rating_row(api, clock["id"]) is None

        # the vase's first two reviews published at once: its rating row is created once,
        # and both count (3 + 5 = 8 over 2)
        va = review(c, vase["id"], order["id"], sku_id(vase), 3).json()["id"]
        vb = review(c, vase["id"], order["id"], sku_id(vase, "B"), 5).json()["id"]
        results = _at_once(api, [lambda a: moderate(a, va), lambda a: moderate(a, vb)])
        assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
        assert rating_row(api, vase["id"]) == (2, 8, 0, 0, 1, 0, 1)
        with api.client() as anyone:
            detail = anyone.get(f"/v1/products/{vase['id']}").json()
        assert (detail["rating_count"], detail["rating_avg"]) == (2, 4.0)
        other, second = buyer(api, admin, [sku_id(clock, "B")])

    # one line reviewed twice at once by its buyer: one review
    rows_before = review_rows(api)
    barrier = threading.Barrier(2)
    results = [None, None]

    def submit(i: int) -> None:
        with api.client(other.headers["Authorization"].split()[1]) as mine:
            barrier.wait()
            results[i] = review(mine, clock["id"], second["id"], sku_id(clock, "B"), 2)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(r.status_code for r in results) == [201, 409], [r.text for r in results]
    assert review_rows(api) == rows_before + 1
    c.close()
    other.close()
