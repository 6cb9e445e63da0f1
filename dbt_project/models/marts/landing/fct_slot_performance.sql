-- Resource-slot creatives per UTC day: impressions, clicks, CTR, and the paid orders and
-- revenue credited to their clicks (definitions in _landing.yml).
{%- set currency = var('landing_currency', 'USD') %}

with slot_events as (
    select * from {{ ref('int_landing_touches_sessionized') }}
    where landing_event in ('slot_impression', 'slot_click')
),

activity as (
    select
        slot,
        creative_id,
        occurred_date as activity_date,
        sum(case when landing_event = 'slot_impression' then 1 else 0 end) as impressions,
        sum(case when landing_event = 'slot_click' then 1 else 0 end) as clicks,
        count(distinct case when landing_event = 'slot_impression' then visitor_key end)
            as unique_viewers
    from slot_events
    group by slot, creative_id, occurred_date
),

attributed as (
    select
        slot,
        creative_id,
        touch_date,
        count(*) as attributed_orders,
        sum(case when currency = '{{ currency }}' then revenue_cents else 0 end)
            as attributed_revenue_cents
    from {{ ref('int_landing_orders_attributed') }}
    where touch_kind = 'slot'
    group by slot, creative_id, touch_date
)

select
    cast(activity.slot as {{ dbt.type_string() }}) as slot,
    cast(activity.creative_id as {{ dbt.type_string() }}) as creative_id,
    cast(activity.activity_date as date) as activity_date,
    cast(activity.impressions as bigint) as impressions,
    cast(activity.clicks as bigint) as clicks,
    cast(activity.clicks as double) / nullif(activity.impressions, 0) as ctr,
    cast(activity.unique_viewers as bigint) as unique_viewers,
    cast(coalesce(attributed.attributed_orders, 0) as bigint) as attributed_orders,
    cast(coalesce(attributed.attributed_revenue_cents, 0) as bigint)
        as attributed_revenue_cents,
    cast('{{ currency }}' as {{ dbt.type_string() }}) as currency
from activity
left join attributed
    on attributed.slot = activity.slot
    and attributed.creative_id = activity.creative_id
    and attributed.touch_date = activity.activity_date
