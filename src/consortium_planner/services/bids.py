"""The bid pipeline (issue 17) as a use case: run each chosen option's projection and funding through the
analysis registry, then ask ``domain.bids`` what bidding for the tenders together means.

``pipeline(ws)`` returns the domain's ``BidPipeline``; ``pipeline_json(ws)`` the JSON-ready dictionary
that ``summary --json`` carries as its top-level ``pipeline`` and ``consortium-planner pipeline FILE
--json`` prints. (``services/pipeline.py`` is the *analysis* pipeline; this module is the *bid* one.)
"""

from __future__ import annotations

from typing import Any

from ..domain import bids as _bids
from ..domain.model import stored_id
from ..domain.projection import Capital
from ..domain.tasks import NEVER, CancelToken, Progress, check, no_progress
from ..domain.verdict import Verdict
from ..domain.workspace import Workspace
from . import ahead as _ahead
from .analyses import value
from .jsonout import to_jsonable
from .pipeline import AHEAD_MISSING, REGISTRY, run

__all__ = ["READS", "chosen_option_ids", "option_figures", "pipeline", "pipeline_json", "to_json"]

#: The entities whose change makes the pipeline stale (for the GUI's refresh): what the chosen options'
#: capital analysis and verdict read, and what the pipeline itself reads (tenders' dates and chances, options' choice,
#: members' money, allocations, capacities, equity).
READS = REGISTRY.reads(("capital", "verdict")) | frozenset({
    "tender", "requirement", "consortium_option", "member", "allocation", "organisation", "capacity",
    "funding_source",
})


def chosen_option_ids(ws: Workspace) -> list[int]:
    """The options chosen to bid, one a tender (a tender with two chosen counts neither)."""
    out: list[int] = []
    for t in sorted(ws.tenders(), key=lambda t: t.id or 0):
        chosen = [o for o in ws.options(t.id) if o.chosen]
        if len(chosen) == 1:
            out.append(stored_id(chosen[0]))
    return out


def option_figures(ws: Workspace, option_id: int, *, cancelled: CancelToken = NEVER) -> _bids.OptionFigures:
    """One option's contribution (projection's total EBITDA over the term), funding requirement, peak deficit,
    monthly cash before funding and its own verdict (so the pipeline never counts a "do not bid" silently);
    ``ValueError`` with the reason when its capital analysis is refused."""
    results = run(ws, option_id, ("capital", "verdict"), cancelled=cancelled)
    capital: Capital = value(results, "capital")
    proj, funding = capital.projection, capital.funding
    verdict = results["verdict"]
    decided = verdict if isinstance(verdict, Verdict) else None
    return _bids.OptionFigures(
        option_id, proj.total_ebitda, funding.requirement, funding.peak_deficit,
        tuple((m.starts, m.cash_before_funding) for m in proj.months),
        decided.decision.value if decided else "", decided.headline if decided else "")


def figures_job(ws: Workspace, option_id: int) -> _ahead.Job:
    """A job for ``services.ahead``: the option's figures (``option_figures``), which ``pipeline`` takes
    instead of running its analyses. A refused capital analysis is not sent: ``pipeline`` meets it itself."""
    return ("bid_figures", option_id), lambda: option_figures(ws, option_id)


def pipeline(ws: Workspace, *, cancelled: CancelToken = NEVER, progress: Progress = no_progress) -> _bids.BidPipeline:
    """The bid pipeline over every tender in ``ws`` (cancellable between and inside the options' analyses)."""
    ids = chosen_option_ids(ws)
    figures: dict[int, _bids.OptionFigures | str] = {}
    for n, oid in enumerate(ids):
        check(cancelled)  # before reporting: a cancelled request's page may be gone
        progress(n / max(len(ids), 1), "Computing the chosen options' figures")
        got = _ahead.result(ws, ("bid_figures", oid))  # worked out ahead in a second process (``figures_job``)
        if got is not AHEAD_MISSING:
            figures[oid] = got
            continue
        try:
            figures[oid] = option_figures(ws, oid, cancelled=cancelled)
        except ValueError as exc:
            figures[oid] = str(exc)
    check(cancelled)
    progress(1.0, "")
    return _bids.bid_pipeline(ws, figures)


def to_json(result: _bids.BidPipeline) -> dict[str, Any]:
    """``result`` as JSON-ready data."""
    d: dict[str, Any] = to_jsonable(result)
    return d


def pipeline_json(ws: Workspace, *, cancelled: CancelToken = NEVER) -> dict[str, Any]:
    """The pipeline as JSON-ready data (money as decimal strings, dates ISO 8601)."""
    return to_json(pipeline(ws, cancelled=cancelled))
