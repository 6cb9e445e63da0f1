-- What promotions and coupons cost per UTC day of payment: their applications on orders
-- that were paid and not cancelled (fct_orders), so a cancelled or unpaid order's discount
-- is never a cost. Dated by paid_at, as GMV is.
with paid_applications as (
    select
        applications.*,
        cast(orders.paid_at as date) as cost_date
    from {{ ref('stg_flywheel__promotion_applications') }} as applications
    inner join {{ ref('fct_orders') }} as orders
        on applications.order_id = orders.order_id
    where orders.is_paid and orders.status <> 'cancelled'
),

daily as (
    select
        promotion_id,
        discount_source,
        cost_date,
        currency,
        cast(coalesce(funded_by_merchant_id, 'platform') as {{ dbt.type_string() }})
            as funded_by,
        cast(coalesce(campaign, '(none)') as {{ dbt.type_string() }}) as campaign,
        count(distinct order_id) as orders,
        sum(discount_cents) as discount_cents,
        sum(shipping_discount_cents) as shipping_discount_cents,
        sum(gift_value_cents) as gift_value_cents
    from paid_applications
    group by promotion_id, discount_source, cost_date, currency,
             coalesce(funded_by_merchant_id, 'platform'), coalesce(campaign, '(none)')
)

select
    {{ dbt.hash(dbt.concat([
        "daily.promotion_id", "'|'", "daily.discount_source", "'|'",
        "cast(daily.cost_date as " ~ dbt.type_string() ~ ")", "'|'", "daily.currency", "'|'",
        "daily.funded_by", "'|'", "daily.campaign"
    ])) }} as cost_key,
    daily.promotion_id,
    daily.discount_source,
    coalesce(promotions.promotion_name, templates.template_name) as promotion_name,
    daily.cost_date,
    daily.currency,
    daily.funded_by,
    daily.campaign,
    cast(daily.orders as bigint) as orders,
    cast(daily.discount_cents as bigint) as discount_cents,
    cast(daily.shipping_discount_cents as bigint) as shipping_discount_cents,
    cast(daily.gift_value_cents as bigint) as gift_value_cents,
    cast(daily.discount_cents + daily.shipping_discount_cents + daily.gift_value_cents
         as bigint) as discount_cost_cents
from daily
left join {{ ref('dim_promotions') }} as promotions
    on daily.discount_source = 'promotion' and daily.promotion_id = promotions.promotion_id
left join {{ ref('dim_coupon_templates') }} as templates
    on daily.discount_source = 'coupon' and daily.promotion_id = templates.template_id
