{{ config(
    materialized='incremental',
    on_schema_change='append_new_columns',
    **day_incremental_config('activity_date'),
) }}
-- Product detail views (product_view events) against purchases of the product, per product
-- and UTC day. A day with views and no purchase, or purchases and no view, still gets a row.
with views as (
    select
        cast(occurred_at as date) as activity_date,
        product_id,
        count(*) as product_views,
        count(distinct coalesce(anonymous_id, user_id)) as viewers
    from {{ ref('stg_flywheel__events') }}
    where event_type = 'product_view'
        and product_id is not null
        and {{ incremental_window('cast(occurred_at as date)') }}
    group by cast(occurred_at as date), product_id
),

purchases as (
    select
        paid_date as activity_date,
        product_id,
        count(distinct order_id) as purchase_orders,
        sum(quantity) as units_purchased
    from {{ ref('int_order_lines_paid') }}
    where {{ incremental_window('paid_date') }}
    group by paid_date, product_id
),

keys as (
    select activity_date, product_id from views
    union
    select activity_date, product_id from purchases
)

select
    keys.activity_date,
    keys.product_id,
    cast(coalesce(views.product_views, 0) as bigint) as product_views,
    cast(coalesce(views.viewers, 0) as bigint) as viewers,
    cast(coalesce(purchases.purchase_orders, 0) as bigint) as purchase_orders,
    cast(coalesce(purchases.units_purchased, 0) as bigint) as units_purchased,
    cast(
        case when coalesce(views.product_views, 0) = 0 then null
        else cast(coalesce(purchases.purchase_orders, 0) as double) / views.product_views end
        as double
    ) as view_to_purchase_rate,
    cast(
        case when coalesce(views.product_views, 0) = 0 then null
        else cast(coalesce(purchases.units_purchased, 0) as double) / views.product_views end
        as double
    ) as units_per_view
from keys
left join views
    on keys.activity_date = views.activity_date and keys.product_id = views.product_id
left join purchases
    on keys.activity_date = purchases.activity_date and keys.product_id = purchases.product_id
