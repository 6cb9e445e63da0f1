{{ config(
    materialized='incremental',
    **day_incremental_config('conversion_date'),
) }}
{#- Conversion paths: each paid order with the sessions of its buyer that started in the
    var('attribution_lookback_days') days up to its payment (the order's paid_at, as GMV is
    dated). One row per touch, numbered in time order; an order with no such session gets
    one touch of its own with source and medium '(not set)', so credits always add up to
    the order's revenue. Keyed by the conversion day: a run recomputes the days of its
    window (macros/incremental_window.sql), reading sessions from lookback days before. -#}
{%- set lookback = var('attribution_lookback_days', 30) | int %}

with orders as (
    select
        order_id,
        user_id,
        currency,
        total_cents as revenue_cents,
        paid_at as converted_at,
        paid_date as conversion_date
    from {{ ref('int_orders_enriched') }}
    where is_paid and {{ incremental_window('paid_date') }}
),

sessions as (
    select
        session_key,
        -- Identity stitching: set var attribution_user_column to fct_sessions' stitched
        -- user column, so a buyer's anonymous sessions before sign-in become touches too.
        {{ var('attribution_user_column', 'user_id') }} as touch_user_id,
        session_start_at,
        utm_source,
        utm_medium,
        utm_campaign
    from {{ ref('fct_sessions') }}
    where {{ var('attribution_user_column', 'user_id') }} is not null
    {%- if is_incremental() and run_window() is not none %}
        and session_start_at >= {{ dbt.dateadd('day', -1 * lookback, window_start()) }}
    {%- endif %}
),

touched as (
    select
        orders.*,
        sessions.session_key,
        sessions.session_start_at,
        sessions.utm_source,
        sessions.utm_medium,
        sessions.utm_campaign
    from orders
    left join sessions
        on sessions.touch_user_id = orders.user_id
        and sessions.session_start_at <= orders.converted_at
        and sessions.session_start_at >= {{ dbt.dateadd('day', -1 * lookback,
                                                        'orders.converted_at') }}
),

labelled as (
    select
        order_id,
        user_id,
        currency,
        revenue_cents,
        converted_at,
        conversion_date,
        session_key,
        coalesce(session_start_at, converted_at) as touched_at,
        -- GA4's labels: no UTM is direct traffic; no session at all is not set
        coalesce(utm_source, case when session_key is null then '(not set)'
                                  else '(direct)' end) as utm_source,
        coalesce(utm_medium, case when session_key is null then '(not set)'
                                  else '(none)' end) as utm_medium,
        coalesce(utm_campaign, '(not set)') as utm_campaign
    from touched
)

select
    order_id,
    cast(row_number() over (
        partition by order_id order by touched_at, session_key
    ) as {{ dbt.type_bigint() }}) as touch_number,
    cast(count(*) over (partition by order_id) as {{ dbt.type_bigint() }}) as touches_in_path,
    user_id,
    currency,
    revenue_cents,
    converted_at,
    conversion_date,
    session_key,
    touched_at,
    cast(touched_at as date) as touch_date,
    {{ seconds_between('touched_at', 'converted_at') }} / 86400.0 as days_before_conversion,
    utm_source,
    utm_medium,
    utm_campaign,
    {{ channel_label('utm_source', 'utm_medium') }} as channel
from labelled
