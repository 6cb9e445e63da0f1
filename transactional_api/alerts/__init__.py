"""Alerts: warehouse metric anomalies and real-time stream checks, for operators to see and
acknowledge (GET /v1/admin/alerts)."""
