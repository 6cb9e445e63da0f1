"""Each buyer's predicted 12-month value from int_customers_clv_fit (pipelines/clv/shop.py)."""

from pipelines.clv.shop import prediction_table


def _frame(relation):
    return relation.df() if hasattr(relation, "df") else relation.toPandas()


def model(dbt, session):
    dbt.config(materialized="table")
    return prediction_table(_frame(dbt.ref("int_customer_orders")),
                            _frame(dbt.ref("int_customers_clv_fit")))
