"""Group-buy offers, the groups opened on them, their members (one row per seat taken:
a member whose order is cancelled before paying frees the seat, and joining again takes a
new row), share links, and the payment consumer's outbox cursor.

``seats_taken`` is kept on the group row (changed only under that row's lock) and a CHECK
keeps it within the group's size: the database itself refuses an extra member."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow

OPEN, FORMED, FAILED = "open", "formed", "failed"
# member statuses: pending (seat held, order unpaid), paid, virtual (a filler seat),
# freed (order cancelled or expired unpaid: seat given back), refunded (group failed after
# paying), cancelled (group failed before paying: the order was cancelled)
PENDING, PAID, VIRTUAL, FREED, REFUNDED, CANCELLED = (
    "pending", "paid", "virtual", "freed", "refunded", "cancelled")
SEATED = (PENDING, PAID, VIRTUAL)
LEADER, MEMBER = "leader", "member"


class GroupBuyOffer(Base):
    __tablename__ = "group_buy_offers"
    __table_args__ = (
        CheckConstraint("group_size BETWEEN 2 AND 50", name="ck_group_buy_offers_size"),
        CheckConstraint("group_price_cents > 0 AND group_price_cents <= list_price_cents",
                        name="ck_group_buy_offers_price"),
        CheckConstraint("window_seconds >= 60", name="ck_group_buy_offers_window"),
        CheckConstraint("ends_at > starts_at", name="ck_group_buy_offers_dates"),
        Index("ix_group_buy_offers_sku", "sku_id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    sku_id: Mapped[str] = mapped_column(String(36), ForeignKey("skus.id"))
    product_id: Mapped[str] = mapped_column(String(36))
    currency: Mapped[str] = mapped_column(String(3))
    list_price_cents: Mapped[int] = mapped_column(BigInteger)  # the SKU's price at creation
    group_price_cents: Mapped[int] = mapped_column(BigInteger)
    group_size: Mapped[int] = mapped_column(Integer)
    window_seconds: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fill_with_virtual: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupBuyGroup(Base):
    __tablename__ = "group_buy_groups"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'formed', 'failed')",
                        name="ck_group_buy_groups_status"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= group_size",
                        name="ck_group_buy_groups_seats"),
        CheckConstraint("paid_members >= 0 AND paid_members + virtual_members <= seats_taken",
                        name="ck_group_buy_groups_paid"),
        CheckConstraint("refunded_cents >= 0", name="ck_group_buy_groups_refunded"),
        Index("ix_group_buy_groups_offer", "offer_id", "status"),
        Index("ix_group_buy_groups_closing", "status", "closes_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    offer_id: Mapped[str] = mapped_column(String(36), ForeignKey("group_buy_offers.id"))
    leader_user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(8), default=OPEN)
    group_size: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    paid_members: Mapped[int] = mapped_column(Integer, default=0)
    virtual_members: Mapped[int] = mapped_column(Integer, default=0)
    refunded_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    formed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class GroupBuyMember(Base):
    __tablename__ = "group_buy_members"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'paid', 'virtual', 'freed', 'refunded', "
                        "'cancelled')", name="ck_group_buy_members_status"),
        CheckConstraint("role IN ('leader', 'member')", name="ck_group_buy_members_role"),
        CheckConstraint("(status = 'virtual') = (order_id IS NULL)",
                        name="ck_group_buy_members_order"),
        CheckConstraint("refunded_cents >= 0", name="ck_group_buy_members_refunded"),
        Index("ix_group_buy_members_group", "group_id", "status"),
        Index("ix_group_buy_members_order", "order_id", unique=True),
        Index("ix_group_buy_members_user", "user_id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    group_id: Mapped[str] = mapped_column(String(36), ForeignKey("group_buy_groups.id"))
    user_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("users.id"))
    order_id: Mapped[str | None] = mapped_column(String(36))
    role: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(9))
    inviter_user_id: Mapped[str | None] = mapped_column(String(36))
    share_id: Mapped[str | None] = mapped_column(String(36))
    new_user: Mapped[bool] = mapped_column(Boolean, default=False)
    refunded_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class GroupBuyShare(Base):
    """A share link's token: it names the group and the member who shared it."""

    __tablename__ = "group_buy_shares"
    __table_args__ = (Index("ix_group_buy_shares_group", "group_id", "inviter_user_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    group_id: Mapped[str] = mapped_column(String(36), ForeignKey("group_buy_groups.id"))
    inviter_user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupBuyCursor(Base):
    __tablename__ = "group_buy_cursors"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
