-- Stock per SKU and location at snapshot time. Sellable units are on_hand - reserved.
select
    cast(sku_id as {{ dbt.type_string() }}) as sku_id,
    cast(warehouse_id as {{ dbt.type_string() }}) as warehouse_id,
    cast(on_hand as bigint) as on_hand,
    cast(reserved as bigint) as reserved,
    cast(on_hand - reserved as bigint) as sellable,
    cast(safety_stock as bigint) as safety_stock,
    cast(updated_at as timestamp) as updated_at
from {{ source('oltp', 'stock_levels') }}
