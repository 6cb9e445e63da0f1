"""The channel registry: a channel is a class decorated with ``@register``.

Settings choose which registered channels run (``payment_channels``); routing offers an
order the enabled channels whose amount range, currency and availability (the wallet's
balance) fit it. The instances built at start-up are also kept here, so domains that
refund inside their own transaction (after-sales) reach the channel that took the money.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy.orm import Session

from transactional_api.config import Settings
from transactional_api.events.envelope import MAX_CENTS

_CLASSES: dict[str, type[ChannelBase]] = {}
_active: dict[str, object] = {}
_lock = threading.Lock()


class ChannelBase:
    """Defaults every channel class may override."""

    name: ClassVar[str]
    label: ClassVar[str]
    position: ClassVar[int] = 100  # where routing lists it
    flow: ClassVar[str] = "async"  # async | redirect | instant | offline
    min_amount_cents: ClassVar[int] = 0
    max_amount_cents: ClassVar[int] = MAX_CENTS
    currencies: ClassVar[frozenset[str] | None] = None  # None: any
    # A sandbox stands in for an outside provider: on by default only where the sandbox is.
    sandbox: ClassVar[bool] = True
    # Statuses in which a new payment for the order replaces this one (the shopper left the
    # card page, or chose to pay by card after all instead of transferring).
    supersedable: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings, *, secret: str):
        raise NotImplementedError

    def availability(self, *, session: Session, user_id: str, amount_cents: int,
                     currency: str) -> str | None:
        """None when the channel can take this payment; otherwise why not."""
        if self.currencies is not None and currency not in self.currencies:
            return "currency_not_supported"
        if amount_cents < self.min_amount_cents:
            return "amount_below_minimum"
        if amount_cents > self.max_amount_cents:
            return "amount_above_maximum"
        return None

    def void(self, *, session: Session, payment_id: str) -> None:
        return None


def register(cls: type[ChannelBase]) -> type[ChannelBase]:
    """Class decorator: makes the channel available to settings under ``cls.name``."""
    if cls.name in _CLASSES and _CLASSES[cls.name] is not cls:
        raise ValueError(f"payment channel {cls.name!r} registered twice")
    _CLASSES[cls.name] = cls
    return cls


def registered() -> dict[str, type[ChannelBase]]:
    _load_builtin()
    return dict(_CLASSES)


def enabled_names(settings: Settings) -> list[str]:
    classes = registered()
    if settings.payment_channels is not None:
        unknown = sorted(set(settings.payment_channels) - set(classes))
        if unknown:
            raise ValueError(f"unknown payment channels in settings: {unknown}")
        return list(dict.fromkeys(settings.payment_channels))
    return [n for n, c in sorted(classes.items(), key=lambda kv: (kv[1].position, kv[0]))
            if not c.sandbox or settings.sandbox_enabled]


def build_channels(settings: Settings, *, secret: str) -> dict[str, ChannelBase]:
    classes = registered()
    channels = {n: classes[n].from_settings(settings, secret=secret)
                for n in enabled_names(settings)}
    with _lock:
        _active.clear()
        _active.update(channels)
    return channels


def active_channels() -> Mapping[str, ChannelBase]:
    """The channels of the running API (the last one built in this process)."""
    with _lock:
        return dict(_active)


@dataclass(frozen=True)
class Offer:
    channel: str
    label: str
    flow: str
    min_amount_cents: int
    max_amount_cents: int
    available: bool
    reason: str | None


def offers(*, session: Session, channels: Mapping[str, ChannelBase], user_id: str,
           amount_cents: int, currency: str) -> list[Offer]:
    """Every enabled channel, offered or not (and why not), in the settings' order."""
    out = []
    for name, channel in channels.items():
        reason = channel.availability(session=session, user_id=user_id,
                                      amount_cents=amount_cents, currency=currency)
        out.append(Offer(channel=name, label=channel.label, flow=channel.flow,
                         min_amount_cents=channel.min_amount_cents,
                         max_amount_cents=channel.max_amount_cents,
                         available=reason is None, reason=reason))
    return out


def _load_builtin() -> None:
    # Importing a channel module registers its class; imported late to avoid cycles.
    from transactional_api.payments import bank_transfer, card, sandbox, wallet  # noqa: F401
