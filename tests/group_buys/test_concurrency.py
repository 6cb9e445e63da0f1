"""The last seat is taken exactly once: many shoppers join a group with one seat left at
the same instant, on SQLite and on PostgreSQL; exactly one wins, the rest get 409."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from tests.group_buys.helpers import group_row, join, members, offer, open_group, shopper

RACERS = 12


def _race_for_the_last_seat(api) -> None:
    with api.client(api.admin_token()) as admin:
        o = offer(admin, size=3, stock=40)
    gid = open_group(shopper(api, "lead"), o["id"])["group"]["id"]
    assert join(shopper(api, "early"), gid).status_code == 201
    clients = [shopper(api, f"racer{i}") for i in range(RACERS)]
    start = threading.Barrier(RACERS)

    def go(c) -> tuple[int, str | None]:
        start.wait()
        r = join(c, gid)
        return r.status_code, None if r.status_code == 201 else r.json()["error"]["code"]

    with ThreadPoolExecutor(RACERS) as pool:
        results = list(pool.map(go, clients))
    assert sorted(results, key=str) == sorted([(201, None)] + [(409, "group_full")] *
                                              (RACERS - 1), key=str)
    assert group_row(api, gid).seats_taken == 3
    assert len([m for m in members(api, gid) if m.status == "pending"]) == 3
    # one order per seat: the losers placed nothing
    placed = sum(c.get("/v1/orders").json()["total"] for c in clients)
    assert placed == 1


def test_on_sqlite_the_last_seat_is_taken_once(api):
    _race_for_the_last_seat(api)


def test_on_postgresql_the_group_row_lock_takes_the_last_seat_once(pg_api):
    _race_for_the_last_seat(pg_api)
