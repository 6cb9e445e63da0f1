select
    session_key,
    visitor_key,
    user_id,
    session_start_at,
    session_end_at,
    session_date,
    utm_source,
    utm_medium,
    utm_campaign,
    device,
    events,
    reached_product_view,
    reached_add_to_cart,
    reached_checkout_started,
    reached_order_created,
    reached_order_paid
from {{ ref('int_sessions_aggregated') }}
