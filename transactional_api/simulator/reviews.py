"""Reviews in the simulated shop: some shoppers review a line of an order once it has
arrived, and the operator works the moderation queue the same evening (most published,
a few rejected, some answered). Seeded on its own, so adding reviews changes none of the
other draws."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from typing import Any

from transactional_api.simulator.client import ApiClient, ApiError
from transactional_api.simulator.visits import TrackedOrder

log = logging.getLogger(__name__)
REVIEW_SHARE, REJECT_SHARE, REPLY_SHARE = 0.35, 0.1, 0.3
# Most buyers who bother to write are pleased: 5 to 1 stars, as weights.
STAR_WEIGHTS = (45, 30, 12, 7, 6)
TEXTS = {5: "Exactly as described, would buy again.", 4: "Good value, arrived quickly.",
         3: "Does the job.", 2: "Smaller than I expected.", 1: "Broke within a week."}
ARRIVED = frozenset({"delivered", "completed"})


class Reviewer:
    def __init__(self, client: ApiClient, token: str | None, seed: int) -> None:
        self.client = client
        self.token = token  # the operator's
        self.rng = random.Random(f"reviews:{seed}")
        self.considered: set[str] = set()
        self.reviews = 0

    def consider(self, order: TrackedOrder, current: dict[str, Any], at: datetime) -> None:
        """Once per order, when it is first seen arrived: maybe review one of its lines."""
        if order.order_id in self.considered or current["status"] not in ARRIVED:
            return
        self.considered.add(order.order_id)
        # the first arrived order always gets one, so every run shows a review
        if self.reviews and self.rng.random() >= REVIEW_SHARE:
            return
        arrived = {s["id"] for s in current["sub_orders"] if s["status"] in ARRIVED}
        line = next((i for i in current["items"] if i["sub_order_id"] in arrived), None)
        if line is None:
            return
        stars = 5 - self.rng.choices(range(5), weights=STAR_WEIGHTS)[0]
        photos = ([f"https://img.flywheel.example/reviews/{self.reviews + 1}.jpg"]
                  if self.rng.random() < 0.2 else [])
        written = self._call(f"/v1/products/{line['product_id']}/reviews", at, order.token,
                             {"order_id": order.order_id, "sku_id": line["sku_id"],
                              "rating": stars, "text": TEXTS[stars], "photo_urls": photos})
        if written is None:
            return
        self.reviews += 1
        later = at + timedelta(minutes=45)
        if self.rng.random() < REJECT_SHARE:
            self._call(f"/v1/admin/reviews/{written['id']}/moderation", later, self.token,
                       {"decision": "reject", "reason": "not about the product"})
            return
        self._call(f"/v1/admin/reviews/{written['id']}/moderation", later, self.token,
                   {"decision": "publish"})
        if self.rng.random() < REPLY_SHARE:
            self._call(f"/v1/admin/reviews/{written['id']}/reply", later, self.token,
                       {"text": "Thank you for your review!"})

    def _call(self, path: str, clock: datetime, token: str | None, json: Any) -> Any:
        try:
            return self.client.post(path, token=token, clock=clock, json=json)
        except ApiError as exc:
            if exc.status >= 500:
                raise
            log.warning("review step refused: %s", exc)
            return None
