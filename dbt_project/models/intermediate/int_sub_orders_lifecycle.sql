-- One row per sub-order, rebuilt from its events: what was placed (sub_order_created), when
-- it reached each fulfilment status (sub_order_status_changed), what operators did to it
-- (sub_order_intercepted) and the parcel it left in (shipment_created). An event re-emitted
-- under a new event_id counts once: the first sub_order_created of a sub-order, the first
-- event of each transition (a sub-order never makes the same move twice). Plain
-- row_number() subqueries rather than QUALIFY keep this runnable on Spark.
with created as (
    select *
    from (
        select
            *,
            row_number() over (partition by sub_order_id order by created_at, event_id)
                as emission_rank
        from {{ ref('stg_flywheel__sub_orders') }}
    ) as ranked
    where emission_rank = 1
),

lines as (
    select
        lines.event_id,
        count(*) as line_count,
        sum(lines.quantity) as units
    from {{ ref('stg_flywheel__sub_order_lines') }} as lines
    inner join created on lines.event_id = created.event_id
    group by lines.event_id
),

transitions as (
    select
        *,
        -- progress along the machine, to order two moves stamped with the same instant
        -- (a virtual sub-order is allocated and delivered at once)
        case to_status
            when 'awaiting_payment' then 0
            when 'allocated' then 1
            when 'picking' then 2
            when 'packed' then 3
            when 'shipped' then 4
            when 'delivered' then 5
            when 'completed' then 6
            when 'cancelled' then 7
        end as status_rank
    from (
        select
            *,
            row_number() over (
                partition by sub_order_id, from_status, to_status order by changed_at, event_id
            ) as emission_rank
        from {{ ref('stg_flywheel__sub_order_status_changes') }}
    ) as ranked
    where emission_rank = 1
),

stamps as (
    select
        sub_order_id,
        min(case when to_status = 'allocated' then changed_at end) as paid_at,
        min(case when to_status = 'picking' then changed_at end) as picking_at,
        min(case when to_status = 'packed' then changed_at end) as packed_at,
        min(case when to_status = 'shipped' then changed_at end) as shipped_at,
        min(case when to_status = 'delivered' then changed_at end) as delivered_at,
        min(case when to_status = 'completed' then changed_at end) as completed_at,
        min(case when to_status = 'cancelled' then changed_at end) as cancelled_at,
        max(case when to_status = 'cancelled' then reason end) as cancel_reason,
        max(
            case when to_status = 'cancelled' and from_status <> 'awaiting_payment' then 1
            else 0 end
        ) as cancelled_after_payment
    from transitions
    group by sub_order_id
),

latest as (
    select sub_order_id, to_status as status, warehouse_id
    from (
        select
            sub_order_id,
            to_status,
            warehouse_id,
            row_number() over (
                partition by sub_order_id order by changed_at desc, status_rank desc,
                    event_id desc
            ) as recency_rank
        from transitions
    ) as ranked
    where recency_rank = 1
),

-- A group buy holds its seats' sub-orders until the group forms and then resumes or
-- cancels them through the same interception: that is the play working, not a
-- breaker tripped, so it is not counted (its refunds still are).
interceptions as (
    select
        sub_order_id,
        sum(case when substr(coalesce(reason, ''), 1, 9) = 'group_buy' then 0 else 1 end)
            as interceptions,
        min(case when substr(coalesce(reason, ''), 1, 9) = 'group_buy' then null
                 else intercepted_at end) as first_intercepted_at,
        sum(case when action = 'cancel' then refunded_cents else 0 end) as intercept_refunded_cents
    from {{ ref('stg_flywheel__sub_order_interceptions') }}
    group by sub_order_id
),

-- the parcel it left in (a sub-order travels in exactly one; the first shipment counts)
shipments as (
    select sub_order_id, shipment_id, carrier, tracking_number
    from (
        select
            *,
            row_number() over (
                partition by sub_order_id order by shipped_at, event_id
            ) as emission_rank
        from {{ ref('stg_flywheel__shipment_sub_orders') }}
    ) as ranked
    where emission_rank = 1
),

replacements as (
    select distinct replacement_sub_order_id as sub_order_id
    from {{ ref('stg_flywheel__after_sales_exchanges') }}
),

holds as (
    select sub_order_id, action as last_hold_action, reason as last_hold_reason
    from (
        select
            sub_order_id,
            action,
            reason,
            row_number() over (
                partition by sub_order_id order by intercepted_at desc, event_id desc
            ) as recency_rank
        from {{ ref('stg_flywheel__sub_order_interceptions') }}
        where action in ('pause', 'resume')
    ) as ranked
    where recency_rank = 1
)

select
    created.sub_order_id,
    created.order_id,
    created.user_id,
    created.merchant_id,
    -- a pre-sale sub-order gets its location after placement: the latest move names it
    coalesce(latest.warehouse_id, created.warehouse_id) as warehouse_id,
    created.sub_order_kind,
    coalesce(created.shipping_region, 'unknown') as shipping_region,
    created.currency,
    created.subtotal_cents,
    created.discount_cents,
    created.shipping_cents,
    created.tax_cents,
    created.total_cents,
    cast(coalesce(lines.line_count, 0) as bigint) as line_count,
    cast(coalesce(lines.units, 0) as bigint) as units,
    coalesce(latest.status, 'awaiting_payment') as status,
    created.created_at,
    stamps.paid_at,
    stamps.picking_at,
    stamps.packed_at,
    stamps.shipped_at,
    stamps.delivered_at,
    stamps.completed_at,
    stamps.cancelled_at,
    stamps.cancel_reason,
    coalesce(stamps.cancelled_after_payment, 0) = 1 as is_cancelled_after_payment,
    coalesce(interceptions.interceptions, 0) > 0 as is_intercepted,
    cast(coalesce(interceptions.interceptions, 0) as bigint) as interceptions,
    interceptions.first_intercepted_at,
    cast(coalesce(interceptions.intercept_refunded_cents, 0) as bigint)
        as intercept_refunded_cents,
    coalesce(holds.last_hold_action = 'pause', false)
        and coalesce(latest.status, 'awaiting_payment') <> 'cancelled' as is_paused,
    case when holds.last_hold_action = 'pause' then holds.last_hold_reason end as hold_reason,
    shipments.shipment_id,
    -- shipped before shipment events existed (or moved by hand without a parcel)
    case when stamps.shipped_at is not null then coalesce(shipments.carrier, 'unknown') end
        as carrier,
    shipments.tracking_number,
    replacements.sub_order_id is not null as is_replacement
from created
left join lines on created.event_id = lines.event_id
left join stamps on created.sub_order_id = stamps.sub_order_id
left join latest on created.sub_order_id = latest.sub_order_id
left join interceptions on created.sub_order_id = interceptions.sub_order_id
left join holds on created.sub_order_id = holds.sub_order_id
left join shipments on created.sub_order_id = shipments.sub_order_id
left join replacements on created.sub_order_id = replacements.sub_order_id
