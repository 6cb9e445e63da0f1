{#- The sources on each engine (on-run-start). DuckDB: the pipelines write raw.events (a view
    over the lake's compacted Parquet parts) and the oltp.* snapshot tables into the
    warehouse file, so there is nothing to do. Spark: raw.events is a table over the same
    Parquet layout (<lake>/_compacted/date=…/part-….parquet, every part below the folder),
    with the columns the source declares, so an empty lake reads as no rows; oltp.<table> is
    a view over the snapshot's Parquet file (<lake>/_oltp/current/<table>.parquet, written
    by pipelines/warehouse/oltp_parquet.py). Both are re-read at every query: a later
    ingest needs no refresh. -#}
{% macro register_lake_sources() -%}
    {{ return(adapter.dispatch('register_lake_sources')()) }}
{%- endmacro %}

{% macro default__register_lake_sources() -%}
{%- endmacro %}

{% macro spark__register_lake_sources() -%}
    {%- if execute -%}
        {%- set lake = env_var('FLYWHEEL_LAKE_DIR', '../var/lake') -%}
        {%- set spark_types = {'varchar': 'string', 'string': 'string', 'integer': 'int', 'bigint': 'bigint',
                               'timestamp': 'timestamp'} -%}
        {%- for node in graph.sources.values() if node.source_name in ('raw', 'oltp') -%}
            {%- do run_query('create database if not exists ' ~ node.schema) -%}
            {%- if node.source_name == 'raw' -%}
                {%- set columns = [] -%}
                {%- for column in node.columns.values() -%}
                    {%- do columns.append(column.name ~ ' ' ~ spark_types[column.data_type]) -%}
                {%- endfor -%}
                {%- do run_query('drop table if exists ' ~ node.schema ~ '.' ~ node.name) -%}
                {%- do run_query(
                    'create table ' ~ node.schema ~ '.' ~ node.name
                    ~ ' (' ~ columns | join(', ') ~ ') using parquet options (path '
                    ~ "'" ~ lake ~ "/_compacted', recursiveFileLookup 'true')") -%}
            {%- else -%}
                {%- do run_query(
                    'create or replace view ' ~ node.schema ~ '.' ~ node.name
                    ~ ' as select * from parquet.`' ~ lake ~ '/_oltp/current/'
                    ~ node.name ~ '.parquet`') -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
