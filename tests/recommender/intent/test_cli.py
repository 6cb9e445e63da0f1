"""`flywheel reco evaluate-intent --json` on a small synthetic CSV with the UCI columns."""

import json

from tests.recommender.intent.synthetic import shoppers
from transactional_api.cli.main import main


def test_evaluate_intent_prints_one_json_object_last(tmp_path, capfd):
    data = tmp_path / "shoppers.csv"
    frame = shoppers(600, seed=11)
    frame.assign(Weekend=frame["Weekend"].map({True: "TRUE", False: "FALSE"})).to_csv(
        data, index=False)
    code = main(["reco", "evaluate-intent", "--data", str(data), "--folds", "3",
                 "--inner-folds", "2", "--seed", "3", "--json"])
    out, err = capfd.readouterr()
    assert code == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["folds"] == 3 and result["rows"] == 600 and result["seed"] == 3
    assert len(result["per_fold"]) == 3
    for name in ("model", "majority"):
        assert set(result[name]) == {"accuracy", "roc_auc", "pr_auc", "f1", "tpr", "tnr",
                                     "brier"}
    assert result["model"]["roc_auc"]["mean"] > result["majority"]["roc_auc"]["mean"]
    assert "fold 3/3" in err  # progress goes to stderr


def test_a_missing_file_is_a_clear_error(tmp_path, capfd):
    code = main(["reco", "evaluate-intent", "--data", str(tmp_path / "none.csv")])
    assert code == 2
    assert "no such file" in capfd.readouterr().err
