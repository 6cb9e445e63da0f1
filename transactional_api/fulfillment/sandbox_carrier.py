"""The sandbox carrier: a stand-in that reports a parcel's journey by signed callback.

When a shipment is booked it writes its whole plan (accepted, in transit, out for
delivery, delivered; one parcel in ten has a failed delivery attempt first) into its own
table, in the shipment's transaction and on the shop clock, so the simulated demo clock
moves the parcel and a restarted API still posts what it owes. A delivery loop posts the
due events; each is claimed for a short lease first, so several workers post it once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.fulfillment.carriers import CarrierBase, CarrierEvent, register
from transactional_api.fulfillment.models import CarrierScheduledEvent
from transactional_api.payments.signing import sign, verify

log = logging.getLogger("flywheel.fulfilment.sandbox")
SIGNATURE_HEADER = "x-flywheel-signature"
CLAIM_SECONDS = 10.0
MAX_ATTEMPTS = 8


def plan(tracking_number: str, *, start: datetime, transit_hours: float,
         region: str | None, city: str | None) -> list[CarrierEvent]:
    """The parcel's journey, deterministic per tracking number (tests can predict it)."""
    h = transit_hours
    dest = city or (f"region {region}" if region else "destination")
    steps = [(1.0, "accepted", "Sandbox origin hub", "Parcel received by the carrier"),
             (min(6.0, h / 4), "in_transit", "Sandbox sorting centre", "In transit")]
    if failed_attempt(tracking_number):
        steps += [(h - 4, "out_for_delivery", f"Depot {dest}", "Out for delivery"),
                  (h - 1, "exception", dest, "Delivery attempt failed: nobody at home"),
                  (h + 20, "out_for_delivery", f"Depot {dest}", "Out for delivery, 2nd try"),
                  (h + 24, "delivered", dest, "Delivered")]
    else:
        steps += [(h - 4, "out_for_delivery", f"Depot {dest}", "Out for delivery"),
                  (h, "delivered", dest, "Delivered")]
    return [CarrierEvent(event_id=f"{tracking_number}-{i}", tracking_number=tracking_number,
                         status=status, occurred_at=start + timedelta(hours=max(hours, 0.5)),
                         location=where[:200], description=text)
            for i, (hours, status, where, text) in enumerate(steps, start=1)]


def failed_attempt(tracking_number: str) -> bool:
    return hashlib.sha256(tracking_number.encode()).digest()[0] % 10 == 0


def event_body(event: CarrierEvent) -> bytes:
    return json.dumps({"event_id": event.event_id, "tracking_number": event.tracking_number,
                       "status": event.status, "occurred_at": event.occurred_at.isoformat(),
                       "location": event.location, "description": event.description}).encode()


@register
class SandboxCarrier(CarrierBase):
    name = "sandbox"
    label = "Sandbox carrier (reports by signed callback)"

    def __init__(self, *, secret: str, callback_url: str, transit_hours: float):
        self.secret, self._url, self._transit = secret, callback_url, transit_hours

    @classmethod
    def from_settings(cls, settings: Settings, *, secret: str) -> SandboxCarrier:
        return cls(secret=secret, callback_url=settings.carrier_callback_url_for(cls.name),
                   transit_hours=settings.sandbox_carrier_transit_hours)

    def tracking_number(self, *, shipment_id: str) -> str:
        return "SBX" + hashlib.sha256(shipment_id.encode()).hexdigest()[:12].upper()

    def book(self, *, session: Session, shipment, at: datetime) -> None:
        ship_to = shipment.ship_to or {}
        for event in plan(shipment.tracking_number, start=at, transit_hours=self._transit,
                          region=shipment.shipping_region, city=ship_to.get("city")):
            session.add(CarrierScheduledEvent(
                carrier=self.name, shipment_id=shipment.id, carrier_event_id=event.event_id,
                body=event_body(event).decode(), due_at=event.occurred_at, attempts=0))

    def authenticate(self, raw: bytes, headers: Mapping[str, str]) -> bool:
        return verify(self.secret, raw, headers.get(SIGNATURE_HEADER))

    def parse(self, raw: bytes) -> CarrierEvent:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        occurred = datetime.fromisoformat(str(data["occurred_at"]))
        if occurred.tzinfo is None:
            raise ValueError("occurred_at needs an offset")
        occurred = occurred.astimezone(UTC)  # OverflowError at the calendar's ends
        return CarrierEvent(event_id=_text(data, "event_id", 128, required=True),
                            tracking_number=_text(data, "tracking_number", 64, required=True),
                            status=_text(data, "status", 24, required=True),
                            occurred_at=occurred, location=_text(data, "location", 200),
                            description=_text(data, "description", 500))

    # --- the carrier's side: posting what it owes -----------------------------------------
    def deliver_due(self, sessions: sessionmaker[Session], *, now: datetime | None = None,
                    limit: int = 100) -> int:
        """Post the events due by ``now`` (shop clock); returns how many were accepted."""
        now = now or clock.now()
        wall = clock.real_now()
        with sessions() as s:
            due = list(s.scalars(
                select(CarrierScheduledEvent).where(
                    CarrierScheduledEvent.carrier == self.name,
                    CarrierScheduledEvent.delivered_at.is_(None),
                    CarrierScheduledEvent.due_at <= now,
                    CarrierScheduledEvent.attempts < MAX_ATTEMPTS,
                    or_(CarrierScheduledEvent.claimed_until.is_(None),
                        CarrierScheduledEvent.claimed_until < wall))
                .order_by(CarrierScheduledEvent.due_at, CarrierScheduledEvent.id)
                .limit(limit)))
        delivered = 0
        for row in due:
            if self._claim(sessions, row.id, wall) and self._post(row):
                with transaction(sessions) as s:
                    s.execute(update(CarrierScheduledEvent)
                              .where(CarrierScheduledEvent.id == row.id)
                              .values(delivered_at=clock.real_now()))
                delivered += 1
        return delivered

    def _claim(self, sessions, row_id: int, wall: datetime) -> bool:
        # One conditional UPDATE: of several workers, exactly one sees rowcount 1.
        with transaction(sessions) as s:
            return s.execute(
                update(CarrierScheduledEvent)
                .where(CarrierScheduledEvent.id == row_id,
                       CarrierScheduledEvent.delivered_at.is_(None),
                       or_(CarrierScheduledEvent.claimed_until.is_(None),
                           CarrierScheduledEvent.claimed_until < wall))
                .values(claimed_until=wall + timedelta(seconds=CLAIM_SECONDS),
                        attempts=CarrierScheduledEvent.attempts + 1)).rowcount == 1

    def _post(self, row: CarrierScheduledEvent) -> bool:
        raw = row.body.encode()
        try:
            resp = httpx.post(self._url, content=raw, timeout=10, headers={
                "content-type": "application/json", SIGNATURE_HEADER: sign(self.secret, raw)})
        except httpx.HTTPError as exc:
            log.warning("carrier callback failed", extra={"event": row.carrier_event_id,
                                                          "error": str(exc)})
            return False
        if resp.status_code >= 500:
            log.warning("carrier callback refused", extra={"event": row.carrier_event_id,
                                                           "status": resp.status_code})
            return False
        return True


def _text(data: dict, key: str, max_len: int, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > max_len:
        raise ValueError(f"{key} must be a string of 1..{max_len} characters")
    return value
