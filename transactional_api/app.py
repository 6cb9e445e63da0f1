"""The FastAPI application factory: wiring only, the rules live in each domain's service."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import anyio.to_thread
import redis
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from redis.backoff import ExponentialBackoff
from redis.retry import Retry
from sqlalchemy.orm import sessionmaker

from transactional_api.access.merchant_router import router as merchant_router
from transactional_api.access.router import router as roles_router
from transactional_api.accounts import service as accounts
from transactional_api.accounts.address_router import router as address_router
from transactional_api.accounts.mfa_router import router as mfa_router
from transactional_api.accounts.oidc_router import router as oidc_router
from transactional_api.accounts.otp_router import router as otp_router
from transactional_api.accounts.passwords import PasswordHashing
from transactional_api.accounts.router import router as accounts_router
from transactional_api.accounts.session_router import router as session_router
from transactional_api.aftersales.merchant_router import router as merchant_aftersales_router
from transactional_api.aftersales.router import router as aftersales_router
from transactional_api.alerts.router import router as alerts_router
from transactional_api.cart.router import router as cart_router
from transactional_api.catalog.io_router import router as catalog_io_router
from transactional_api.catalog.router import router as catalog_router
from transactional_api.config import Settings, get_settings
from transactional_api.core import clock
from transactional_api.core.background import Periodic
from transactional_api.core.db import make_engine, read_only, transaction
from transactional_api.core.errors import ERROR_RESPONSES, install_error_handlers
from transactional_api.core.logging import configure_logging
from transactional_api.core.middleware import RequestContextMiddleware
from transactional_api.core.redis_server import ensure_embedded_redis
from transactional_api.credit import jobs as credit_jobs
from transactional_api.credit.router import router as credit_router  # registers the channel
from transactional_api.duties import checkout as duties_checkout
from transactional_api.duties.router import router as duties_router
from transactional_api.events import relay
from transactional_api.events.router import router as events_router
from transactional_api.flash_sales import jobs as flash_jobs
from transactional_api.flash_sales.admin_router import router as flash_admin_router
from transactional_api.flash_sales.fast_path import FlashFastPath
from transactional_api.flash_sales.router import router as flash_router
from transactional_api.fulfillment import carriers as fulfilment_carriers
from transactional_api.fulfillment import jobs as fulfilment_jobs
from transactional_api.fulfillment.invoice_router import router as invoice_router
from transactional_api.fulfillment.router import router as fulfilment_router
from transactional_api.group_buys import jobs as group_buy_jobs
from transactional_api.group_buys.router import router as group_buy_router
from transactional_api.inventory import service as inventory
from transactional_api.inventory.allocation import load_strategy
from transactional_api.inventory.router import router as inventory_router
from transactional_api.landing.router import router as landing_router
from transactional_api.marketing.router import router as marketing_router
from transactional_api.markets.router import router as markets_router
from transactional_api.members import jobs as member_jobs
from transactional_api.members.activity_router import router as member_activity_router
from transactional_api.members.router import router as members_router
from transactional_api.merchants.router import router as merchant_onboarding_router
from transactional_api.migrations import upgrade
from transactional_api.orders import service as orders
from transactional_api.orders.checkout_router import router as checkout_router
from transactional_api.orders.quote_router import router as quote_router
from transactional_api.orders.router import router as orders_router
from transactional_api.payments import jobs as payment_jobs
from transactional_api.payments.provider_router import router as payment_provider_router
from transactional_api.payments.registry import build_channels
from transactional_api.payments.router import router as payments_router
from transactional_api.payments.secret import webhook_secret
from transactional_api.points_mall import jobs as points_mall_jobs
from transactional_api.points_mall.router import router as points_mall_router
from transactional_api.pricing.admin_router import router as pricing_admin_router
from transactional_api.pricing.coupon_router import router as coupon_router
from transactional_api.procurement import jobs as procurement_jobs
from transactional_api.procurement.router import router as procurement_router
from transactional_api.promoters import jobs as promoter_jobs
from transactional_api.promoters.admin_router import router as promoter_admin_router
from transactional_api.promoters.router import router as promoter_router
from transactional_api.reach import jobs as reach_jobs
from transactional_api.reach.router import router as reach_router
from transactional_api.recommendations.placement_router import (
    router as reco_placement_router,
)
from transactional_api.recommendations.router import router as recommendations_router
from transactional_api.recommendations.rules_router import router as reco_rules_router
from transactional_api.replenishment.router import router as replenishment_router
from transactional_api.reviews.router import router as reviews_router
from transactional_api.risk.router import router as risk_router
from transactional_api.search import jobs as search_jobs
from transactional_api.search.router import router as search_router
from transactional_api.settlement.router import router as settlement_router
from transactional_api.shipping.router import router as shipping_router
from transactional_api.tags.router import router as tags_router
from transactional_api.translations.router import router as translations_router

log = logging.getLogger("flywheel.api")


def _connect_redis(settings: Settings):
    """External Redis when configured; otherwise reuse or start the embedded server."""
    # Bounded timeouts and one quick retry: a stopped or hung Redis must cost a request (or
    # a relay round) a couple of seconds at most, not redis-py's default retry ladder.
    timeouts = {"socket_timeout": settings.redis_socket_timeout_seconds,
                "socket_connect_timeout": settings.redis_socket_timeout_seconds,
                "retry": Retry(ExponentialBackoff(cap=0.2, base=0.05), 1)}
    if settings.redis_url:
        return redis.Redis.from_url(settings.redis_url, **timeouts), None
    url, owned = ensure_embedded_redis(settings.var_dir, settings.redis_port)
    return redis.Redis.from_url(url, **timeouts), owned


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        if settings.api_threads:
            # Sync handlers share one GIL: with fewer at once, the one holding the write
            # lock gets a bigger share of it and hands the lock on sooner.
            anyio.to_thread.current_default_thread_limiter().total_tokens = settings.api_threads
        url = settings.resolved_database_url
        upgrade(url)
        engine = make_engine(url, settings.db_options)
        sessions = sessionmaker(engine, expire_on_commit=False)
        client, owned_redis = _connect_redis(settings)
        app.state.sessions = sessions
        app.state.read_sessions = sessionmaker(read_only(engine), expire_on_commit=False)
        app.state.redis = client
        if settings.admin_email and settings.admin_password:
            with transaction(sessions) as s:
                accounts.ensure_admin(session=s, email=settings.admin_email.lower(),
                                      password=settings.admin_password)
        jobs = []
        if settings.relay_interval_seconds > 0:
            jobs.append(Periodic("relay", settings.relay_interval_seconds, lambda: relay.relay_once(
                sessions=sessions, lake_dir=settings.resolved_lake_dir, redis_client=client,
                stream=settings.redis_stream, stream_maxlen=settings.redis_stream_maxlen,
                lease_seconds=settings.relay_lease_seconds)).start())
        if settings.order_sweeper_interval_seconds > 0:
            jobs.append(Periodic("order-sweeper", settings.order_sweeper_interval_seconds,
                                 lambda: _sweep(sessions)).start())
        if settings.reservation_sweeper_interval_seconds > 0:
            strategy = load_strategy(settings.allocation_strategy)
            jobs.append(Periodic("stock-sweeper", settings.reservation_sweeper_interval_seconds,
                                 lambda: _sweep_stock(sessions, strategy)).start())
        jobs += payment_jobs.start(settings=settings, sessions=sessions,
                                   channels=app.state.payment_channels,
                                   callbacks=app.state.payment_callbacks)
        jobs += fulfilment_jobs.start(settings=settings, sessions=sessions,
                                      carriers=app.state.carriers)
        jobs += search_jobs.start(app_state=app.state, sessions=sessions,
                                  read_sessions=app.state.read_sessions)
        jobs += member_jobs.start(settings=settings, sessions=sessions)
        jobs += reach_jobs.start(settings=settings, sessions=sessions)
        jobs += flash_jobs.start(settings=settings, sessions=sessions, client=client)
        jobs += group_buy_jobs.start(settings=settings, sessions=sessions)
        jobs += promoter_jobs.start(settings=settings, sessions=sessions)
        jobs += points_mall_jobs.start(settings=settings, sessions=sessions)
        jobs += procurement_jobs.start(settings=settings, sessions=sessions,
                                       client=procurement_jobs.client_of(app.state))
        jobs += credit_jobs.start(settings=settings, sessions=sessions)
        log.info("api started", extra={"database": engine.url.render_as_string()})
        try:
            yield
        finally:
            for job in jobs:
                job.stop()
            client.close()
            engine.dispose()
            if owned_redis is not None:
                owned_redis.stop()

    # Docs assets are served by the API itself: the docs page works on machines with no CDN.
    app = FastAPIOffline(
        title="Flywheel API",
        version="0.1.0",
        description="Shopper and operator API of the Flywheel e-commerce platform.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.passwords = PasswordHashing(concurrency=settings.password_hash_concurrency)
    app.state.webhook_secret = webhook_secret(settings)
    # Registered channel classes, chosen by settings (payments/registry.py).
    app.state.payment_channels = build_channels(settings, secret=app.state.webhook_secret)
    app.state.payment_callbacks = payment_jobs.provider_callbacks(
        settings, secret=app.state.webhook_secret, channels=app.state.payment_channels)
    app.state.carriers = fulfilment_carriers.build(
        settings, secret=fulfilment_carriers.carrier_secret(settings, app.state.webhook_secret))
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes,
                       simulated_clock=settings.simulated_clock)
    if settings.flash_fast_path:  # outermost: a sale's start is nearly all this route
        app.add_middleware(FlashFastPath)
    for router in (accounts_router, catalog_router, inventory_router, cart_router, orders_router,
                   payments_router, events_router, recommendations_router):
        app.include_router(router, responses=ERROR_RESPONSES)
    app.include_router(catalog_io_router, responses=ERROR_RESPONSES)
    app.include_router(search_router, responses=ERROR_RESPONSES)
    app.include_router(payment_provider_router, responses=ERROR_RESPONSES)
    app.include_router(aftersales_router, responses=ERROR_RESPONSES)
    app.include_router(merchant_aftersales_router, responses=ERROR_RESPONSES)
    app.include_router(alerts_router, responses=ERROR_RESPONSES)
    app.include_router(marketing_router, responses=ERROR_RESPONSES)
    app.include_router(members_router, responses=ERROR_RESPONSES)
    app.include_router(member_activity_router, responses=ERROR_RESPONSES)
    app.include_router(reviews_router, responses=ERROR_RESPONSES)
    app.include_router(tags_router, responses=ERROR_RESPONSES)
    app.include_router(reach_router, responses=ERROR_RESPONSES)
    app.include_router(roles_router, responses=ERROR_RESPONSES)
    app.include_router(merchant_router, responses=ERROR_RESPONSES)
    app.include_router(merchant_onboarding_router, responses=ERROR_RESPONSES)
    app.include_router(risk_router, responses=ERROR_RESPONSES)
    app.include_router(pricing_admin_router, responses=ERROR_RESPONSES)
    app.include_router(coupon_router, responses=ERROR_RESPONSES)
    app.include_router(group_buy_router, responses=ERROR_RESPONSES)
    app.include_router(promoter_router, responses=ERROR_RESPONSES)
    app.include_router(promoter_admin_router, responses=ERROR_RESPONSES)
    app.include_router(reco_placement_router, responses=ERROR_RESPONSES)
    app.include_router(reco_rules_router, responses=ERROR_RESPONSES)
    app.include_router(flash_router, responses=ERROR_RESPONSES)
    app.include_router(flash_admin_router, responses=ERROR_RESPONSES)
    app.include_router(landing_router, responses=ERROR_RESPONSES)
    app.include_router(points_mall_router, responses=ERROR_RESPONSES)
    app.include_router(procurement_router, responses=ERROR_RESPONSES)
    app.include_router(replenishment_router, responses=ERROR_RESPONSES)
    app.include_router(settlement_router, responses=ERROR_RESPONSES)
    app.include_router(credit_router, responses=ERROR_RESPONSES)
    app.include_router(markets_router, responses=ERROR_RESPONSES)
    app.include_router(duties_router, responses=ERROR_RESPONSES)
    duties_checkout.configure(settings)  # the shop's origin country
    app.include_router(translations_router, responses=ERROR_RESPONSES)
    for router in (address_router, shipping_router, checkout_router, quote_router,
                   fulfilment_router, invoice_router):
        app.include_router(router, responses=ERROR_RESPONSES)

    # Identity last: the API fuzzer walks routes in this order, and signing out (or out
    # everywhere) with its tokens must not leave every later route answering only 401.
    for router in (otp_router, mfa_router, oidc_router, session_router):
        app.include_router(router, responses=ERROR_RESPONSES)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _sweep_stock(sessions, strategy) -> None:
    """Lapsed holds return and due pre-sales take stock, whichever process made them."""
    with transaction(sessions) as s:
        expired = inventory.expire_due(session=s)
    with transaction(sessions) as s:
        allocated = inventory.allocate_presales(session=s, today=clock.now().date(),
                                                strategy=strategy)
    if expired or allocated:
        log.info("stock sweep", extra={"expired": expired, "allocated": allocated})


def _sweep(sessions) -> None:
    with transaction(sessions) as s:
        n = orders.expire_unpaid(session=s)
    if n:
        log.info("expired unpaid orders", extra={"cancelled": n})
