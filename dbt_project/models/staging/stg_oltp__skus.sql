select
    cast(id as {{ dbt.type_string() }}) as sku_id,
    cast(product_id as {{ dbt.type_string() }}) as product_id,
    cast(code as {{ dbt.type_string() }}) as sku_code,
    cast(name as {{ dbt.type_string() }}) as sku_name,
    cast(price_cents as bigint) as price_cents,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(kind as {{ dbt.type_string() }}) as sku_kind,
    cast(attributes as {{ dbt.type_string() }}) as attributes_json,
    cast(weight_grams as bigint) as weight_grams,
    cast(length_cm as bigint) as length_cm,
    cast(width_cm as bigint) as width_cm,
    cast(height_cm as bigint) as height_cm,
    cast(ship_from_date as date) as ship_from_date,
    cast(created_at as timestamp) as created_at
from {{ source('oltp', 'skus') }}
