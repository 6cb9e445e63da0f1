select
    cast(id as {{ dbt.type_string() }}) as translation_id,
    cast(entity_type as {{ dbt.type_string() }}) as entity_type,
    cast(entity_id as {{ dbt.type_string() }}) as entity_id,
    cast(field as {{ dbt.type_string() }}) as field,
    cast(lang as {{ dbt.type_string() }}) as lang,
    cast(updated_by as {{ dbt.type_string() }}) as updated_by,
    cast(created_at as timestamp) as created_at,
    cast(updated_at as timestamp) as updated_at
from {{ source('oltp', 'translation_texts') }}
