"""recommendation_shown / recommendation_clicked through POST /v1/events: what the contract
and the catalog accept, what they reject with errors, and that rejected events store nothing."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import select

from tests.conftest import create_product, register
from transactional_api.events.contract import behaviour_adapter
from transactional_api.events.models import OutboxEvent

TYPES = ("recommendation_shown", "recommendation_clicked")


def _item(product_id: str, event_type: str = "recommendation_shown", **changes) -> dict:
    payload = {"list_id": "l-1", "placement": "home", "model": "als", "version": "r1",
               "variant": "B", "product_id": product_id, "position": 1}
    payload.update(changes)
    return {"event_type": event_type, "event_id": str(uuid.uuid4()), "payload": payload}


def _stored(api, event_ids: list[str]) -> list[dict]:
    with api.sessions() as s:
        return [{"type": r.event_type, "id": r.event_id} for r in s.scalars(
            select(OutboxEvent).where(OutboxEvent.event_id.in_(event_ids)))]


@given(position=st.integers(min_value=-10**6, max_value=10**6),
       event_type=st.sampled_from(TYPES))
def test_position_is_one_based_and_bounded(position, event_type):
    item = _item("p-1", event_type, position=position)
    if 1 <= position <= 200:
        event = behaviour_adapter.validate_python(item)
        assert event.payload.position == position and event.event_type == event_type
    else:
        with pytest.raises(ValidationError) as exc:
            behaviour_adapter.validate_python(item)
        assert [e["loc"] for e in exc.value.errors()] == [(event_type, "payload", "position")]


def test_version_may_be_null_but_not_missing_fields():
    assert behaviour_adapter.validate_python(_item("p-1", version=None)).payload.version is None
    for field in ("list_id", "placement", "model", "variant", "product_id", "position"):
        item = _item("p-1")
        del item["payload"][field]
        with pytest.raises(ValidationError):
            behaviour_adapter.validate_python(item)


def test_accepted_and_rejected_through_the_api(api, admin):
    product = create_product(admin, code=f"RECO-{uuid.uuid4().hex[:6]}")
    pid = product["id"]
    token = register(api, f"reco-{uuid.uuid4().hex[:8]}@example.com")
    good = [_item(pid, "recommendation_shown", position=1, version=None),
            _item(pid, "recommendation_clicked", position=3, placement="bought_together")]
    bad = [
        _item(pid, position=0),                                    # 2: positions are 1-based
        _item("no-such-product", "recommendation_clicked"),        # 3: not in the catalog
        _item(pid, placement="footer"),                            # 4: unknown placement
        _item(pid, position="2"),                                  # 5: a string is a bug
        {**_item(pid), "payload": {"list_id": "l-1", "product_id": pid}},  # 6: fields missing
        _item(pid, sku_id="s-1"),                                  # 7: no such field
    ]
    with api.client(token) as c:
        r = c.post("/v1/events", json={"events": good + bad})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["accepted"] == 2
    rejected = {x["index"]: x["errors"] for x in body["rejected"]}
    assert sorted(rejected) == [2, 3, 4, 5, 6, 7]
    assert rejected[3] == [{"loc": ["payload", "product_id"],
                            "msg": "no such product in the catalog", "type": "unknown_product"}]
    assert any(e["loc"][-1] == "position" for e in rejected[2])
    assert any(e["loc"][-1] == "placement" for e in rejected[4])
    assert {e["loc"][-1] for e in rejected[6]} >= {"placement", "model", "variant", "position"}
    ids = [e["event_id"] for e in good + bad]
    stored = _stored(api, ids)
    assert sorted(s["id"] for s in stored) == sorted(e["event_id"] for e in good)
    assert sorted(s["type"] for s in stored) == sorted(TYPES)


def test_signed_in_identity_is_recorded(api, admin):
    pid = create_product(admin, code=f"RECO-{uuid.uuid4().hex[:6]}")["id"]
    token = register(api, f"reco-{uuid.uuid4().hex[:8]}@example.com")
    item = {**_item(pid), "user_id": "someone-else", "anonymous_id": "a-1"}
    with api.client(token) as c:
        assert c.post("/v1/events", json={"events": [item]}).json()["accepted"] == 1
        me = c.get("/v1/me").json()
    with api.sessions() as s:
        row = s.scalar(select(OutboxEvent).where(OutboxEvent.event_id == item["event_id"]))
    record = json.loads(row.record)
    assert record["user_id"] == me["id"] and record["anonymous_id"] == "a-1"
    assert record["payload"]["model"] == "als" and record["payload"]["position"] == 1
