"""Run the calibrated factorial study of docs/ROBUSTNESS.md and print its tables.

    .venv/bin/python scripts/robustness_study.py         # full size (about an hour, 2 cores)
    .venv/bin/python scripts/robustness_study.py --replicates 2 --residents 300 --steps 40

Every rule's baseline is calibrated to the logit baseline's participation, then the
2^5 factorial of the innovations runs under each rule (govsim.sweep.study.run_study).
Writes OUT/study.parquet (every run), OUT/calibration.csv, OUT/tables.md (the tables
of docs/ROBUSTNESS.md) and OUT/shapley.png, OUT/interactions.png; prints tables.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from govsim import load_scenario
from govsim.analysis.robustness import disagreements, robustness_table
from govsim.analysis.shapley import additivity_table, interaction_table, shapley_table
from govsim.figures import interaction_figure, shapley_figure
from govsim.sweep import run_study

REPO = Path(__file__).resolve().parent.parent


def _ci(mean: float, low: float, high: float, digits: int = 3) -> str:
    return f"{mean:+.{digits}f} [{low:+.{digits}f}, {high:+.{digits}f}]"


def robustness_markdown(table: pd.DataFrame) -> list[str]:
    """Rows: scenario; columns: rule x outcome, 'mean (effect [95% CI])'."""
    lines = []
    for outcome, rows in table.groupby("outcome", sort=False):
        rules = list(dict.fromkeys(rows["rule"]))
        lines += [f"**{outcome}**", "", "| scenario | " + " | ".join(rules) + " |"]
        lines.append("|---|" + "---|" * len(rules))
        for scenario, group in rows.groupby("scenario", sort=False):
            cells = []
            for rule in rules:
                r = group[group["rule"] == rule].iloc[0]
                cell = f"{r['mean']:.3f}"
                if scenario != "baseline":
                    cell += f" ({_ci(r['effect'], r['effect_low'], r['effect_high'])})"
                cells.append(cell)
            lines.append(f"| {scenario} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def frame_markdown(frame: pd.DataFrame) -> str:
    """A plain markdown table (numbers to 3 decimals)."""

    def cell(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    rows = [" | ".join(map(str, frame.columns)), " | ".join("---" for _ in frame.columns)]
    rows += [" | ".join(cell(v) for v in row) for row in frame.itertuples(index=False)]
    return "\n".join(f"| {row} |" for row in rows)


def shapley_markdown(table: pd.DataFrame) -> list[str]:
    """Rows: rule x outcome; columns: innovations, 'phi [95% CI] #rank'."""
    lines = ["| rule | outcome | " + " | ".join(dict.fromkeys(table["innovation"])) + " |"]
    lines.append("|---|---|" + "---|" * table["innovation"].nunique())
    for (rule, outcome), rows in table.groupby(["rule", "outcome"], sort=False):
        cells = [
            f"{_ci(r.shapley, r.shapley_low, r.shapley_high)} #{r['rank']}"
            for _, r in rows.iterrows()
        ]
        lines.append(f"| {rule} | {outcome} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    """Run the study with the command line's sizes and write its files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--calibration-replicates", type=int, default=4)
    parser.add_argument("--residents", type=int, default=None)
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "results" / "robustness")
    args = parser.parse_args()
    overrides = {}
    if args.residents:
        overrides["population.residents"] = args.residents
    if args.steps:
        overrides["steps"] = args.steps
    base = load_scenario(REPO / "scenarios" / "baseline.yaml")
    study = run_study(
        base,
        args.replicates,
        overrides=overrides,
        calibration_replicates=args.calibration_replicates,
        workers=args.workers,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    study.table.to_parquet(args.out / "study.parquet")
    calibration = study.calibration_table()
    calibration.to_csv(args.out / "calibration.csv", index=False)
    robust = robustness_table(study.table)
    rules = [c.rule for c in study.calibrations]
    shapley = pd.concat([shapley_table(study.of(r)).assign(rule=r) for r in rules])
    interactions = pd.concat([interaction_table(study.of(r)).assign(rule=r) for r in rules])
    additivity = pd.concat([additivity_table(study.of(r)).assign(rule=r) for r in rules])
    shapley_figure(shapley).savefig(args.out / "shapley.png", dpi=110)
    interaction_figure(interactions).savefig(args.out / "interactions.png", dpi=110)
    lines = ["## Calibration", "", frame_markdown(calibration), ""]
    lines += ["## Robustness", "", *robustness_markdown(robust)]
    lines += ["## Disagreements", "", frame_markdown(disagreements(robust)), ""]
    lines += ["## Shapley", "", *shapley_markdown(shapley), ""]
    lines += ["## Additivity", "", frame_markdown(additivity), ""]
    mattering = interactions[interactions["matters"]]
    lines += ["## Interactions that matter", "", frame_markdown(mattering), ""]
    text = "\n".join(lines)
    (args.out / "tables.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
