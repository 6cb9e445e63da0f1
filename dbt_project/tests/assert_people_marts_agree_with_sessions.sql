-- fct_sessions, dim_visitors and fct_funnel_user_entries are replaced per person on daily
-- runs (int_sessions_changed_people): a person a run left behind, doubled or half-replaced
-- shows here. Every person of fct_sessions has one dim_visitors row counting the same
-- sessions, numbered 1..n without a gap or a repeat; every funnel entry's person has sessions.
with people as (
    select
        person_key,
        count(*) as sessions,
        count(distinct person_session_number) as numbers,
        min(person_session_number) as first_number,
        max(person_session_number) as last_number
    from {{ ref('fct_sessions') }}
    group by person_key
),

visitors as (
    select person_key, sessions
    from {{ ref('dim_visitors') }}
)

select
    coalesce(people.person_key, visitors.person_key) as person_key,
    people.sessions,
    visitors.sessions as dim_visitors_sessions,
    'sessions and dim_visitors disagree' as problem
from people
full outer join visitors on visitors.person_key = people.person_key
where people.person_key is null
    or visitors.person_key is null
    or people.sessions <> visitors.sessions
    or people.numbers <> people.sessions
    or people.first_number <> 1
    or people.last_number <> people.sessions

union all

select
    entries.person_key,
    cast(null as bigint) as sessions,
    cast(null as bigint) as dim_visitors_sessions,
    'funnel entry of a person without sessions' as problem
from {{ ref('fct_funnel_user_entries') }} as entries
left join people on people.person_key = entries.person_key
where people.person_key is null
