-- Spend against attributed revenue per day, campaign, channel and attribution model. A
-- day's revenue is the credit of orders paid that day (as GMV is dated); its cost is what
-- operators entered for that day. Channels nobody pays for (direct, organic) have rows with
-- cost 0 and no ROI; a campaign that cost money and earned nothing has revenue 0.
-- Discounts of promotions and coupons serving a campaign are a cost of it too: on paid,
-- uncancelled orders, dated by payment, on the row of the order's last touch.
with revenue as (
    select
        conversion_date as report_date,
        utm_campaign,
        utm_source,
        utm_medium,
        attribution_model,
        currency,
        sum(attributed_revenue_cents) as attributed_revenue_cents,
        sum(credit_share) as attributed_orders
    from {{ ref('fct_attribution') }}
    group by conversion_date, utm_campaign, utm_source, utm_medium, attribution_model, currency
),

costs as (
    select
        costs.cost_date as report_date,
        costs.utm_campaign,
        costs.utm_source,
        costs.utm_medium,
        models.attribution_model,
        costs.currency,
        costs.amount_cents as cost_cents
    from {{ ref('int_campaign_costs_current') }} as costs
    cross join ({{ attribution_model_rows() }}) as models
),

-- the order's last touch names the channel a discount goes to (one row per paid order)
last_touches as (
    select order_id, conversion_date, utm_source, utm_medium
    from {{ ref('fct_attribution') }}
    where attribution_model = 'last_touch' and touch_number = touches_in_path
),

discounts as (
    select
        last_touches.conversion_date as report_date,
        applications.campaign as utm_campaign,
        last_touches.utm_source,
        last_touches.utm_medium,
        applications.currency,
        sum(applications.discount_cents + applications.shipping_discount_cents
            + applications.gift_value_cents) as discount_cost_cents
    from {{ ref('stg_flywheel__promotion_applications') }} as applications
    inner join {{ ref('fct_orders') }} as orders
        on applications.order_id = orders.order_id
    inner join last_touches on applications.order_id = last_touches.order_id
    where applications.campaign is not null and orders.is_paid and orders.status <> 'cancelled'
    group by last_touches.conversion_date, applications.campaign, last_touches.utm_source,
             last_touches.utm_medium, applications.currency
),

discount_rows as (
    select discounts.*, models.attribution_model
    from discounts
    cross join ({{ attribution_model_rows() }}) as models
),

-- revenue, spend and discounts side by side on one row per key
parts as (
    select
        report_date, utm_campaign, utm_source, utm_medium, attribution_model, currency,
        0 as cost_cents, attributed_revenue_cents, attributed_orders,
        0 as discount_cost_cents
    from revenue
    union all
    select
        report_date, utm_campaign, utm_source, utm_medium, attribution_model, currency,
        cost_cents, 0 as attributed_revenue_cents, 0 as attributed_orders,
        0 as discount_cost_cents
    from costs
    union all
    select
        report_date, utm_campaign, utm_source, utm_medium, attribution_model, currency,
        0 as cost_cents, 0 as attributed_revenue_cents, 0 as attributed_orders,
        discount_cost_cents
    from discount_rows
),

joined as (
    select
        report_date,
        utm_campaign,
        utm_source,
        utm_medium,
        attribution_model,
        currency,
        cast(sum(cost_cents) as {{ dbt.type_bigint() }}) as cost_cents,
        cast(sum(attributed_revenue_cents) as {{ dbt.type_bigint() }})
            as attributed_revenue_cents,
        cast(sum(attributed_orders) as double) as attributed_orders,
        cast(sum(discount_cost_cents) as {{ dbt.type_bigint() }}) as discount_cost_cents
    from parts
    group by report_date, utm_campaign, utm_source, utm_medium, attribution_model, currency
)

select
    {{ dbt.hash(dbt.concat([
        "cast(report_date as " ~ dbt.type_string() ~ ")", "'|'", "utm_campaign", "'|'",
        "utm_source", "'|'", "utm_medium", "'|'", "attribution_model", "'|'", "currency"
    ])) }} as roi_key,
    report_date,
    utm_campaign,
    utm_source,
    utm_medium,
    {{ channel_label('utm_source', 'utm_medium') }} as channel,
    attribution_model,
    currency,
    cost_cents,
    attributed_revenue_cents,
    attributed_orders,
    case when cost_cents > 0
        then cast(attributed_revenue_cents - cost_cents as double) / cost_cents end as roi,
    case when cost_cents > 0
        then cast(attributed_revenue_cents as double) / cost_cents end as roas,
    discount_cost_cents,
    case when cost_cents + discount_cost_cents > 0
        then cast(attributed_revenue_cents - cost_cents - discount_cost_cents as double)
            / (cost_cents + discount_cost_cents)
    end as roi_net_of_discounts
from joined
