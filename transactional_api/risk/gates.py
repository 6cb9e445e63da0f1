"""Where the rules meet the API: the checks routers call on sign-in, registration, order
placement, payment and review submission, each timed for the Server-Timing header.

A refusal never says which rule fired (the shopper sees risk_blocked or
challenge_required; operators see the reasons in the review queue and the warehouse).
A refused request writes nothing of its own, only its decision: the check raises
``Stopped``, the router's transaction rolls back, and ``recording`` writes the decision
(and for a challenged payment, the order's hold) in a transaction of its own.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime

from fastapi import Request
from sqlalchemy.orm import Session

from transactional_api.accounts import identity, throttle
from transactional_api.accounts import service as accounts
from transactional_api.config import Settings
from transactional_api.core.db import transaction
from transactional_api.core.errors import Conflict, DomainError, NotFound
from transactional_api.risk import engine, service
from transactional_api.risk.engine import Context
from transactional_api.risk.rules import Decision
from transactional_api.tags import audience_check, audiences

log = logging.getLogger("flywheel.risk")
CREATED_CACHE_MAX = 50_000
_created: dict[str, datetime] = {}  # user id -> account created_at, which never changes
DEVICE_HEADER = "X-Device-Id"
INSTRUMENT_HEADER = "X-Payment-Instrument"


class RiskBlocked(DomainError):
    status_code = 403
    code = "risk_blocked"

    def __init__(self):
        super().__init__("this request cannot be accepted; contact support if this is wrong")


class ChallengeRequired(DomainError):
    status_code = 401
    code = "challenge_required"

    def __init__(self, methods: list[str]):
        super().__init__("confirm it is you: sign in with a one-time code",
                         details={"methods": methods})


class Stopped(Exception):
    """A refusal whose decision must outlive the rolled-back request."""

    def __init__(self, error: DomainError, write: Callable[[Session], None]):
        super().__init__(error.message)
        self.error, self.write = error, write


@contextmanager
def recording(session: Session) -> Iterator[None]:
    """Wrap the router's ``with db.begin()``: on Stopped, write the decision afterwards."""
    try:
        yield
    except Stopped as stop:
        with session.begin():
            stop.write(session)
        raise stop.error from None


@dataclass
class Timing:
    """audience: its database reads; risk: the rest, with the one Redis round trip that
    carries the counters and the audience's automatic tags."""

    risk_ms: float = 0.0
    audience_ms: float = 0.0
    decision: Decision | None = field(default=None)

    def header(self) -> str:
        return f"risk;dur={self.risk_ms:.3f}, audience;dur={self.audience_ms:.3f}"


def key_of(request: Request) -> bytes:
    """The app's key for hashing identifying values (devices, addresses) before Redis."""
    key = getattr(request.app.state, "risk_key", None)
    if key is None:
        key = hmac.new(request.app.state.webhook_secret.encode(),
                       b"flywheel risk fingerprints v1", hashlib.sha256).digest()
        request.app.state.risk_key = key
    return key


def context_of(request: Request, **kw) -> Context:
    key = key_of(request)
    raw_address = kw.pop("address", None)
    return Context(device=engine.fingerprint(key, "device", request.headers.get(DEVICE_HEADER)),
                   client=engine.fingerprint(key, "client", throttle.client_address(request)),
                   address=engine.fingerprint(key, "address", raw_address),
                   instrument=engine.fingerprint(key, "instrument",
                                                 request.headers.get(INSTRUMENT_HEADER)),
                   **kw)


def _evaluate(request: Request, action: str, ctx: Context,
              trusted_by: engine.Rider | None = None) -> Decision:
    settings: Settings = request.app.state.settings
    return engine.evaluate(action, ctx, redis_client=request.app.state.redis,
                           limits=settings.risk_limits, trusted_by=trusted_by)


def _account_created_at(session: Session, user_id: str) -> datetime | None:
    """Read once per process and user: an account's creation time never changes."""
    found = _created.get(user_id)
    if found is None:
        user = accounts.get_user(session=session, user_id=user_id)
        if user is None:
            return None
        if len(_created) >= CREATED_CACHE_MAX:
            _created.clear()
        found = _created[user_id] = user.created_at
    return found


def _sampled(settings: Settings) -> bool:
    return settings.risk_allow_sample_rate > 0 and random.random() < settings.risk_allow_sample_rate


def _record_now(request: Request, action: str, decision: Decision, user_id: str | None) -> None:
    with transaction(request.app.state.sessions) as db:
        service.record(session=db, action=action, decision=decision, user_id=user_id)


def check_registration(request: Request) -> None:
    """Before an account is created (runs in a worker thread)."""
    settings: Settings = request.app.state.settings
    if not settings.risk_enabled:
        return
    decision = _evaluate(request, "register", context_of(request))
    if decision.allowed:
        if _sampled(settings):
            _record_now(request, "register", decision, None)
        return
    _record_now(request, "register", decision, None)
    raise RiskBlocked() if decision.outcome == "block" else ChallengeRequired(["email_code",
                                                                               "phone_code"])


def check_sign_in(request: Request, *, user_id: str, first_step: str) -> None:
    """After the first step passed. A challenge is met by a one-time code (a code sign-in
    already is one) or by the TOTP second step the account has on; a password or OpenID
    sign-in of an account without TOTP is asked to sign in by code instead."""
    settings: Settings = request.app.state.settings
    if not settings.risk_enabled:
        return
    decision = _evaluate(request, "sign_in", context_of(request, user_id=user_id))
    if decision.allowed:
        if _sampled(settings):
            _record_now(request, "sign_in", decision, user_id)
        return
    _record_now(request, "sign_in", decision, user_id)
    if decision.outcome == "block":
        raise RiskBlocked()
    if first_step in ("email", "phone"):
        return
    with request.app.state.read_sessions() as db, db.begin():
        if identity.two_factor_on(db, user_id):
            return
    raise ChallengeRequired(["email_code", "phone_code"])


def _trusted_audience(request: Request, session: Session) -> str | None:
    """The trusted audience's id, looked up by name or id once per process."""
    state = request.app.state
    found = getattr(state, "risk_audience", None)
    if found is None:
        wanted = state.settings.risk_trusted_audience
        rows, _ = audiences.listing(session=session, limit=1000, offset=0)
        found = next((a.id for a in rows if wanted in (a.id, a.name)), None)
        if found is None:
            log.warning("trusted audience not found", extra={"audience": wanted})
            return None
        state.risk_audience = found
    return found


def check_placement(request: Request, *, session: Session, order, user_id: str) -> Timing:
    """In the placement's transaction, once the order is priced and its stock held."""
    settings: Settings = request.app.state.settings
    timing = Timing()
    if not settings.risk_enabled:
        return timing
    session.flush()  # the placement's own rows: their writes are not the checks' cost
    t0 = time.perf_counter()
    audience = None  # the audience check, its automatic tags read with the counters
    audience_id = _trusted_audience(request, session) if settings.risk_trusted_audience else None
    if audience_id is not None:
        try:
            audience = audience_check.prepare(session, audience_id, user_id, settings=settings)
        except NotFound:  # deleted since: look it up again next time
            request.app.state.risk_audience = None
    t1 = time.perf_counter()
    ctx = context_of(request, user_id=user_id, address=engine.address_text(order.ship_to),
                     total_cents=order.total_cents,
                     account_created_at=_account_created_at(session, user_id))
    decision = _evaluate(request, "place_order", ctx, trusted_by=audience)
    timing.audience_ms = (t1 - t0) * 1000
    timing.risk_ms = (time.perf_counter() - t1) * 1000
    timing.decision = decision
    if decision.outcome == "block":
        raise Stopped(RiskBlocked(), lambda db: service.record(
            session=db, action="place_order", decision=decision, user_id=user_id))
    if decision.outcome == "challenge":
        row = service.record(session=session, action="place_order", decision=decision,
                             user_id=user_id, order_id=order.id)
        service.hold_order(session=session, order_id=order.id, decision=row,
                           hold_seconds=settings.risk_review_hold_seconds)
    elif _sampled(settings):
        service.record(session=session, action="place_order", decision=decision,
                       user_id=user_id, order_id=order.id)
    return timing


def check_flash_pass(request: Request, *, session: Session, user_id: str,
                     total_cents: int) -> None:
    """Before a flash-sale pass is issued: the pass is the shopper's order in waiting (the
    order itself is made later by a worker, with no request to check). There is no time to
    review during a sale, so a challenge refuses the pass as a block does."""
    settings: Settings = request.app.state.settings
    if not settings.risk_enabled:
        return
    ctx = context_of(request, user_id=user_id, total_cents=total_cents,
                     account_created_at=_account_created_at(session, user_id))
    decision = _evaluate(request, "place_order", ctx)
    if decision.outcome != "allow":
        _record_now(request, "place_order", decision, user_id)
        raise RiskBlocked()
    if _sampled(settings):
        _record_now(request, "place_order", decision, user_id)


def check_payment(request: Request, *, session: Session, order_id: str, user_id: str) -> None:
    """Before the payment channel (the provider) is called. A held order answers 409
    risk_review_pending; a challenge holds the order for review (then the same 409)."""
    settings: Settings = request.app.state.settings
    review = service.ensure_payable(session=session, order_id=order_id)
    if not settings.risk_enabled:
        return
    decision = _evaluate(request, "pay", context_of(request, user_id=user_id))
    if decision.outcome == "block":
        raise Stopped(RiskBlocked(), lambda db: service.record(
            session=db, action="pay", decision=decision, user_id=user_id, order_id=order_id))
    if decision.outcome == "challenge" and review is None:  # approved once: not asked again
        def hold(db: Session) -> None:
            row = service.record(session=db, action="pay", decision=decision, user_id=user_id,
                                 order_id=order_id)
            service.hold_order(session=db, order_id=order_id, decision=row,
                               hold_seconds=settings.risk_review_hold_seconds)

        raise Stopped(Conflict("this order is being reviewed before it can be paid",
                               code="risk_review_pending", details={"status": "open"}), hold)
    if decision.outcome != "allow" or _sampled(settings):
        service.record(session=session, action="pay", decision=decision, user_id=user_id,
                       order_id=order_id)


def check_review(request: Request, *, session: Session, review, user_id: str) -> None:
    """In the submission's transaction, once the review is added (review brushing). A block
    refuses it (nothing of it stays); a challenge lets it in, pending as every review is,
    with the decision recorded at the review's own time so moderators see it flagged
    (service.review_flags)."""
    settings: Settings = request.app.state.settings
    if not settings.risk_enabled:
        return
    ctx = context_of(request, user_id=user_id)
    if ctx.device is not None:
        ctx = replace(ctx, merchant_device=f"{ctx.device}:{review.merchant_id}")
    decision = _evaluate(request, "review", ctx)
    if decision.outcome == "block":
        raise Stopped(RiskBlocked(), lambda db: service.record(
            session=db, action="review", decision=decision, user_id=user_id,
            order_id=review.order_id))
    if decision.outcome == "challenge":
        service.record(session=session, action="review", decision=decision, user_id=user_id,
                       order_id=review.order_id, at=review.created_at)
    elif _sampled(settings):
        service.record(session=session, action="review", decision=decision, user_id=user_id,
                       order_id=review.order_id)


def check_coupon_claim(*, session: Session, redis_client, settings: Settings, key: bytes,
                       user_id: str, device_id: str | None, client_address: str | None,
                       ship_to: dict | None = None) -> Decision:
    """For coupon claims (issue 12 calls this): the decision, recorded in the caller's
    transaction unless it allows. The caller refuses a block (RiskBlocked, after recording
    it in a transaction of its own, see ``recording``) and asks a challenged shopper for a
    one-time code before the coupon is granted."""
    if not settings.risk_enabled:
        return Decision(outcome="allow", score=0)
    ctx = Context(user_id=user_id, device=engine.fingerprint(key, "device", device_id),
                  client=engine.fingerprint(key, "client", client_address),
                  address=engine.fingerprint(key, "address", engine.address_text(ship_to)))
    decision = engine.evaluate("coupon_claim", ctx, redis_client=redis_client,
                               limits=settings.risk_limits)
    if not decision.allowed or _sampled(settings):
        service.record(session=session, action="coupon_claim", decision=decision,
                       user_id=user_id)
    return decision
