"""Steps the merchant tests share: an application, its approval, the deposit."""

from __future__ import annotations

import json
import uuid

import httpx
from sqlalchemy import select

from tests.conftest import register
from tests.rbac.helpers import user_id
from transactional_api.events.models import OutboxEvent


def category(admin: httpx.Client) -> str:
    """The shop's first category (made once)."""
    cats = admin.get("/v1/categories").json()["items"]
    if cats:
        return cats[0]["id"]
    r = admin.post("/v1/admin/categories", json={"name": "General", "slug": "general"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def application(cat_id: str, name: str = "Acme Goods", **over) -> dict:
    body = {"company_name": name, "legal_id": "REG-123456",
            "contact": {"name": "Ann Owner", "email": "ann@acme.example", "phone": "+1 555 0100"},
            "region": "N", "city": "Springfield",
            "qualifications": [{"category_id": cat_id, "document_ref": "doc://licence/1"}],
            "settlement_account": {"holder": "Acme Goods Ltd",
                                   "account_number": "DE89 3704 0044 0532 0130 00"},
            "settlement_cycle": "weekly"}
    body.update(over)
    return body


def applicant(api, prefix: str = "owner") -> tuple[httpx.Client, str]:
    token = register(api, f"{prefix}-{uuid.uuid4().hex[:8]}@example.com")
    return api.client(token), user_id(api, token)


def onboard(api, admin: httpx.Client, name: str = "Acme Goods", *, pay: bool = True
            ) -> tuple[httpx.Client, str, dict]:
    """A new owner with an approved merchant (deposit paid unless pay=False):
    (owner client, merchant id, application)."""
    owner, _ = applicant(api)
    cat = category(admin)
    r = owner.post("/v1/merchant-applications", json=application(cat, name))
    assert r.status_code == 201, r.text
    r = admin.post(f"/v1/admin/merchant-applications/{r.json()['id']}/review",
                   json={"decision": "approve"})
    assert r.status_code == 200, r.text
    app = r.json()
    if pay:
        r = owner.post("/v1/merchant/deposit", json={"client_key": f"dep-{app['id']}"})
        assert r.status_code == 201, r.text
    return owner, app["merchant_id"], app


def events(api, *types: str) -> list[dict]:
    with api.sessions() as s:
        rows = s.scalars(select(OutboxEvent.record).where(OutboxEvent.event_type.in_(types))
                         .order_by(OutboxEvent.id))
        return [json.loads(r) for r in rows]
