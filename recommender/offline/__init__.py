"""Offline evaluation of the recommenders on the platform's own warehouse (time-based split)."""
