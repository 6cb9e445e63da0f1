-- The people whose sessions a run with a window changes (definitions in
-- _sessions_changed_people.yml). fct_sessions, dim_visitors and fct_funnel_user_entries
-- replace just their rows. It compares the sessions as int_sessions_aggregated now has them
-- with fct_sessions as the last run left it, so it runs before fct_sessions and reads that
-- table by name, not by ref (a ref would be a cycle).
-- depends_on: {{ ref('int_identity_map') }}
{{ config(materialized='table') }}

{%- set stored = none %}
{%- if execute and run_window() is not none
      and people_incremental_config()['materialized'] == 'incremental' %}
    {%- set node = graph.nodes.values() | selectattr('name', 'equalto', 'fct_sessions') | first %}
    {%- set stored = adapter.get_relation(database=node.database, schema=node.schema,
                                          identifier=node.alias) %}
{%- endif %}

{%- if stored is none %}
-- No window, a first build, or an engine that rebuilds those models in full: nobody.
select cast(null as {{ dbt.type_string() }}) as person_key
from {{ ref('int_sessions_aggregated') }}
where false
{%- else %}
{%- set upstream = adapter.get_columns_in_relation(ref('int_sessions_aggregated'))
                   | map(attribute='name') | map('lower') | list %}
{%- set kept = adapter.get_columns_in_relation(stored) | map(attribute='name') | map('lower') | list %}
{%- set columns = upstream | select('in', kept) | list %}
{%- set person -%}
    coalesce(sessions.user_id, identity.user_id, sessions.visitor_key)
{%- endset %}

with identity as (
    select anonymous_id, user_id
    from {{ ref('int_identity_map') }}
    where is_current
),

-- The window's sessions as this run sessionised them, with the person they belong to now.
fresh as (
    select {% for c in columns %}sessions.{{ c }}, {% endfor %}{{ person }} as person_key
    from {{ ref('int_sessions_aggregated') }} as sessions
    left join identity on identity.anonymous_id = sessions.visitor_key
    where sessions.session_date >= {{ window_start() }}
        and sessions.session_date <= {{ window_end() }}
),

kept as (
    select {% for c in columns %}{{ c }}, {% endfor %}person_key
    from {{ stored }}
    where session_date >= {{ window_start() }} and session_date <= {{ window_end() }}
),

-- Sessions new, gone or different in any column (a late event, a sign-in): their people,
-- before and after.
changed as (
    select person_key from (select * from fresh except select * from kept) as added
    union
    select person_key from (select * from kept except select * from fresh) as removed
),

-- Devices whose identity rows this run recomputed: their current account may be another.
relinked as (
    select anonymous_id
    from {{ ref('int_identity_map') }}
    group by anonymous_id
    having max(last_linked_at) >= cast({{ window_start() }} as timestamp)
),

-- Their stored sessions, of any day, that now belong to someone else: both people change.
restitched as (
    select sessions.person_key as before_key, {{ person }} as after_key
    from {{ stored }} as sessions
    inner join relinked on relinked.anonymous_id = sessions.visitor_key
    left join identity on identity.anonymous_id = sessions.visitor_key
    where sessions.person_key <> {{ person }}
)

select person_key from changed
union
select before_key from restitched
union
select after_key from restitched
{%- endif %}
