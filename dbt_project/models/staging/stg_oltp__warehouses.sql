-- Warehouses and stores; regions are the shipping regions served ("*" serves every region).
select
    cast(id as varchar) as warehouse_id,
    cast(code as varchar) as warehouse_code,
    cast(name as varchar) as warehouse_name,
    cast(kind as varchar) as warehouse_kind,
    {{ json_string_list('regions') }} as regions,
    cast(priority as integer) as priority,
    cast(active as boolean) as is_active,
    cast(created_at as timestamp) as created_at
from {{ source('oltp', 'warehouses') }}
