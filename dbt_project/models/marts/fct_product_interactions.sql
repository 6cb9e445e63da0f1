-- Implicit feedback for the recommender (definitions in _marts.yml): views weigh 1,
-- add-to-carts 3, purchases 5. A purchase is a line of an order_created event whose order
-- was later paid, attributed to the session of the order_paid event. Incremental by
-- session_date like int_events_sessionized, whose window's sessions it re-reads: a row
-- belongs to the day of its session (a purchase, to the day of its payment's session).
-- Built here from the events directly: an intermediate copy of millions of rows cost as much
-- to write again as to compute.
{{ config(materialized='incremental', on_schema_change='fail',
          **day_incremental_config('session_date')) }}

{#- The events that count (quarantined sessions are not in fct_sessions, so their
    interactions are left out too), read once per use with the columns it needs rather than
    kept in a CTE: DuckDB would materialise every event's payload. -#}
{%- set counted -%}
    from {{ ref('int_events_sessionized') }} where not is_quarantined
{%- endset %}

with views_and_carts as (
    select
        event_id,
        visitor_key,
        user_id,
        session_key,
        session_date,
        product_id,
        case event_type when 'product_view' then 'view' else 'cart' end as interaction_type,
        case event_type when 'product_view' then 1 else 3 end as weight,
        occurred_at
    {{ counted }} and event_type in ('product_view', 'add_to_cart')
        and product_id is not null and {{ incremental_window('session_date') }}
),

-- The payments of the orders paid in the window, of any day: the order's first one counts,
-- even if the provider notified twice, and it may be another day's.
payments as (
    select
        event_id, visitor_key, user_id, session_key, session_date, order_id, occurred_at,
        row_number() over (partition by order_id order by occurred_at, event_id)
            as payment_rank
    {{ counted }} and event_type = 'order_paid' and order_id is not null
    {%- if is_incremental() and run_window() is not none %}
        and order_id in (
            select order_id {{ counted }} and event_type = 'order_paid'
                and {{ incremental_window('session_date') }})
    {%- endif %}
),

paid as (
    select * from payments
    where payment_rank = 1 and {{ incremental_window('session_date') }}
),

created_lines as (
    select
        order_id,
        {{ explode_list(json_struct_list('payload', 'items',
                                         [['product_id', 'varchar'], ['sku_id', 'varchar'],
                                          ['quantity', 'bigint']])) }} as line
    {{ counted }} and event_type = 'order_created' and order_id in (select order_id from paid)
),

created_products as (
    select distinct order_id, line.product_id as product_id
    from created_lines
    where line.product_id is not null
),

purchases as (
    select
        paid.event_id,
        paid.visitor_key,
        paid.user_id,
        paid.session_key,
        paid.session_date,
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
    occurred_at,
    session_date
from unioned
