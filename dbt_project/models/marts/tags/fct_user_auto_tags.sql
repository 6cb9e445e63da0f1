-- The automatic tags, one row per user and tag (definitions in _tags.yml). Everything is
-- judged as of the warehouse's latest moment (its latest event or payment), which is also
-- computed_at: the same data gives the same rows on every engine and every rebuild.
{% set base_level = var('members_base_level', 'regular') %}

with orders as (
    select * from {{ ref('int_customer_orders') }}
),

as_of as (
    select greatest(
        (select max(occurred_at) from {{ ref('stg_flywheel__events') }}),
        (select max(paid_at) from orders)
    ) as computed_at
),

reference as (
    select computed_at, cast(computed_at as date) as as_of_date from as_of
),

rfm as (
    select user_id, rfm_segment from {{ ref('fct_customer_rfm') }}
),

buyers as (
    select user_id, count(*) as paid_orders, max(paid_date) as last_paid_date
    from orders
    group by user_id
),

dormant as (
    select buyers.user_id
    from buyers
    cross join reference
    where {{ dbt.datediff('buyers.last_paid_date', 'reference.as_of_date', 'day') }}
        >= {{ var('dormant_days', 90) }}
),

units as (
    select
        orders.user_id,
        sum(items.quantity) as units,
        sum(case when items.discount_cents > 0 then items.quantity else 0 end)
            as discounted_units
    from {{ ref('stg_oltp__order_items') }} as items
    inner join orders on items.order_id = orders.order_id
    group by orders.user_id
),

price_sensitive as (
    select user_id
    from units
    where units >= {{ var('price_sensitive_min_units', 2) }}
        and 2 * discounted_units > units
),

-- a return: a return or exchange request that was neither rejected nor withdrawn
returned_orders as (
    select user_id, count(distinct order_id) as orders_returned
    from {{ ref('fct_after_sales') }}
    where request_type in ('return_refund', 'exchange')
        and user_id is not null
        and coalesce(decision, 'approve') <> 'reject'
        and coalesce(resolution, 'open') not in ('withdrawn', 'rejected')
    group by user_id
),

frequent_returner as (
    select returned_orders.user_id
    from returned_orders
    inner join buyers on returned_orders.user_id = buyers.user_id
    where returned_orders.orders_returned >= {{ var('frequent_returner_min_orders', 2) }}
        and 100 * returned_orders.orders_returned
            >= {{ var('frequent_returner_min_share_pct', 30) }} * buyers.paid_orders
),

-- members as fct_member_levels_daily counts them: from their first growth, points or
-- level event, at the base level until their latest change
level_changes as (
    select
        user_id,
        to_level,
        row_number() over (
            partition by user_id order by changed_at desc, event_id desc
        ) as recency
    from {{ ref('stg_flywheel__member_level_changes') }}
),

members as (
    select user_id from {{ ref('stg_flywheel__growth_entries') }}
    union
    select user_id from {{ ref('stg_flywheel__points_entries') }}
    union
    select user_id from level_changes
),

member_level as (
    select members.user_id, coalesce(level_changes.to_level, '{{ base_level }}') as level
    from members
    left join level_changes
        on members.user_id = level_changes.user_id and level_changes.recency = 1
),

tags as (
    select user_id, 'rfm_segment' as tag, rfm_segment as tag_value from rfm
    union all
    select user_id, 'high_potential' as tag, 'true' as tag_value
    from rfm where rfm_segment in ('potential_loyalist', 'promising')
    union all
    select user_id, 'dormant_90d' as tag, 'true' as tag_value from dormant
    union all
    select user_id, 'price_sensitive' as tag, 'true' as tag_value from price_sensitive
    union all
    select user_id, 'frequent_returner' as tag, 'true' as tag_value from frequent_returner
    union all
    select user_id, 'member_level' as tag, level as tag_value from member_level
)

select
    cast(tags.user_id as {{ dbt.type_string() }}) as user_id,
    cast(tags.tag as {{ dbt.type_string() }}) as tag,
    cast(tags.tag_value as {{ dbt.type_string() }}) as tag_value,
    cast(reference.computed_at as timestamp) as computed_at,
    cast(reference.as_of_date as date) as as_of_date
from tags
cross join reference
where tags.user_id is not null
