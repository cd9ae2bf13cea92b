"""The dashboard's levers and the model it runs with them.

Core objects: ``LEVERS`` (the switches and sliders: the five innovations and the
frictions, each a ``Lever`` bound to a scenario field), ``model_params`` (SolaraViz's
sidebar inputs for a scenario), ``lever_values`` (the sliders' values, in words),
``base_scenario`` (the scenario the page starts from: the file in
``GOVSIM_VIZ_SCENARIO``, or the default) and ``DashboardModel`` (a
``GovernanceModel`` built from the base scenario plus the levers set in the sidebar).

Every browser session gets its own model. Changes to switches, sliders and the seed
apply when Reset is pressed (the page's Controls re-create the model then).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from govsim.dashboard.picture import CommunityPicture
from govsim.scenario import Scenario, ScenarioError, load_scenario
from govsim.sim.governance import GovernanceModel
from govsim.text import bilingual, display_name, language, say

__all__ = [
    "LEVERS",
    "SCENARIO_ENV",
    "DashboardModel",
    "Lever",
    "base_scenario",
    "lever_values",
    "levers_for",
    "model_params",
    "value_at",
]

#: Environment variable holding the scenario file the dashboard starts from.
SCENARIO_ENV = "GOVSIM_VIZ_SCENARIO"


@dataclass(frozen=True)
class Lever:
    """One switch or slider of the sidebar, bound to a scenario field by dotted path.

    ``name`` is the keyword of ``DashboardModel`` (Mesa passes sidebar values as
    keyword arguments, so it must be an identifier); ``kind`` is "switch", "float" or
    "int"; a slider's range is ``low..high`` (``high`` is widened to twice the
    scenario's value when that is larger, so a file's value is always reachable). Its
    label is the field's display name (``label``), in the language in force.
    """

    name: str
    path: str
    kind: str
    low: float = 0.0
    high: float = 1.0
    step: float = 0.01

    @property
    def label(self) -> str:
        """The sidebar label: the display name of the field, the innovation's for a switch.

        A switch shows the Chinese term beside the English ("Deliberation (议事协商)";
        in Chinese "议事协商"), as docs/DASHBOARD.md lists them.
        """
        if self.kind == "switch":
            return bilingual(self.path.removesuffix(".enabled"), "key")
        return display_name(self.path, "key")


LEVERS: tuple[Lever, ...] = (
    Lever("joint_committee", "mechanisms.joint_committee.enabled", "switch"),
    Lever("interconnection", "mechanisms.interconnection.enabled", "switch"),
    Lever("deliberation", "mechanisms.deliberation.enabled", "switch"),
    Lever("rotation", "mechanisms.rotation.enabled", "switch"),
    Lever("integral_scoring", "mechanisms.integral_scoring.enabled", "switch"),
    Lever("admin_burden", "frictions.admin_burden", "float"),
    Lever("budget", "frictions.budget", "float", 0.0, 100.0, 1.0),
    Lever("answer_probability", "frictions.linkage.answer_probability", "float"),
    Lever("escalation_age", "frictions.linkage.escalation_age", "int", 1, 52, 1),
    Lever("initial_trust", "frictions.cohesion.initial_trust", "float"),
    Lever("initial_tie_weight", "frictions.cohesion.initial_tie_weight", "float"),
    Lever("mean_degree", "network.mean_degree", "float", 0.0, 20.0, 0.5),
)


def value_at(scenario: Scenario, path: str) -> Any:
    """The value of a scenario field by its dotted path (``frictions.budget``)."""
    value: Any = scenario
    for key in path.split("."):
        value = getattr(value, key)
    return value


@lru_cache(maxsize=1)
def _base_from(path: str) -> Scenario:
    return load_scenario(path) if path else Scenario()


def base_scenario() -> Scenario:
    """The scenario the dashboard starts from: the file in ``GOVSIM_VIZ_SCENARIO``, or the default.

    Raises:
        ScenarioError: the file cannot be used (``govsim viz`` checks it before serving).
    """
    return _base_from(os.environ.get(SCENARIO_ENV, "").strip())


def levers_for(base: Scenario) -> tuple[Lever, ...]:
    """The levers that make sense for a scenario.

    The classic graphs of the docking scenarios (ring, random regular, ...) only exist
    for some degrees, so their tie density stays as the file sets it.
    """
    classic = base.network.generator != "community"
    return tuple(lever for lever in LEVERS if not (classic and lever.name == "mean_degree"))


def model_params(base: Scenario) -> dict[str, dict[str, Any]]:
    """Mesa's ``ModelCreator`` inputs: one input per lever plus the seed box, set to ``base``."""
    params: dict[str, dict[str, Any]] = {}
    for lever in levers_for(base):
        value = value_at(base, lever.path)
        if lever.kind == "switch":
            params[lever.name] = {"type": "Checkbox", "value": bool(value), "label": lever.label}
            continue
        high = max(lever.high, 2 * value)
        params[lever.name] = {
            "type": "SliderInt" if lever.kind == "int" else "SliderFloat",
            "value": int(value) if lever.kind == "int" else float(value),
            "label": lever.label,
            "min": int(lever.low) if lever.kind == "int" else lever.low,
            "max": int(high) if lever.kind == "int" else float(high),
            "step": int(lever.step) if lever.kind == "int" else lever.step,
        }
    params["seed"] = {"type": "InputText", "value": str(base.seed), "label": say("dash.seed")}
    return params


def lever_values(settings: Scenario) -> str:
    """The sliders' values in the running model, in words.

    A slider shows its value only while it is dragged; the sidebar says what is set.
    """
    shown = []
    for lever in levers_for(settings):
        if lever.kind == "switch":
            continue
        value = value_at(settings, lever.path)
        name = lever.label.lower() if language() == "en" else lever.label
        shown.append(f"{name} {value:g}" if lever.kind == "float" else f"{name} {int(value)}")
    return say("allowed.list").join(shown)


# --------------------------------------------------------------------------- the model


def _parse_seed(text: Any, fallback: int) -> tuple[int, str | None]:
    """The seed typed in the seed box, or ``fallback`` with a message saying why."""
    raw = str(text).strip()
    try:
        seed = int(raw)
    except ValueError:
        seed = -1
    if 0 <= seed <= 2**63 - 1:
        return seed, None
    return fallback, say("dash.bad_seed", raw=raw, fallback=fallback)


class DashboardModel(GovernanceModel):
    """The governance model as the dashboard runs it: base scenario + sidebar levers.

    Args:
        seed: the seed box (text or int); an unusable value falls back to the scenario's
            seed, with a notice on the page.
        joint_committee, ..., mean_degree: one keyword per entry of ``LEVERS``, named
            ``Lever.name`` (``None``: keep the base scenario's value).

    Attributes:
        notices: messages shown on the page (a seed or lever that could not be used).
        picture: the seeded layout and sample of the community graph.
        source: where the base scenario came from (a file name, or "built-in default").
    """

    def __init__(
        self,
        *,
        seed: str | int | None = None,
        joint_committee: bool | None = None,
        interconnection: bool | None = None,
        deliberation: bool | None = None,
        rotation: bool | None = None,
        integral_scoring: bool | None = None,
        admin_burden: float | None = None,
        budget: float | None = None,
        answer_probability: float | None = None,
        escalation_age: int | None = None,
        initial_trust: float | None = None,
        initial_tie_weight: float | None = None,
        mean_degree: float | None = None,
    ) -> None:
        # Explicit keywords (no **kwargs): Mesa's Reset then passes exactly the sidebar
        # values, and does not add its own ``scenario`` object, which would collide with
        # govsim's scenario argument.
        values = dict(locals())  # the lever values, by name
        base = base_scenario()
        self.notices: list[str] = []
        chosen, notice = _parse_seed(base.seed if seed is None else seed, base.seed)
        if notice:
            self.notices.append(notice)
        overrides = {
            lever.path: values[lever.name] for lever in LEVERS if values[lever.name] is not None
        }
        try:
            scenario = base.with_overrides(overrides)
        except ScenarioError as error:
            self.notices.append(say("dash.bad_levers", error=error))
            scenario = base
        super().__init__(scenario, rng=chosen, agent_interval=0)
        self.seed_used = chosen
        path = os.environ.get(SCENARIO_ENV, "").strip()
        self.source = os.path.basename(path) if path else say("dash.default_source")
        self.picture = CommunityPicture.for_model(self, chosen)
