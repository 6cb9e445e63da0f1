"""BG/NBD and Gamma-Gamma fitted on int_customer_orders (pipelines/clv/shop.py), one row."""

from pipelines.clv.shop import fit_table


def model(dbt, session):
    dbt.config(materialized="table")
    relation = dbt.ref("int_customer_orders")
    orders = relation.df() if hasattr(relation, "df") else relation.toPandas()
    return fit_table(orders)
