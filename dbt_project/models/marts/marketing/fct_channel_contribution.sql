-- Each channel's part of a day's paid revenue and orders under each attribution model;
-- shares are of the day's revenue in the same model and currency (spend: fct_campaign_roi).
with credited as (
    select
        conversion_date,
        channel,
        utm_source,
        utm_medium,
        attribution_model,
        currency,
        sum(attributed_revenue_cents) as attributed_revenue_cents,
        sum(credit_share) as attributed_orders,
        count(distinct case when weight_units > 0 then order_id end) as orders_touched
    from {{ ref('fct_attribution') }}
    group by conversion_date, channel, utm_source, utm_medium, attribution_model, currency
)

select
    {{ dbt.hash(dbt.concat([
        "cast(conversion_date as " ~ dbt.type_string() ~ ")", "'|'", "channel", "'|'",
        "attribution_model", "'|'", "currency"
    ])) }} as contribution_key,
    conversion_date,
    channel,
    utm_source,
    utm_medium,
    attribution_model,
    currency,
    cast(attributed_revenue_cents as {{ dbt.type_bigint() }}) as attributed_revenue_cents,
    cast(attributed_orders as double) as attributed_orders,
    cast(orders_touched as {{ dbt.type_bigint() }}) as orders_touched,
    cast(attributed_revenue_cents as double) / nullif(sum(attributed_revenue_cents) over (
        partition by conversion_date, attribution_model, currency), 0) as revenue_share
from credited
