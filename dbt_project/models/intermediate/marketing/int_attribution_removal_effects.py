"""Markov-chain removal effect per channel (Anderl, Becker, von Wangenheim and Schumann,
"Mapping the customer journey", 2016), over int_attribution_transitions.

The chain: transient states '(start)' and each channel, absorbing '(conversion)' and
'(null)'; P(a -> b) = transitions(a, b) / transitions out of a. With Q the transient-to-
transient block and r the transient-to-conversion column, the probability that a path from
'(start)' converts is x['(start)'] where (I - Q) x = r.

Removing channel c sends every path that reaches c to '(null)': row c of Q and r become 0.
removal_effect(c) = 1 - P(conversion without c) / P(conversion), in [0, 1];
removal_share(c) = removal_effect(c) / sum of every channel's removal_effect, the share of
conversions the channel is credited with. fct_attribution splits each order's revenue over
its touches in proportion to removal_effect(channel) / (touches of that channel in the
path), in integer cents with the largest remainder.

Plain pandas and numpy: the same code runs on a Spark target, where the relation is turned
into pandas with toPandas() instead of DuckDB's df().
"""

import numpy as np
import pandas as pd

START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"
COLUMNS = ["channel", "entries", "conversion_probability",
           "conversion_probability_without", "removal_effect", "removal_share"]


def _conversion_probability(q, r, start):
    size = q.shape[0]
    try:
        solved = np.linalg.solve(np.eye(size) - q, r)
    except np.linalg.LinAlgError:
        solved = np.linalg.lstsq(np.eye(size) - q, r, rcond=None)[0]
    return float(solved[start])


def removal_effects(transitions):
    """One row per channel: the columns of COLUMNS, from (from_state, to_state,
    transitions) counts; entries = transitions into the channel. No channel: an empty
    frame with those columns."""
    if transitions.empty:
        return pd.DataFrame({
            "channel": pd.Series(dtype="string"), "entries": pd.Series(dtype="int64"),
            **{c: pd.Series(dtype="float64") for c in COLUMNS[2:]}})
    counts = transitions.groupby(["from_state", "to_state"])["transitions"].sum()
    channels = sorted(set(counts.index.get_level_values(0)) - {START})
    transient = [START, *channels]
    index = {state: i for i, state in enumerate(transient)}
    q = np.zeros((len(transient), len(transient)))
    r = np.zeros(len(transient))
    outgoing = counts.groupby(level=0).sum()
    incoming = counts.groupby(level=1).sum()
    for (source, target), n in counts.items():
        p = n / outgoing[source]
        if target == CONVERSION:
            r[index[source]] += p
        elif target != NULL:
            q[index[source], index[target]] += p
    base = _conversion_probability(q, r, index[START])
    rows = []
    for channel in channels:
        i = index[channel]
        q_without, r_without = q.copy(), r.copy()
        q_without[i, :], r_without[i] = 0.0, 0.0
        without = _conversion_probability(q_without, r_without, index[START])
        effect = 1.0 - without / base if base > 0 else 0.0
        rows.append((channel, int(incoming.get(channel, 0)), base, without,
                     min(1.0, max(0.0, effect))))
    frame = pd.DataFrame(rows, columns=COLUMNS[:5])
    total = frame["removal_effect"].sum()
    frame["removal_share"] = frame["removal_effect"] / total if total > 0 else 0.0
    return frame.astype({"channel": "string", "entries": "int64"})


def model(dbt, session):
    dbt.config(materialized="table")
    relation = dbt.ref("int_attribution_transitions")
    frame = relation.df() if hasattr(relation, "df") else relation.toPandas()
    return removal_effects(frame)
