"""The bundled demo workspace: a fictional county tender, seven providers and three ways to bid (and a
neighbour's smaller tender that two of them also bid for, for the bid pipeline).

The demo's source is ``resources/demo/demo.toml``, a commented file people can read and edit.
Records there refer to each other by name (organisations by name, requirements as
``"service line/area"``, options' tenders by name); this module turns the source into entities
with ids, checks them, and writes a new workspace file in one transaction.

    write_demo(Path("demo.cplan"))            # the workspace a first-time user opens
    rows = build_demo_entities(load_demo_source())   # the same rows in memory, for tests

Anything inconsistent in the source (an unknown organisation in an option, a misspelt field, a
service line the tender does not buy) raises ``DemoSourceError`` naming the TOML section.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterator
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from ..domain.fields import FieldError, Kind, coerce, specs
from ..domain.model import (
    ENTITIES,
    Allocation,
    Capacity,
    CapitalItem,
    Competitor,
    ConsortiumOption,
    CostProfile,
    DueDiligenceItem,
    Entity,
    FinancialCondition,
    FinancialYear,
    FundingSource,
    Gate,
    GateResponse,
    HeadsOfTermsItem,
    Lot,
    LotBid,
    MarketSegment,
    Member,
    Organisation,
    PartneringProfile,
    PensionArrangement,
    QualityAnswer,
    QualityQuestion,
    ReadinessScore,
    Requirement,
    Risk,
    Role,
    Setting,
    SocialOutcome,
    SocialValueCommitment,
    Tender,
    TupeCohort,
    key,
)
from ..domain.scenarios import shipped_scenarios
from ..domain.validation import ValidationError, build, check_workspace, errors
from ..domain.workspace import Workspace
from ..store.workspace_file import Store, building, is_database_url

DEMO_PACKAGE = "consortium_planner"
DEMO_RESOURCE = ("resources", "demo", "demo.toml")
DEMO_FORMAT = 1
NOT_GIVEN = ("", "not given", "n/a")  # how the source writes a figure the accounts do not give

__all__ = [
    "not_in_new_workspace",
    "DemoSourceError",
    "build_demo_entities",
    "demo_source_text",
    "load_demo_source",
    "parse_demo_source",
    "write_demo",
]


class DemoSourceError(ValueError):
    """The demo source is not consistent; the message names the TOML section and the problem."""


# ------------------------------------------------------------------------------------------ reading


def demo_source_text() -> str:
    """The bundled ``demo.toml`` as text."""
    return resources.files(DEMO_PACKAGE).joinpath(*DEMO_RESOURCE).read_text(encoding="utf-8")


def parse_demo_source(text: str) -> dict[str, Any]:
    """Parse demo TOML; decimals stay exact (``Decimal``, never float)."""
    try:
        source = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise DemoSourceError(f"demo.toml is not valid TOML: {exc}") from None
    fmt = source.get("format", DEMO_FORMAT)
    if fmt != DEMO_FORMAT:
        raise DemoSourceError(f"demo.toml: format {fmt!r} is not supported (expected {DEMO_FORMAT})")
    return source


def load_demo_source() -> dict[str, Any]:
    """The bundled demo source as a dict (importlib.resources + tomllib, decimals exact)."""
    return parse_demo_source(demo_source_text())


# ------------------------------------------------------------------------------------------ building


def _section(kind: str, name: object = None, parent: str = "") -> str:
    here = f"[[{kind}]]" + (f" {str(name)!r}" if name not in (None, "") else "")
    return f"{parent} › {here}" if parent else here


def _as_list(value: Any, section: str, what: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise DemoSourceError(f"{section}: '{what}' should be a table or a list of tables")
    return value


class _Builder:
    """Turns the source into entities with ids assigned in order, parents before children."""

    def __init__(self) -> None:
        self.rows: list[Entity] = []
        self._next_id: dict[type[Entity], int] = {}
        self.orgs: dict[str, Organisation] = {}
        self.tenders: dict[str, Tender] = {}
        self.lots: dict[int, dict[str, Lot]] = {}
        self.gates: dict[int, dict[str, Gate]] = {}
        self.questions: dict[int, dict[str, QualityQuestion]] = {}
        self.requirements: dict[int, dict[tuple[str, str], list[Requirement]]] = {}
        self.options: dict[tuple[int, str], ConsortiumOption] = {}

    # -------------------------------------------------------------- one row
    def make(self, cls: type[Entity], values: dict[str, Any], section: str,
             **links: int | None) -> Any:
        """A new row of ``cls`` from the source's ``values`` plus resolved ``links`` (ids)."""
        field_specs = specs(cls)
        settable = [n for n, s in field_specs.items() if s.kind not in (Kind.ID, Kind.REF)]
        unknown = [k for k in values if k not in settable]
        if unknown:
            raise DemoSourceError(
                f"{section}: unknown field {', '.join(repr(u) for u in unknown)} for a "
                f"{cls.label.lower()} (fields: {', '.join(settable)})"
            )
        clean = {k: self._plain(v, field_specs[k].kind in (Kind.TEXT, Kind.LONGTEXT)) for k, v in values.items()}
        new_id = self._next_id.get(cls, 1)
        self._next_id[cls] = new_id + 1
        try:
            row = build(cls, {**clean, **links, "id": new_id})
        except ValidationError as exc:
            raise DemoSourceError(f"{section}: {exc}") from None
        self.rows.append(row)
        return row

    @staticmethod
    def _plain(value: Any, is_text: bool) -> Any:
        if is_text and isinstance(value, list) and all(isinstance(v, str) for v in value):
            return "; ".join(value)  # e.g. areas served
        if not is_text and isinstance(value, str) and value.strip().casefold() in NOT_GIVEN:
            return None  # a figure the source says is not given
        return value

    # -------------------------------------------------------------- settings
    def settings(self, table: Any) -> None:
        if table is None:
            return
        if not isinstance(table, dict):
            raise DemoSourceError("[settings]: should be a table of key = text")
        for k, v in table.items():
            if isinstance(v, dict | list):
                raise DemoSourceError(f"[settings]: {k!r} should be text, not a table or list")
            self.make(Setting, {"key": k, "value": str(v).lower() if isinstance(v, bool) else str(v)},
                      f"[settings] {k!r}")

    # -------------------------------------------------------------- tenders
    def tender(self, src: dict[str, Any]) -> None:
        src = dict(src)
        nested = {n: src.pop(n, None) for n in ("lot", "requirement", "financial_condition", "tupe_cohort",
                                                "competitor", "gate", "question")}
        sec = _section("tender", src.get("name"))
        tender: Tender = self.make(Tender, src, sec)
        if key(tender.name) in self.tenders:
            raise DemoSourceError(f"{sec}: another tender has the same name")
        self.tenders[key(tender.name)] = tender
        assert tender.id is not None
        lots = self.lots.setdefault(tender.id, {})
        for lot_src in _as_list(nested["lot"], sec, "lot"):
            lot: Lot = self.make(Lot, lot_src, _section("tender.lot", lot_src.get("name"), sec), tender_id=tender.id)
            lots[key(lot.name)] = lot
        reqs = self.requirements.setdefault(tender.id, {})
        for req_src in _as_list(nested["requirement"], sec, "requirement"):
            rsec = _section("tender.requirement", req_src.get("service_line"), sec)
            req_src = dict(req_src)
            lot_id = None
            lot_name = req_src.pop("lot", None)
            if lot_name not in (None, ""):
                named = lots.get(key(str(lot_name)))
                if named is None:
                    raise DemoSourceError(f"{rsec}: unknown lot {lot_name!r} (known: {_names(lots.values())})")
                lot_id = named.id
            for values in _per_area(req_src, "annual_volume", rsec):
                req: Requirement = self.make(Requirement, values, rsec, tender_id=tender.id, lot_id=lot_id)
                reqs.setdefault((key(req.service_line), key(req.area)), []).append(req)
        for cond in _as_list(nested["financial_condition"], sec, "financial_condition"):
            self.make(FinancialCondition, cond, _section("tender.financial_condition", cond.get("metric"), sec),
                      tender_id=tender.id)
        for cohort in _as_list(nested["tupe_cohort"], sec, "tupe_cohort"):
            self.make(TupeCohort, cohort, _section("tender.tupe_cohort", cohort.get("name"), sec),
                      tender_id=tender.id)
        for rival in _as_list(nested["competitor"], sec, "competitor"):
            self.make(Competitor, rival, _section("tender.competitor", rival.get("name"), sec),
                      tender_id=tender.id)
        gates = self.gates.setdefault(tender.id, {})
        for g_src in _as_list(nested["gate"], sec, "gate"):  # pass/fail criteria
            gate: Gate = self.make(Gate, g_src, _section("tender.gate", g_src.get("name"), sec), tender_id=tender.id)
            gates[key(gate.name)] = gate
        questions = self.questions.setdefault(tender.id, {})
        for q_src in _as_list(nested["question"], sec, "question"):  # quality questions (sub-criteria)
            question: QualityQuestion = self.make(QualityQuestion, q_src, _section("tender.question", q_src.get("name"),
                                                                                   sec), tender_id=tender.id)
            questions[key(question.name)] = question

    # -------------------------------------------------------------- organisations
    def organisation(self, src: dict[str, Any]) -> None:
        src = dict(src)
        nested = {n: src.pop(n, None) for n in ("accounts", "financial_year", "capacity", "cost_profile", "market")}
        sec = _section("organisation", src.get("name"))
        org: Organisation = self.make(Organisation, src, sec)
        if key(org.name) in self.orgs:
            raise DemoSourceError(f"{sec}: another organisation has the same name")
        self.orgs[key(org.name)] = org
        if nested["accounts"] is not None:
            for values in _accounts_columns(nested["accounts"], f"{sec} › [organisation.accounts]"):
                self.make(FinancialYear, values,
                          f"{sec} › [organisation.accounts] year ending {values.get('year_end')}",
                          organisation_id=org.id)
        for fy in _as_list(nested["financial_year"], sec, "financial_year"):
            self.make(FinancialYear, fy, _section("organisation.financial_year", fy.get("year_end"), sec),
                      organisation_id=org.id)
        for cap_src in _as_list(nested["capacity"], sec, "capacity"):
            csec = _section("organisation.capacity", cap_src.get("service_line"), sec)
            for values in _per_area(cap_src, "units_per_year", csec):
                cap: Capacity = self.make(Capacity, values, csec, organisation_id=org.id)
                self._check_bought(cap.service_line, cap.area, cap.unit, csec)
        for m_src in _as_list(nested["market"], sec, "market"):  # its income today, by market
            self.make(MarketSegment, m_src, _section("organisation.market", m_src.get("name"), sec),
                      organisation_id=org.id)
        for cp_src in _as_list(nested["cost_profile"], sec, "cost_profile"):
            cp_src = dict(cp_src)
            roles = cp_src.pop("role", None)
            psec = _section("organisation.cost_profile", cp_src.get("service_line"), sec)
            profile: CostProfile = self.make(CostProfile, cp_src, psec, organisation_id=org.id)
            self._check_bought(profile.service_line, None, profile.unit, psec)
            for role in _as_list(roles, psec, "role"):
                self.make(Role, role, _section("organisation.cost_profile.role", role.get("name"), psec),
                          cost_profile_id=profile.id)

    def _check_bought(self, service_line: str, area: str | None, unit: str, section: str) -> None:
        """Demo data must line up with what the tender buys, so a typo cannot hide."""
        if not self.requirements:
            return
        lines: dict[str, set[str]] = {}
        units: dict[str, str] = {}
        for reqs in self.requirements.values():
            for (sl, ar), rows in reqs.items():
                lines.setdefault(sl, set()).add(ar)
                units[sl] = rows[0].unit
        sl = key(service_line)
        if sl not in lines:
            raise DemoSourceError(f"{section}: service line {service_line!r} is not one the tender buys "
                                  f"(tender service lines: {', '.join(sorted(lines))})")
        if area is not None and key(area) not in lines[sl]:
            raise DemoSourceError(f"{section}: area {area!r} is not one the tender buys "
                                  f"{service_line!r} in (areas: {', '.join(sorted(lines[sl]))})")
        if key(unit) != key(units[sl]):
            raise DemoSourceError(f"{section}: unit {unit!r} differs from the tender's unit "
                                  f"{units[sl]!r} for {service_line!r}")

    # -------------------------------------------------------------- options
    def option(self, src: dict[str, Any]) -> None:
        src = dict(src)
        sec = _section("option", src.get("name"))
        members = src.pop("member", None)
        funding = src.pop("funding", None)
        capital_items = src.pop("capital_item", None)
        risks = src.pop("risk", None)
        outcomes = src.pop("outcome", None)
        markets = src.pop("market", None)
        answers = src.pop("gate", None)
        lot_bids = src.pop("lot", None)
        scores = src.pop("question", None)
        commitments = src.pop("social_value", None)
        partnering = {n: src.pop(n, None) for n in ("partnering", "pension", "heads_of_terms")}
        tender = self._tender_for(src.pop("tender", None), sec)
        lead_name = src.pop("lead", None)
        lead_id = self._org(lead_name, f"{sec} lead").id if lead_name not in (None, "") else None
        option: ConsortiumOption = self.make(ConsortiumOption, src, sec, tender_id=tender.id,
                                             lead_organisation_id=lead_id)
        okey = (tender.id or 0, key(option.name))
        if okey in self.options:
            raise DemoSourceError(f"{sec}: another option for this tender has the same name")
        self.options[okey] = option
        seen_orgs: set[int] = set()
        members_by_org: dict[int, Member] = {}
        for m_src in _as_list(members, sec, "member"):
            m_src = dict(m_src)
            msec = _section("option.member", m_src.get("organisation"), sec)
            org = self._org(m_src.pop("organisation", None), msec)
            if org.id in seen_orgs:
                raise DemoSourceError(f"{msec}: the organisation is already a member of this option")
            seen_orgs.add(org.id)  # type: ignore[arg-type]
            allocations = m_src.pop("allocations", None) or {}
            readiness = m_src.pop("readiness", None) or {}
            diligence = m_src.pop("due_diligence", None) or {}
            member: Member = self.make(Member, m_src, msec, option_id=option.id, organisation_id=org.id)
            self._member_partnering(member, readiness, diligence, msec)
            if not isinstance(allocations, dict):
                raise DemoSourceError(f"{msec}: allocations should be a table of \"service line/area\" = volume")
            for ref, volume in allocations.items():
                asec = f"{msec} › allocation {ref!r}"
                req = self._requirement(tender, ref, asec)
                self.make(Allocation, {"volume": volume}, asec, option_id=option.id,
                          requirement_id=req.id, member_id=member.id)
            members_by_org[org.id] = member  # type: ignore[index]
        for item in _as_list(capital_items, sec, "capital_item"):
            self.make(CapitalItem, item, _section("option.capital_item", item.get("name"), sec), option_id=option.id)
        for f_src in _as_list(funding, sec, "funding"):
            f_src = dict(f_src)
            fsec = _section("option.funding", f_src.get("name"), sec)
            member_name = f_src.pop("member", None)
            member_id = None
            if member_name not in (None, ""):
                org = self._org(member_name, fsec)
                if org.id not in members_by_org:
                    raise DemoSourceError(f"{fsec}: {org.name!r} is not a member of this option")
                member_id = members_by_org[org.id].id
            self.make(FundingSource, f_src, fsec, option_id=option.id, member_id=member_id)
        for r_src in _as_list(risks, sec, "risk"):  # the user's own risks (the analyses' are seeded in the program)
            self.make(Risk, r_src, _section("option.risk", r_src.get("area"), sec), option_id=option.id)
        for o_src in _as_list(outcomes, sec, "outcome"):
            self.make(SocialOutcome, o_src, _section("option.outcome", o_src.get("measure"), sec), option_id=option.id)
        for mk_src in _as_list(markets, sec, "market"):  # new markets, each earned by a member
            mk_src = dict(mk_src)
            mksec = _section("option.market", mk_src.get("name"), sec)
            earner = self._org(mk_src.pop("earned_by", None), f"{mksec} earned_by")
            if earner.id not in members_by_org:
                raise DemoSourceError(f"{mksec}: {earner.name!r} is not a member of this option")
            self.make(MarketSegment, mk_src, mksec, option_id=option.id, organisation_id=earner.id)
        for a_src in _as_list(answers, sec, "gate"):  # the option's answer to each pass/fail criterion, by name
            a_src = dict(a_src)
            asec = _section("option.gate", a_src.get("criterion"), sec)
            named = self.gates.get(tender.id or 0, {}).get(key(str(a_src.pop("criterion", ""))))
            if named is None:
                raise DemoSourceError(f"{asec}: unknown pass/fail criterion (known: "
                                      f"{_names(self.gates.get(tender.id or 0, {}).values())})")
            self.make(GateResponse, a_src, asec, option_id=option.id, gate_id=named.id)
        for l_src in _as_list(lot_bids, sec, "lot"):  # the option's decision on a lot of its tender, by name
            l_src = dict(l_src)
            lsec = _section("option.lot", l_src.get("lot"), sec)
            lot = self.lots.get(tender.id or 0, {}).get(key(str(l_src.pop("lot", ""))))
            if lot is None:
                raise DemoSourceError(f"{lsec}: unknown lot (known: {_names(self.lots.get(tender.id or 0, {}).values())})")
            self.make(LotBid, l_src, lsec, option_id=option.id, lot_id=lot.id)
        for q_src in _as_list(scores, sec, "question"):  # the option's expected score on each quality question
            q_src = dict(q_src)
            qsec = _section("option.question", q_src.get("question"), sec)
            named_q = self.questions.get(tender.id or 0, {}).get(key(str(q_src.pop("question", ""))))
            if named_q is None:
                raise DemoSourceError(f"{qsec}: unknown quality question (known: "
                                      f"{_names(self.questions.get(tender.id or 0, {}).values())})")
            self.make(QualityAnswer, q_src, qsec, option_id=option.id, question_id=named_q.id)
        for sv_src in _as_list(commitments, sec, "social_value"):  # the social value ledger
            self.make(SocialValueCommitment, sv_src, _section("option.social_value", sv_src.get("measure"), sec),
                      option_id=option.id)
        self._option_partnering(option, tender, partnering, sec)

    def _option_partnering(self, option: ConsortiumOption, tender: Tender, src: dict[str, Any], sec: str) -> None:
        """``[option.partnering]`` (the structure questions), ``[[option.pension]]`` (a TUPE cohort's pension
        arrangement, the cohort by name) and ``[[option.heads_of_terms]]``."""
        if src["partnering"] is not None:
            if not isinstance(src["partnering"], dict):
                raise DemoSourceError(f"{sec}: 'partnering' should be a table of answers")
            self.make(PartneringProfile, src["partnering"], f"{sec} › [option.partnering]", option_id=option.id)
        cohorts = {key(c.name): c for c in self.rows if isinstance(c, TupeCohort) and c.tender_id == tender.id}
        for p_src in _as_list(src["pension"], sec, "pension"):
            p_src = dict(p_src)
            psec = _section("option.pension", p_src.get("cohort"), sec)
            cohort = cohorts.get(key(str(p_src.pop("cohort", ""))))
            if cohort is None:
                raise DemoSourceError(f"{psec}: name one of the tender's TUPE cohorts "
                                      f"(known: {_names(cohorts.values())})")
            self.make(PensionArrangement, p_src, psec, option_id=option.id, cohort_id=cohort.id)
        for h_src in _as_list(src["heads_of_terms"], sec, "heads_of_terms"):
            self.make(HeadsOfTermsItem, h_src, _section("option.heads_of_terms", h_src.get("head"), sec),
                      option_id=option.id)

    def _member_partnering(self, member: Member, readiness: Any, diligence: Any, section: str) -> None:
        """A member's ``readiness = { trust = 4, ... }`` scores and ``due_diligence = { accounts = "clear",
        pensions = { status = "issue", notes = "..." } }`` checklist."""
        for what, table in (("readiness", readiness), ("due_diligence", diligence)):
            if not isinstance(table, dict):
                raise DemoSourceError(f"{section}: '{what}' should be a table")
        for dimension, score in readiness.items():
            values = dict(score) if isinstance(score, dict) else {"score": score}
            self.make(ReadinessScore, {"dimension": dimension, **values}, f"{section} › readiness {dimension!r}",
                      member_id=member.id)
        for area, status in diligence.items():
            values = dict(status) if isinstance(status, dict) else {"status": status}
            self.make(DueDiligenceItem, {"area": area, **values}, f"{section} › due diligence {area!r}",
                      member_id=member.id)

    # -------------------------------------------------------------- the bid pipeline
    def bid(self, src: dict[str, Any]) -> None:
        """``[[bid]]``: the option chosen to bid for a tender, and the tender's chance of winning."""
        src = dict(src)
        sec = _section("bid", src.get("tender"))
        tender = self._tender_for(src.pop("tender", None), sec)
        name = src.pop("option", None)
        option = self.options.get((tender.id or 0, key(str(name or ""))))
        if option is None:
            known = _names(o for (tid, _), o in self.options.items() if tid == tender.id)
            raise DemoSourceError(f"{sec}: unknown option {name!r} for this tender (known: {known})")
        chance = src.pop("win_probability_pct", None)
        if src:
            raise DemoSourceError(f"{sec}: unknown field {', '.join(map(repr, src))} "
                                  "(expected: tender, option, win_probability_pct)")
        self._replace(option, dataclasses.replace(option, chosen=True))
        if chance is not None:
            try:
                pct = coerce(specs(Tender)["win_probability_pct"], chance, entity=Tender.label,
                             name="win_probability_pct")
            except FieldError as exc:
                raise DemoSourceError(f"{sec}: {exc}") from None
            self._replace(tender, dataclasses.replace(tender, win_probability_pct=pct))

    def _replace(self, old: Entity, new: Entity) -> None:
        self.rows[next(i for i, r in enumerate(self.rows) if r is old)] = new
        if isinstance(new, ConsortiumOption):
            self.options[(new.tender_id or 0, key(new.name))] = new
        elif isinstance(new, Tender):
            self.tenders[key(new.name)] = new

    def _tender_for(self, name: Any, section: str) -> Tender:
        if name in (None, ""):
            if len(self.tenders) == 1:
                return next(iter(self.tenders.values()))
            raise DemoSourceError(f"{section}: say which tender the option is for (tender = \"...\")")
        tender = self.tenders.get(key(str(name)))
        if tender is None:
            raise DemoSourceError(f"{section}: unknown tender {name!r} (known: {_names(self.tenders.values())})")
        return tender

    def _org(self, name: Any, section: str) -> Organisation:
        if name in (None, ""):
            raise DemoSourceError(f"{section}: an organisation name is required")
        org = self.orgs.get(key(str(name)))
        if org is None:
            raise DemoSourceError(f"{section}: unknown organisation {name!r} (known: {_names(self.orgs.values())})")
        return org

    def _requirement(self, tender: Tender, ref: str, section: str) -> Requirement:
        line, sep, area = str(ref).rpartition("/")
        if not sep or not line.strip() or not area.strip():
            raise DemoSourceError(f"{section}: write the requirement as \"service line/area\"")
        found = self.requirements.get(tender.id or 0, {}).get((key(line), key(area)), [])
        if not found:
            known = ", ".join(f"{r.service_line}/{r.area}" for rs in self.requirements.get(tender.id or 0, {}).values()
                              for r in rs)
            raise DemoSourceError(f"{section}: the tender {tender.name!r} has no requirement {ref!r} (known: {known})")
        if len(found) > 1:
            raise DemoSourceError(f"{section}: {ref!r} is in more than one lot; it cannot be told apart")
        return found[0]


def _names(rows) -> str:
    return ", ".join(repr(getattr(r, "name", r)) for r in rows) or "none"


def _per_area(values: dict[str, Any], field: str, section: str) -> Iterator[dict[str, Any]]:
    """``field = { Area = n, ... }`` makes one row an area; a plain number needs ``area``."""
    amount = values.get(field)
    if isinstance(amount, dict):
        if "area" in values:
            raise DemoSourceError(f"{section}: give either 'area' or a table of areas in {field!r}, not both")
        if not amount:
            raise DemoSourceError(f"{section}: {field!r} lists no areas")
        for area, n in amount.items():
            yield {**values, "area": area, field: n}
    else:
        yield values


def _accounts_columns(table: Any, section: str) -> Iterator[dict[str, Any]]:
    """``[organisation.accounts]``: each figure a list with one entry per year end."""
    if not isinstance(table, dict):
        raise DemoSourceError(f"{section}: should be a table of lists, one entry per year end")
    years = table.get("year_end")
    if not isinstance(years, list) or not years:
        raise DemoSourceError(f"{section}: 'year_end' should list the year ends, e.g. [2024-03-31, 2025-03-31]")
    for name, column in table.items():
        if not isinstance(column, list) or len(column) != len(years):
            raise DemoSourceError(f"{section}: {name!r} should list {len(years)} figures, one per year end")
    for i in range(len(years)):
        yield {name: column[i] for name, column in table.items()}


def build_demo_entities(source: dict[str, Any]) -> list[Entity]:
    """Every row the demo source describes, with ids assigned, parents before children.

    Raises ``DemoSourceError`` naming the TOML section when a name does not resolve, a field is
    unknown or out of range, or the finished workspace would fail ``check_workspace``.
    """
    known = {"format", "settings", "tender", "organisation", "option", "bid"}
    unknown = [k for k in source if k not in known]
    if unknown:
        raise DemoSourceError(f"demo.toml: unknown top-level section {', '.join(map(repr, unknown))} "
                              f"(expected: {', '.join(sorted(known))})")
    b = _Builder()
    b.settings(source.get("settings"))
    for t in _as_list(source.get("tender"), "demo.toml", "tender"):
        b.tender(t)
    for o in _as_list(source.get("organisation"), "demo.toml", "organisation"):
        b.organisation(o)
    for opt in _as_list(source.get("option"), "demo.toml", "option"):
        b.option(opt)
    for bid in _as_list(source.get("bid"), "demo.toml", "bid"):
        b.bid(bid)
    order = {cls: i for i, cls in enumerate(ENTITIES)}
    # the shipped scenarios, as every new workspace holds them (the migration that makes the table writes them)
    rows = sorted([*b.rows, *shipped_scenarios()], key=lambda r: order[type(r)])  # stable: source order within a type
    problems = errors(check_workspace(Workspace(rows)))
    if problems:
        raise DemoSourceError("the demo source is inconsistent: " + "; ".join(str(p) for p in problems))
    return rows


# ------------------------------------------------------------------------------------------ writing


def not_in_new_workspace(rows: list[Entity]) -> list[Entity]:
    """``rows`` less those a new workspace already holds (the shipped scenarios, ids 1–4, written by the
    migration that makes their table), so writing them into a new workspace does not clash."""
    shipped = shipped_scenarios()
    return [r for r in rows if r not in shipped]


def write_demo(path: str | Path, overwrite: bool = False, *, source: dict[str, Any] | None = None) -> Path | str:
    """Create a new workspace file at ``path`` holding the demo; returns the path.

    The source is checked in memory first, so a bad source never leaves a file behind. All rows go
    in one transaction; the file is then reopened and checked again. ``path`` may be the URL of an
    empty team database (PostgreSQL), which is never emptied: ``overwrite`` is for files.
    """
    rows = build_demo_entities(load_demo_source() if source is None else source)
    rows = not_in_new_workspace(rows)
    p: Path | str
    if is_database_url(path):  # a team database: must be empty; the rows go in one transaction
        p = str(path)
        store = Store.create(p)
        try:
            with store.operation("Create the demo workspace"):
                store.insert_many(rows)
            ws = store.load()
        finally:
            store.close()
    else:
        p = Path(path)
        with building(p, overwrite=overwrite) as scratch:  # the old file stays until the new one is whole
            with Store.create(scratch) as store:
                with store.operation("Create the demo workspace"):
                    store.insert_many(rows)
                ws = store.load()
    problems = errors(check_workspace(ws))
    if problems:  # pragma: no cover - the in-memory check above should have caught it
        raise DemoSourceError("the demo workspace failed its check after writing: "
                              + "; ".join(str(x) for x in problems))
    return p
