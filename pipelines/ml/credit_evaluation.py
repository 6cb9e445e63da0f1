"""Evaluate the credit score on simulated histories with a time-based hold-out, beside the
API's rules alone (transactional_api/credit/scoring.py ``decide`` without a published score,
its limit taken as the score), and draw both ROC curves.

    python -m pipelines.ml.credit_evaluation --users 3000 --seed 0 [--chart PATH] [--json]

Training snapshots are the monthly cut-offs whose label window closes before the first
test cut-off; the test snapshots are the last TEST_CUTS months. Progress goes to stderr,
figures to stdout, with --json one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score, roc_curve

from pipelines.ml import credit_histories, credit_score
from transactional_api.config_credit import CreditSettings
from transactional_api.credit import scoring
from transactional_api.risk.limits import RiskLimits

MONTHS = 24
FIRST_CUT = 6
TEST_CUTS = 3


def rules_only_limits(frame: pd.DataFrame) -> np.ndarray:
    """The limit the API would grant each row with no published score (0 = declined)."""
    s, limits = CreditSettings(), RiskLimits()
    out = []
    for row in frame.itertuples(index=False):
        band = row.income_band if row.income_band in s.credit_income_band_caps else "under_1000"
        risk = limits.score.outcome(int(row.last_risk_score)) if row.last_risk_score else "allow"
        decision = scoring.decide(
            facts=scoring.Facts(income_band=band,
                                employment_status=row.employment_status or "employed",
                                purpose="shopping"),
            published=None, risk=risk, account_age_days=float(row.account_age_days),
            income_caps=s.credit_income_band_caps, min_score=s.credit_min_score,
            rules_only_limit_cents=s.credit_rules_only_limit_cents,
            min_account_age_days=s.credit_min_account_age_days,
            young_account_days=s.credit_young_account_days,
            step_cents=s.credit_limit_step_cents)
        out.append(decision.limit_cents)
    return np.asarray(out, dtype=float)


def split_cuts(months: int = MONTHS) -> tuple[list, list]:
    cuts = [credit_histories.month_start(m) for m in range(FIRST_CUT, months)]
    end = credit_histories.month_start(months)
    cuts = [c for c in cuts if c + pd.Timedelta(days=credit_score.HORIZON_DAYS) <= end]
    test = cuts[-TEST_CUTS:]
    train = [c for c in cuts[:-TEST_CUTS]
             if c + pd.Timedelta(days=credit_score.HORIZON_DAYS) <= test[0]]
    return train, test


def evaluate(users: int, seed: int, log=lambda msg: None) -> dict:
    started = time.monotonic()
    log(f"simulating {users} shoppers over {MONTHS} months (seed {seed})")
    conn = credit_histories.generate(users, months=MONTHS, seed=seed)
    try:
        train_cuts, test_cuts = split_cuts()
        train = credit_score.snapshots(conn, train_cuts, log)
        test = credit_score.snapshots(conn, test_cuts, log)
    finally:
        conn.close()
    if train["label"].nunique() < 2 or test["label"].nunique() < 2:
        raise SystemExit("too few shoppers for both outcomes in train and test: raise --users")
    log(f"training on {len(train)} snapshots ({int(train['label'].sum())} overdue)")
    model = credit_score.train(train)
    risk = credit_score.overdue_probability(model, test)
    # the baseline ranks by its limit: a larger limit means the rules think the user safer
    baseline = -rules_only_limits(test)
    y = test["label"].to_numpy()
    return {
        "users": users, "seed": seed, "horizon_days": credit_score.HORIZON_DAYS,
        "train_cutoffs": [c.date().isoformat() for c in train_cuts],
        "test_cutoffs": [c.date().isoformat() for c in test_cuts],
        "train_rows": len(train), "train_positives": int(train["label"].sum()),
        "test_rows": len(test), "test_positives": int(y.sum()),
        "c": model["c"], "model": model["model"],
        "model_roc_auc": round(float(roc_auc_score(y, risk)), 4),
        "rules_only_roc_auc": round(float(roc_auc_score(y, baseline)), 4),
        "seconds": round(time.monotonic() - started, 1),
        "_curves": {"model": roc_curve(y, risk)[:2], "rules only": roc_curve(y, baseline)[:2]},
    }


def draw_roc(curves: dict[str, tuple], aucs: dict[str, float], path: Path) -> Path:
    """A PNG of the ROC curves (Pillow; the diagonal is chance)."""
    from PIL import Image, ImageDraw

    size, pad = 480, 50
    img = Image.new("RGB", (size + 2 * pad, size + 2 * pad), "white")
    draw = ImageDraw.Draw(img)

    def xy(fpr: float, tpr: float) -> tuple[float, float]:
        return pad + fpr * size, pad + (1 - tpr) * size

    draw.rectangle([pad, pad, pad + size, pad + size], outline="black")
    draw.line([xy(0, 0), xy(1, 1)], fill=(170, 170, 170), width=1)
    colours = [(31, 119, 180), (214, 39, 40)]
    for i, (name, (fpr, tpr)) in enumerate(curves.items()):
        draw.line([xy(a, b) for a, b in zip(fpr, tpr, strict=True)], fill=colours[i], width=3)
        draw.text((pad + 10, pad + 10 + 16 * i), f"{name}: ROC-AUC {aucs[name]:.3f}",
                  fill=colours[i])
    draw.text((pad + size // 2 - 60, pad + size + 15), "false positive rate", fill="black")
    draw.text((5, pad - 20), "true positive rate", fill="black")
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="flywheel reco evaluate-credit")
    p.add_argument("--users", type=int, default=3000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--chart", default="var/reports/credit_roc.png")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if args.users < 1:
        print("--users must be at least 1", file=sys.stderr)
        return 2
    result = evaluate(args.users, args.seed, lambda m: print(m, file=sys.stderr, flush=True))
    curves = result.pop("_curves")
    chart = draw_roc(curves, {"model": result["model_roc_auc"],
                              "rules only": result["rules_only_roc_auc"]}, Path(args.chart))
    result["chart"] = str(chart.resolve())
    print(f"credit score evaluation: {result['users']} simulated shoppers, seed {args.seed}, "
          f"'overdue in the next {result['horizon_days']} days'")
    print(f"  train: {result['train_rows']} snapshots ({result['train_positives']} overdue), "
          f"cut-offs {result['train_cutoffs'][0]} .. {result['train_cutoffs'][-1]}")
    print(f"  test (time-based hold-out): {result['test_rows']} snapshots "
          f"({result['test_positives']} overdue), cut-offs {', '.join(result['test_cutoffs'])}")
    print(f"  ROC-AUC  model {result['model_roc_auc']:.4f}  "
          f"rules only {result['rules_only_roc_auc']:.4f}")
    print(f"  chart: {result['chart']}")
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
