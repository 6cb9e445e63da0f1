-- Identity events (transactional_api/events/identity_events.py), one row per event: sign-ups,
-- sign-ins, codes asked for, sign-outs, password and two-factor changes, account deletions,
-- identities at OpenID providers linked and unlinked.
-- No payload carries personal data; user_id is NULL for a code asked for a new address.
with events as (
    {{ deduplicated_events(['user_registered', 'user_signed_in', 'user_signed_out',
                            'otp_requested', 'password_changed', 'two_factor_enabled',
                            'two_factor_disabled', 'recovery_code_used', 'account_deleted',
                            'identity_linked', 'identity_unlinked']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(event_type as {{ dbt.type_string() }}) as event_type,
    cast(occurred_at as timestamp) as occurred_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    -- user_registered, user_signed_in: password | email_code | phone_code | oidc:<provider>;
    -- password_changed: change | reset
    cast({{ json_text('payload', 'method') }} as {{ dbt.type_string() }}) as method,
    cast({{ json_text('payload', 'second_factor') }} as {{ dbt.type_string() }}) as second_factor,
    cast({{ json_text('payload', 'has_email') }} as boolean) as has_email,
    cast({{ json_text('payload', 'has_phone') }} as boolean) as has_phone,
    cast({{ json_text('payload', 'channel') }} as {{ dbt.type_string() }}) as code_channel,
    cast({{ json_text('payload', 'purpose') }} as {{ dbt.type_string() }}) as code_purpose,
    cast({{ json_text('payload', 'scope') }} as {{ dbt.type_string() }}) as sign_out_scope,
    cast({{ json_text('payload', 'sessions_revoked') }} as bigint) as sessions_revoked,
    cast({{ json_text('payload', 'kind') }} as {{ dbt.type_string() }}) as two_factor_kind,
    cast({{ json_text('payload', 'recovery_codes') }} as bigint) as recovery_codes,
    cast({{ json_text('payload', 'remaining') }} as bigint) as recovery_codes_remaining,
    cast({{ json_text('payload', 'orders_kept') }} as bigint) as orders_kept,
    cast({{ json_text('payload', 'addresses_erased') }} as bigint) as addresses_erased,
    -- identity_linked, identity_unlinked: the operator's name for the OpenID provider;
    -- identity_linked: sign_up | verified_email
    cast({{ json_text('payload', 'provider') }} as {{ dbt.type_string() }}) as oidc_provider,
    cast({{ json_text('payload', 'via') }} as {{ dbt.type_string() }}) as link_via
from events
