select
    cast(id as varchar) as product_id,
    cast(category_id as varchar) as category_id,
    cast(merchant_id as varchar) as merchant_id,
    cast(brand_id as varchar) as brand_id,
    cast(name as varchar) as product_name,
    cast(description as varchar) as product_description,
    cast(status as varchar) as status,
    cast(spec as varchar) as spec_json,
    {{ json_string_list('images') }} as images,
    {{ json_string_list('labels') }} as labels,
    cast(sold_count as bigint) as sold_count,
    cast(created_at as timestamp) as created_at,
    cast(updated_at as timestamp) as updated_at,
    cast(listed_at as timestamp) as listed_at
from {{ source('oltp', 'products') }}
