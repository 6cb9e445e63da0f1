"""`flywheel reach run` on a SQLite database: an abandoned cart and an audience entry are
messaged once, however often it runs."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy.orm import sessionmaker

from tests.reach.conftest import T0, add_user, campaign, messages
from transactional_api.cart.models import Cart, CartItem
from transactional_api.cli.main import main
from transactional_api.config import Settings
from transactional_api.core.db import make_engine, transaction
from transactional_api.tags.models import Audience, TagDefinition, UserTag


def test_reach_run_sends_due_messages_once(tmp_path, monkeypatch, capsys, redis_server):
    monkeypatch.setenv("FLYWHEEL_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FLYWHEEL_REDIS_URL", redis_server.url)
    (tmp_path / "var").mkdir()
    at = (T0 + timedelta(hours=5)).isoformat()
    assert main(["reach", "run", "--at", at]) == 0  # creates the schema; nothing to do
    engine = make_engine(Settings().resolved_database_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    user = add_user(sessions)
    with transaction(sessions) as s:
        s.add(TagDefinition(name="cli_vip", kind="manual", status="active", created_at=T0))
        s.flush()
        s.add(UserTag(user_id=user, tag="cli_vip", assigned_at=T0))
        audience = Audience(name="cli vips", rule={"tag": "cli_vip"}, version=1,
                            created_at=T0, updated_at=T0)
        s.add(audience)
        cart = Cart(user_id=user, status="open", created_at=T0, updated_at=T0 + timedelta(hours=1))
        cart.items.append(CartItem(sku_id="sku-1", quantity=1, added_at=T0))
        s.add(cart)
    campaign(sessions, name="cart", template="{cart_items} waiting",
             trigger={"kind": "abandoned_cart", "idle_minutes": 60})
    campaign(sessions, name="vips", template="hello",
             trigger={"kind": "audience", "audience_id": audience.id})
    capsys.readouterr()
    for _ in range(2):
        assert main(["reach", "run", "--at", at]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert (first["abandoned_carts"], first["audience_sends"]) == (1, 1)
    assert (second["abandoned_carts"], second["audience_sends"]) == (0, 0)
    assert sorted(m.body for m in messages(sessions)) == ["1 waiting", "hello"]
    engine.dispose()
