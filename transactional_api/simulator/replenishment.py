"""After the demo's pipeline run: an operator accepts one reorder suggestion (the most
urgent one that names a supplier) into a draft purchase order, with the one API call.
Nothing to accept (no suggestions published, or none with a contract) is not an error."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from transactional_api.simulator.client import ApiClient, ApiError

log = logging.getLogger(__name__)
SUGGESTIONS = "/v1/admin/replenishment/suggestions"


@dataclass(frozen=True)
class Accepted:
    suggestions: int  # published at the time
    purchase_order_id: str | None  # the draft made (or found), None when none was
    sku_id: str | None = None
    quantity: int = 0


def accept_one_suggestion(client: ApiClient, *, admin_token: str) -> Accepted:
    listing = client.get(SUGGESTIONS, token=admin_token)["items"]
    orderable = [s for s in listing if s.get("supplier_id")]
    # the shortest cover first (no demand, no cover figure: last)
    orderable.sort(key=lambda s: (s["days_of_cover"] is None, s["days_of_cover"] or 0.0))
    for suggestion in orderable:
        path = (f"{SUGGESTIONS}/{suggestion['sku_id']}/{suggestion['location_id']}"
                "/purchase-order")
        try:
            draft = client.post(path, token=admin_token)
        except ApiError as exc:  # the contract ended since the run: try the next one
            log.info("suggestion not accepted", extra={"status": exc.status})
            continue
        return Accepted(len(listing), draft["purchase_order_id"], draft["sku_id"],
                        draft["quantity"])
    return Accepted(len(listing), None)
