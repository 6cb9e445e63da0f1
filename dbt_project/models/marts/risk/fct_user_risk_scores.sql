-- One risk score per user from what the warehouse knows (definitions in _risk.yml).
-- Judged as of the warehouse's latest event, which is also computed_at, so the same data
-- gives the same scores on every engine and every rebuild.
with users as (
    select user_id from {{ ref('stg_oltp__users') }}
),

orders as (
    select order_id, user_id, status, paid_at from {{ ref('stg_oltp__orders') }}
),

refunded as (
    select distinct order_id from {{ ref('fct_refunds') }} where refund_status = 'refunded'
),

order_signals as (
    select
        orders.user_id,
        count(*) as placed_orders,
        sum(case when orders.paid_at is not null then 1 else 0 end) as paid_orders,
        sum(case when orders.paid_at is not null and refunded.order_id is not null
            then 1 else 0 end) as refunded_orders,
        sum(case when orders.status = 'cancelled' and orders.paid_at is null
            then 1 else 0 end) as cancelled_unpaid_orders
    from orders
    left join refunded on orders.order_id = refunded.order_id
    group by orders.user_id
),

decisions as (
    select decision_id, user_id, action, outcome
    from {{ ref('stg_flywheel__risk_decisions') }}
    where user_id is not null
),

-- a review moves once (pending -> published | rejected): one moderation per review
review_signals as (
    select
        author_id as user_id,
        count(distinct review_id) as moderated_reviews,
        count(distinct case when to_status = 'rejected' then review_id end)
            as rejected_reviews
    from {{ ref('stg_flywheel__review_moderations') }}
    where author_id is not null
    group by author_id
),

decision_signals as (
    select
        decisions.user_id,
        count(distinct case when decisions.outcome = 'challenge'
            then decisions.decision_id end) as challenged_decisions,
        count(distinct case when decisions.outcome = 'block'
            then decisions.decision_id end) as blocked_decisions,
        count(distinct case when decisions.outcome = 'challenge'
            and decisions.action = 'review'
            then decisions.decision_id end) as review_challenges,
        count(distinct case when reasons.rule_code = 'users_per_address'
            then decisions.decision_id end) as shared_address_flags
    from decisions
    left join {{ ref('stg_flywheel__risk_decision_reasons') }} as reasons
        on decisions.decision_id = reasons.decision_id
    group by decisions.user_id
),

as_of as (
    select coalesce(
        (select max(occurred_at) from {{ ref('stg_flywheel__events') }}),
        cast('1970-01-01 00:00:00' as timestamp)
    ) as computed_at
),

signals as (
    select
        users.user_id,
        coalesce(o.placed_orders, 0) as placed_orders,
        coalesce(o.paid_orders, 0) as paid_orders,
        coalesce(o.refunded_orders, 0) as refunded_orders,
        coalesce(o.cancelled_unpaid_orders, 0) as cancelled_unpaid_orders,
        coalesce(d.shared_address_flags, 0) as shared_address_flags,
        coalesce(d.challenged_decisions, 0) as challenged_decisions,
        coalesce(d.blocked_decisions, 0) as blocked_decisions,
        coalesce(d.review_challenges, 0) as review_challenges,
        coalesce(r.moderated_reviews, 0) as moderated_reviews,
        coalesce(r.rejected_reviews, 0) as rejected_reviews
    from users
    left join order_signals as o on users.user_id = o.user_id
    left join decision_signals as d on users.user_id = d.user_id
    left join review_signals as r on users.user_id = r.user_id
),

shares as (
    select
        *,
        case when paid_orders > 0
            then cast(refunded_orders as double) / paid_orders else 0.0 end as refund_share,
        case when placed_orders > 0
            then cast(cancelled_unpaid_orders as double) / placed_orders
            else 0.0 end as cancelled_unpaid_share,
        -- too few moderated reviews say nothing: one rejection is not a pattern
        case when moderated_reviews >= 3
            then cast(rejected_reviews as double) / moderated_reviews
            else 0.0 end as rejected_review_share
    from signals
)

select
    cast(shares.user_id as {{ dbt.type_string() }}) as user_id,
    cast(least(100, round(
        35 * refund_share
        + 25 * cancelled_unpaid_share
        + 20 * least(shared_address_flags, 1)
        + 5 * least(challenged_decisions, 2)
        + 10 * least(blocked_decisions, 1)
        + 20 * rejected_review_share
        + 5 * least(review_challenges, 1), 0)) as bigint) as risk_score,
    cast(placed_orders as bigint) as placed_orders,
    cast(paid_orders as bigint) as paid_orders,
    cast(refunded_orders as bigint) as refunded_orders,
    cast(refund_share as double) as refund_share,
    cast(cancelled_unpaid_orders as bigint) as cancelled_unpaid_orders,
    cast(cancelled_unpaid_share as double) as cancelled_unpaid_share,
    cast(shared_address_flags as bigint) as shared_address_flags,
    cast(challenged_decisions as bigint) as challenged_decisions,
    cast(blocked_decisions as bigint) as blocked_decisions,
    cast(moderated_reviews as bigint) as moderated_reviews,
    cast(rejected_reviews as bigint) as rejected_reviews,
    cast(rejected_review_share as double) as rejected_review_share,
    cast(review_challenges as bigint) as review_challenges,
    cast(as_of.computed_at as timestamp) as computed_at
from shares
cross join as_of
