"""sort=rating in search: best average first, the most reviewed first among equals, kept
current by moderation itself and surviving a rebuild of the document."""

from __future__ import annotations

from tests.reviews.helpers import published_review, shop, sku_id


def _names(c, **params) -> list[str]:
    r = c.get("/v1/search", params={"sort": "rating", **params})
    assert r.status_code == 200, r.text
    return [i["name"] for i in r.json()["items"]]


def test_search_sorts_by_rating(api, admin):
    goods = shop(admin, "Widget Alpha", "Widget Beta", "Widget Gamma", "Widget Delta")
    ids = {name.split()[1]: p for name, p in goods.items()}
    for stars in (5, 3):  # 8 over 2 = 4.00
        published_review(api, admin, ids["Alpha"], stars)
    published_review(api, admin, ids["Beta"], 4)  # 4.00 over 1 review
    published_review(api, admin, ids["Delta"], 5)  # 5.00; Gamma has no review
    order = ["Widget Delta", "Widget Alpha", "Widget Beta", "Widget Gamma"]
    cat = ids["Alpha"]["category_id"]
    with api.client() as c:
        assert _names(c) == order  # the whole catalog: straight off the index
        assert _names(c, q="widget") == order  # ranked words
        assert _names(c, category_id=cat) == order  # filtered
        assert _names(c, q="widget", limit=2, offset=1) == order[1:3]

        # a price change rebuilds Beta's document: its rating comes with it
        r = admin.put(f"/v1/admin/skus/{sku_id(ids['Beta'])}/price", json={"price_cents": 1})
        assert r.status_code == 200, r.text
        assert _names(c, q="widget") == order

        for _ in range(2):  # 5.00 over 2 reviews: ahead of Delta's 5.00 over 1, at once
            published_review(api, admin, ids["Gamma"], 5)
        assert _names(c, q="widget") == ["Widget Gamma", *order[:3]]
        assert c.get("/v1/search", params={"sort": "stars"}).status_code == 422
