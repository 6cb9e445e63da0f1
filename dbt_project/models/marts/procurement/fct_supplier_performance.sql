-- Supplier performance from procurement events: what was ordered from each supplier, what
-- arrived and was accepted, how long it took and how often on time (definitions in
-- _procurement.yml).
with changes as (
    select * from {{ ref('stg_flywheel__purchase_order_changes') }}
),

suppliers as (
    select supplier_id, supplier_name
    from (
        select
            supplier_id,
            supplier_name,
            row_number() over (
                partition by supplier_id order by occurred_at desc, event_id desc
            ) as newest
        from {{ ref('stg_flywheel__supplier_changes') }}
    ) as ranked
    where newest = 1
),

sent as (
    select po_id, supplier_id, units_ordered, lead_time_days, occurred_at as sent_at
    from (
        select
            po_id, supplier_id, units_ordered, lead_time_days, occurred_at,
            row_number() over (partition by po_id order by occurred_at, event_id) as first_sent
        from changes
        where to_status = 'sent'
    ) as ranked
    where first_sent = 1
),

cancelled as (
    select distinct po_id from changes where to_status = 'cancelled'
),

received as (
    select po_id, min(occurred_at) as received_at
    from changes
    where to_status = 'received'
    group by po_id
),

orders as (
    select
        sent.po_id,
        sent.supplier_id,
        sent.units_ordered,
        sent.sent_at,
        received.received_at,
        case when received.received_at is not null then
            cast({{ dbt.datediff('sent.sent_at', 'received.received_at', 'second') }}
                 as double) / 86400.0
        end as lead_days,
        case when received.received_at is not null then
            case when received.received_at
                      <= {{ dbt.dateadd('day', 'sent.lead_time_days', 'sent.sent_at') }}
                 then 1.0 else 0.0 end
        end as on_time
    from sent
    left join received on received.po_id = sent.po_id
    where sent.po_id not in (select po_id from cancelled)
),

receipts as (
    select
        supplier_id,
        sum(accepted_units) as units_received,
        sum(rejected_units) as units_rejected
    from {{ ref('stg_flywheel__po_receipts') }}
    group by supplier_id
),

per_supplier as (
    select
        supplier_id,
        count(*) as purchase_orders,
        sum(units_ordered) as units_ordered,
        count(received_at) as purchase_orders_received,
        avg(lead_days) as mean_lead_time_days,
        avg(on_time) as on_time_share
    from orders
    group by supplier_id
)

select
    cast(suppliers.supplier_id as {{ dbt.type_string() }}) as supplier_id,
    cast(suppliers.supplier_name as {{ dbt.type_string() }}) as supplier_name,
    cast(coalesce(per_supplier.purchase_orders, 0) as bigint) as purchase_orders,
    cast(coalesce(per_supplier.units_ordered, 0) as bigint) as units_ordered,
    cast(coalesce(receipts.units_received, 0) as bigint) as units_received,
    cast(coalesce(receipts.units_rejected, 0) as bigint) as units_rejected,
    cast(case when coalesce(per_supplier.units_ordered, 0) > 0
              then cast(coalesce(receipts.units_received, 0) as double)
                   / per_supplier.units_ordered
         end as double) as fill_rate,
    cast(coalesce(per_supplier.purchase_orders_received, 0) as bigint)
        as purchase_orders_received,
    cast(per_supplier.mean_lead_time_days as double) as mean_lead_time_days,
    cast(per_supplier.on_time_share as double) as on_time_share
from suppliers
left join per_supplier on per_supplier.supplier_id = suppliers.supplier_id
left join receipts on receipts.supplier_id = suppliers.supplier_id
