"""Keeps search documents fresh from inside each API process (a Periodic job).

Each round first peeks in a read-only unit (most rounds find nothing and write nothing),
then, holding the lease in search_sync_state so that one process works at a time:

1. products: walks products.updated_at past the keyset watermark (catalog's
   changed_since) and rebuilds the documents whose version differs;
2. stock: re-reads in_stock of the products whose SKUs changed since the last round
   (inventory's changed_skus_since), with an overlap for transactions still committing;
3. every RECONCILE_SECONDS, a full comparison with the catalog and the stock. It catches
   what a watermark cannot: a commit that lands after the watermark passed its
   updated_at, or times written under the simulator's clock.

The catalog also calls service.reindex_products after its own writes, so in normal
operation this job only confirms what is already indexed.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from transactional_api.catalog import search_source as catalog_source
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.inventory import service as inventory
from transactional_api.search import indexer, service, state

log = logging.getLogger("flywheel.search.sync")

INTERVAL_SECONDS = 1.0
RECONCILE_SECONDS = 300.0
LEASE_SECONDS = 60.0
STOCK_OVERLAP_SECONDS = 5.0
PAGE = 500


class SearchSync:
    def __init__(self, *, sessions: sessionmaker[Session], read_sessions: sessionmaker[Session],
                 reconcile_seconds: float = RECONCILE_SECONDS):
        self.sessions, self.read_sessions = sessions, read_sessions
        self.reconcile_seconds = reconcile_seconds
        self.owner = uuid.uuid4().hex

    def run_once(self) -> dict[str, int]:
        """One round; returns what it did (all zero when there was nothing to do)."""
        started = clock.real_now()
        done = {"full": 0, "products": 0, "stock": 0, "reconciled": 0}
        with self.read_sessions() as s:
            row = state.get(session=s)
            full = row.product_at is None
            reconcile = (row.reconciled_at is None or started - row.reconciled_at
                         > timedelta(seconds=self.reconcile_seconds))
            products = not full and bool(catalog_source.changed_since(
                session=s, since=row.product_at, after_id=row.product_id, limit=1))
            skus = [] if full else inventory.changed_skus_since(
                session=s, since=self._stock_since(row, started))
        if not (full or reconcile or products or skus):
            return done
        if not self._renew():
            return done
        try:
            if full:
                with transaction(self.sessions) as s:
                    done["full"] = service.reindex_all(session=s)
                return done
            done["products"] = self._products() if products else 0
            done["stock"] = self._stock(started) if skus else 0
            if reconcile:
                done["reconciled"] = self._reconcile(started)
        finally:
            with transaction(self.sessions) as s:
                state.release(session=s, owner=self.owner)
        if any(done.values()):
            log.info("search sync", extra=done)
        return done

    def _renew(self) -> bool:
        with transaction(self.sessions) as s:
            return state.claim(session=s, owner=self.owner, seconds=LEASE_SECONDS)

    @staticmethod
    def _stock_since(row, started):
        return (row.stock_at or started) - timedelta(seconds=STOCK_OVERLAP_SECONDS)

    def _products(self) -> int:
        rebuilt = 0
        while True:
            with transaction(self.sessions) as s:
                row = state.get(session=s)
                if row.lease_owner != self.owner:
                    return rebuilt  # our lease lapsed and another process took over
                rows = catalog_source.changed_since(session=s, since=row.product_at,
                                                    after_id=row.product_id, limit=PAGE)
                if not rows:
                    return rebuilt
                todo = _stale(indexer.indexed_versions(
                    session=s, product_ids=[r[0] for r in rows]), rows)
                rebuilt += indexer.replace(session=s, product_ids=todo) if todo else 0
                row.product_id, row.product_at = rows[-1][0], rows[-1][1]
                state.claim(session=s, owner=self.owner, seconds=LEASE_SECONDS)
            if len(rows) < PAGE:
                return rebuilt

    def _stock(self, started) -> int:
        with self.read_sessions() as s:
            row = state.get(session=s)
            skus = inventory.changed_skus_since(session=s, since=self._stock_since(row, started))
            products = set(catalog_source.sku_products(session=s, sku_ids=skus).values())
        flipped = self._refresh_stock(sorted(products))
        with transaction(self.sessions) as s:
            state.get(session=s).stock_at = started
        return flipped

    def _refresh_stock(self, product_ids: list[str]) -> int:
        flipped = 0
        for i in range(0, len(product_ids), PAGE):
            with self.read_sessions() as s:
                flips = indexer.stock_flips(session=s, product_ids=product_ids[i:i + PAGE])
            if flips:
                with transaction(self.sessions) as s:
                    flipped += indexer.apply_stock(session=s, flips=flips)
        return flipped

    def _reconcile(self, started) -> int:
        """Every product compared with its document; every document's stock re-read."""
        with self.read_sessions() as s:
            indexed = indexer.all_indexed(session=s)
            rows, todo, since, after = [], [], None, ""
            while True:
                rows = catalog_source.changed_since(session=s, since=since, after_id=after,
                                                    limit=5000)
                todo += _stale(indexed, rows)
                for pid, _, _ in rows:
                    indexed.pop(pid, None)
                if len(rows) < 5000:
                    break
                after, since = rows[-1][0], rows[-1][1]
        todo += list(indexed)  # documents whose product no longer exists
        for i in range(0, len(todo), PAGE):
            with transaction(self.sessions) as s:
                if not state.claim(session=s, owner=self.owner, seconds=LEASE_SECONDS):
                    return i
                indexer.replace(session=s, product_ids=todo[i:i + PAGE])
        with self.read_sessions() as s:
            every = sorted(indexer.all_indexed(session=s))
        flipped = self._refresh_stock(every)
        with transaction(self.sessions) as s:
            state.get(session=s).reconciled_at = started
        if todo or flipped:
            log.warning("search reconcile repaired documents",
                        extra={"rebuilt": len(todo), "stock_flipped": flipped})
        return len(todo) + flipped


def _stale(indexed: dict, rows: list[tuple]) -> list[str]:
    """Products whose document is missing, outdated, or should not exist."""
    return [pid for pid, updated_at, status in rows
            if (status == catalog_source.LISTED and indexed.get(pid) != updated_at)
            or (status != catalog_source.LISTED and pid in indexed)]
