"""Recommendation exposure and click events, logged by storefront clients (GA4's
view_item_list / select_item): one ``recommendation_shown`` per item a shopper saw in a
served list, and ``recommendation_clicked`` when they open one. They carry what the
serving response said (list_id, placement, model, version, variant) so the warehouse can
compute CTR and recommendation-attributed GMV per model, placement and A/B variant.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Envelope, Id, Strict

Placement = Literal["home", "product", "cart", "bought_together"]
Label = Annotated[str, Field(min_length=1, max_length=64)]
# Lists hold at most 50 items (the bundle contract); a little slack for client pagination.
Position = Annotated[int, Field(strict=True, ge=1, le=200)]


class RecommendationItemPayload(Strict):
    list_id: Id
    placement: Placement
    model: Label
    version: Label | None = None  # a fallback list (no published run) has no version
    variant: Label
    product_id: Id
    position: Position  # 1-based, as shown


class RecommendationShown(Envelope):
    event_type: Literal["recommendation_shown"] = "recommendation_shown"
    payload: RecommendationItemPayload


class RecommendationClicked(Envelope):
    event_type: Literal["recommendation_clicked"] = "recommendation_clicked"
    payload: RecommendationItemPayload


RECOMMENDATION_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m for m in (RecommendationShown, RecommendationClicked)
}
