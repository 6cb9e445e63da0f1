"""`flywheel reco evaluate-credit`: figures, progress, a PNG chart and one JSON object last;
at a moderate size the model beats the rules-only baseline by a clear margin."""

import json

from transactional_api.cli.main import main


def _run(capfd, tmp_path, users: int, seed: int) -> tuple[dict, str, str]:
    chart = tmp_path / "roc.png"
    code = main(["reco", "evaluate-credit", "--users", str(users), "--seed", str(seed),
                 "--chart", str(chart), "--json"])
    out, err = capfd.readouterr()
    assert code == 0, err
    return json.loads(out.strip().splitlines()[-1]), out, err


def test_a_tiny_run_prints_figures_a_chart_and_json_last(tmp_path, capfd):
    result, out, err = _run(capfd, tmp_path, 120, 4)
    assert result["users"] == 120 and result["seed"] == 4
    assert "ROC-AUC" in out and "rules only" in out
    assert "cut-off 3/3" in err  # progress on stderr
    # time-based: every training label window closes before the first test cut-off
    assert max(result["train_cutoffs"]) < min(result["test_cutoffs"])
    for name in ("model_roc_auc", "rules_only_roc_auc"):
        assert 0.0 <= result[name] <= 1.0
    assert 0 < result["test_positives"] < result["test_rows"]
    chart = tmp_path / "roc.png"
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert result["chart"] == str(chart.resolve())


def test_the_model_beats_the_rules_only_baseline(tmp_path, capfd):
    # Measured at 1,500 users on seeds 1-5: model 0.804-0.826, rules only 0.637-0.663,
    # a gap of 0.14-0.17; asserted with room to spare on another seed.
    result, _, _ = _run(capfd, tmp_path, 1500, 11)
    assert result["model_roc_auc"] >= 0.75
    assert result["model_roc_auc"] >= result["rules_only_roc_auc"] + 0.10
