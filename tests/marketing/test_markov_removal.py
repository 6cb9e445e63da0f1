"""The removal-effect function of int_attribution_removal_effects.py on path sets small
enough to solve by hand (the dbt model file is loaded by path: it is not a package)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

MODEL = (Path(__file__).resolve().parents[2] / "dbt_project/models/intermediate/marketing"
         / "int_attribution_removal_effects.py")
_spec = importlib.util.spec_from_file_location("removal_effects_model", MODEL)
markov = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(markov)


def _frame(rows):
    return pd.DataFrame(rows, columns=["from_state", "to_state", "transitions"])


def test_three_paths_by_hand():
    # Paths: A > B > conv, A > null, B > conv.
    # start->A 2/3, start->B 1/3; A->B 1/2, A->null 1/2; B->conv 1.
    # P(conv) = 2/3 * 1/2 + 1/3 = 2/3.
    # Without A: only start->B converts: 1/3 -> effect 1 - (1/3)/(2/3) = 1/2.
    # Without B: nothing converts -> effect 1. Shares 1/2 : 1 = 1/3 : 2/3.
    out = markov.removal_effects(_frame([
        ("(start)", "A", 2), ("(start)", "B", 1), ("A", "B", 1), ("A", "(null)", 1),
        ("B", "(conversion)", 2)])).set_index("channel")
    assert out.loc["A", "conversion_probability"] == pytest.approx(2 / 3)
    assert out.loc["A", "conversion_probability_without"] == pytest.approx(1 / 3)
    assert out["removal_effect"].to_dict() == pytest.approx({"A": 0.5, "B": 1.0})
    assert out["removal_share"].to_dict() == pytest.approx({"A": 1 / 3, "B": 2 / 3})
    assert out["entries"].to_dict() == {"A": 2, "B": 2}  # start->A 2; start->B 1 + A->B 1


def test_a_loop_between_channels_is_solved_not_walked():
    # Paths: A > B > A > conv, B > null. start->A 1/2, start->B 1/2; A->B 1/2,
    # A->conv 1/2; B->A 1/2, B->null 1/2.  x_A = 1/2 x_B + 1/2, x_B = 1/2 x_A
    # -> x_A = 2/3, x_B = 1/3, P = 1/2 (2/3 + 1/3) = 1/2.
    # Without A: P = 0 -> effect 1. Without B: x_A = 1/2, P = 1/4 -> effect 1/2.
    out = markov.removal_effects(_frame([
        ("(start)", "A", 1), ("(start)", "B", 1), ("A", "B", 1), ("B", "A", 1),
        ("A", "(conversion)", 1), ("B", "(null)", 1)])).set_index("channel")
    assert out.loc["A", "conversion_probability"] == pytest.approx(0.5)
    assert out["removal_effect"].to_dict() == pytest.approx({"A": 1.0, "B": 0.5})


def test_no_conversion_and_no_paths():
    none_convert = markov.removal_effects(_frame([("(start)", "A", 3), ("A", "(null)", 3)]))
    assert none_convert["removal_effect"].tolist() == [0.0]
    assert none_convert["removal_share"].tolist() == [0.0]
    empty = markov.removal_effects(_frame([]))
    assert empty.empty and list(empty.columns) == markov.COLUMNS
