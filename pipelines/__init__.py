"""Dagster definitions for Flywheel's data side: ingest -> dbt -> recommender -> serve."""
