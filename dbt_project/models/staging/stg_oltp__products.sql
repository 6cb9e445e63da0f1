select
    cast(id as {{ dbt.type_string() }}) as product_id,
    cast(category_id as {{ dbt.type_string() }}) as category_id,
    cast(merchant_id as {{ dbt.type_string() }}) as merchant_id,
    cast(brand_id as {{ dbt.type_string() }}) as brand_id,
    cast(name as {{ dbt.type_string() }}) as product_name,
    cast(description as {{ dbt.type_string() }}) as product_description,
    cast(status as {{ dbt.type_string() }}) as status,
    cast(spec as {{ dbt.type_string() }}) as spec_json,
    {{ json_string_list('images') }} as images,
    {{ json_string_list('labels') }} as labels,
    cast(sold_count as bigint) as sold_count,
    cast(created_at as timestamp) as created_at,
    cast(updated_at as timestamp) as updated_at,
    cast(listed_at as timestamp) as listed_at
from {{ source('oltp', 'products') }}
