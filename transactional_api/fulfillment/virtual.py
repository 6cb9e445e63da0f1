"""Virtual goods (phone top-ups, gift codes) are fulfilled at once by a supplier.

A supplier is anything with ``fulfil(...) -> SupplierResult``. The sandbox supplier stands
in for a real one: deterministic, so tests and the demo can make it fail on purpose (a
recipient containing "fail" is refused, like an unknown phone number would be).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SupplierResult:
    ok: bool
    reference: str | None = None
    reason: str | None = None


class VirtualSupplier(Protocol):
    def fulfil(self, *, sku_code: str, quantity: int, recipient: str,
               order_id: str) -> SupplierResult: ...


class SandboxSupplier:
    def fulfil(self, *, sku_code: str, quantity: int, recipient: str,
               order_id: str) -> SupplierResult:
        if "fail" in recipient.lower():
            return SupplierResult(ok=False, reason="recipient_rejected_by_supplier")
        # Idempotent by order and SKU, as a real supplier's reference would be.
        digest = hashlib.sha256(f"{order_id}:{sku_code}".encode()).hexdigest()[:16]
        return SupplierResult(ok=True, reference=f"sbx-{digest}")


SUPPLIER: VirtualSupplier = SandboxSupplier()
