-- One row per after-sales request, rebuilt from its events: the request, its decision, the
-- return parcel, the inspection, the refund or exchange that settled it and its closing.
-- Each step counts once per request (its first event: a step re-emitted under a new
-- event_id adds nothing); an exchange split over several replacement sub-orders adds up.
with requests as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by request_id order by requested_at, event_id
            ) as emission_rank
        from {{ ref('stg_flywheel__after_sales_requests') }}
    ) as ranked
    where emission_rank = 1
),

units as (
    select lines.event_id, sum(lines.quantity) as units_requested
    from {{ ref('stg_flywheel__after_sales_request_lines') }} as lines
    inner join requests on lines.event_id = requests.event_id
    group by lines.event_id
),

decisions as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by request_id order by decided_at, event_id
            ) as emission_rank
        from {{ ref('stg_flywheel__after_sales_decisions') }}
    ) as ranked
    where emission_rank = 1
),

returns as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by request_id order by return_shipped_at, event_id
            ) as emission_rank
        from {{ ref('stg_flywheel__return_shipments') }}
    ) as ranked
    where emission_rank = 1
),

inspections as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by request_id order by inspected_at, event_id
            ) as emission_rank
        from {{ ref('stg_flywheel__return_inspections') }}
    ) as ranked
    where emission_rank = 1
),

refunds as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by request_id order by refunded_at, event_id
            ) as emission_rank
        from {{ ref('stg_flywheel__after_sales_refunds') }}
    ) as ranked
    where emission_rank = 1
),

exchanges as (
    select
        request_id,
        min(exchanged_at) as exchanged_at,
        sum(value_cents) as exchanged_cents
    from (
        select
            *,
            row_number() over (
                partition by request_id, replacement_sub_order_id order by exchanged_at, event_id
            ) as emission_rank
        from {{ ref('stg_flywheel__after_sales_exchanges') }}
    ) as ranked
    where emission_rank = 1
    group by request_id
),

closures as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by request_id order by closed_at, event_id
            ) as emission_rank
        from {{ ref('stg_flywheel__after_sales_closures') }}
    ) as ranked
    where emission_rank = 1
)

select
    requests.request_id,
    requests.order_id,
    requests.sub_order_id,
    requests.user_id,
    requests.merchant_id,
    requests.request_type,
    requests.reason_code,
    requests.currency,
    requests.requested_cents,
    cast(coalesce(units.units_requested, 0) as bigint) as units_requested,
    requests.requested_at,
    decisions.decided_at,
    decisions.decision,
    decisions.decision_reason,
    returns.return_shipped_at,
    returns.carrier as return_carrier,
    inspections.inspected_at,
    inspections.accepted_quantity,
    refunds.refunded_at,
    refunds.refund_id,
    coalesce(closures.refunded_cents, refunds.amount_cents, 0) as refunded_cents,
    exchanges.exchanged_at,
    coalesce(closures.exchanged_cents, exchanges.exchanged_cents, 0) as exchanged_cents,
    closures.closed_at,
    closures.resolution
from requests
left join units on requests.event_id = units.event_id
left join decisions on requests.request_id = decisions.request_id
left join returns on requests.request_id = returns.request_id
left join inspections on requests.request_id = inspections.request_id
left join refunds on requests.request_id = refunds.request_id
left join exchanges on requests.request_id = exchanges.request_id
left join closures on requests.request_id = closures.request_id
