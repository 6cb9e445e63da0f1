"""Procurement's periodic work inside the API: follow the outbox for paid orders with
consignment lines, then push what is due to suppliers (safe with several API processes:
the cursor row lock, and each push's outcome recorded under its row lock)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core.background import Periodic
from transactional_api.procurement import consignment
from transactional_api.procurement.sandbox_supplier import SupplierClient


def run_once(sessions: sessionmaker[Session], settings: Settings, client: SupplierClient,
             now=None) -> dict[str, int]:
    created = consignment.consume_all(
        sessions, overlap_rows=settings.procurement_consumer_overlap_rows)
    return {"created": created, **consignment.push_due(sessions, client=client, now=now)}


def start(*, settings: Settings, sessions: sessionmaker[Session],
          client: SupplierClient) -> list[Periodic]:
    if settings.procurement_interval_seconds <= 0:
        return []
    return [Periodic("procurement-consignment", settings.procurement_interval_seconds,
                     lambda: run_once(sessions, settings, client)).start()]


def client_of(app_state) -> SupplierClient:
    """The app's supplier client, made on first use: the in-process sandbox supplier."""
    client = getattr(app_state, "supplier_client", None)
    if client is None:
        from transactional_api.procurement.sandbox_supplier import SandboxSupplier

        client = SandboxSupplier(failures=app_state.settings.procurement_sandbox_failures)
        app_state.supplier_client = client
    return client
