"""`flywheel clv fit`: the CLI runs the data side's fit as a child and passes its output on."""

from __future__ import annotations

import json
import subprocess
import sys

from transactional_api.cli.main import build_parser


def test_options_default_to_the_papers_conventions():
    args = build_parser().parse_args(["clv", "fit", "cdnow.txt"])
    assert args.func.__name__ == "cmd_clv_fit"
    # None: pipelines.clv applies 1997-09-30, Fader, Hardie and Lee's calibration end
    assert (args.path, args.calibration_end, args.period_days, args.json) == (
        "cdnow.txt", None, 7.0, False)


def test_fit_prints_json_last(tmp_path):
    path = tmp_path / "cdnow.txt"
    # three customers: 00001 came back on two more days, 00003 on one, 00002 never
    path.write_text(" 00001 19970101 1 10.00\n 00001 19970301 2 20.00\n"
                    " 00001 19970601 1 12.50\n 00002 19970105 1 9.99\n"
                    " 00003 19970210 3 30.00\n 00003 19970220 1 11.00\n")
    done = subprocess.run(
        [sys.executable, "-m", "transactional_api.cli.main", "clv", "fit", path.name, "--json",
         "--calibration-end", "1997-12-31"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert (result["customers"], result["repeat_customers"]) == (3, 2)
    assert result["calibration_end"] == "1997-12-31"
    assert "BG/NBD" in done.stdout and "Gamma-Gamma" in done.stdout


def test_a_bad_date_is_refused(tmp_path):
    path = tmp_path / "cdnow.txt"
    path.write_text(" 00001 19970101 1 10.00\n")
    done = subprocess.run(
        [sys.executable, "-m", "transactional_api.cli.main", "clv", "fit", str(path),
         "--calibration-end", "30/09/1997"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "invalid fromisoformat value" in done.stderr
