"""Where consignment sub-orders are pushed: the supplier client seam and an in-process
sandbox supplier (the pattern of the sandbox carrier and payment provider). The sandbox
refuses its first ``failures`` pushes (to exercise retry with backoff) and accepts a
repeated push of the same id as the same order, as a real supplier API keyed by our id
would."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading

from transactional_api.payments import signing


class SupplierUnavailable(Exception):
    """The supplier did not take the push; it is retried later."""


class SupplierClient:
    def push(self, *, push_id: str, supplier_id: str, sub_order_id: str,
             lines: list[dict]) -> str:
        """Hand the lines to the supplier; its reference for them. Raises
        SupplierUnavailable when the supplier did not take them."""
        raise NotImplementedError


class SandboxSupplier(SupplierClient):
    def __init__(self, *, failures: int = 0):
        self._failures_left = failures
        self._lock = threading.Lock()
        self.received: dict[str, dict] = {}

    def push(self, *, push_id: str, supplier_id: str, sub_order_id: str,
             lines: list[dict]) -> str:
        with self._lock:
            if self._failures_left > 0:
                self._failures_left -= 1
                raise SupplierUnavailable("sandbox supplier: 503 service unavailable")
            self.received.setdefault(push_id, {"supplier_id": supplier_id,
                                               "sub_order_id": sub_order_id, "lines": lines})
        return f"SBX-{push_id[:8].upper()}"


def callback_secret(configured: str | None, webhook_secret: str) -> str:
    """The configured supplier secret, or one derived from the installation's webhook
    secret (a payment or carrier signature is never valid here)."""
    if configured:
        return configured
    return hmac.new(webhook_secret.encode(), b"flywheel/supplier-callbacks/v1",
                    hashlib.sha256).hexdigest()


def signed_tracking(secret: str, *, push_id: str, carrier: str,
                    tracking_number: str) -> tuple[bytes, dict[str, str]]:
    """The body and headers a supplier sends when it ships (the sandbox's and tests')."""
    body = json.dumps({"push_id": push_id, "carrier": carrier,
                       "tracking_number": tracking_number}).encode()
    return body, {"X-Flywheel-Signature": signing.sign(secret, body),
                  "Content-Type": "application/json"}
