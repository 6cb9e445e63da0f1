"""`flywheel flash worker --once` makes the queued orders as a process of its own would,
and `flywheel flash reconcile` finds the running sale consistent."""

from __future__ import annotations

from tests.flash_sales.conftest import flash_pass, product, reserve, schedule, shopper
from transactional_api.cli.main import main


def test_the_worker_command_makes_the_orders_and_reconcile_agrees(flash_api, monkeypatch,
                                                                   capsys):
    api = flash_api
    with api.client(api.admin_token()) as admin:
        sale = schedule(admin, product(admin, stock=6)[1], quantity=4)
    tokens = [shopper(api) for _ in range(3)]
    won = [reserve(api, sale["id"], flash_pass(api, t, sale["id"])) for t in tokens]
    assert [r.status_code for r in won] == [201, 201, 201]
    for name, value in {"FLYWHEEL_VAR_DIR": str(api.settings.var_dir),
                        "FLYWHEEL_DATABASE_URL": api.settings.resolved_database_url,
                        "FLYWHEEL_REDIS_URL": api.settings.redis_url,
                        "FLYWHEEL_FLASH_QUEUE": api.settings.flash_queue}.items():
        monkeypatch.setenv(name, value)
    assert main(["flash", "worker", "--once"]) == 0
    for token, answer in zip(tokens, won, strict=True):
        with api.client(token) as c:
            assert c.get(answer.json()["status_url"]).json()["state"] == "ordered"
    capsys.readouterr()
    assert main(["flash", "reconcile", sale["id"]]) == 0
    assert '"won_units": 3' in capsys.readouterr().out
