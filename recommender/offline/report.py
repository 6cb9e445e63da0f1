"""The markdown report of an offline evaluation."""

from __future__ import annotations

from pathlib import Path


def markdown(result: dict) -> str:
    k = result["k"]
    columns = [f"hr@{k}", f"mrr@{k}", f"ndcg@{k}", "coverage", "popularity_bias",
               "users_with_list"]
    lines = [
        "# Offline evaluation of the recommenders",
        "",
        f"Time-based split at {result['cut']}: {result['train_interactions']:,} train and "
        f"{result['test_interactions']:,} test interactions; {result['users']:,} users with "
        f"history before the cut and new products after it; catalog of "
        f"{result['catalog_size']:,} products.",
        "",
        "Targets are the products a user touched after the cut and never before; every list "
        "excludes the user's history. Popularity bias is the mean train-popularity "
        "percentile of the recommended products (1 = only best-sellers).",
        "",
        "| model | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for name, figures in result["models"].items():
        lines.append(f"| {name} | " + " | ".join(f"{figures[c]:.4f}" for c in columns) + " |")
    base = result["models"].get("popularity", {}).get(f"hr@{k}")
    if base is not None:
        lines += ["", f"HR@{k} relative to popularity:"]
        for name, figures in result["models"].items():
            if name != "popularity":
                ratio = figures[f"hr@{k}"] / base if base else float("inf")
                lines.append(f"- {name}: {ratio:.2f}x")
    return "\n".join(lines) + "\n"


def write(result: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown(result), encoding="utf-8")
    return path
