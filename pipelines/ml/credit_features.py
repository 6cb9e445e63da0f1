"""Per-user credit features from the warehouse as of a cut-off time, and the label
"goes overdue on a bill in the next N days".

Every source row is filtered on the time it became known (created_at, paid_at,
refunded_at, decided_at, occurred_at) strictly before the cut-off: OLTP snapshots hold the
current state (an order placed before the cut-off may have been paid or refunded after it),
so a row's own creation time is never enough. The warehouse's risk score mart is judged as
of now, so risk signals come from the individual decisions instead.

Tables read (DuckDB warehouse; the simulated histories build the same ones):
staging.stg_oltp__users, staging.stg_oltp__orders, marts.fct_refunds,
staging.stg_flywheel__risk_decisions, staging.stg_flywheel__events (credit_* events).
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

# Declared income bands, lowest first (credit's DEFAULT_INCOME_CAPS order); unknown -> -1.
INCOME_RANK = {"under_1000": 0, "1000_2999": 1, "3000_5999": 2, "6000_plus": 3}
# Overdue events younger than this cost their recorded score_penalty on the published score.
PENALTY_WINDOW_DAYS = 365

# The model's inputs, in order (the rest of a feature row is context: facts, penalty).
MODEL_FEATURES = (
    "account_age_days", "orders_placed", "orders_paid", "log_paid_gmv", "refund_rate",
    "days_since_last_order", "risk_challenges", "risk_blocks", "last_risk_score",
    "bills_due", "on_time_rate", "overdue_bills", "overdue_bills_90d", "late_fees_cents",
    "income_rank", "unemployed",
)

_FEATURES_SQL = """
with params as (select cast(? as timestamp) as cut),
users as (
    select u.user_id, u.created_at from staging.stg_oltp__users u, params
    where u.created_at < params.cut
),
orders as (
    select o.user_id, count(*) as orders_placed,
        count(*) filter (where o.paid_at < params.cut) as orders_paid,
        coalesce(sum(o.total_cents) filter (where o.paid_at < params.cut), 0) as paid_gmv_cents,
        max(o.created_at) as last_order_at
    from staging.stg_oltp__orders o, params
    where o.created_at < params.cut
    group by o.user_id
),
refunds as (
    select r.user_id, count(distinct r.order_id) as refunded_orders
    from marts.fct_refunds r, params
    where r.refund_status = 'refunded' and r.refunded_at < params.cut
    group by r.user_id
),
risk as (
    select d.user_id,
        count(*) filter (where d.outcome = 'challenge') as risk_challenges,
        count(*) filter (where d.outcome = 'block') as risk_blocks,
        arg_max(d.score, d.decided_at) as last_risk_score
    from staging.stg_flywheel__risk_decisions d, params
    where d.decided_at < params.cut
    group by d.user_id
),
credit_events as (
    select e.user_id, e.event_type, e.occurred_at, e.payload
    from staging.stg_flywheel__events e, params
    where e.occurred_at < params.cut and e.event_type in (
        'credit_bill_issued', 'credit_bill_overdue', 'credit_application_decided')
),
bills as (
    select user_id, json_extract_string(payload, '$.bill_id') as bill_id,
        min(cast(json_extract_string(payload, '$.due_date') as date)) as due_date
    from credit_events where event_type = 'credit_bill_issued'
    group by 1, 2
),
overdue_events as (
    select user_id, occurred_at, json_extract_string(payload, '$.bill_id') as bill_id,
        cast(json_extract_string(payload, '$.late_fee_cents') as bigint) as late_fee_cents,
        cast(json_extract_string(payload, '$.score_penalty') as bigint) as score_penalty,
        json_extract_string(payload, '$.period') as period
    from credit_events where event_type = 'credit_bill_overdue'
),
overdue as (
    select o.user_id, count(distinct o.bill_id) as overdue_bills,
        count(distinct o.bill_id) filter (
            where o.occurred_at >= params.cut - interval 90 day) as overdue_bills_90d,
        coalesce(sum(o.late_fee_cents), 0) as late_fees_cents,
        coalesce(sum(o.score_penalty) filter (
            where o.occurred_at >= params.cut - interval {penalty_days} day), 0)
            as score_penalty
    from (select distinct * from overdue_events) o, params
    group by o.user_id
),
due as (
    select b.user_id, count(*) as bills_due,
        count(*) filter (where b.bill_id not in (
            select bill_id from overdue_events where bill_id is not null)) as bills_on_time
    from bills b, params
    where b.due_date < cast(params.cut as date)
    group by b.user_id
),
facts as (
    select user_id,
        arg_max(json_extract_string(payload, '$.income_band'), occurred_at) as income_band,
        arg_max(json_extract_string(payload, '$.employment_status'), occurred_at)
            as employment_status
    from credit_events where event_type = 'credit_application_decided'
    group by user_id
)
select users.user_id,
    date_diff('second', users.created_at, params.cut) / 86400.0 as account_age_days,
    coalesce(orders.orders_placed, 0) as orders_placed,
    coalesce(orders.orders_paid, 0) as orders_paid,
    coalesce(orders.paid_gmv_cents, 0) as paid_gmv_cents,
    coalesce(refunds.refunded_orders, 0) as refunded_orders,
    coalesce(date_diff('second', orders.last_order_at, params.cut) / 86400.0,
             date_diff('second', users.created_at, params.cut) / 86400.0)
        as days_since_last_order,
    coalesce(risk.risk_challenges, 0) as risk_challenges,
    coalesce(risk.risk_blocks, 0) as risk_blocks,
    coalesce(risk.last_risk_score, 0) as last_risk_score,
    coalesce(due.bills_due, 0) as bills_due,
    coalesce(due.bills_on_time, 0) as bills_on_time,
    coalesce(overdue.overdue_bills, 0) as overdue_bills,
    coalesce(overdue.overdue_bills_90d, 0) as overdue_bills_90d,
    coalesce(overdue.late_fees_cents, 0) as late_fees_cents,
    coalesce(overdue.score_penalty, 0) as score_penalty,
    facts.income_band, facts.employment_status
from users cross join params
left join orders on orders.user_id = users.user_id
left join refunds on refunds.user_id = users.user_id
left join risk on risk.user_id = users.user_id
left join due on due.user_id = users.user_id
left join overdue on overdue.user_id = users.user_id
left join facts on facts.user_id = users.user_id
order by users.user_id
""".replace("{penalty_days}", str(PENALTY_WINDOW_DAYS))

# Users with an installment plan started before the cut-off whose last bill is not yet due:
# the ones who can go overdue in the next days, known at the cut-off from the plan's terms.
_ACTIVE_SQL = """
with params as (select cast(? as timestamp) as cut)
select distinct e.user_id
from staging.stg_flywheel__events e, params
where e.event_type = 'installment_plan_created' and e.occurred_at < params.cut
  and cast(json_extract_string(e.payload, '$.first_due_date') as date)
      + to_months(cast(json_extract_string(e.payload, '$.term_months') as integer) - 1)
      >= cast(params.cut as date)
"""

_LABEL_SQL = """
with params as (select cast(? as timestamp) as cut, cast(? as integer) as horizon)
select distinct e.user_id
from staging.stg_flywheel__events e, params
where e.event_type = 'credit_bill_overdue' and e.occurred_at >= params.cut
  and e.occurred_at < params.cut + to_days(params.horizon)
"""


def _naive(cut: datetime) -> datetime:
    # the warehouse keeps UTC timestamps without a zone
    return cut.replace(tzinfo=None) if cut.tzinfo else cut


def features(conn: duckdb.DuckDBPyConnection, cut: datetime) -> pd.DataFrame:
    """One row per user created before ``cut``, from data known before ``cut`` only."""
    frame = conn.execute(_FEATURES_SQL, [_naive(cut)]).df()
    return derive(frame)


def derive(frame: pd.DataFrame) -> pd.DataFrame:
    """The model's ratio and log inputs from the counted columns."""
    import numpy as np

    frame = frame.copy()
    frame["log_paid_gmv"] = np.log1p(frame["paid_gmv_cents"].astype(float) / 100.0)
    paid = frame["orders_paid"].astype(float)
    # capped: a refund may belong to an order the OLTP no longer shows as paid
    frame["refund_rate"] = (frame["refunded_orders"] / paid.where(paid > 0)).fillna(0.0).clip(
        0.0, 1.0)
    due = frame["bills_due"].astype(float)
    # no history yet is neither good nor bad: the prior of a new borrower
    frame["on_time_rate"] = (frame["bills_on_time"] / due.where(due > 0)).fillna(1.0)
    frame["income_rank"] = frame["income_band"].map(INCOME_RANK).fillna(-1).astype(int)
    frame["unemployed"] = (frame["employment_status"] == "unemployed").astype(int)
    for col in MODEL_FEATURES:
        frame[col] = frame[col].astype(float)
    return frame


def active_borrowers(conn: duckdb.DuckDBPyConnection, cut: datetime) -> set[str]:
    return {r[0] for r in conn.execute(_ACTIVE_SQL, [_naive(cut)]).fetchall()}


def went_overdue(conn: duckdb.DuckDBPyConnection, cut: datetime, horizon_days: int) -> set[str]:
    """Users with a bill turning overdue in [cut, cut + horizon_days)."""
    return {r[0] for r in conn.execute(_LABEL_SQL, [_naive(cut), horizon_days]).fetchall()}


def snapshot(conn: duckdb.DuckDBPyConnection, cut: datetime, horizon_days: int) -> pd.DataFrame:
    """Active borrowers' features at ``cut`` with their label (1 = went overdue)."""
    frame = features(conn, cut)
    frame = frame[frame["user_id"].isin(active_borrowers(conn, cut))].copy()
    late = went_overdue(conn, cut, horizon_days)
    frame["label"] = frame["user_id"].isin(late).astype(int)
    frame["cut"] = _naive(cut)
    return frame.reset_index(drop=True)
