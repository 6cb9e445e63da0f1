"""Session-based next-item models (session-rec's protocol, popularity, AR, SR, V-SKNN, VSTAN).

Plain numpy/scipy over index-encoded sessions: no database, Redis or Dagster here.
"""
