with skus as (
    select
        product_id,
        min(price_cents) as min_price_cents,
        max(price_cents) as max_price_cents,
        count(*) as sku_count,
        min(sku_kind) as first_kind,
        max(sku_kind) as last_kind
    from {{ ref('stg_oltp__skus') }}
    group by product_id
),

categories as (
    select * from {{ ref('stg_oltp__categories') }}
),

-- A category's ancestors (itself included) are the categories whose path of ids is a prefix
-- of its own; their names, root first, make the readable path. An ancestor must end its
-- own path with its id, so a path left at the default "/" never adopts the whole tree.
category_paths as (
    select
        categories.category_id,
        {{ dbt.listagg(
            'ancestors.category_name', "' > '", 'order by ancestors.category_depth'
        ) }} as category_path
    from categories
    inner join categories as ancestors
        on substring(
            categories.category_path_ids, 1, length(ancestors.category_path_ids)
        ) = ancestors.category_path_ids
        and {{ dbt.right('ancestors.category_path_ids', 'length(ancestors.category_id) + 2') }}
            = '/' || ancestors.category_id || '/'
    group by categories.category_id
)

select
    products.product_id,
    products.product_name,
    products.category_id,
    categories.category_name,
    skus.min_price_cents,
    skus.max_price_cents,
    cast(coalesce(skus.sku_count, 0) as bigint) as sku_count,
    products.created_at,
    cast(coalesce(category_paths.category_path, categories.category_name) as {{ dbt.type_string() }})
        as category_path,
    products.merchant_id,
    merchants.merchant_name,
    products.brand_id,
    brands.brand_name,
    products.status as product_status,
    cast(
        case
            when skus.product_id is null then null
            when skus.first_kind = skus.last_kind then skus.first_kind
            else 'mixed'
        end
        as {{ dbt.type_string() }}
    ) as product_kind,
    products.labels,
    products.sold_count,
    products.listed_at,
    products.updated_at
from {{ ref('stg_oltp__products') }} as products
left join categories on products.category_id = categories.category_id
left join category_paths on products.category_id = category_paths.category_id
left join {{ ref('stg_oltp__merchants') }} as merchants
    on products.merchant_id = merchants.merchant_id
left join {{ ref('stg_oltp__brands') }} as brands on products.brand_id = brands.brand_id
left join skus on products.product_id = skus.product_id
