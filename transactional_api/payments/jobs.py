"""The payment domain's background jobs inside the API process."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.background import Periodic
from transactional_api.core.db import transaction
from transactional_api.payments import reconciliation, refunds, service
from transactional_api.payments.models import ReconciliationRun
from transactional_api.payments.sandbox_provider import CallbackDelivery

log = logging.getLogger("flywheel.payments.jobs")


def provider_callbacks(settings: Settings, *, secret: str,
                       channels: Mapping[str, object]) -> CallbackDelivery:
    """The card and bank sandboxes' callback queue, posting to each channel's route."""
    names = [n for n in ("card", "bank_transfer") if n in channels]
    return CallbackDelivery(secret=secret, auto=settings.sandbox_auto_confirm,
                            urls={n: settings.payment_callback_url(n) for n in names})


def start(*, settings: Settings, sessions: sessionmaker[Session], channels: Mapping,
          callbacks: CallbackDelivery) -> list[Periodic]:
    jobs = []
    if "sandbox" in channels:
        jobs.append(Periodic("sandbox-provider", 0.2,
                             lambda: channels["sandbox"].deliver_due(sessions)).start())
    if any(n in channels for n in ("card", "bank_transfer")):
        jobs.append(Periodic("sandbox-provider-callbacks", 0.2,
                             lambda: callbacks.deliver_due(sessions)).start())
    if settings.payment_sweeper_interval_seconds > 0:
        jobs.append(Periodic("payment-sweeper", settings.payment_sweeper_interval_seconds,
                             lambda: service.reconcile_pending(
                                 sessions=sessions, channels=channels,
                                 older_than_seconds=settings.payment_reconcile_after_seconds,
                                 clock_skew_seconds=settings.payment_clock_skew_seconds),
                             ).start())
    if settings.payment_refund_sweeper_interval_seconds > 0:
        jobs.append(Periodic("refund-sweeper", settings.payment_refund_sweeper_interval_seconds,
                             lambda: refunds.refund_due_sweep(
                                 sessions=sessions, channels=channels,
                                 older_than_seconds=settings.payment_refund_due_after_seconds),
                             ).start())
    if settings.payment_reconciliation_interval_seconds > 0:
        jobs.append(Periodic("payment-reconciliation",
                             settings.payment_reconciliation_interval_seconds,
                             lambda: reconcile_yesterday(sessions, channels)).start())
    return jobs


def reconcile_yesterday(sessions: sessionmaker[Session], channels: Mapping) -> bool:
    """Reconcile the previous UTC day once (operators re-run a day by the admin call)."""
    day = (clock.now() - timedelta(days=1)).date()
    with sessions() as s:
        done = s.scalar(select(ReconciliationRun.id).where(ReconciliationRun.day == day))
        s.rollback()
    if done:
        return False
    with transaction(sessions) as s:
        run = reconciliation.reconcile_day(s, day, channels)
    log.info("payments reconciled", extra={"day": day.isoformat(), "summary": run.summary})
    return True
