-- Paid order lines credited to a recommendation click: the buyer clicked that product in a
-- recommended list at most var('recommendation_attribution_hours') before placing the order
-- (clicked_at <= the order's created_at). A line is credited once, to the LAST such click
-- (ties by event_id), so two clicks before one order count one order line.
{%- set hours = var('recommendation_attribution_hours') | int %}

with clicks as (
    select
        event_id as click_event_id,
        occurred_at as clicked_at,
        occurred_date as click_date,
        list_id,
        placement,
        model,
        model_version,
        variant,
        list_position,
        product_id,
        person_user_id
    from {{ ref('int_recommendation_events_identified') }}
    where recommendation_event = 'clicked' and person_user_id is not null
),

lines as (
    select
        paid.order_item_id,
        paid.order_id,
        paid.user_id,
        paid.product_id,
        paid.currency,
        paid.quantity,
        paid.line_total_cents,
        orders.created_at as ordered_at,
        paid.paid_at
    from {{ ref('int_order_lines_paid') }} as paid
    inner join {{ ref('int_orders_enriched') }} as orders on orders.order_id = paid.order_id
),

candidates as (
    select
        lines.order_item_id,
        lines.order_id,
        lines.user_id,
        lines.product_id,
        lines.currency,
        lines.quantity,
        lines.line_total_cents,
        lines.ordered_at,
        lines.paid_at,
        clicks.click_event_id,
        clicks.clicked_at,
        clicks.click_date,
        clicks.list_id,
        clicks.placement,
        clicks.model,
        clicks.model_version,
        clicks.variant,
        clicks.list_position,
        row_number() over (
            partition by lines.order_item_id
            order by clicks.clicked_at desc, clicks.click_event_id desc
        ) as click_rank
    from lines
    inner join clicks
        on clicks.person_user_id = lines.user_id
        and clicks.product_id = lines.product_id
        and clicks.clicked_at <= lines.ordered_at
        and clicks.clicked_at >= {{ dbt.dateadd('hour', -1 * hours, 'lines.ordered_at') }}
)

select
    order_item_id,
    order_id,
    user_id,
    product_id,
    currency,
    quantity,
    line_total_cents,
    ordered_at,
    paid_at,
    click_event_id,
    clicked_at,
    click_date,
    list_id,
    placement,
    model,
    model_version,
    variant,
    list_position
from candidates
where click_rank = 1
