"""`flywheel reco evaluate-sessions --json` on a small synthetic TSV: the last line is JSON."""

from __future__ import annotations

import json
import random

from transactional_api.cli.main import main


def write_clicks(path, *, days: int = 3, seed: int = 5) -> None:
    rng = random.Random(seed)
    lines = ["SessionId\tItemId\tTime"]
    start = 1_400_000_000.0
    for sid in range(400):
        t = start + sid * days * 86_400 / 400
        item = rng.randrange(30)
        for _ in range(rng.randint(2, 6)):
            lines.append(f"{sid}\t{item}\t{t:.3f}")
            item = (item + rng.choice([1, 1, 2, 0])) % 30  # a walk, so rules have signal
            t += rng.uniform(5, 120)
    path.write_text("\n".join(lines) + "\n")


def test_json_last_line_has_every_model_and_the_baselines(tmp_path, capfd):
    tsv = tmp_path / "clicks.tsv"
    write_clicks(tsv)
    code = main(["reco", "evaluate-sessions", "--train", str(tsv), "--json"])
    out, err = capfd.readouterr()
    assert code == 0, err
    figures = json.loads(out.strip().splitlines()[-1])
    assert figures["command"] == "evaluate-sessions"
    assert {"popularity", "ar", "sr", "vsknn", "vstan", "vstan_sr", "served"} <= set(
        figures["models"])
    assert figures["test_sessions"] > 0 and figures["predictions"] > 0
    for m in figures["models"].values():
        assert 0 <= m["mrr@20"] <= m["hr@20"] <= 1
        assert m["predictions"] == figures["predictions"]
    assert "replaying" in err  # progress goes to stderr


def test_a_given_test_file_and_a_missing_file(tmp_path, capfd):
    train, test = tmp_path / "train.tsv", tmp_path / "test.tsv"
    write_clicks(train)
    write_clicks(test, days=1, seed=9)
    code = main(["reco", "evaluate-sessions", "--train", str(train), "--test", str(test),
                 "--models", "vstan", "--json"])
    out, err = capfd.readouterr()
    assert code == 0, err
    figures = json.loads(out.strip().splitlines()[-1])
    assert set(figures["models"]) == {"popularity", "ar", "sr", "vstan"}
    code = main(["reco", "evaluate-sessions", "--train", str(tmp_path / "absent.tsv")])
    assert code == 2
