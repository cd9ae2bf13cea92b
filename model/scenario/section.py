"""The base of every scenario section, and the value types sections share.

Core objects: ``Section`` (frozen pydantic model: unknown keys are errors, nothing is
coerced), ``Share`` (a number from 0 to 1) and ``NonNegative`` (an amount).

Naming: a section that holds the parameters of a part of the model with a class of
its own in ``govsim.sim`` (a mechanism, the population, the units, the network) is
that part's ``...Settings`` (``DeliberationSettings`` sets up the ``Deliberation``
mechanism). The JSON Schema and the key reference show sections without the suffix,
as a scenario file's reader knows them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["NonNegative", "Section", "Share", "section_title"]

Share = Annotated[float, Field(ge=0.0, le=1.0)]
#: Amounts (resources, capacities, rates, points): finite, and bounded far above any
#: plausible community so that a typo (1e12) is an error, not an out-of-memory crash.
NonNegative = Annotated[float, Field(ge=0.0, le=1_000_000.0)]


def section_title(cls: type) -> str:
    """A section's title in the JSON Schema: its class name without ``Settings``."""
    return cls.__name__.removesuffix("Settings")


class Section(BaseModel):
    """Base of every scenario section: unknown keys are errors, values are frozen."""

    # allow_inf_nan=False: inf and nan are never meaningful parameter values. strict:
    # `steps: true` or `steps: "10"` is a typo to report, not a value to coerce (an
    # integer still passes where a number is asked for).
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_default=True,
        allow_inf_nan=False,
        strict=True,
        model_title_generator=section_title,
    )
