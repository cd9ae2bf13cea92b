"""The docking report: report.md, results.json and figures/*.png of ``govsim validate``.

Core objects: ``write_report`` (every file of the report, each written atomically)
and ``report_figures`` (the five docking figures, drawn by ``govsim.figures`` from
the plain numbers of a ``DockingResults``).
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from govsim import store
from govsim.figures.docking import (
    EquilibriumPanel,
    brock_durlauf_figure,
    cascade_figure,
    deffuant_figure,
    pgg_figure,
)
from govsim.text import say
from govsim.validation.checks import DockingResults, cluster_band, published_clusters
from govsim.validation.mean_field import BAND, branches, reached
from govsim.validation.plans import PGG_CURVES

__all__ = ["report_figures", "write_report"]

#: Published participants in week t of each threshold case (Granovetter 1978, exact).
_CASCADE_CAPS = {"thresholds 0..99": 100, "threshold 1 moved to 2": 1}


def write_report(results: DockingResults, folder: Path) -> None:
    """Write report.md, results.json and figures/*.png into ``folder`` (atomically)."""
    for name, figure in report_figures(results).items():
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=120, metadata={"Software": None})
        store.atomic_write(folder / "figures" / name, lambda h, b=buffer: h.write(b.getvalue()))
    payload = {
        "plan": asdict(results.plan),
        "passed": results.passed,
        "seconds": results.seconds,
        "checks": [asdict(check) for check in results.checks],
        "pgg": results.pgg,
        "deffuant": results.deffuant,
        "meetings": results.meetings,
        "brock_durlauf": results.brock_durlauf,
        "granovetter": results.granovetter,
    }
    text = json.dumps(payload, indent=2, default=float).encode()
    store.atomic_write(folder / "results.json", lambda h: h.write(text))
    report = _markdown(results).encode()
    store.atomic_write(folder / "report.md", lambda h: h.write(report))


def report_figures(results: DockingResults) -> dict[str, Figure]:
    """The docking figures by file name, each with the published values beside govsim's."""
    published = {
        case: np.minimum(np.arange(len(series)), _CASCADE_CAPS.get(case, 1))
        for case, series in results.granovetter.items()
    }
    return {
        "pgg_santos2008.png": pgg_figure(
            {label: results.pgg_curve(label) for label, _, _ in PGG_CURVES}
        ),
        "deffuant2000.png": _clusters_figure(results.clusters("deffuant")),
        "deffuant2000_meetings.png": _clusters_figure(
            results.clusters("meetings"),
            title=say("docking.deffuant_meetings_title"),
            ylabel=say("docking.clusters_attendees"),
        ),
        "brock_durlauf2001.png": brock_durlauf_figure(_equilibrium_panels(results)),
        "granovetter1978.png": cascade_figure(results.granovetter, published),
    }


def _clusters_figure(clusters: dict[float, list[float]], **labels: str) -> Figure:
    ds = np.array(list(clusters))
    grid = np.linspace(ds.min(), ds.max(), 400) if ds.size else np.zeros(0)
    return deffuant_figure(
        clusters,
        grid=grid,
        published=np.array([published_clusters(d) for d in grid]),
        band=np.array([cluster_band(d) for d in grid]),
        **labels,
    )


def _equilibrium_panels(results: DockingResults) -> list[EquilibriumPanel]:
    """One panel per curve of a (fixed w), then the symmetric points against w."""
    panels = []
    curves = sorted({row["curve"] for row in results.brock_durlauf})
    for curve in [c for c in curves if c != "a = -w/2"] + ["a = -w/2"] * ("a = -w/2" in curves):
        points = results.shares(curve)
        symmetric = curve == "a = -w/2"
        xs = sorted({w if symmetric else a for w, a, _ in points})
        grid = np.linspace(min(xs) - 0.5, max(xs) + 0.5, 300)
        if symmetric:
            line = branches(-grid / 2, grid)
        else:
            w = next(iter(points))[0]
            line = branches(grid, np.full(grid.size, w))
        panel = EquilibriumPanel(
            title="h = 0: a = -w/2" if symmetric else curve,
            xlabel="interaction w (= 4 beta J)" if symmetric else "private utility a",
            grid=grid,
            low=line[0],
            high=line[1],
            unstable=line[2],
        )
        for start in sorted({s for _, _, s in points}):
            chosen = sorted(
                ((w if symmetric else a), v) for (w, a, s), v in points.items() if s == start
            )
            panel.points[start] = (
                np.array([x for x, _ in chosen]),
                np.array([np.mean(v) for _, v in chosen]),
                [v for _, v in chosen],
            )
        panels.append(panel)
    return panels


def _markdown(results: DockingResults) -> str:
    """The report: the checks' table, then a section per experiment."""
    return "\n".join(
        [
            *_summary(results),
            *_pgg_section(results),
            *_deffuant_section(results),
            *_meeting_section(results),
            *_brock_durlauf_section(results),
            *_cascade_section(results),
        ]
    )


def _summary(results: DockingResults) -> list[str]:
    plan = results.plan
    verdict = "PASSED" if results.passed else "FAILED"
    lines = [
        "# govsim docking report",
        "",
        f"Plan: **{plan.name}**. Verdict: **{verdict}** "
        f"({sum(c.passed for c in results.checks)} of {len(results.checks)} checks). "
        f"Run time: {results.seconds['total']:.1f} s "
        + "("
        + ", ".join(f"{k} {v:.1f} s" for k, v in results.seconds.items() if k != "total")
        + ").",
        "",
        "Each check sets a published result beside govsim's number, with the band "
        "govsim must fall in (model/validation/checks.py; docs/VALIDATION.md).",
        "",
        "| model | published result | band | govsim | |",
        "|---|---|---|---|---|",
    ]
    return lines + [
        f"| {c.experiment} | {c.claim} | {c.published} | {c.govsim} | "
        f"{'pass' if c.passed else '**FAIL**'} |"
        for c in results.checks
    ]


def _pgg_section(results: DockingResults) -> list[str]:
    plan = results.plan
    lines = [
        "",
        "## Networked public goods game (Santos, Santos & Pacheco 2008)",
        "",
        f"{plan.pgg_residents} residents, mean degree 4, 50% initial cooperators, "
        f"{plan.pgg_generations} generations (mean share of cooperators over the last "
        f"{plan.pgg_window}), {plan.pgg_replicates} graphs per point.",
        "",
        "| eta | " + " | ".join(label for label, _, _ in PGG_CURVES) + " |",
        "|---|" + "---|" * len(PGG_CURVES),
    ]
    curves = [results.pgg_curve(label) for label, _, _ in PGG_CURVES]
    for eta in plan.pgg_etas:
        cells = [_mean_sd(curve.get(eta, [])) for curve in curves]
        lines.append(f"| {eta:g} | " + " | ".join(cells) + " |")
    return [*lines, "", "![public goods game](figures/pgg_santos2008.png)"]


def _deffuant_section(results: DockingResults) -> list[str]:
    plan = results.plan
    lines = [
        "",
        "## Bounded confidence (Deffuant et al. 2000)",
        "",
        f"{plan.deffuant_residents} residents, complete mixing, mu = 0.5, "
        f"{plan.deffuant_residents // 2} random pairs a week, until settled "
        f"(at most {plan.deffuant_max_steps} weeks); {plan.deffuant_replicates} replicates.",
        "",
        "| d | floor(1/(2d)) | govsim clusters (mean ± sd) | per replicate | weeks (max) |",
        "|---|---|---|---|---|",
    ]
    weeks: dict[float, int] = {}
    for row in results.deffuant:
        weeks[row["confidence"]] = max(weeks.get(row["confidence"], 0), row["weeks"])
    for d, values in results.clusters().items():
        lines.append(
            f"| {d:g} | {published_clusters(d)} | {_mean_sd(values)} | "
            f"{', '.join(f'{v:g}' for v in values)} | {weeks[d]} |"
        )
    return [*lines, "", "![bounded confidence](figures/deffuant2000.png)"]


def _meeting_section(results: DockingResults) -> list[str]:
    plan = results.plan
    lines = [
        "",
        "## Bounded confidence in a deliberation meeting (Deffuant et al. 2000)",
        "",
        f"One meeting of {plan.meeting_attendees} attendees, opinions uniform on [0, 1], "
        "mu = 0.5; each round pairs the attendees anew (kernels.deliberate_agenda, the "
        f"deliberation mechanism's exchange), until settled (at most "
        f"{plan.meeting_max_rounds} rounds); {plan.meeting_replicates} replicates.",
        "",
        "| d | floor(1/(2d)) | govsim clusters (mean ± sd) | per replicate | rounds (max) |",
        "|---|---|---|---|---|",
    ]
    rounds: dict[float, int] = {}
    for row in results.meetings:
        rounds[row["confidence"]] = max(rounds.get(row["confidence"], 0), row["rounds"])
    for d, values in results.clusters("meetings").items():
        lines.append(
            f"| {d:g} | {published_clusters(d)} | {_mean_sd(values)} | "
            f"{', '.join(f'{v:g}' for v in values)} | {rounds[d]} |"
        )
    return [*lines, "", "![bounded confidence, meetings](figures/deffuant2000_meetings.png)"]


def _brock_durlauf_section(results: DockingResults) -> list[str]:
    plan = results.plan
    lines = [
        "",
        "## Logit rule with social influence (Brock & Durlauf 2001)",
        "",
        f"{plan.bd_residents} residents on a complete graph, every weight 0 but the "
        f"intercept a and the neighbour weight w; {plan.bd_weeks} weeks, mean share over "
        f"the last {plan.bd_window}; {plan.bd_replicates} replicates per point. Analytic: "
        "the root of s = sigmoid(a + w s) the mean-field map reaches from the start "
        f"(band ± {BAND:g}).",
        "",
        "| curve | w | a | start | analytic | govsim (mean ± sd) | |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in sorted({(r["curve"], r["w"], r["a"], r["start"]) for r in results.brock_durlauf}):
        curve, w, a, start = row
        values = results.shares(curve)[(w, a, start)]
        expected = reached(a, w, start)
        inside = abs(np.mean(values) - expected) <= BAND
        lines.append(
            f"| {curve} | {w:g} | {a:g} | {start:g} | {expected:.4f} | {_mean_sd(values)} | "
            f"{'in' if inside else '**out**'} |"
        )
    return [*lines, "", "![Brock-Durlauf equilibria](figures/brock_durlauf2001.png)"]


def _cascade_section(results: DockingResults) -> list[str]:
    original = results.granovetter.get("thresholds 0..99", [])
    moved = results.granovetter.get("threshold 1 moved to 2", [])
    return [
        "",
        "## Threshold cascade (Granovetter 1978)",
        "",
        "| case | published | govsim: participants at the end | week all were in |",
        "|---|---|---|---|",
        f"| thresholds 0..99 | 100 | {original[-1] if original else '-'} | "
        f"{original.index(max(original)) if original else '-'} |",
        f"| threshold 1 moved to 2 | 1 | {moved[-1] if moved else '-'} | "
        f"{moved.index(max(moved)) if moved else '-'} |",
        "",
        "![threshold cascade](figures/granovetter1978.png)",
        "",
    ]


def _mean_sd(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{np.mean(values):.3f} ± {np.std(values, ddof=1) if len(values) > 1 else 0.0:.3f}"
