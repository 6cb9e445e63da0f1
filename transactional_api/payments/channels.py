"""Payment channels behind one interface; the sandbox one stands in for a real provider.

A channel starts a payment and later tells us the outcome through a signed callback.
The sandbox "provider" does that from a background task over real HTTP, so the callback
path is exercised exactly as a real provider would exercise it.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import httpx

from transactional_api.payments.signing import sign

log = logging.getLogger("flywheel.payments.sandbox")


@dataclass(frozen=True)
class PaymentStart:
    payment_id: str
    amount_cents: int
    currency: str
    started_at: datetime
    callback_url: str
    options: dict


class PaymentChannel(Protocol):
    name: str

    def start(self, request: PaymentStart) -> None:
        """Begin collecting the payment; the outcome arrives later by callback."""


class SandboxChannel:
    name = "sandbox"

    def __init__(self, *, secret: str, delay_seconds: float):
        self._secret = secret
        self._delay = delay_seconds

    def start(self, request: PaymentStart) -> None:
        time.sleep(self._delay)
        outcome = request.options.get("sandbox_outcome", "succeed")
        body = {
            "provider_event_id": f"sbx_{uuid.uuid4().hex}",
            "payment_id": request.payment_id,
            "status": "succeeded" if outcome == "succeed" else "failed",
            "amount_cents": request.amount_cents,
            "currency": request.currency,
            "occurred_at": (request.started_at + timedelta(seconds=1)).isoformat(),
            "reason": None if outcome == "succeed" else "card_declined",
        }
        raw = json.dumps(body).encode()
        for attempt in range(5):  # providers retry until they get a 2xx
            try:
                resp = httpx.post(request.callback_url, content=raw, timeout=10, headers={
                    "content-type": "application/json",
                    "x-flywheel-signature": sign(self._secret, raw)})
                if resp.status_code < 500:
                    return
            except httpx.HTTPError as exc:
                log.warning("sandbox callback failed", extra={"attempt": attempt,
                                                              "error": str(exc)})
            time.sleep(0.2 * 2**attempt)
