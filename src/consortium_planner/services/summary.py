"""The whole workspace, and every analysis that exists, as one JSON-ready dictionary.

``consortium-planner summary FILE --json`` prints this. Keys are stable snake_case; money is a
decimal string with two places. Each analysis added to ``analyses.ANALYSES`` appears under its
name in every option's ``analyses`` (``services/pipeline.py``): its result, ``{"error": why}`` when it
could not run, or ``{"not_applicable": why}``. ``scenarios`` lists the workspace's named what-ifs
(each option's results under them are its ``analyses.scenarios``). ``pipeline`` is the bid pipeline
over every tender (``services/bids.py``): the option chosen for each, overlaps, funding, expected value.
"""

from __future__ import annotations

from typing import Any

from ..domain.model import (
    BidRound,
    CapitalItem,
    Competitor,
    FundingSource,
    Gate,
    GateResponse,
    LotBid,
    Organisation,
    QualityAnswer,
    QualityQuestion,
    RoundScore,
    Setting,
    SocialValueCommitment,
    stored_id,
)
from ..domain.routes import screen
from ..domain.scenarios import scenario_rows
from ..domain.validation import check_workspace
from ..domain.workspace import Workspace
from .analyses import analyse_option
from .bids import pipeline_json
from .jsonout import to_jsonable
from .markets import existing_segments, option_segments

SCHEMA_VERSION = 1


def _row(e) -> dict[str, Any]:
    return to_jsonable(e)


def summary(ws: Workspace, *, option: str | None = None) -> dict[str, Any]:
    """The workspace and every option's analyses; with ``option`` (a name), only that option is analysed and
    listed (``KeyError`` if there is none of that name)."""
    orgs = []
    for o in ws.organisations():
        d = _row(o)
        d["financial_years"] = [_row(f) for f in ws.financial_years(o.id)]
        d["capacities"] = [_row(c) for c in ws.capacities(o.id)]
        profiles = []
        for p in ws.cost_profiles(o.id):
            pd = _row(p)
            pd["roles"] = [_row(r) for r in ws.roles(p.id)]
            profiles.append(pd)
        d["cost_profiles"] = profiles
        d["market_segments"] = [_row(x) for x in existing_segments(ws, o.id)]
        orgs.append(d)
    tenders = []
    for t in ws.tenders():
        d = _row(t)
        d["end_date"] = to_jsonable(t.end_date)
        d["lots"] = [_row(x) for x in ws.lots(t.id)]
        d["requirements"] = [_row(x) for x in ws.requirements(t.id)]
        d["financial_conditions"] = [_row(x) for x in ws.conditions(t.id)]
        d["tupe_cohorts"] = [_row(x) for x in ws.tupe_cohorts(t.id)]
        d["competitors"] = [_row(x) for x in ws.by(Competitor, "tender_id", t.id)]
        d["pass_fail_criteria"] = [_row(x) for x in ws.by(Gate, "tender_id", t.id)]
        d["quality_questions"] = [_row(x) for x in ws.by(QualityQuestion, "tender_id", t.id)]
        d["bid_rounds"] = [dict(_row(r), scores=[_row(x) for x in ws.by(RoundScore, "round_id", r.id)])
                           for r in sorted(ws.by(BidRound, "tender_id", t.id), key=lambda r: (r.number, r.id or 0))]
        d["route"] = to_jsonable(screen(t))
        tenders.append(d)
    options = []
    chosen = ws.options()
    if option is not None:
        chosen = [op for op in chosen if op.name == option]
        if not chosen:
            raise KeyError(option)
    for op in chosen:
        d = _row(op)
        members = []
        for m in ws.members(op.id):
            md = _row(m)
            org = ws.get(Organisation, m.organisation_id)
            md["organisation_name"] = org.name if org else None
            members.append(md)
        d["members"] = members
        d["allocations"] = [_row(a) for a in ws.allocations(op.id)]
        d["funding_sources"] = [_row(x) for x in ws.by(FundingSource, "option_id", op.id)]
        d["capital_items"] = [_row(x) for x in ws.by(CapitalItem, "option_id", op.id)]
        d["market_segments"] = [_row(x) for x in option_segments(ws, stored_id(op))]
        d["pass_fail_answers"] = [_row(x) for x in ws.by(GateResponse, "option_id", op.id)]
        d["lot_decisions"] = [_row(x) for x in ws.by(LotBid, "option_id", op.id)]
        d["quality_scores"] = [_row(x) for x in ws.by(QualityAnswer, "option_id", op.id)]
        d["social_value_commitments"] = [_row(x) for x in ws.by(SocialValueCommitment, "option_id", op.id)]
        d["analyses"] = to_jsonable(analyse_option(ws, stored_id(op)).public())
        options.append(d)
    return {
        "schema_version": SCHEMA_VERSION,
        "settings": {s.key: s.value for s in sorted(ws.all(Setting), key=lambda s: s.key)},
        "organisations": orgs,
        "tenders": tenders,
        "consortium_options": options,
        "scenarios": [_row(s) for s in scenario_rows(ws)],
        "pipeline": pipeline_json(ws),
        "issues": [
            {"severity": i.severity.value, "entity": i.entity, "record": i.record, "field": i.field,
             "message": i.message}
            for i in check_workspace(ws)
        ],
    }
