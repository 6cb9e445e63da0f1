"""Members: growth value, levels and points. Every change to a member's level, growth or
points is one event, so the warehouse can rebuild level movement and the points flow.

Points events carry the signed-free magnitude (``points`` >= 0) and the balance after the
entry; the event type says the direction (earned adds, spent/expired/reversed take).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Count, Envelope, Id, Strict, UtcDateTime

Points = Annotated[int, Field(strict=True, ge=0, le=10**12)]
Growth = Annotated[int, Field(strict=True, ge=-(10**12), le=10**12)]
LevelName = Annotated[str, Field(min_length=1, max_length=32)]
Reason = Annotated[str, Field(min_length=1, max_length=200)]


class MemberLevelChangedPayload(Strict):
    from_level: LevelName
    to_level: LevelName
    direction: Literal["upgrade", "downgrade"]
    window_growth: Growth
    # the period end that decided a downgrade; None for an upgrade (decided at once)
    period_end: UtcDateTime | None = None


class GrowthRecordedPayload(Strict):
    growth: Growth
    source: Literal["order_paid", "refund", "review", "adjustment", "sign_in", "share",
                    "birthday"]
    order_id: Id | None = None
    source_event_id: Id | None = None
    window_growth: Growth


class PointsEntryPayload(Strict):
    # the member's n-th points entry (1, 2, ...): orders entries recorded at the same time
    seq: Annotated[int, Field(strict=True, ge=1)]
    points: Points
    balance_after: Points
    reason: Reason
    order_id: Id | None = None
    source_event_id: Id | None = None


class MemberLevelChanged(Envelope):
    event_type: Literal["member_level_changed"] = "member_level_changed"
    payload: MemberLevelChangedPayload


class GrowthRecorded(Envelope):
    event_type: Literal["growth_recorded"] = "growth_recorded"
    payload: GrowthRecordedPayload


class PointsEarned(Envelope):
    event_type: Literal["points_earned"] = "points_earned"
    payload: PointsEntryPayload


class PointsSpent(Envelope):
    event_type: Literal["points_spent"] = "points_spent"
    payload: PointsEntryPayload


class PointsExpired(Envelope):
    event_type: Literal["points_expired"] = "points_expired"
    payload: PointsEntryPayload


class PointsReversed(Envelope):
    event_type: Literal["points_reversed"] = "points_reversed"
    payload: PointsEntryPayload


class PointsRefunded(Envelope):
    """Points spent on an order given back: the order was cancelled, or refunded in part."""

    event_type: Literal["points_refunded"] = "points_refunded"
    payload: PointsEntryPayload


class SignInRewardedPayload(Strict):
    activity_date: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]  # UTC day
    streak: Annotated[int, Field(strict=True, ge=1)]  # consecutive days signed in so far
    points: Points  # including bonus_points
    bonus_points: Points
    growth: Growth


class ProductSharedPayload(Strict):
    share_id: Id
    product_id: Id
    channel: Annotated[str, Field(min_length=1, max_length=24)]
    rewarded: bool  # False past the day's rewarded shares
    shares_today: Count
    points: Points
    growth: Growth


class BirthdayRewardedPayload(Strict):
    year: Annotated[int, Field(strict=True, ge=1900, le=9999)]
    level: LevelName
    points: Points
    growth: Growth


class SignInRewarded(Envelope):
    """A member's first sign-in of a UTC day (later ones that day earn nothing)."""

    event_type: Literal["sign_in_rewarded"] = "sign_in_rewarded"
    payload: SignInRewardedPayload


class ProductShared(Envelope):
    event_type: Literal["product_shared"] = "product_shared"
    payload: ProductSharedPayload


class BirthdayRewarded(Envelope):
    event_type: Literal["birthday_rewarded"] = "birthday_rewarded"
    payload: BirthdayRewardedPayload


MEMBER_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (MemberLevelChanged, GrowthRecorded, PointsEarned, PointsSpent, PointsExpired,
              PointsReversed, PointsRefunded, SignInRewarded, ProductShared, BirthdayRewarded)
}
