"""A merchant's finance staff read their own settlement statements and balance through
/v1/merchant/..., never another merchant's (another's statement is simply not found)."""

from __future__ import annotations

from tests.merchants.helpers import applicant
from tests.settlement import settlement_story as story


def _finance_staff(api, owner_token: str):
    client, _ = applicant(api, "finance")
    email = client.get("/v1/me").json()["email"]
    with api.client(owner_token) as owner:
        r = owner.post("/v1/merchant/staff", json={"email": email, "role": "finance"})
        assert r.status_code == 201, r.text
    return client


def test_finance_staff_read_their_own_statements_only(api, admin, tmp_path):
    played = story.play(api, admin, tmp_path / "oltp-copy.sqlite3")
    mine = {name: {sid for sid, s in played.statements.items()
                   if s["merchant_id"] == merchant_id}
            for name, merchant_id in played.merchants.items()}
    assert all(len(ids) == 1 for ids in mine.values())
    alpha = _finance_staff(api, played.owners["alpha"])
    try:
        listed = alpha.get("/v1/merchant/statements")
        assert listed.status_code == 200, listed.text
        assert {s["id"] for s in listed.json()} == mine["alpha"]
        (own,) = mine["alpha"]
        detail = alpha.get(f"/v1/merchant/statements/{own}")
        assert detail.status_code == 200, detail.text
        body = detail.json()
        assert body["net_payable_cents"] == played.statements[own]["net_payable_cents"]
        assert body["payout"]["status"] == played.statements[own]["payout_status"]
        (theirs,) = mine["beta"]
        other = alpha.get(f"/v1/merchant/statements/{theirs}")
        assert other.status_code == 404
        assert other.json()["error"]["code"] == "statement_not_found"
        balance = alpha.get("/v1/merchant/balance").json()
        assert balance["merchant_id"] == played.merchants["alpha"]
        assert balance["deposit_cents"] == played.positions[played.merchants["alpha"]][
            "deposit_cents"]
    finally:
        alpha.close()
