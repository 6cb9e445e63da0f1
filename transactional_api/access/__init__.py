"""Roles and permissions (issue 11): role grants, their admin routes, and merchant staff's
routes scoped to their own merchant."""
