"""In-process caches the serving path reads instead of SQL: what may be shown (listed and
in stock, with its category), each signed-in user's just-bought products and default
region, the operator rules, and the last popular list seen (served when Redis is down).

A stale copy keeps serving while one thread refreshes it, so a refresh never makes every
request wait; only the very first load blocks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from transactional_api.accounts import addresses
from transactional_api.catalog import listed
from transactional_api.core import clock
from transactional_api.inventory import service as inventory
from transactional_api.orders import buyers_query

log = logging.getLogger("flywheel.recommendations")


@dataclass(frozen=True)
class Catalogue:
    category_of: dict[str, str | None]  # listed, in-stock product id -> category id
    product_of_sku: dict[str, str]      # every listed SKU -> its product


def load_catalogue(session: Session) -> Catalogue:
    rows = listed.listed_skus(session=session)
    stocked = inventory.plain_skus_in_stock(session=session)
    special = [sku for _, _, sku, kind in rows if kind != "standard"]
    if special:  # bundles and pre-sales: their own rules of what is sellable
        stocked |= {s for s, n in inventory.sellable(session=session, sku_ids=special).items()
                    if n > 0}
    category_of: dict[str, str | None] = {}
    product_of_sku: dict[str, str] = {}
    for pid, cat, sku, _ in rows:
        product_of_sku[sku] = pid
        if sku in stocked:
            category_of[pid] = cat
    return Catalogue(category_of, product_of_sku)


class Refreshing:
    """A value reloaded at most every ``seconds`` (0: on every read)."""

    def __init__(self, load: Callable[[], object], seconds: float) -> None:
        self._load, self._seconds = load, seconds
        self._value: object = None
        self._at = -1e18
        self._lock = threading.Lock()

    def get(self):
        if time.monotonic() - self._at < self._seconds and self._value is not None:
            return self._value
        if self._value is not None and not self._lock.acquire(blocking=False):
            return self._value  # another thread is refreshing: serve the stale copy
        if self._value is None:
            self._lock.acquire()
        try:
            if self._value is None or time.monotonic() - self._at >= self._seconds:
                self._value = self._load()
                self._at = time.monotonic()
            return self._value
        finally:
            self._lock.release()

    def invalidate(self) -> None:
        self._at = -1e18


@dataclass(frozen=True)
class UserFacts:
    bought: frozenset[str]
    region: str | None


class UserFactsCache:
    """Per user: products bought in the window, and the default address's region."""

    def __init__(self, sessions: sessionmaker, *, seconds: float, window_days: int,
                 size: int = 50_000) -> None:
        self._sessions, self._seconds, self._window = sessions, seconds, window_days
        self._entries: OrderedDict[str, tuple[float, UserFacts]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, user_id: str) -> UserFacts:
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(user_id)
            if hit and now - hit[0] < self._seconds:
                return hit[1]
        with self._sessions() as s:
            bought = buyers_query.products_bought_since(
                session=s, user_id=user_id, since=clock.now() - timedelta(days=self._window))
            saved = addresses.list_addresses(session=s, user_id=user_id)
        default = next((a for a in saved if a.is_default), saved[0] if saved else None)
        facts = UserFacts(frozenset(bought), default.region if default else None)
        with self._lock:
            self._entries[user_id] = (now, facts)
            self._entries.move_to_end(user_id)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return facts
