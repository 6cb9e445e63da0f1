"""`python -m pipelines.clv fit PATH` (what `flywheel clv fit` runs).

Prints the BG/NBD and Gamma-Gamma parameters and log-likelihoods fitted on a CDNOW-format
file; with --json, one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from pipelines.clv.fit import CDNOW_CALIBRATION_END, ClvFit, fit_cdnow
from transactional_api.core.errors import DomainError


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def report(result: ClvFit) -> str:
    bg, gg = result.bgnbd, result.gamma_gamma
    unit = "weeks" if result.period_days == 7 else f"periods of {result.period_days:g} days"
    lines = [
        f"calibration through {result.calibration_end} ({unit}); {result.customers:,} "
        f"customers, {result.repeat_customers:,} with repeat purchases (distinct days)",
        f"BG/NBD       r={bg.params.r:.4f} alpha={bg.params.alpha:.4f} a={bg.params.a:.4f} "
        f"b={bg.params.b:.4f}  log-likelihood={bg.log_likelihood:.2f}"
        + ("" if bg.converged else "  (optimiser did not report convergence)"),
    ]
    if gg is None:
        lines.append("Gamma-Gamma  not fitted: no repeat buyer with a positive mean spend")
    else:
        lines.append(
            f"Gamma-Gamma  p={gg.params.p:.4f} q={gg.params.q:.4f} gamma={gg.params.gamma:.4f}"
            f"  log-likelihood={gg.log_likelihood:.2f}  ({gg.customers:,} repeat buyers, "
            "spend in dollars)")
    lines.append(f"fitted in {result.fit_seconds:.2f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="flywheel clv")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("fit", help="fit BG/NBD and Gamma-Gamma on a CDNOW-format file")
    p.add_argument("path", type=Path)
    p.add_argument("--calibration-end", type=date.fromisoformat,
                   default=CDNOW_CALIBRATION_END,
                   help=f"last day of the calibration period (default {CDNOW_CALIBRATION_END})")
    p.add_argument("--period-days", type=_positive, default=7.0,
                   help="days per time unit of t_x and T (default 7: weeks)")
    p.add_argument("--json", action="store_true", help="also print one JSON object, last")
    args = parser.parse_args(argv)
    try:
        result = fit_cdnow(args.path, calibration_end=args.calibration_end,
                           period_days=args.period_days)
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        for error in (exc.details or {}).get("errors", [])[:20]:
            print(f"  line {error['line']}: {error['message']}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report(result))
    if args.json:
        print(json.dumps(result.as_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
