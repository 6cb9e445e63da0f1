{#- The run window: the days [run_from - lookback_days, run_to] that a run of the day-keyed
    incremental models recomputes; none for a full build (every day).

    The pipeline names the days in the environment, FLYWHEEL_RUN_FROM and FLYWHEEL_RUN_TO
    (ISO dates, pipelines/partitions.py), not in --vars: dbt parses the whole project again
    whenever --vars change (seconds per run), while a variable read by env_var() at run time
    only leaves its saved parse valid. Every read sits behind is_incremental(), which is
    false while dbt parses, so no parsed file records the variable. `--vars '{run_from: …,
    run_to: …}'` still works (tests, a hand-run build) and wins over the environment. -#}
{% macro run_window() -%}
    {%- set run_from, run_to = var('run_from', none), var('run_to', none) -%}
    {%- if run_from is none -%}
        {%- set run_from = env_var('FLYWHEEL_RUN_FROM', '') or none -%}
        {%- set run_to = env_var('FLYWHEEL_RUN_TO', '') or none -%}
    {%- endif -%}
    {%- if run_from is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set days = [run_from | string, (run_to or run_from) | string] -%}
    {%- for day in days if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', day) -%}
        {{ exceptions.raise_compiler_error('run window: not a date (YYYY-MM-DD): ' ~ day) }}
    {%- endfor -%}
    {{ return(days) }}
{%- endmacro %}

{#- The window's first day (run_from - lookback_days) and last day (run_to), as SQL dates. -#}
{% macro window_start() -%}
    {{ dbt.dateadd('day', -1 * (var('lookback_days', 3) | int),
                   "cast('" ~ run_window()[0] ~ "' as date)") }}
{%- endmacro %}

{% macro window_end() -%}
    cast('{{ run_window()[1] }}' as date)
{%- endmacro %}

{#- A day column within the window on incremental runs; true on full builds. -#}
{% macro incremental_window(column) -%}
    {%- if is_incremental() and run_window() is not none -%}
        {{ column }} >= {{ window_start() }} and {{ column }} <= {{ window_end() }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- Models replaced per person (fct_sessions, dim_visitors, fct_funnel_user_entries): a run
    deletes the rows of the people in int_sessions_changed_people and appends theirs anew
    (pre_hook delete_changed_people). On Spark, whose Parquet tables have no row delete, they
    are tables rebuilt in full, which gives the same rows. -#}
{% macro people_incremental_config() -%}
    {{ return(adapter.dispatch('people_incremental_config')()) }}
{%- endmacro %}

{% macro default__people_incremental_config() -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'append',
               'pre_hook': "{{ delete_changed_people() }}"}) }}
{%- endmacro %}

{% macro spark__people_incremental_config() -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}

{#- The pre_hook of those models: on a run with a window, delete the changed people's rows
    (the model then appends their rows anew); on a build without one, delete every row (the
    model appends everyone). Nothing when the table is built for the first time. -#}
{% macro delete_changed_people() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        {%- if run_window() is not none %}
        where person_key in (select person_key from {{ ref('int_sessions_changed_people') }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- The rows of the changed people: a SQL boolean on a person_key column. True on builds
    without a window or of a new table (everyone). -#}
{% macro changed_people_only(column) -%}
    {%- if is_incremental() and run_window() is not none -%}
        {{ column }} in (select person_key from {{ ref('int_sessions_changed_people') }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
