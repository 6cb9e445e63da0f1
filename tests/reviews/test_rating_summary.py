"""The rating summary's numbers, worked out by hand: on the reviews page, with the product,
in the aggregate row; and the reviews page's order and pages."""

from __future__ import annotations

import pytest

from tests.reviews.helpers import buy, buyer, moderate, rating_row, review, shop, sku_id
from transactional_api.reviews.ratings import average_centi


@pytest.mark.parametrize(("stars", "count", "centi"), [
    (13, 3, 433),   # 4.333... rounds down
    (9, 2, 450),
    (33, 8, 413),   # 4.125: half rounds up (to even would be 412)
    (7, 8, 88),     # 0.875
    (2, 3, 67),     # 0.666...
    (5, 1, 500),
    (0, 0, None),
])
def test_average_in_hundredths_rounds_half_up(stars, count, centi):
    assert average_centi(stars, count) == centi


def _reviews(api, admin, prod: dict, decided: list[tuple[int, str | None]]) -> None:
    """One buyer, one delivered order per review; each review moderated as told (None:
    left pending)."""
    a = sku_id(prod)
    c, order = buyer(api, admin, [a])
    for n, (stars, decision) in enumerate(decided):
        if n:
            order = buy(api, c, admin, [a])
        r = review(c, prod["id"], order["id"], a, stars)
        assert r.status_code == 201, r.text
        if decision:
            reason = "off topic" if decision == "reject" else None
            assert moderate(admin, r.json()["id"], decision, reason).status_code == 200
    c.close()


def test_summary_counts_published_stars_only(api, admin):
    goods = shop(admin, "Chair", "Stool", "Bench")
    # Chair: 5, 4, 4, 2 published (15 over 4 = 3.75); a rejected 1 and a pending 3 ignored
    _reviews(api, admin, goods["Chair"], [(5, "publish"), (4, "publish"), (1, "reject"),
                                          (4, "publish"), (3, None), (2, "publish")])
    _reviews(api, admin, goods["Stool"], [(5, "publish"), (4, "publish"), (4, "publish")])
    _reviews(api, admin, goods["Bench"], [(5, "publish"), (4, "publish")])

    with api.client() as anyone:
        chair = goods["Chair"]["id"]
        page = anyone.get(f"/v1/products/{chair}/reviews").json()
        assert page["summary"] == {"count": 4, "average": 3.75,
                                   "histogram": {"1": 0, "2": 1, "3": 0, "4": 2, "5": 1}}
        assert page["total"] == 4
        # newest first: written 5, 4, 4, 2
        assert [x["rating"] for x in page["items"]] == [2, 4, 4, 5]
        first = anyone.get(f"/v1/products/{chair}/reviews", params={"limit": 2}).json()
        rest = anyone.get(f"/v1/products/{chair}/reviews",
                          params={"limit": 2, "offset": 2}).json()
        assert [x["id"] for x in first["items"] + rest["items"]] == [
            x["id"] for x in page["items"]]

        expected = {"Chair": (4, 3.75), "Stool": (3, 4.33), "Bench": (2, 4.5)}
        for name, numbers in expected.items():
            detail = anyone.get(f"/v1/products/{goods[name]['id']}").json()
            assert (detail["rating_count"], detail["rating_avg"]) == numbers, name
        # the listing carries them too
        listed = {p["name"]: (p["rating_count"], p["rating_avg"])
                  for p in anyone.get("/v1/products", params={"limit": 100}).json()["items"]}
        assert {k: listed[k] for k in expected} == expected
        # an unknown product has no reviews page
        assert anyone.get("/v1/products/nope/reviews").status_code == 404
    # (count, sum, stars 1..5)
    assert rating_row(api, chair) == (4, 15, 0, 1, 0, 2, 1)
    assert rating_row(api, goods["Stool"]["id"]) == (3, 13, 0, 0, 0, 2, 1)
