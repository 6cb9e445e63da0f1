select
    cast(bundle_sku_id as {{ dbt.type_string() }}) as bundle_sku_id,
    cast(component_sku_id as {{ dbt.type_string() }}) as component_sku_id,
    cast(quantity as bigint) as quantity
from {{ source('oltp', 'bundle_components') }}
