"""A login flood must not slow other shoppers: throttled in Redis per account and per
address, hashed at bounded concurrency, and never inside the SQLite write lock."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import make_settings, register, run_api
from transactional_api.accounts import passwords


@pytest.fixture
def strict(tmp_path, redis_server):
    redis_server_client = __import__("redis").Redis.from_url(redis_server.url)
    for key in redis_server_client.scan_iter("flywheel:ratelimit:auth:*"):
        redis_server_client.delete(key)
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     login_attempts_per_minute_per_account=3,
                                     login_attempts_per_minute_per_client=6))


def _login(c, email, password="wrong-password"):
    return c.post("/v1/auth/login", json={"email": email, "password": password})


def test_sign_in_is_throttled_per_account_then_per_address(strict):
    with strict.client() as c:
        assert [_login(c, "victim@example.com").status_code for _ in range(3)] == [401] * 3
        r = _login(c, "victim@example.com")
        assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(r.headers["Retry-After"]) <= 60
        # another account from the same address still gets its tries, until the address
        # has spent its own budget
        codes = [_login(c, f"other{i}@example.com").status_code for i in range(3)]
        assert codes[:2] == [401, 401] and codes[2] == 429


class _Spy:
    """Wraps the real argon2 hasher: counts concurrent hashes and checks the write lock."""

    def __init__(self, real, db_path: str):
        self.real, self.db_path = real, db_path
        self.active = self.peak = 0
        self.lock_held_during_hash = []
        self._mutex = threading.Lock()

    def _around(self, fn, *args):
        with self._mutex:
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            probe = sqlite3.connect(self.db_path, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                self.lock_held_during_hash.append(False)
            except sqlite3.OperationalError:
                self.lock_held_during_hash.append(True)
            finally:
                probe.close()
            return fn(*args)
        finally:
            with self._mutex:
                self.active -= 1

    def hash(self, password):
        return self._around(self.real.hash, password)

    def verify(self, h, password):
        return self._around(self.real.verify, h, password)


@pytest.fixture
def quiet_api(tmp_path, redis_server):
    """No background writer (the members consumer rewards sign-ins a moment later), so a
    write lock seen during a hash can only be the sign-in's own."""
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     members_consumer_interval_seconds=0,
                                     members_housekeeping_interval_seconds=0))


def test_hashing_is_bounded_and_outside_the_write_lock(quiet_api, monkeypatch):
    api = quiet_api
    register(api, "flood@example.com")
    db_path = api.settings.resolved_database_url.removeprefix("sqlite:///")
    spy = _Spy(passwords._hasher, db_path)
    monkeypatch.setattr(passwords, "_hasher", spy)

    def attempt(i):
        with api.client() as c:
            return _login(c, "flood@example.com",
                          "shopper-pass-1" if i % 2 else "wrong-password").status_code

    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(attempt, range(32)))
    assert sorted(set(codes)) == [200, 401]
    assert spy.peak == api.settings.password_hash_concurrency == 1
    # One at a time, so any lock seen during a hash is that very sign-in's own.
    spy.lock_held_during_hash.clear()
    assert [attempt(i) for i in range(4)] == [401, 200, 401, 200]
    assert spy.lock_held_during_hash == [False] * 4
