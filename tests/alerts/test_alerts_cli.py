"""`flywheel alerts check` on a real redis-server: prints the alert it raised, then none."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis

from tests.alerts.conftest import payment_record
from transactional_api.cli.main import main
from transactional_api.config import get_settings


@pytest.fixture
def cli_env(tmp_path, redis_server, monkeypatch) -> str:
    stream = f"flywheel:test-cli:{uuid.uuid4().hex}"
    for name, value in (("VAR_DIR", str(tmp_path / "var")), ("REDIS_URL", redis_server.url),
                        ("REDIS_STREAM", stream)):
        monkeypatch.setenv(f"FLYWHEEL_{name}", value)
    monkeypatch.delenv("FLYWHEEL_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield stream
    get_settings.cache_clear()


def test_check_prints_the_spike_once(cli_env, redis_server, capsys):
    client = redis.Redis.from_url(redis_server.url)
    t0 = datetime.now(UTC) - timedelta(minutes=2)
    # 3 attempts, then 3 failures: with --min-failures 3, 3/3 > 0.5 at the third failure
    for kind, offset, payment in [("started", i, f"p{i}") for i in range(3)] + [
            ("failed", 10 + i, f"p{i}") for i in range(3)]:
        record = payment_record(kind, t0 + timedelta(seconds=offset), payment)
        client.xadd(cli_env, {"record": json.dumps(record)})
    client.close()
    assert main(["alerts", "check", "--min-failures", "3"]) == 0
    first = capsys.readouterr().out.splitlines()
    assert main(["alerts", "check", "--min-failures", "3"]) == 0
    second = capsys.readouterr().out.splitlines()
    alert = json.loads(first[0])
    assert (alert["kind"], alert["failures"], alert["attempts"]) == (
        "payment_failure_spike", 3, 3)
    assert json.loads(first[-1]) == {"alerts_raised": 1}
    assert second == ['{"alerts_raised": 0}']


def test_a_bad_rule_is_refused(cli_env):
    with pytest.raises(SystemExit, match="max_failure_rate must be in"):
        main(["alerts", "check", "--max-failure-rate", "1.5"])
