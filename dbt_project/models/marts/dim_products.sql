with skus as (
    select
        product_id,
        min(price_cents) as min_price_cents,
        max(price_cents) as max_price_cents,
        count(*) as sku_count
    from {{ ref('stg_oltp__skus') }}
    group by product_id
)

select
    products.product_id,
    products.product_name,
    products.category_id,
    categories.category_name,
    skus.min_price_cents,
    skus.max_price_cents,
    cast(coalesce(skus.sku_count, 0) as bigint) as sku_count,
    products.created_at
from {{ ref('stg_oltp__products') }} as products
left join {{ ref('stg_oltp__categories') }} as categories
    on products.category_id = categories.category_id
left join skus on products.product_id = skus.product_id
