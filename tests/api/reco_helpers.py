"""A small shop with a published recommendation bundle, for the serving tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import redis

from pipelines.serve.recommendations import publish_bundle
from tests.api.catalog_helpers import category, product, sku

# Lists are read fresh on every request: the tests change stock and listings between calls.
FRESH = dict(reco_catalogue_refresh_seconds=0, reco_user_cache_seconds=0)


@dataclass
class Shop:
    p: list[str]          # product ids; p[0..3] in category c1, p[4..7] in c2
    sku: list[str]
    c1: str
    c2: str
    version: str


def make_shop(admin: httpx.Client, redis_url: str, lists=None) -> Shop:
    tag = uuid.uuid4().hex[:6]
    c1, c2 = category(admin, f"one-{tag}"), category(admin, f"two-{tag}")
    made = [product(admin, c1 if i < 4 else c2, [sku(f"R{tag}-{i}", stock=5)],
                    name=f"Reco {i}") for i in range(8)]
    shop = Shop([m["id"] for m in made], [m["skus"][0]["id"] for m in made], c1, c2,
                f"r{tag}")
    publish(redis_url, shop, lists(shop) if lists else default_lists(shop))
    return shop


def default_lists(s: Shop) -> dict:
    p = s.p
    return {"session_next": {p[0]: [[p[1], 1.0]], p[3]: [[p[4], 1.0], [p[5], 0.5]]},
            "viewed_together": {p[0]: [[p[2], 1.0]]},
            "fbt": {p[0]: [[p[3], 2.0], [p[2], 1.0]]},
            "popular": {"all": [[x, 10.0 - i] for i, x in enumerate(p)],
                        "region:north": [[p[7], 3.0], [p[6], 2.0]],
                        f"category:{s.c2}": [[p[5], 1.0]]},
            "trending": [[p[6], 1.0]]}


def publish(redis_url: str, shop: Shop, lists: dict) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        publish_bundle(client, {"version": shop.version, "lists": lists, "interactions": 1},
                       ttl_seconds=600)
    finally:
        client.close()


def ids(body: dict) -> list[str]:
    return [i["product_id"] for i in body["items"]]
