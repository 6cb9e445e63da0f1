{#- Schemas are exactly staging / intermediate / marts, the names dashboards and the API query;
    dbt's default would prefix them with the target schema (main_staging...). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
