"""Purchase intent: a calibrated classifier of sessions, with a decision threshold.

`model` holds the estimator and threshold logic, `features` the UCI Online Shoppers
preprocessing, `evaluate` the cross-validation behind `flywheel reco evaluate-intent`,
`platform` the same model family over the warehouse's marts.fct_sessions.
"""
