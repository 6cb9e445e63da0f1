-- Funnel flags are cumulative: a step counts only when every earlier step happened in the
-- same session too, which keeps each step a subset of the one before.
with events as (
    select * from {{ ref('int_events_sessionized') }}
),

sessions as (
    select
        session_key,
        visitor_key,
        max(user_id) as user_id,
        min(occurred_at) as session_start_at,
        max(occurred_at) as session_end_at,
        arg_min(utm_source, occurred_at) filter (where utm_source is not null) as utm_source,
        arg_min(utm_medium, occurred_at) filter (where utm_medium is not null) as utm_medium,
        arg_min(utm_campaign, occurred_at) filter (where utm_campaign is not null)
            as utm_campaign,
        arg_min(device, occurred_at) filter (where device is not null) as device,
        count(*) as events,
        bool_or(event_type = 'product_view') as has_product_view,
        bool_or(event_type = 'add_to_cart') as has_add_to_cart,
        bool_or(event_type = 'checkout_started') as has_checkout_started,
        bool_or(event_type = 'order_created') as has_order_created,
        bool_or(event_type = 'order_paid') as has_order_paid
    from events
    group by session_key, visitor_key
)

select
    session_key,
    visitor_key,
    user_id,
    session_start_at,
    session_end_at,
    cast(session_start_at as date) as session_date,
    utm_source,
    utm_medium,
    utm_campaign,
    device,
    cast(events as bigint) as events,
    has_product_view as reached_product_view,
    has_product_view and has_add_to_cart as reached_add_to_cart,
    has_product_view and has_add_to_cart and has_checkout_started as reached_checkout_started,
    has_product_view and has_add_to_cart and has_checkout_started and has_order_created
        as reached_order_created,
    has_product_view and has_add_to_cart and has_checkout_started and has_order_created
        and has_order_paid as reached_order_paid
from sessions
