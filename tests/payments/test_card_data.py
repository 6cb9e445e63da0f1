"""Card numbers never reach our tables or logs: the whole database is dumped and every log
line captured, and neither holds a number the shopper typed."""

from __future__ import annotations

import logging
import sqlite3

from tests.payments.helpers import GOOD_CARD, card_through, deliver, pay, shopper_order

PANS = ["4242424242424242", "5555555555554444", "4000000000000002", "4000000000009995"]


def _typed_forms(pan: str) -> list[str]:
    spaced = " ".join(pan[i:i + 4] for i in range(0, 16, 4))
    return [pan, spaced, pan[:12], spaced[:14]]  # whole, and all but the last four


def test_card_numbers_are_never_stored_or_logged(papi, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    typed = []
    for i, pan in enumerate(PANS):
        c, _, order = shopper_order(papi, f"pan{i}@example.com")
        p = pay(c, order, "card").json()
        url = p["next_action"]["url"]
        with papi.client() as browser:
            # mistakes first: a typo'd number, an expired card, an unexpected field
            typo = pan[:-1] + str((int(pan[-1]) + 1) % 10)
            r = browser.post(f"{url}/card", json={**GOOD_CARD, "number": typo})
            assert r.status_code == 422 and typo not in r.text
            r = browser.post(f"{url}/card", json={**GOOD_CARD, "number": pan, "exp_year": 2001})
            assert r.status_code == 422 and pan not in r.text
            r = browser.post(f"{url}/card", json={**GOOD_CARD, "number": pan, "pin": pan})
            assert r.status_code == 422 and pan not in r.text
            typed += [typo]
        card_through(papi, url, {**GOOD_CARD, "number": " ".join(
            pan[j:j + 4] for j in range(0, 16, 4))})
        typed += [pan]
    assert deliver(papi) >= len(PANS)

    db_file = papi.settings.resolved_database_url.removeprefix("sqlite:///")
    with sqlite3.connect(db_file) as conn:
        dump = "\n".join(conn.iterdump())
        last4 = {r[0] for r in conn.execute("SELECT card_last4 FROM payments")}
        tokens = [r[0] for r in conn.execute(
            "SELECT card_token FROM payments WHERE card_token IS NOT NULL")]
    assert last4 >= {"4242", "4444", "0002", "9995"}
    assert tokens and all(t.startswith("tok_") for t in tokens)
    out, err = capfd.readouterr()
    logs = "\n".join([out, err, caplog.text, *(r.getMessage() for r in caplog.records),
                      *(str(r.__dict__) for r in caplog.records)])
    assert "sandbox-provider/card" in logs  # the provider's requests were logged, bodies not
    for pan in typed:
        for form in _typed_forms(pan):
            assert form not in dump, f"card number in the database: {form}"
            assert form not in logs, f"card number in the logs: {form}"
