"""Baseline: the schema as it was before migrations (tables made by create_all).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "adminaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "catalogstate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "labelscheme",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("strength", sa.Integer(), nullable=False),
        sa.Column("name_vi", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("issuer_vi", sa.String(), nullable=False),
        sa.Column("issuer_en", sa.String(), nullable=False),
        sa.Column("meaning_vi", sa.String(), nullable=False),
        sa.Column("meaning_en", sa.String(), nullable=False),
        sa.Column("not_vi", sa.String(), nullable=False),
        sa.Column("not_en", sa.String(), nullable=False),
        sa.Column("looks_vi", sa.String(), nullable=False),
        sa.Column("looks_en", sa.String(), nullable=False),
        sa.Column("verify_vi", sa.String(), nullable=False),
        sa.Column("verify_en", sa.String(), nullable=False),
        sa.Column("validity_vi", sa.String(), nullable=False),
        sa.Column("validity_en", sa.String(), nullable=False),
        sa.Column("source_vi", sa.String(), nullable=False),
        sa.Column("source_en", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "lookup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("label_code", sa.String(length=32), nullable=True),
        sa.Column("gtin", sa.String(length=14), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lookup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lookup_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_lookup_gtin"), ["gtin"], unique=False)
        batch_op.create_index(batch_op.f("ix_lookup_user_id"), ["user_id"], unique=False)

    op.create_table(
        "product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=True),
        sa.Column("name_vi", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("brand", sa.String(), nullable=False),
        sa.Column("producer", sa.String(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("sample", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_product_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_product_gtin"), ["gtin"], unique=False)
        batch_op.create_index(batch_op.f("ix_product_key"), ["key"], unique=True)

    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.Integer(), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("photo_ref", sa.String(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("notify", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_user_id"), ["user_id"], unique=False)

    op.create_table(
        "retailer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("ward", sa.String(), nullable=False),
        sa.Column("district", sa.String(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("hours", sa.String(), nullable=False),
        sa.Column("product_kinds", sa.String(), nullable=False),
        sa.Column("bag_policy", sa.String(), nullable=False),
        sa.Column("sample", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("retailer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retailer_code"), ["code"], unique=True)

    op.create_table(
        "shopper",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("last_lat", sa.Float(), nullable=True),
        sa.Column("last_lon", sa.Float(), nullable=True),
        sa.Column("located_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_tip", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "subscription",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.Integer(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("next_tip", sa.Integer(), nullable=False),
        sa.Column("last_sent", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "usageday",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("users", sa.Integer(), nullable=False),
        sa.Column("new_users", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "certification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("label_code", sa.String(), nullable=False),
        sa.Column("certificate_no", sa.String(), nullable=False),
        sa.Column("certifier", sa.String(), nullable=False),
        sa.Column("label_detail", sa.String(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("source_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["label_code"],
            ["labelscheme.code"],
        ),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("product_id", "label_code", "certificate_no"),
    )
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certification_label_code"), ["label_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_certification_product_id"), ["product_id"], unique=False)

    op.create_table(
        "favourite",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "product_id"),
    )
    op.create_table(
        "retailerproduct",
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["retailer_id"], ["retailer.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("retailer_id", "product_id"),
    )
    op.create_table(
        "viewed",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "product_id"),
    )
    with op.batch_alter_table("viewed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_viewed_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("viewed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_viewed_at"))

    op.drop_table("viewed")
    op.drop_table("retailerproduct")
    op.drop_table("favourite")
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certification_product_id"))
        batch_op.drop_index(batch_op.f("ix_certification_label_code"))

    op.drop_table("certification")
    op.drop_table("usageday")
    op.drop_table("subscription")
    op.drop_table("shopper")
    with op.batch_alter_table("retailer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retailer_code"))

    op.drop_table("retailer")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_user_id"))
        batch_op.drop_index(batch_op.f("ix_report_status"))

    op.drop_table("report")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_key"))
        batch_op.drop_index(batch_op.f("ix_product_gtin"))
        batch_op.drop_index(batch_op.f("ix_product_category"))

    op.drop_table("product")
    with op.batch_alter_table("lookup", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lookup_user_id"))
        batch_op.drop_index(batch_op.f("ix_lookup_gtin"))
        batch_op.drop_index(batch_op.f("ix_lookup_day"))

    op.drop_table("lookup")
    op.drop_table("labelscheme")
    op.drop_table("catalogstate")
    op.drop_table("adminaction")
