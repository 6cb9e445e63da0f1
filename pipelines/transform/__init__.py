"""dbt_project as Dagster assets; its tests become asset checks."""
