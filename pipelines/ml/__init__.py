"""Recommender training over the marts; the model is a JSON artifact the serve assets read."""
