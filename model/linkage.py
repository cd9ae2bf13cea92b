"""Three-level linkage (district - street - community): where escalated issues go.

Core objects: ``escalate`` (open issues too old for the community go up to its
street) and ``answer`` (streets, then the district, take up and answer escalated
issues), called from ``issues.resolve`` (schedule step 7).

Rule (docs/ODD.md, submodel 7.7; keys ``frictions.linkage``):

- An open issue older than ``escalation_age`` weeks is escalated to the street of its
  community (communities are assigned evenly to ``population.streets`` streets).
- Each week each street takes up the escalated issues waiting for it, oldest first,
  at most ``street_capacity`` of them (no limit when unset).
- ``response_delay`` weeks after take-up, the street answers: with probability
  ``answer_probability`` it resolves the issue; otherwise the issue goes up to the
  district when there is one (``district_answer_probability`` > 0), or is closed
  unanswered.
- The district takes up at most ``district_capacity`` issues a week (no limit when
  unset), oldest first, and ``district_delay`` weeks later resolves each with
  probability ``district_answer_probability``, otherwise closes it unanswered.

Source: the thesis names an "imperfect three-level linkage system" as a problem;
Beijing's 2018 reform ("street whistles, departments report") makes departments
answer what the street cannot solve (../shared/notes/domain-facts.md). The queue,
capacity and probability rules are assumptions of the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

# The issue book calls this module from issues.resolve: import the module, not names,
# so the two can import each other.
from model import issues

if TYPE_CHECKING:
    from model.governance import GovernanceModel
    from model.issues import IssueBook, StepLedger

__all__ = ["answer", "escalate", "street_of"]

#: Levels an escalated issue can wait at (``IssueBook.level``).
STREET, DISTRICT = 1, 2


def street_of(community: np.ndarray, communities: int, streets: int) -> np.ndarray:
    """The street of each community: communities are split evenly, in order."""
    return (np.asarray(community) * streets) // communities


def escalate(model: GovernanceModel) -> np.ndarray:
    """Open issues older than ``escalation_age`` go up to their street; returns them."""
    book, linkage = model.issues, model.settings.frictions.linkage
    open_now = book.open_issues()
    late = open_now[model.week - book.arrived[open_now] >= linkage.escalation_age]
    book.status[late] = issues.ESCALATED
    book.escalated_at[late] = model.week
    book.level[late] = STREET
    book.taken_at[late] = -1
    book.escalated_total += late.size
    return late


def _take_up(
    book: IssueBook, waiting: np.ndarray, desk: np.ndarray, capacity: int | None, week: int
) -> None:
    """Each desk (a street or the district) takes up at most ``capacity`` issues, oldest first."""
    if waiting.size == 0:
        return
    if capacity is None:
        book.taken_at[waiting] = week
        return
    order = np.argsort(book.escalated_at[waiting], kind="stable")
    waiting, desk = waiting[order], desk[order]
    slots = np.full(int(desk.max()) + 1, float(capacity))
    taken = issues.allocate_in_order(desk, np.ones(waiting.size), slots) > 0.5
    book.taken_at[waiting[taken]] = week


def answer(model: GovernanceModel, ledger: StepLedger) -> None:
    """Streets and the district take up and answer escalated issues (see module docstring)."""
    book, linkage = model.issues, model.settings.frictions.linkage
    week = model.week
    population = model.population
    pending = book.active[book.status[book.active] == issues.ESCALATED]
    at_street = pending[book.level[pending] == STREET]
    streets = street_of(
        book.community[at_street], population.n_communities, model.settings.population.streets
    )
    waiting = book.taken_at[at_street] < 0
    _take_up(book, at_street[waiting], streets[waiting], linkage.street_capacity, week)
    due = at_street[
        (book.taken_at[at_street] >= 0)
        & (week - book.taken_at[at_street] >= linkage.response_delay)
    ]
    if due.size:
        answered = model.rng.random(due.size) < linkage.answer_probability
        _close(book, due[answered], (issues.RESOLVED, issues.BY_STREET), week, ledger)
        passed = due[~answered]
        if linkage.district_answer_probability > 0:
            book.level[passed] = DISTRICT
            book.taken_at[passed] = -1
            book.escalated_at[passed] = week
            book.passed_to_district += passed.size
        else:
            _close(book, passed, (issues.UNANSWERED, issues.BY_STREET), week, ledger)
    at_district = pending[book.level[pending] == DISTRICT]
    if at_district.size == 0:
        return
    waiting = book.taken_at[at_district] < 0
    _take_up(
        book,
        at_district[waiting],
        np.zeros(int(waiting.sum()), np.int64),
        linkage.district_capacity,
        week,
    )
    due = at_district[
        (book.taken_at[at_district] >= 0)
        & (week - book.taken_at[at_district] >= linkage.district_delay)
    ]
    if due.size:
        answered = model.rng.random(due.size) < linkage.district_answer_probability
        _close(book, due[answered], (issues.RESOLVED, issues.BY_DISTRICT), week, ledger)
        _close(book, due[~answered], (issues.UNANSWERED, issues.BY_DISTRICT), week, ledger)


def _close(
    book: IssueBook, closing: np.ndarray, outcome: tuple[int, int], week: int, ledger: StepLedger
) -> None:
    """Close issues with ``outcome`` = (status, level that closed them)."""
    status, level = outcome
    if closing.size == 0:
        return
    book.status[closing] = status
    book.closed_at[closing] = week
    if status == issues.RESOLVED:
        book.resolved_by[closing] = level
        book.resolved_above += closing.size
        ledger.resolved = np.concatenate([ledger.resolved, closing])
    else:
        book.unanswered_total += closing.size
        ledger.unanswered = np.concatenate([ledger.unanswered, closing])
