"""Coupons: templates, the wallet (one row per coupon held) and single-use codes

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "coupon_templates",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("min_spend_cents", sa.BigInteger(), nullable=False),
        sa.Column("scope_kind", sa.String(12), nullable=False),
        sa.Column("scope_ids", sa.JSON(), nullable=False),
        sa.Column("merchant_id", sa.String(36)),
        sa.Column("stacking_group", sa.String(40)),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("claim_starts_at", _TS),
        sa.Column("claim_ends_at", _TS),
        sa.Column("valid_from", _TS),
        sa.Column("valid_until", _TS),
        sa.Column("valid_days", sa.Integer()),
        sa.Column("total_limit", sa.BigInteger()),
        sa.Column("issued_count", sa.BigInteger(), nullable=False),
        sa.Column("per_user_limit", sa.Integer(), nullable=False),
        sa.Column("claimable", sa.Boolean(), nullable=False),
        sa.Column("campaign", sa.String(100)),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("status IN ('draft', 'active', 'paused', 'ended')",
                           name="ck_coupon_templates_status"),
        sa.CheckConstraint("kind IN ('full_reduction', 'percent_off', 'random_amount', "
                           "'new_user', 'shipping')", name="ck_coupon_templates_kind"),
        sa.CheckConstraint("scope_kind IN ('store', 'category', 'brand', 'product', "
                           "'merchant')", name="ck_coupon_templates_scope"),
        sa.CheckConstraint("min_spend_cents >= 0", name="ck_coupon_templates_min_spend"),
        sa.CheckConstraint("issued_count >= 0 AND (total_limit IS NULL OR "
                           "(total_limit > 0 AND issued_count <= total_limit))",
                           name="ck_coupon_templates_total"),
        sa.CheckConstraint("per_user_limit >= 1", name="ck_coupon_templates_per_user"),
        sa.CheckConstraint("(valid_days IS NULL AND valid_from IS NOT NULL AND "
                           "valid_until IS NOT NULL AND valid_until > valid_from) OR "
                           "(valid_days IS NOT NULL AND valid_days > 0 AND valid_from IS NULL "
                           "AND valid_until IS NULL)", name="ck_coupon_templates_validity"),
        sa.CheckConstraint("claim_starts_at IS NULL OR claim_ends_at IS NULL OR "
                           "claim_ends_at > claim_starts_at", name="ck_coupon_templates_claim"),
        sa.CheckConstraint("version >= 1", name="ck_coupon_templates_version"),
    )
    op.create_index("ix_coupon_templates_status", "coupon_templates", ["status", "claimable"])
    op.create_index("ix_coupon_templates_merchant", "coupon_templates",
                    ["merchant_id", "status"])
    op.create_table(
        "coupons",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("template_id", sa.String(36), sa.ForeignKey("coupon_templates.id"),
                  nullable=False),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("claim_no", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(9), nullable=False),
        sa.Column("value_cents", sa.BigInteger()),
        sa.Column("valid_from", _TS, nullable=False),
        sa.Column("valid_until", _TS, nullable=False),
        sa.Column("channel", sa.String(5), nullable=False),
        sa.Column("order_id", sa.String(36)),
        sa.Column("claimed_at", _TS, nullable=False),
        sa.Column("used_at", _TS),
        sa.Column("returned_at", _TS),
        sa.UniqueConstraint("template_id", "user_id", "claim_no", name="uq_coupons_claim"),
        sa.CheckConstraint("status IN ('available', 'used', 'expired')",
                           name="ck_coupons_status"),
        sa.CheckConstraint("channel IN ('claim', 'grant', 'code')", name="ck_coupons_channel"),
        sa.CheckConstraint("claim_no >= 1", name="ck_coupons_claim_no"),
        sa.CheckConstraint("valid_until > valid_from", name="ck_coupons_window"),
        sa.CheckConstraint("value_cents IS NULL OR value_cents > 0", name="ck_coupons_value"),
        sa.CheckConstraint("status <> 'used' OR order_id IS NOT NULL", name="ck_coupons_used"),
    )
    op.create_index("ix_coupons_user_status", "coupons", ["user_id", "status", "valid_until"])
    op.create_index("ix_coupons_order", "coupons", ["order_id"])
    op.create_table(
        "coupon_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("template_id", sa.String(36), sa.ForeignKey("coupon_templates.id"),
                  nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("hint", sa.String(4), nullable=False),
        sa.Column("status", sa.String(6), nullable=False),
        sa.Column("coupon_id", sa.String(36), sa.ForeignKey("coupons.id")),
        sa.Column("used_by", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("used_at", _TS),
        sa.CheckConstraint("status IN ('unused', 'used')", name="ck_coupon_codes_status"),
        sa.CheckConstraint("status = 'unused' OR used_by IS NOT NULL",
                           name="ck_coupon_codes_used"),
    )
    op.create_index("ix_coupon_codes_batch", "coupon_codes", ["template_id", "batch_id"])


def downgrade() -> None:
    op.drop_table("coupon_codes")
    op.drop_table("coupons")
    op.drop_table("coupon_templates")
