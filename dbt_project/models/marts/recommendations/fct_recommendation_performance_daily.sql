-- Recommendation lists per UTC day, placement, model and A/B variant: what was shown, what
-- was clicked, and the paid order lines credited to those clicks (on the click's day).
{%- set currency = var('recommendation_currency') %}

with events as (
    select * from {{ ref('int_recommendation_events_identified') }}
),

activity as (
    select
        occurred_date as activity_date,
        placement,
        model,
        variant,
        count(distinct case when recommendation_event = 'shown' then list_id end)
            as lists_shown,
        {{ recommendation_impressions_and_clicks() }},
        count(distinct case when recommendation_event = 'shown' then person_user_id end)
            as exposed_users,
        count(distinct case when recommendation_event = 'shown' then visitor_key end)
            as exposed_visitors
    from events
    group by occurred_date, placement, model, variant
),

attributed as (
    select
        click_date,
        placement,
        model,
        variant,
        count(distinct order_id) as attributed_orders,
        count(*) as attributed_order_lines,
        sum(case when currency = '{{ currency }}' then line_total_cents else 0 end)
            as attributed_gmv_cents
    from {{ ref('int_recommendation_order_lines_attributed') }}
    group by click_date, placement, model, variant
)

select
    cast(activity.activity_date as date) as activity_date,
    cast(activity.placement as {{ dbt.type_string() }}) as placement,
    cast(activity.model as {{ dbt.type_string() }}) as model,
    cast(activity.variant as {{ dbt.type_string() }}) as variant,
    cast(activity.lists_shown as bigint) as lists_shown,
    cast(activity.impressions as bigint) as impressions,
    cast(activity.clicks as bigint) as clicks,
    cast(activity.clicks as double) / nullif(activity.impressions, 0) as ctr,
    cast(activity.exposed_users as bigint) as exposed_users,
    cast(activity.exposed_visitors as bigint) as exposed_visitors,
    cast(coalesce(attributed.attributed_orders, 0) as bigint) as attributed_orders,
    cast(coalesce(attributed.attributed_order_lines, 0) as bigint) as attributed_order_lines,
    cast(coalesce(attributed.attributed_gmv_cents, 0) as bigint) as attributed_gmv_cents,
    cast('{{ currency }}' as {{ dbt.type_string() }}) as currency,
    cast({{ var('recommendation_attribution_hours') | int }} as integer) as attribution_hours
from activity
left join attributed
    on attributed.click_date = activity.activity_date
    and attributed.placement = activity.placement
    and attributed.model = activity.model
    and attributed.variant = activity.variant
