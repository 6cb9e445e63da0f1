{#- How an incremental model replaces what it recomputes, on each engine. Use in config:

        {{ config(materialized='incremental', on_schema_change='fail',
                  **day_incremental_config('session_date')) }}

    day_incremental_config(day_column): the model recomputes whole days (the window of
    macros/incremental_window.sql) and replaces them. DuckDB: delete+insert keyed by the day
    (the days present in the new rows are deleted, then the rows inserted). Spark: the table
    is partitioned by the day and insert_overwrite replaces the partitions present in the new
    rows (dynamic partition overwrite): the same rows either way. Spark moves a partition
    column to the end of the table, so read marts by column name.

    keyed_incremental_config(unique_key): rows replaced by another key (a visitor, an
    anonymous id). DuckDB: delete+insert on that key. Spark's Parquet tables have no row-level
    delete or merge (those need Delta or Iceberg, whose jars would be fetched), and
    partitioning by such a key would make a folder per key, so there the model is a table
    rebuilt in full on each run: the rows an incremental run keeps equal a full build's. -#}
{% macro day_incremental_config(day_column) -%}
    {{ return(adapter.dispatch('day_incremental_config')(day_column)) }}
{%- endmacro %}

{% macro default__day_incremental_config(day_column) -%}
    {{ return({'incremental_strategy': 'delete+insert', 'unique_key': day_column}) }}
{%- endmacro %}

{% macro spark__day_incremental_config(day_column) -%}
    {{ return({'incremental_strategy': 'insert_overwrite', 'partition_by': [day_column]}) }}
{%- endmacro %}


{% macro keyed_incremental_config(unique_key) -%}
    {{ return(adapter.dispatch('keyed_incremental_config')(unique_key)) }}
{%- endmacro %}

{% macro default__keyed_incremental_config(unique_key) -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert',
               'unique_key': unique_key}) }}
{%- endmacro %}

{% macro spark__keyed_incremental_config(unique_key) -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}
