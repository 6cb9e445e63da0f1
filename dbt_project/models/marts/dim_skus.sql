with components as (
    select
        bundle_sku_id,
        count(*) as bundle_components
    from {{ ref('stg_oltp__bundle_components') }}
    group by bundle_sku_id
)

select
    skus.sku_id,
    skus.product_id,
    products.product_name,
    skus.sku_code,
    skus.sku_name,
    skus.sku_kind,
    skus.price_cents,
    skus.currency,
    skus.weight_grams,
    skus.length_cm,
    skus.width_cm,
    skus.height_cm,
    coalesce(presale.ship_from_date, skus.ship_from_date) as ship_from_date,
    presale.presale_quota,
    presale.presale_taken,
    cast(coalesce(components.bundle_components, 0) as bigint) as bundle_components,
    skus.created_at
from {{ ref('stg_oltp__skus') }} as skus
left join {{ ref('stg_oltp__products') }} as products on skus.product_id = products.product_id
left join {{ ref('stg_oltp__presale_allotments') }} as presale on skus.sku_id = presale.sku_id
left join components on skus.sku_id = components.bundle_sku_id
