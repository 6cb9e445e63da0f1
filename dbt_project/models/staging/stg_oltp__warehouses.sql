-- Warehouses and stores; regions are the shipping regions served ("*" serves every region).
select
    cast(id as {{ dbt.type_string() }}) as warehouse_id,
    cast(code as {{ dbt.type_string() }}) as warehouse_code,
    cast(name as {{ dbt.type_string() }}) as warehouse_name,
    cast(kind as {{ dbt.type_string() }}) as warehouse_kind,
    {{ json_string_list('regions') }} as regions,
    cast(priority as integer) as priority,
    cast(active as boolean) as is_active,
    cast(created_at as timestamp) as created_at
from {{ source('oltp', 'warehouses') }}
