"""Message templates: ``{placeholder}`` fields checked when a campaign is saved, so a send
never fails on a template. Which placeholders exist depends on the trigger; the offer's
only when the campaign carries an offer."""

from __future__ import annotations

import string
from datetime import datetime

from transactional_api.core.errors import Unprocessable

COMMON = {"campaign"}
OFFER = {"offer_code", "offer_valid_hours", "offer_expires_at"}
BY_TRIGGER = {
    ("event", "member_level_changed"): {"level", "from_level"},
    ("event", "order_paid"): {"order_id"},
    ("abandoned_cart", None): {"cart_items"},
    ("audience", None): set(),
}
MAX_BODY = 500


def allowed(trigger_kind: str, event_type: str | None, has_offer: bool) -> set[str]:
    extra = BY_TRIGGER.get((trigger_kind, event_type if trigger_kind == "event" else None),
                           set())
    return COMMON | extra | (OFFER if has_offer else set())


def fields(template: str) -> list[str]:
    """The placeholders of a template; 422 for positional, formatted or dotted fields."""
    found = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:  # a lone "{" or "}"
        raise Unprocessable(f"template is malformed: {exc}", code="template_malformed") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise Unprocessable("placeholders are plain names like {offer_code}",
                                code="template_malformed", details={"placeholder": name})
        found.append(name)
    return found


def validate(*, templates: list[str], trigger_kind: str, event_type: str | None,
             has_offer: bool) -> None:
    ok = allowed(trigger_kind, event_type, has_offer)
    unknown = sorted({f for t in templates for f in fields(t)} - ok)
    if unknown:
        raise Unprocessable("the template uses placeholders this campaign cannot fill",
                            code="unknown_placeholder",
                            details={"unknown": unknown, "allowed": sorted(ok)})


def render(template: str, values: dict[str, object], limit: int = MAX_BODY) -> str:
    text = template.format_map({k: _text(v) for k, v in values.items()})
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return "" if value is None else str(value)
