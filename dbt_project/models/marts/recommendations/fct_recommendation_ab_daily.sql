-- The A/B view of recommendations per UTC day and variant: who was exposed, how they
-- clicked, and whether they bought (any paid order, not only attributed lines) within the
-- attribution window after their first exposure of the day.
{%- set currency = var('recommendation_currency') %}
{%- set hours = var('recommendation_attribution_hours') | int %}

with events as (
    select * from {{ ref('int_recommendation_events_identified') }}
),

activity as (
    select
        occurred_date as activity_date,
        variant,
        {{ recommendation_impressions_and_clicks() }},
        count(distinct case when recommendation_event = 'shown' then visitor_key end)
            as exposed_visitors,
        count(distinct case when recommendation_event = 'clicked' then visitor_key end)
            as clicking_visitors
    from events
    group by occurred_date, variant
),

first_exposures as (
    select
        occurred_date as activity_date,
        variant,
        person_user_id,
        min(occurred_at) as first_exposed_at
    from events
    where recommendation_event = 'shown' and person_user_id is not null
    group by occurred_date, variant, person_user_id
),

orders as (
    select
        order_id,
        user_id,
        created_at,
        case when currency = '{{ currency }}' then total_cents + points_discount_cents
             else 0 end as gmv_cents
    from {{ ref('int_orders_enriched') }}
    where is_paid
),

converted as (
    -- an order counts once per day and variant, however many exposures it follows
    select distinct
        first_exposures.activity_date,
        first_exposures.variant,
        first_exposures.person_user_id,
        orders.order_id,
        orders.gmv_cents
    from first_exposures
    inner join orders
        on orders.user_id = first_exposures.person_user_id
        and orders.created_at >= first_exposures.first_exposed_at
        and orders.created_at <= {{ dbt.dateadd('hour', hours,
                                                'first_exposures.first_exposed_at') }}
),

conversions as (
    select
        activity_date,
        variant,
        count(distinct person_user_id) as converted_visitors,
        count(distinct order_id) as orders,
        sum(gmv_cents) as gmv_cents
    from converted
    group by activity_date, variant
),

attributed as (
    select
        click_date,
        variant,
        sum(case when currency = '{{ currency }}' then line_total_cents else 0 end)
            as attributed_gmv_cents
    from {{ ref('int_recommendation_order_lines_attributed') }}
    group by click_date, variant
)

select
    cast(activity.activity_date as date) as activity_date,
    cast(activity.variant as {{ dbt.type_string() }}) as variant,
    cast(activity.exposed_visitors as bigint) as exposed_visitors,
    cast(activity.clicking_visitors as bigint) as clicking_visitors,
    cast(activity.impressions as bigint) as impressions,
    cast(activity.clicks as bigint) as clicks,
    cast(activity.clicks as double) / nullif(activity.impressions, 0) as ctr,
    cast(coalesce(conversions.converted_visitors, 0) as bigint) as converted_visitors,
    cast(coalesce(conversions.converted_visitors, 0) as double)
        / nullif(activity.exposed_visitors, 0) as conversion_rate,
    cast(coalesce(conversions.orders, 0) as bigint) as orders,
    cast(coalesce(conversions.gmv_cents, 0) as bigint) as gmv_cents,
    cast(coalesce(conversions.gmv_cents, 0) as double)
        / nullif(activity.exposed_visitors, 0) as gmv_cents_per_exposed_visitor,
    cast(coalesce(attributed.attributed_gmv_cents, 0) as bigint) as attributed_gmv_cents,
    cast('{{ currency }}' as {{ dbt.type_string() }}) as currency,
    cast({{ hours }} as integer) as attribution_hours
from activity
left join conversions
    on conversions.activity_date = activity.activity_date
    and conversions.variant = activity.variant
left join attributed
    on attributed.click_date = activity.activity_date
    and attributed.variant = activity.variant
