"""stg_flywheel__identity_events from identity events landed like any other (at least once,
so one of them twice)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from tests.dbt import shop_story as story
from tests.dbt.test_metric_anomalies import _dbt
from transactional_api.events import identity_events as ie
from transactional_api.events.contract import to_record

T0 = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)


def _events() -> list[dict]:
    def at(minutes):
        return T0 + timedelta(minutes=minutes)

    events = [
        ie.OtpRequested(occurred_at=at(0), payload={"channel": "phone", "purpose": "sign_in"}),
        ie.UserRegistered(occurred_at=at(1), user_id="u1", payload={
            "method": "phone_code", "has_email": False, "has_phone": True}),
        ie.UserSignedIn(occurred_at=at(1), user_id="u1", payload={"method": "phone_code"}),
        ie.TwoFactorEnabled(occurred_at=at(5), user_id="u1",
                            payload={"kind": "totp", "recovery_codes": 10}),
        ie.UserSignedIn(occurred_at=at(9), user_id="u1", payload={
            "method": "password", "second_factor": "recovery_code"}),
        ie.AccountDeleted(occurred_at=at(30), user_id="u1", payload={
            "orders_kept": 2, "addresses_erased": 1, "sessions_revoked": 3}),
        # an OpenID provider's sign-up, a link by verified email, an unlink
        ie.UserRegistered(occurred_at=at(40), user_id="u2", payload={
            "method": "oidc:acme-id", "has_email": False, "has_phone": False}),
        ie.IdentityLinked(occurred_at=at(40), user_id="u2",
                          payload={"provider": "acme-id", "via": "sign_up"}),
        ie.UserSignedIn(occurred_at=at(41), user_id="u2", payload={
            "method": "oidc:acme-id", "second_factor": "totp"}),
        ie.IdentityLinked(occurred_at=at(42), user_id="u3",
                          payload={"provider": "acme-id", "via": "verified_email"}),
        ie.IdentityUnlinked(occurred_at=at(43), user_id="u3", payload={"provider": "acme-id"}),
    ]
    return [to_record(e) for e in events]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    work = tmp_path_factory.mktemp("identity")
    path = work / "flywheel.duckdb"
    oltp_url = f"sqlite:///{work / 'oltp.sqlite3'}"
    story.build_oltp(oltp_url, with_rows=False)
    events = _events()
    story.load_warehouse(path, work / "lake", oltp_url, [events, [events[4]]])
    result = _dbt(work, path, "build", "--select", "+stg_flywheel__identity_events")
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(path), read_only=True) as conn:
        yield conn


def test_one_row_per_event_with_the_payload_as_columns(warehouse):
    rows = warehouse.execute(
        "select event_type, user_id, method, second_factor, has_phone, code_channel, "
        "recovery_codes, orders_kept, sessions_revoked "
        "from staging.stg_flywheel__identity_events order by occurred_at, event_type"
    ).fetchall()
    assert rows == [
        ("otp_requested", None, None, None, None, "phone", None, None, None),
        ("user_registered", "u1", "phone_code", None, True, None, None, None, None),
        ("user_signed_in", "u1", "phone_code", None, None, None, None, None, None),
        ("two_factor_enabled", "u1", None, None, None, None, 10, None, None),
        ("user_signed_in", "u1", "password", "recovery_code", None, None, None, None, None),
        ("account_deleted", "u1", None, None, None, None, None, 2, 3),
        ("identity_linked", "u2", None, None, None, None, None, None, None),
        ("user_registered", "u2", "oidc:acme-id", None, False, None, None, None, None),
        ("user_signed_in", "u2", "oidc:acme-id", "totp", None, None, None, None, None),
        ("identity_linked", "u3", None, None, None, None, None, None, None),
        ("identity_unlinked", "u3", None, None, None, None, None, None, None),
    ]


def test_provider_links_name_the_provider_and_how_they_were_made(warehouse):
    rows = warehouse.execute(
        "select event_type, user_id, oidc_provider, link_via "
        "from staging.stg_flywheel__identity_events where oidc_provider is not null "
        "order by occurred_at, event_type"
    ).fetchall()
    assert rows == [
        ("identity_linked", "u2", "acme-id", "sign_up"),
        ("identity_linked", "u3", "acme-id", "verified_email"),
        ("identity_unlinked", "u3", "acme-id", None),
    ]
