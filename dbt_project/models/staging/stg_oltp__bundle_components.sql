select
    cast(bundle_sku_id as varchar) as bundle_sku_id,
    cast(component_sku_id as varchar) as component_sku_id,
    cast(quantity as bigint) as quantity
from {{ source('oltp', 'bundle_components') }}
