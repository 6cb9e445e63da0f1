"""Keeps search documents fresh from inside each API process (a Periodic job).

Each round first peeks in a read-only unit (most rounds find nothing and write nothing),
then, holding the lease in search_sync_state so that one process works at a time:

1. products: walks products.updated_at past the keyset watermark (catalog's
   changed_since) and rebuilds the documents whose version differs;
2. stock: re-reads in_stock of the products whose SKUs changed since the last round
   (inventory's changed_skus_since), with an overlap for transactions still committing;
3. every RECONCILE_SECONDS, a full comparison with the catalog and the stock, a slice per
   round. It catches what a watermark cannot: a commit that lands after the watermark
   passed its updated_at, or times written under the simulator's clock.

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
RECONCILE_SLICE = 200  # ~6 ms of this process per round; 33k products in ~3 min
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
            walk = state.peek(session=s, row_id=state.RECONCILE_ID)
            reconcile = walk is None or walk.product_id != "" or walk.reconciled_at is None \
                or started - walk.reconciled_at > timedelta(seconds=self.reconcile_seconds)
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
        """One slice of the pass that compares every product with its document and re-reads
        every document's stock; a pass is spread over rounds (RECONCILE_SLICE products
        each, a few ms) so it never stalls the searches this process serves."""
        with self.read_sessions() as s:
            walk = state.peek(session=s, row_id=state.RECONCILE_ID)
            after = walk.product_id if walk is not None else ""
            rows = catalog_source.products_after(session=s, after_id=after,
                                                 limit=RECONCILE_SLICE)
            upto = rows[-1][0] if len(rows) == RECONCILE_SLICE else None
            indexed = indexer.indexed_between(session=s, after_id=after, upto_id=upto)
            todo = _stale(indexed, rows)
            seen = {r[0] for r in rows}
            todo += [pid for pid in indexed if pid not in seen]  # the product is gone
            rebuilt = set(todo)  # rebuilt documents get their stock read afresh anyway
            flips = indexer.stock_flips(session=s, product_ids=[
                pid for pid in indexed if pid not in rebuilt])
        with transaction(self.sessions) as s:
            if state.get(session=s).lease_owner != self.owner:
                return 0
            if todo:
                indexer.replace(session=s, product_ids=todo)
            indexer.apply_stock(session=s, flips=flips)
            walk = state.get(session=s, row_id=state.RECONCILE_ID)
            walk.product_id = upto or ""
            if upto is None:
                walk.reconciled_at = started
        if todo or flips:
            log.warning("search reconcile repaired documents",
                        extra={"rebuilt": len(todo), "stock_flipped": len(flips)})
        return len(todo) + len(flips)


def _stale(indexed: dict, rows: list[tuple]) -> list[str]:
    """Products whose document is missing, outdated, or should not exist."""
    return [pid for pid, updated_at, status in rows
            if (status == catalog_source.LISTED and indexed.get(pid) != updated_at)
            or (status != catalog_source.LISTED and pid in indexed)]
