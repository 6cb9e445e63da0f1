{#- Types without a cross-database macro in dbt. -#}

{#- JSON text: DuckDB's JSON type (its json functions take it without a cast); a string on
    engines without one (Spark's get_json_object and from_json read strings). -#}
{% macro type_json() -%}
    {{ return(adapter.dispatch('type_json')()) }}
{%- endmacro %}

{% macro default__type_json() -%}
    {{ dbt.type_string() }}
{%- endmacro %}

{% macro duckdb__type_json() -%}
    json
{%- endmacro %}
