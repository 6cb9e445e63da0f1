-- Paid orders credited to a landing page and to a slot creative: the order was placed
-- (its order_created event) in a session where the shopper had viewed a landing page
-- (clicked a slot creative) at or before placing it. Within a kind the LAST such touch
-- takes the credit (ties by event_id), on that touch's day; an order can be credited to one
-- page and one creative. Revenue is the order's GMV (total + points discount, as
-- fct_orders).
with touches as (
    select *
    from {{ ref('int_landing_touches_sessionized') }}
    where landing_event in ('page_view', 'slot_click') and session_key is not null
),

placed as (
    select order_id, session_key, occurred_at as ordered_at
    from {{ ref('int_events_sessionized') }}
    where event_type = 'order_created' and order_id is not null
),

paid as (
    select order_id, currency, total_cents + points_discount_cents as revenue_cents
    from {{ ref('int_orders_enriched') }}
    where is_paid
),

candidates as (
    select
        placed.order_id,
        paid.currency,
        paid.revenue_cents,
        placed.ordered_at,
        case when touches.landing_event = 'page_view' then 'page' else 'slot' end
            as touch_kind,
        touches.event_id as touch_event_id,
        touches.occurred_at as touched_at,
        touches.occurred_date as touch_date,
        touches.page_id,
        touches.slot,
        touches.creative_id,
        row_number() over (
            partition by placed.order_id, touches.landing_event
            order by touches.occurred_at desc, touches.event_id desc
        ) as touch_rank
    from placed
    inner join paid on paid.order_id = placed.order_id
    inner join touches
        on touches.session_key = placed.session_key
        and touches.occurred_at <= placed.ordered_at
)

select
    order_id,
    touch_kind,
    currency,
    revenue_cents,
    ordered_at,
    touch_event_id,
    touched_at,
    touch_date,
    page_id,
    slot,
    creative_id
from candidates
where touch_rank = 1
