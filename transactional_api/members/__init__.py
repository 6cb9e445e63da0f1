"""Members: growth value, levels and points (issue 11)."""
