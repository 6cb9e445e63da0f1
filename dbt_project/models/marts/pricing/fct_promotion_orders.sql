-- Paid orders with each promotion against the paid orders without it over the days it was
-- in use (first to last application date). Only orders paid and not cancelled count.
with applications as (
    select * from {{ ref('stg_flywheel__promotion_applications') }}
),

paid_orders as (
    select order_id, order_date, currency, gmv_cents
    from {{ ref('fct_orders') }}
    where is_paid and status <> 'cancelled'
),

promotions as (
    select
        promotion_id,
        discount_source,
        currency,
        min(applied_date) as first_applied_date,
        max(applied_date) as last_applied_date
    from applications
    group by promotion_id, discount_source, currency
),

-- one row per promotion and paid order with it, its cost summed over the applications
with_promotion as (
    select
        applications.promotion_id,
        applications.discount_source,
        applications.currency,
        applications.order_id,
        max(paid_orders.gmv_cents) as gmv_cents,
        sum(applications.discount_cents + applications.shipping_discount_cents
            + applications.gift_value_cents) as discount_cost_cents
    from applications
    inner join paid_orders
        on applications.order_id = paid_orders.order_id
        and applications.currency = paid_orders.currency
    group by applications.promotion_id, applications.discount_source, applications.currency,
             applications.order_id
),

with_totals as (
    select
        promotion_id,
        discount_source,
        currency,
        count(*) as orders_with,
        sum(gmv_cents) as revenue_with_cents,
        sum(discount_cost_cents) as discount_cents
    from with_promotion
    group by promotion_id, discount_source, currency
),

without_totals as (
    select
        promotions.promotion_id,
        promotions.discount_source,
        promotions.currency,
        count(*) as orders_without,
        sum(paid_orders.gmv_cents) as revenue_without_cents
    from promotions
    inner join paid_orders
        on paid_orders.currency = promotions.currency
        and paid_orders.order_date >= promotions.first_applied_date
        and paid_orders.order_date <= promotions.last_applied_date
    left join with_promotion
        on with_promotion.promotion_id = promotions.promotion_id
        and with_promotion.discount_source = promotions.discount_source
        and with_promotion.order_id = paid_orders.order_id
    where with_promotion.order_id is null
    group by promotions.promotion_id, promotions.discount_source, promotions.currency
),

figures as (
    select
        promotions.promotion_id,
        promotions.discount_source,
        promotions.currency,
        promotions.first_applied_date,
        promotions.last_applied_date,
        cast(coalesce(with_totals.orders_with, 0) as bigint) as orders_with,
        cast(coalesce(with_totals.revenue_with_cents, 0) as bigint) as revenue_with_cents,
        cast(coalesce(without_totals.orders_without, 0) as bigint) as orders_without,
        cast(coalesce(without_totals.revenue_without_cents, 0) as bigint)
            as revenue_without_cents,
        cast(coalesce(with_totals.discount_cents, 0) as bigint) as discount_cents
    from promotions
    left join with_totals
        on promotions.promotion_id = with_totals.promotion_id
        and promotions.discount_source = with_totals.discount_source
        and promotions.currency = with_totals.currency
    left join without_totals
        on promotions.promotion_id = without_totals.promotion_id
        and promotions.discount_source = without_totals.discount_source
        and promotions.currency = without_totals.currency
)

select
    {{ dbt.hash(dbt.concat([
        "figures.promotion_id", "'|'", "figures.discount_source", "'|'", "figures.currency"
    ])) }} as promotion_key,
    figures.promotion_id,
    figures.discount_source,
    coalesce(promotions.promotion_name, templates.template_name) as promotion_name,
    coalesce(promotions.campaign, templates.campaign) as campaign,
    figures.currency,
    figures.first_applied_date,
    figures.last_applied_date,
    figures.orders_with,
    figures.revenue_with_cents,
    case when figures.orders_with > 0 then cast(round(
        cast(figures.revenue_with_cents as double) / figures.orders_with) as bigint)
    end as aov_with_cents,
    figures.orders_without,
    figures.revenue_without_cents,
    case when figures.orders_without > 0 then cast(round(
        cast(figures.revenue_without_cents as double) / figures.orders_without) as bigint)
    end as aov_without_cents,
    figures.discount_cents,
    case when figures.revenue_with_cents > 0 then cast(round(
        10000.0 * figures.discount_cents / figures.revenue_with_cents) as bigint)
    end as discount_share_of_revenue_bp
from figures
left join {{ ref('dim_promotions') }} as promotions
    on figures.discount_source = 'promotion' and figures.promotion_id = promotions.promotion_id
left join {{ ref('dim_coupon_templates') }} as templates
    on figures.discount_source = 'coupon' and figures.promotion_id = templates.template_id
