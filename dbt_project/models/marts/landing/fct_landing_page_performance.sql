-- Landing pages per UTC day: views, viewers and sessions, and the paid orders and revenue
-- credited to them (definitions in _landing.yml).
{%- set currency = var('landing_currency', 'USD') %}

with views as (
    select * from {{ ref('int_landing_touches_sessionized') }}
    where landing_event = 'page_view'
),

activity as (
    select
        page_id,
        occurred_date as view_date,
        max(page_slug) as page_slug,
        count(*) as views,
        count(distinct visitor_key) as unique_viewers,
        count(distinct session_key) as sessions
    from views
    group by page_id, occurred_date
),

attributed as (
    select
        page_id,
        touch_date,
        count(*) as attributed_orders,
        sum(case when currency = '{{ currency }}' then revenue_cents else 0 end)
            as attributed_revenue_cents
    from {{ ref('int_landing_orders_attributed') }}
    where touch_kind = 'page'
    group by page_id, touch_date
)

select
    cast(activity.page_id as {{ dbt.type_string() }}) as page_id,
    cast(activity.view_date as date) as view_date,
    cast(activity.page_slug as {{ dbt.type_string() }}) as page_slug,
    cast(activity.views as bigint) as views,
    cast(activity.unique_viewers as bigint) as unique_viewers,
    cast(activity.sessions as bigint) as sessions,
    cast(coalesce(attributed.attributed_orders, 0) as bigint) as attributed_orders,
    cast(coalesce(attributed.attributed_revenue_cents, 0) as bigint)
        as attributed_revenue_cents,
    cast(coalesce(attributed.attributed_orders, 0) as double)
        / nullif(activity.sessions, 0) as session_conversion_rate,
    cast('{{ currency }}' as {{ dbt.type_string() }}) as currency
from activity
left join attributed
    on attributed.page_id = activity.page_id
    and attributed.touch_date = activity.view_date
