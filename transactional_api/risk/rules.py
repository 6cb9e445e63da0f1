"""The rules themselves: pure functions from what was counted (``Signals``) and the
thresholds (``RiskLimits``) to a ``Decision``. No I/O here (engine.py gathers the counts
from Redis), so the rules are tested exhaustively and shown monotonic: a higher count never
gives a milder outcome.

Reason codes (what a decision records and operators see; a shopper never does):
  velocity_<user|device|address|instrument|client>  actions in the current UTC hour
  accounts_per_<device|client>                      registrations in the current UTC day
  users_per_<address|device|instrument>             distinct users in about 30 days
  users_per_merchant_device                         distinct reviewers of one merchant
                                                    behind one device (review brushing)
  new_account_large_order                           young account, large order (challenge only)
  risk_score                                        the warehouse's score, published to Redis
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transactional_api.risk.limits import Limit, RiskLimits

ACTIONS = ("sign_in", "register", "place_order", "coupon_claim", "pay", "review")
OUTCOMES = ("allow", "challenge", "block")  # mildest first
SEVERITY = {o: i for i, o in enumerate(OUTCOMES)}

# What each action counts: velocity dimensions (per hour), account dimensions (per day),
# distinct-user dimensions (about 30 days); and whether the user's score applies.
VELOCITY = {"sign_in": ("device", "client"), "register": (),
            "place_order": ("user", "device", "address", "client"),
            "coupon_claim": ("user", "device", "address", "client"),
            "pay": ("user", "instrument", "device", "client"),
            "review": ("user", "device")}
ACCOUNTS = {"register": ("device", "client")}
DISTINCT = {"sign_in": ("device",), "place_order": ("address", "device"),
            "coupon_claim": ("address", "device"), "pay": ("instrument",),
            "review": ("merchant_device",)}
# Velocity limits of their own where an action's normal pace differs from shopping's
# (the reason code stays velocity_<dim>; the decision's action tells them apart).
OWN_VELOCITY_LIMITS = {("review", "user"): "reviews_per_user_hour",
                       ("review", "device"): "reviews_per_device_hour"}


@dataclass(frozen=True)
class Signals:
    velocity: dict[str, int] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)
    distinct: dict[str, int] = field(default_factory=dict)
    score: int | None = None  # the warehouse's, 0-100; None when none is published
    account_age_days: float | None = None
    total_cents: int | None = None
    trusted: bool = False  # in the trusted audience: no new-account challenge


@dataclass(frozen=True)
class Decision:
    outcome: str
    score: int  # 0-100: the highest of the warehouse score and each rule's share of its limit
    reasons: tuple[str, ...] = ()  # rule codes that did not allow, most severe first
    degraded: bool = False  # Redis unreachable: counted nothing, allowed

    @property
    def allowed(self) -> bool:
        return self.outcome == "allow"


def _share(count: int, limit: Limit) -> int:
    """How far count is towards blocking, 0-100 (challenge_at alone counts as half way)."""
    if limit.block_at:
        return min(100, (100 * count) // limit.block_at)
    if limit.challenge_at:
        return min(100, (50 * count) // limit.challenge_at)
    return 0


def worst(outcomes) -> str:
    return max(outcomes, key=SEVERITY.__getitem__, default="allow")


def judge(action: str, signals: Signals, limits: RiskLimits) -> Decision:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    hits: list[tuple[str, str, int]] = []  # (outcome, code, share)

    def check(code: str, count: int, limit: Limit) -> None:
        hits.append((limit.outcome(count), code, _share(count, limit)))

    for dim, count in signals.velocity.items():
        name = OWN_VELOCITY_LIMITS.get((action, dim), f"per_{dim}_hour")
        check(f"velocity_{dim}", count, getattr(limits, name))
    for dim, count in signals.accounts.items():
        check(f"accounts_per_{dim}", count, getattr(limits, f"accounts_per_{dim}_day"))
    for dim, count in signals.distinct.items():
        check(f"users_per_{dim}", count, getattr(limits, f"users_per_{dim}"))
    if signals.score is not None:
        hits.append((limits.score.outcome(signals.score), "risk_score",
                     max(0, min(100, signals.score))))
    if action == "place_order" and not signals.trusted and limits.new_account_large_order_cents \
            and signals.account_age_days is not None and signals.total_cents is not None \
            and signals.account_age_days < limits.new_account_days \
            and signals.total_cents > limits.new_account_large_order_cents:
        hits.append(("challenge", "new_account_large_order", 50))
    outcome = worst(h[0] for h in hits)
    score = max((h[2] for h in hits), default=0)
    reasons = tuple(code for o, code, _ in sorted(
        hits, key=lambda h: (-SEVERITY[h[0]], h[1])) if o != "allow")
    return Decision(outcome=outcome, score=score, reasons=reasons)
