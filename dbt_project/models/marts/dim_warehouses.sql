select
    warehouse_id,
    warehouse_code,
    warehouse_name,
    warehouse_kind,
    regions,
    priority,
    is_active,
    created_at
from {{ ref('stg_oltp__warehouses') }}
