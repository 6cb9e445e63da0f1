-- Cross-border orders per UTC day of placement, destination country and currency.
with assessed as (
    select
        cast(assessed_at as date) as order_date,
        destination_country,
        currency,
        order_id,
        goods_cents,
        duties_cents,
        import_tax_cents
    from {{ ref('stg_flywheel__order_duties') }}
)

select
    cast(order_date as date) as order_date,
    cast(destination_country as {{ dbt.type_string() }}) as destination_country,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(count(distinct order_id) as bigint) as orders,
    cast(sum(goods_cents) as bigint) as goods_cents,
    cast(sum(duties_cents) as bigint) as duties_cents,
    cast(sum(import_tax_cents) as bigint) as import_tax_cents
from assessed
group by order_date, destination_country, currency
