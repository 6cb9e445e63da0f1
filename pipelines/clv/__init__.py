"""Customer lifetime value: Fader, Hardie and Lee's BG/NBD (2005) and Gamma-Gamma models,
fitted by maximum likelihood with SciPy.

Plain functions over arrays and frames (summary.py turns purchases into each customer's
frequency, recency, age and mean repeat spend; bgnbd.py and gamma_gamma.py fit and
predict). `python -m pipelines.clv fit PATH` (`flywheel clv fit`) fits both on a CDNOW file;
the dbt Python models int_customers_clv_* fit them on the shop's own paid orders.
"""
