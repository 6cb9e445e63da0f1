-- One row per after-sales request with its outcome and how long each step took.
select
    requests.request_id,
    requests.order_id,
    requests.sub_order_id,
    requests.user_id,
    requests.merchant_id,
    merchants.merchant_name,
    requests.request_type,
    requests.reason_code,
    requests.currency,
    requests.requested_cents,
    requests.units_requested,
    requests.requested_at,
    cast(requests.requested_at as date) as requested_date,
    requests.decided_at,
    requests.decision,
    requests.decision_reason,
    requests.return_shipped_at,
    requests.return_carrier,
    requests.inspected_at,
    cast(requests.accepted_quantity as bigint) as accepted_quantity,
    requests.refund_id,
    requests.refunded_at,
    cast(requests.refunded_cents as bigint) as refunded_cents,
    requests.exchanged_at,
    cast(requests.exchanged_cents as bigint) as exchanged_cents,
    requests.closed_at,
    requests.resolution,
    cast(case when requests.closed_at is null then 'open' else 'closed' end as {{ dbt.type_string() }})
        as request_status,
    orders.paid_at as order_paid_at,
    cast(
        {{ seconds_between('requests.requested_at', 'requests.decided_at') }} / 3600.0
        as double
    ) as hours_to_decision,
    cast(
        {{ seconds_between('requests.requested_at', 'requests.closed_at') }} / 3600.0
        as double
    ) as hours_to_resolve
from {{ ref('int_after_sales_requests') }} as requests
left join {{ ref('stg_oltp__merchants') }} as merchants
    on requests.merchant_id = merchants.merchant_id
left join {{ ref('int_orders_enriched') }} as orders on requests.order_id = orders.order_id
