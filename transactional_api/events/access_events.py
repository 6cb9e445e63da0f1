"""Roles and permissions: every grant and revocation of a role, the audit trail of who may
do what. The envelope's user_id is the account whose roles changed; actor_id the admin."""

from __future__ import annotations

from typing import Literal

from transactional_api.events.envelope import Envelope, Id, Strict

Role = Literal["admin", "catalog_manager", "order_manager", "marketer", "finance", "analyst",
               "merchant_staff"]


class RoleChangePayload(Strict):
    role: Role
    # the merchant a merchant_staff grant is bound to; None for operator roles
    merchant_id: Id | None = None
    actor_id: Id


class RoleGranted(Envelope):
    event_type: Literal["role_granted"] = "role_granted"
    payload: RoleChangePayload


class RoleRevoked(Envelope):
    event_type: Literal["role_revoked"] = "role_revoked"
    payload: RoleChangePayload


ACCESS_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m for m in (RoleGranted, RoleRevoked)
}
