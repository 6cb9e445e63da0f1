"""Shopper simulator: drives the real HTTP API so the data side has something to learn from.

Everything random comes from ``random.Random(seed)`` so one seed replays one script of requests.
"""

from transactional_api.simulator.run import SimulationSummary, simulate

__all__ = ["SimulationSummary", "simulate"]
