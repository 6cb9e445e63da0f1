"""The set-up `flywheel bench checkout` measures against (none of it timed): the API per
engine (a fresh one, or the running one given by --api), the catalog and shoppers, the
preview probe, the webhook secret its callbacks are signed with."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import uuid
from pathlib import Path

import httpx

from transactional_api.cli.bench_postgres import throwaway_postgres
from transactional_api.cli.bench_server import bench_api
from transactional_api.config import Settings

STOCK = 1_000_000  # units per SKU: no run comes near it, so every order can be served


async def setup_shop(url: str, admin_token: str, skus: int, shoppers: int
                     ) -> tuple[list[str], list[str], list[str]]:
    """M listed products of one SKU each with plenty of stock; N shoppers with tokens."""
    run = uuid.uuid4().hex[:8]
    admin = {"Authorization": f"Bearer {admin_token}"}
    gate = asyncio.Semaphore(4)
    async with httpx.AsyncClient(base_url=url, timeout=120) as c:
        cat = (await c.post("/v1/admin/categories", headers=admin, json={
            "name": f"Bench checkout {run}", "slug": f"bench-checkout-{run}"})
        ).raise_for_status().json()["id"]

        async def product(k: int) -> str:
            async with gate:
                r = await c.post("/v1/admin/products", headers=admin, json={
                    "category_id": cat, "name": f"Bench checkout item {run} {k}",
                    "status": "listed", "skus": [{
                        "code": f"BCO-{run}-{k}", "name": "one", "stock": STOCK,
                        "price_cents": 500 + (k * 37) % 5000}]})
                return r.raise_for_status().json()["skus"][0]["id"]

        async def shopper(k: int) -> tuple[str, str]:
            async with gate:
                for _ in range(30):  # a running API may throttle sign-ups per client
                    r = await c.post("/v1/auth/register", json={
                        "email": f"bench-{run}-{k}@example.com", "password": "bench-password"})
                    if r.status_code != 429:
                        break
                    await asyncio.sleep(float(r.headers.get("retry-after", 2)))
                body = r.raise_for_status().json()
                return body["token"], body["user"]["id"]

        ids = await asyncio.gather(*(product(k) for k in range(skus)))
        people = await asyncio.gather(*(shopper(k) for k in range(shoppers)))
    return list(ids), [t for t, _ in people], [u for _, u in people]


def probe_preview(url: str, token: str, sku: str) -> tuple[bool, str]:
    r = httpx.post(f"{url}/v1/checkout/preview", timeout=60,
                   json={"items": [{"sku_id": sku, "quantity": 1}]},
                   headers={"Authorization": f"Bearer {token}"})
    if r.status_code in (404, 405):
        return False, "not available"
    if r.status_code != 200:
        return False, f"skipped (the probe answered {r.status_code})"
    return True, "available"


def running_api_secret() -> str:
    from transactional_api.payments.secret import secret_path

    settings = Settings()
    if settings.payment_webhook_secret:
        return settings.payment_webhook_secret
    path = secret_path(settings)
    if not path.exists():
        raise SystemExit("--api: set FLYWHEEL_PAYMENT_WEBHOOK_SECRET (or FLYWHEEL_VAR_DIR) "
                         "to the running API's, so the bench can sign its callbacks")
    return path.read_text().strip()


@contextlib.contextmanager
def engine_api(engine: str, args: argparse.Namespace, secret: str):
    """(api, database URL) for one engine: the running API, or a fresh one."""
    from transactional_api.cli.bench import _admin_creds

    if args.api:
        with bench_api(args.api, admin=_admin_creds()) as api:
            yield api, Settings().resolved_database_url
        return
    env = {"FLYWHEEL_PAYMENT_WEBHOOK_SECRET": secret, "FLYWHEEL_PAYMENT_SANDBOX_ENABLED": "true",
           "FLYWHEEL_SANDBOX_AUTO_CONFIRM": "false",
           # every shopper signs up from one address: never throttle the set-up
           "FLYWHEEL_LOGIN_ATTEMPTS_PER_MINUTE_PER_CLIENT": "1000000",
           "FLYWHEEL_LOGIN_ATTEMPTS_PER_MINUTE_PER_ACCOUNT": "1000000"}
    if engine == "sqlite":
        with bench_api(None, env={**env, "FLYWHEEL_DATABASE_URL": ""},
                       workers=args.workers) as api:
            yield api, Settings(var_dir=api.var, database_url=None).resolved_database_url
        return
    from transactional_api.migrations import upgrade

    with throwaway_postgres() as url:
        upgrade(url)  # once, before several workers would race to migrate
        with bench_api(None, env={**env, "FLYWHEEL_DATABASE_URL": url},
                       workers=args.workers) as api:
            yield api, url


def print_server_errors(log: Path, last: int = 3) -> None:
    """The API's last unhandled errors (its JSON log lines), while its var dir still exists."""
    errors, plain = [], []
    with contextlib.suppress(OSError):
        for line in log.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                plain.append(line)  # uvicorn's own lines: a worker that died, a bad start
                continue
            with contextlib.suppress(AttributeError):
                if entry.get("level") == "error":
                    what = [w for w in (entry.get("exc") or entry.get("msg") or "?")
                            .splitlines() if w.strip() and not w.lstrip().startswith(
                                ("(Background", "[SQL", "[parameters"))] or ["?"]
                    errors.append(f"{entry.get('path', '')}: {what[-1].strip()}")
    if errors:
        print("server errors (the last few):", *errors[-last:], sep="\n  ", flush=True)
    if plain:
        print("server process output (the last lines):", *plain[-2 * last:], sep="\n  ",
              flush=True)
