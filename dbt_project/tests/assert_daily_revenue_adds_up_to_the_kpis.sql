{#- fct_daily_revenue's parts add up (gross - discounts + shipping + tax = GMV, GMV - points
    paid - refunds - cancellations after payment = net revenue), its days agree with fct_daily_kpis to the
    cent (summed over currencies), and its channels sum to it. Any row returned is a
    mismatch. -#}
with revenue as (
    select
        revenue_date,
        sum(gmv_cents) as gmv_cents,
        sum(points_paid_cents) as points_paid_cents,
        sum(refunded_cents) as refunded_cents,
        sum(cancelled_after_payment_cents) as cancelled_after_payment_cents,
        sum(net_revenue_cents) as net_revenue_cents,
        sum(paid_orders) as paid_orders,
        sum(case when gross_cents - discount_cents + shipping_cents + tax_cents <> gmv_cents
            then 1 else 0 end) as broken_rows
    from {{ ref('fct_daily_revenue') }}
    group by revenue_date
),

channels as (
    select
        revenue_date,
        sum(gmv_cents) as gmv_cents,
        sum(net_revenue_cents) as net_revenue_cents,
        sum(paid_orders) as paid_orders
    from {{ ref('fct_daily_revenue_by_channel') }}
    group by revenue_date
),

kpis as (
    select * from {{ ref('fct_daily_kpis') }}
    where gmv_cents <> 0 or refunded_cents <> 0 or cancelled_after_payment_cents <> 0
        or points_paid_cents <> 0
)

select
    coalesce(revenue.revenue_date, kpis.kpi_date) as day,
    revenue.gmv_cents,
    kpis.gmv_cents as kpi_gmv_cents,
    revenue.net_revenue_cents,
    kpis.net_revenue_cents as kpi_net_revenue_cents,
    channels.gmv_cents as channel_gmv_cents
from revenue
full outer join kpis on revenue.revenue_date = kpis.kpi_date
left join channels on revenue.revenue_date = channels.revenue_date
where revenue.revenue_date is null
    or kpis.kpi_date is null
    or revenue.broken_rows > 0
    or revenue.gmv_cents <> kpis.gmv_cents
    or revenue.paid_orders <> kpis.paid_orders
    or revenue.refunded_cents <> kpis.refunded_cents
    or revenue.cancelled_after_payment_cents <> kpis.cancelled_after_payment_cents
    or revenue.net_revenue_cents <> kpis.net_revenue_cents
    or revenue.points_paid_cents <> kpis.points_paid_cents
    or revenue.net_revenue_cents
        <> revenue.gmv_cents - revenue.points_paid_cents - revenue.refunded_cents
        - revenue.cancelled_after_payment_cents
    or channels.gmv_cents is distinct from revenue.gmv_cents
    or channels.net_revenue_cents is distinct from revenue.net_revenue_cents
    or channels.paid_orders is distinct from revenue.paid_orders
