-- The points mall per item and UTC day: what was redeemed that day (redemptions, units,
-- points spent, cash charged, the points' worth in cents) and what was given back that day
-- (give-backs, points returned and their worth, units restocked), and the day's net
-- points cost in cents.
with redeemed as (
    select * from {{ ref('stg_flywheel__points_mall_redemptions') }}
),

given_back as (
    select * from {{ ref('stg_flywheel__points_mall_give_backs') }}
),

activity as (
    select
        item_id, item_kind, redeemed_date as activity_date, currency,
        1 as redemptions, quantity as units, points as points_spent, cash_cents,
        points_value_cents as points_cost_cents,
        0 as give_backs, 0 as points_given_back, 0 as points_given_back_cents,
        0 as units_restocked
    from redeemed
    union all
    select
        item_id, item_kind, given_back_date as activity_date, cast(null as {{
        dbt.type_string() }}) as currency,
        0, 0, 0, 0, 0,
        1, points, points_value_cents, units_restocked
    from given_back
),

item_currency as (
    select item_id, max(currency) as currency from redeemed group by item_id
)

select
    cast(activity.item_id as {{ dbt.type_string() }}) as item_id,
    cast(activity.activity_date as date) as activity_date,
    cast(max(activity.item_kind) as {{ dbt.type_string() }}) as item_kind,
    cast(max(item_currency.currency) as {{ dbt.type_string() }}) as currency,
    cast(sum(activity.redemptions) as bigint) as redemptions,
    cast(sum(activity.units) as bigint) as units,
    cast(sum(activity.points_spent) as bigint) as points_spent,
    cast(sum(activity.cash_cents) as bigint) as cash_cents,
    cast(sum(activity.points_cost_cents) as bigint) as points_cost_cents,
    cast(sum(activity.give_backs) as bigint) as give_backs,
    cast(sum(activity.points_given_back) as bigint) as points_given_back,
    cast(sum(activity.points_given_back_cents) as bigint) as points_given_back_cents,
    cast(sum(activity.units_restocked) as bigint) as units_restocked,
    cast(sum(activity.points_cost_cents) - sum(activity.points_given_back_cents) as bigint)
        as net_points_cost_cents
from activity
left join item_currency on item_currency.item_id = activity.item_id
group by activity.item_id, activity.activity_date
