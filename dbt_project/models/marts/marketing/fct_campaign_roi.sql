-- Spend against attributed revenue per day, campaign, channel and attribution model. A
-- day's revenue is the credit of orders paid that day (as GMV is dated); its cost is what
-- operators entered for that day. Channels nobody pays for (direct, organic) have rows with
-- cost 0 and no ROI; a campaign that cost money and earned nothing has revenue 0.
-- Discounts of promotions and coupons serving a campaign are a cost of it too: on paid,
-- uncancelled orders, dated by payment, on the row of the order's last touch.
-- The growth plays' costs go to that same row under the last touch's campaign: the
-- campaign that brought the buyer to a flash sale or a group pays for its discount.
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
    select order_id, conversion_date, utm_campaign, utm_source, utm_medium
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

-- what each paid order's plays cost: flash and group prices below list, the points' worth
-- (at checkout, or spent in the points mall less what came back), and promoters'
-- commissions (accrued less reversed)
play_lines as (
    select
        order_id,
        sum(case when price_kind = 'flash'
            then (list_price_cents - unit_price_cents) * quantity else 0 end)
            as flash_discount_cents,
        sum(case when price_kind = 'group'
            then (list_price_cents - unit_price_cents) * quantity else 0 end)
            as group_discount_cents
    from {{ ref('stg_oltp__order_items') }}
    where price_kind in ('flash', 'group')
    group by order_id
),

mall_points as (
    select order_id, sum(points_value_cents) as points_cents
    from {{ ref('stg_flywheel__points_mall_redemptions') }}
    where order_id is not null
    group by order_id
    union all
    select order_id, -sum(points_value_cents) as points_cents
    from {{ ref('stg_flywheel__points_mall_give_backs') }}
    where order_id is not null
    group by order_id
),

commissions as (
    select
        order_id,
        sum(case when activity = 'accrued' then amount_cents
                 when activity = 'reversed' then -amount_cents else 0 end)
            as commission_cents
    from {{ ref('stg_flywheel__promoter_activity') }}
    where order_id is not null and activity in ('accrued', 'reversed')
    group by order_id
),

play_order_costs as (
    select
        orders.order_id,
        orders.currency,
        coalesce(play_lines.flash_discount_cents, 0) as flash_discount_cents,
        coalesce(play_lines.group_discount_cents, 0) as group_discount_cents,
        orders.points_discount_cents + coalesce(mall.points_cents, 0) as points_cost_cents,
        coalesce(commissions.commission_cents, 0) as commission_cents
    from {{ ref('fct_orders') }} as orders
    left join play_lines on play_lines.order_id = orders.order_id
    left join (
        select order_id, sum(points_cents) as points_cents from mall_points group by order_id
    ) as mall on mall.order_id = orders.order_id
    left join commissions on commissions.order_id = orders.order_id
    where orders.is_paid and orders.status <> 'cancelled'
),

play_costs as (
    select
        last_touches.conversion_date as report_date,
        last_touches.utm_campaign,
        last_touches.utm_source,
        last_touches.utm_medium,
        costs.currency,
        sum(costs.flash_discount_cents) as flash_discount_cents,
        sum(costs.group_discount_cents) as group_discount_cents,
        sum(costs.points_cost_cents) as points_cost_cents,
        sum(costs.commission_cents) as commission_cents
    from play_order_costs as costs
    inner join last_touches on costs.order_id = last_touches.order_id
    where costs.flash_discount_cents <> 0 or costs.group_discount_cents <> 0
        or costs.points_cost_cents <> 0 or costs.commission_cents <> 0
    group by last_touches.conversion_date, last_touches.utm_campaign,
             last_touches.utm_source, last_touches.utm_medium, costs.currency
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
        0 as discount_cost_cents, 0 as flash_discount_cents, 0 as group_discount_cents,
        0 as points_cost_cents, 0 as commission_cents
    from revenue
    union all
    select
        report_date, utm_campaign, utm_source, utm_medium, attribution_model, currency,
        cost_cents, 0 as attributed_revenue_cents, 0 as attributed_orders,
        0 as discount_cost_cents, 0 as flash_discount_cents, 0 as group_discount_cents,
        0 as points_cost_cents, 0 as commission_cents
    from costs
    union all
    select
        report_date, utm_campaign, utm_source, utm_medium, attribution_model, currency,
        0 as cost_cents, 0 as attributed_revenue_cents, 0 as attributed_orders,
        discount_cost_cents, 0 as flash_discount_cents, 0 as group_discount_cents,
        0 as points_cost_cents, 0 as commission_cents
    from discount_rows
    union all
    select
        play_costs.report_date, play_costs.utm_campaign, play_costs.utm_source,
        play_costs.utm_medium, models.attribution_model, play_costs.currency,
        0 as cost_cents, 0 as attributed_revenue_cents, 0 as attributed_orders,
        0 as discount_cost_cents, play_costs.flash_discount_cents,
        play_costs.group_discount_cents, play_costs.points_cost_cents,
        play_costs.commission_cents
    from play_costs
    cross join ({{ attribution_model_rows() }}) as models
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
        cast(sum(discount_cost_cents) as {{ dbt.type_bigint() }}) as discount_cost_cents,
        cast(sum(flash_discount_cents) as {{ dbt.type_bigint() }}) as flash_discount_cents,
        cast(sum(group_discount_cents) as {{ dbt.type_bigint() }}) as group_discount_cents,
        cast(sum(points_cost_cents) as {{ dbt.type_bigint() }}) as points_cost_cents,
        cast(sum(commission_cents) as {{ dbt.type_bigint() }}) as commission_cents
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
    end as roi_net_of_discounts,
    flash_discount_cents,
    group_discount_cents,
    points_cost_cents,
    commission_cents,
    cast(flash_discount_cents + group_discount_cents + points_cost_cents + commission_cents
         as {{ dbt.type_bigint() }}) as play_cost_cents,
    case when cost_cents + discount_cost_cents + flash_discount_cents + group_discount_cents
              + points_cost_cents + commission_cents > 0
        then cast(attributed_revenue_cents - cost_cents - discount_cost_cents
                  - flash_discount_cents - group_discount_cents - points_cost_cents
                  - commission_cents as double)
            / (cost_cents + discount_cost_cents + flash_discount_cents
               + group_discount_cents + points_cost_cents + commission_cents)
    end as roi_net_of_all_costs
from joined
