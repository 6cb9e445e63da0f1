"""fct_points_mall_redemptions built from events the real API wrote, checked against the
OLTP's redemptions (DuckDB)."""

from __future__ import annotations

import shutil

import duckdb
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from tests.dbt.mart_builds import built_once
from tests.points_mall.mall_story import produce
from transactional_api.points_mall.models import MallRedemption


def test_item_days_match_the_oltp(tmp_path, redis_server):
    oltp, records, ids = produce(tmp_path, redis_server.url)
    path = built_once("points_mall", lambda url: shutil.copy(oltp, url.split("///", 1)[1]),
                      [records], ("+fct_points_mall_redemptions",))
    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.execute(
            "select item_id, redemptions, units, points_spent, cash_cents, points_cost_cents, "
            "give_backs, points_given_back, units_restocked, net_points_cost_cents "
            "from marts.fct_points_mall_redemptions").fetchall()
    # one day: the run happens within seconds (a run across midnight would split it)
    mart = {r[0]: r[1:] for r in rows}
    assert len(rows) == 2 and set(mart) == set(ids.values())
    engine = create_engine(f"sqlite:///{oltp}")
    with Session(engine) as s:
        for item_id in ids.values():
            n, units, pts, cash, back = s.execute(select(
                func.count(), func.sum(MallRedemption.quantity), func.sum(MallRedemption.points),
                func.sum(MallRedemption.cash_cents),
                func.sum(MallRedemption.points_given_back)).where(
                MallRedemption.item_id == item_id)).one()
            gave = s.scalar(select(func.count()).where(
                MallRedemption.item_id == item_id, MallRedemption.status == "given_back"))
            restocked = s.scalar(select(func.coalesce(func.sum(MallRedemption.quantity), 0))
                                 .where(MallRedemption.item_id == item_id,
                                        MallRedemption.give_back_reason == "cancelled"))
            # the default point value: 100 points = 100 cents
            assert mart[item_id] == (n, units, pts, cash, pts, gave, back, restocked,
                                     pts - back)
    engine.dispose()
    # by hand: free 2+1 units at 500 (one refused); mixed 2+1 at 250 + 800, one cancelled
    assert mart[ids["free"]][:4] == (2, 3, 1500, 0)
    assert mart[ids["mixed"]] == (2, 3, 750, 2400, 750, 1, 250, 1, 500)
