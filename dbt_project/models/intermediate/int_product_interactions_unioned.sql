-- Implicit feedback for the recommender: views weigh 1, add-to-carts 3, purchases 5. A
-- purchase is a line of an order_created event whose order was later paid, attributed to
-- the session of the order_paid event.
with events as (
    -- quarantined sessions are not in fct_sessions, so their interactions are left out too
    select * from {{ ref('int_events_sessionized') }}
    where not is_quarantined
),

views_and_carts as (
    select
        event_id,
        visitor_key,
        user_id,
        session_key,
        product_id,
        case event_type when 'product_view' then 'view' else 'cart' end as interaction_type,
        case event_type when 'product_view' then 1 else 3 end as weight,
        occurred_at
    from events
    where event_type in ('product_view', 'add_to_cart') and product_id is not null
),

created_lines as (
    select
        order_id,
        unnest(
            from_json(
                json_extract(payload, '$.items'),
                '[{"product_id": "VARCHAR", "sku_id": "VARCHAR", "quantity": "BIGINT"}]'
            )
        ) as line
    from events
    where event_type = 'order_created'
),

created_products as (
    select distinct order_id, line.product_id as product_id
    from created_lines
    where line.product_id is not null
),

paid as (
    select *
    from events
    where event_type = 'order_paid' and order_id is not null
    -- one payment event per order counts, even if the provider notified twice
    qualify row_number() over (partition by order_id order by occurred_at, event_id) = 1
),

purchases as (
    select
        paid.event_id,
        paid.visitor_key,
        paid.user_id,
        paid.session_key,
        created_products.product_id,
        'purchase' as interaction_type,
        5 as weight,
        paid.occurred_at
    from paid
    inner join created_products on paid.order_id = created_products.order_id
),

unioned as (
    select * from views_and_carts
    union all
    select * from purchases
)

select
    md5(event_id || '|' || product_id || '|' || interaction_type) as interaction_id,
    visitor_key,
    user_id,
    session_key,
    product_id,
    interaction_type,
    cast(weight as integer) as weight,
    occurred_at
from unioned
