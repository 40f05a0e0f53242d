"""Rules that keep a workspace meaningful, with messages that name the field.

``check_entity`` looks at one row on its own (types, limits, dates in order). ``check_in_context``
looks at a row against its siblings in a workspace (shares over 100%, an allocation to a member
of another option, a duplicate key). ``check_workspace`` runs both over everything and adds
warnings that never block an edit (evaluation weights that do not add to 100, a lead who is not
a member).
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .fields import FieldError, Kind, coerce, specs
from .model import (
    ENTITY_BY_NAME,
    UNIQUE_KEYS,
    Allocation,
    ConsortiumOption,
    Entity,
    Gate,
    GateResponse,
    Importance,
    Lot,
    LotBid,
    Member,
    Organisation,
    PriceMethod,
    QualityAnswer,
    QualityQuestion,
    Requirement,
    Setting,
    Structure,
    Tender,
    key,
)
from .money import HUNDRED, ZERO, format_decimal
from .workspace import Workspace


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    severity: Severity
    entity: str  # entity label, e.g. "Member"
    record: str  # which row, in words
    field: str  # field label
    message: str
    entity_id: int | None = None

    def __str__(self) -> str:
        where = f"{self.entity} ‘{self.record}’" if self.record else self.entity
        return f"{where} — {self.field}: {self.message}"


class ValidationError(ValueError):
    """One or more errors; ``issues`` lists them, ``str()`` reads as a message for a person."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("; ".join(str(i) for i in issues))


def _issue(ws: Workspace | None, e: Entity, field: str, message: str, sev: Severity = Severity.ERROR) -> Issue:
    cls = type(e)
    label = specs(cls)[field].label if field in specs(cls) else field
    record = ws.display_name(cls, e.id) if (ws is not None and e.id is not None) else ""
    if not record:
        value = getattr(e, cls.display_field, "")
        record = str(getattr(value, "label", value) or "")
    return Issue(sev, cls.label, record, label, message, e.id)


def check_entity(e: Entity, ws: Workspace | None = None) -> list[Issue]:
    """Field limits and rules within one row."""
    issues: list[Issue] = []
    cls = type(e)
    for name, spec in specs(cls).items():
        if spec.kind is Kind.ID:
            continue
        try:
            coerce(spec, getattr(e, name), entity=cls.label, name=name)
        except FieldError as err:
            issues.append(_issue(ws, e, name, err.reason))
    if isinstance(e, Tender):
        if e.published and e.deadline and e.deadline < e.published:
            issues.append(_issue(ws, e, "deadline", "the bid deadline is before the publication date"))
        if e.deadline and e.start_date and e.start_date < e.deadline:
            issues.append(_issue(ws, e, "start_date", "the service starts before the bid deadline"))
        if e.budget_ceiling is not None and e.budget_ceiling < e.annual_value and e.budget_ceiling > 0:
            issues.append(_issue(ws, e, "budget_ceiling", "the ceiling is below the estimated annual value",
                                 Severity.WARNING))
    if isinstance(e, Setting) and e.key == "rates_overrides" and e.value.strip():
        import json

        from .jsontext import loads

        try:
            data = loads(e.value, what="the overrides")
        except json.JSONDecodeError as exc:
            issues.append(_issue(ws, e, "value", f"is not valid JSON ({exc.msg} at line {exc.lineno})"))
        except ValueError as exc:
            issues.append(_issue(ws, e, "value", str(exc)))
        else:
            if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
                issues.append(_issue(ws, e, "value", 'must map years to rates, e.g. {"2026/27": '
                                                     '{"national_living_wage": "12.71"}}'))
    if isinstance(e, Organisation) and e.employee_ownership_pct and not e.employee_owned:
        issues.append(_issue(ws, e, "employee_ownership_pct",
                             "a staff ownership share is given but the organisation is not marked employee owned",
                             Severity.WARNING))
    return issues


def check_in_context(ws: Workspace, e: Entity, *, whole: bool = False) -> list[Issue]:
    """Rules between a row and the rest of the workspace (as if ``e`` were stored in it).

    ``whole`` is for ``check_workspace``, which checks keys and shares once for all rows.
    """
    issues: list[Issue] = []
    cls = type(e)
    # parents exist
    for name, spec in specs(cls).items():
        if spec.kind is Kind.REF and spec.ref is not None and getattr(e, name) is not None:
            target = ENTITY_BY_NAME[spec.ref]
            if ws.get(target, getattr(e, name)) is None:
                issues.append(_issue(ws, e, name, f"refers to a {target.label.lower()} that does not exist"))
    # unique keys
    for fields in () if whole else UNIQUE_KEYS.get(cls.entity_name, ()):
        mine = tuple(_norm(getattr(e, f)) for f in fields)
        # narrow by the key's first reference (an indexed lookup) instead of scanning every row
        others = ws.by(cls, fields[0], getattr(e, fields[0])) if fields[0].endswith("_id") else ws.iter(cls)
        for other in others:
            if other.id != e.id and tuple(_norm(getattr(other, f)) for f in fields) == mine:
                names = " and ".join(specs(cls)[f].label.lower() for f in fields if not f.endswith("_id"))
                issues.append(_issue(ws, e, fields[-1], f"another {cls.label.lower()} has the same {names or 'key'}"))
                break
    if isinstance(e, Member) and not whole:
        siblings = [m for m in ws.members(e.option_id) if m.id != e.id] + [e]
        for fld in ("participation_pct", "profit_share_pct"):
            s = sum((getattr(m, fld) for m in siblings), ZERO)
            if s > HUNDRED:
                issues.append(_issue(ws, e, fld, f"members' shares would add up to {s}%, over 100%"))
    if isinstance(e, Allocation):
        member = ws.get(Member, e.member_id)
        if member is not None and member.option_id != e.option_id:
            issues.append(_issue(ws, e, "member_id", "the member belongs to another consortium option"))
        option = ws.get(ConsortiumOption, e.option_id)
        req = ws.get(Requirement, e.requirement_id)
        if option is not None and req is not None and req.tender_id != option.tender_id:
            issues.append(_issue(ws, e, "requirement_id", "the requirement belongs to another tender"))
    if isinstance(e, GateResponse):
        option = ws.get(ConsortiumOption, e.option_id)
        gate = ws.get(Gate, e.gate_id)
        if option is not None and gate is not None and gate.tender_id != option.tender_id:
            issues.append(_issue(ws, e, "gate_id", "the criterion belongs to another tender"))
    if isinstance(e, QualityAnswer):
        option = ws.get(ConsortiumOption, e.option_id)
        question = ws.get(QualityQuestion, e.question_id)
        if option is not None and question is not None and question.tender_id != option.tender_id:
            issues.append(_issue(ws, e, "question_id", "the question belongs to another tender"))
        if question is not None and e.expected_score > question.max_score:
            issues.append(_issue(ws, e, "expected_score", f"the question is marked out of "
                                                          f"{format_decimal(question.max_score, 1)}"))
    if isinstance(e, QualityQuestion) and e.minimum_score is not None and e.minimum_score > e.max_score:
        issues.append(_issue(ws, e, "minimum_score", f"the question is marked out of {format_decimal(e.max_score, 1)}"))
    if isinstance(e, LotBid):
        option = ws.get(ConsortiumOption, e.option_id)
        lot = ws.get(Lot, e.lot_id)
        if option is not None and lot is not None and lot.tender_id != option.tender_id:
            issues.append(_issue(ws, e, "lot_id", "the lot belongs to another tender"))
    if isinstance(e, Requirement) and e.lot_id is not None:
        lot = ws.get(Lot, e.lot_id)
        if lot is not None and lot.tender_id != e.tender_id:
            issues.append(_issue(ws, e, "lot_id", "the lot belongs to another tender"))
    return issues


def _norm(v: object) -> object:
    return key(v) if isinstance(v, str) else v


def check_workspace(ws: Workspace) -> list[Issue]:
    """Every error and warning in the workspace, for a full check (open, import, export)."""
    issues: list[Issue] = []
    for e in ws.entities():
        issues.extend(check_entity(e, ws))
        issues.extend(check_in_context(ws, e, whole=True))
    for cls_name, keysets in UNIQUE_KEYS.items():
        cls = ENTITY_BY_NAME[cls_name]
        for fields in keysets:
            seen: dict[tuple, Entity] = {}
            for e in ws.iter(cls):
                k = tuple(_norm(getattr(e, f)) for f in fields)
                if k in seen:
                    issues.append(_issue(ws, e, fields[-1], f"duplicates another {cls.label.lower()}"))
                else:
                    seen[k] = e
    for option in ws.iter(ConsortiumOption):
        issues.extend(_option_rules(ws, option))
    for t in ws.iter(Tender):
        issues.extend(_tender_rules(t))
    return issues


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity is Severity.ERROR]


def with_value(e: Entity, field: str, raw: object, ws: Workspace | None = None) -> Entity:
    """A copy of ``e`` with ``field`` set from user input, coerced; raises ValidationError."""
    cls = type(e)
    spec = specs(cls)[field]
    try:
        value = coerce(spec, raw, entity=cls.label, name=field)
    except FieldError as err:
        raise ValidationError([_issue(ws, e, field, err.reason)]) from None
    return dataclasses.replace(e, **{field: value})


def build(cls: type[Entity], values: dict[str, object]) -> Entity:
    """A new entity from user input, every field coerced; raises ValidationError naming fields."""
    kwargs: dict[str, Any] = {}
    problems: list[Issue] = []
    field_specs = specs(cls)
    for name, raw in values.items():
        if name not in field_specs:
            raise ValueError(f"{cls.label} has no field {name!r}")
        try:
            kwargs[name] = coerce(field_specs[name], raw, entity=cls.label, name=name)
        except FieldError as err:
            problems.append(Issue(Severity.ERROR, cls.label, str(values.get(cls.display_field, "")),
                                  field_specs[name].label, err.reason))
    if problems:
        raise ValidationError(problems)
    return cls(**kwargs)


def member_share_total(ws: Workspace, option_id: int, field: str = "participation_pct") -> Decimal:
    return sum((getattr(m, field) for m in ws.members(option_id)), ZERO)


def check_option(ws: Workspace, option_id: int) -> list[Issue]:
    """Errors and warnings about one consortium option: its own row, members, allocations and tender."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        return []
    rows: list[Entity] = [option, *ws.members(option_id), *ws.allocations(option_id)]
    tender = ws.get(Tender, option.tender_id)
    if tender is not None:
        rows.append(tender)
    issues: list[Issue] = []
    for e in rows:
        issues.extend(check_entity(e, ws))
        issues.extend(check_in_context(ws, e, whole=True))
    issues.extend(_option_rules(ws, option))
    if tender is not None:
        issues.extend(_tender_rules(tender))
    return issues


def _option_rules(ws: Workspace, option: ConsortiumOption) -> list[Issue]:
    issues: list[Issue] = []
    members = ws.members(option.id)
    for fld, label in (("participation_pct", "Participation share"), ("profit_share_pct", "Profit share")):
        s = sum((getattr(m, fld) for m in members), ZERO)
        if s > HUNDRED:
            issues.append(Issue(Severity.ERROR, "Consortium option", option.name, label,
                                f"members' shares add up to {s}%, over 100%", option.id))
    if option.lead_organisation_id is not None and option.lead_organisation_id not in {
        m.organisation_id for m in members
    }:
        issues.append(Issue(Severity.WARNING, "Consortium option", option.name, "Lead",
                            "the lead is not one of the members", option.id))
    if option.structure is Structure.GO_ALONE and len(members) > 1:
        issues.append(Issue(Severity.WARNING, "Consortium option", option.name, "Structure",
                            f"'go alone' with {len(members)} members", option.id))
    return issues


def weights_follow_ranks(tender: Tender) -> bool:
    """Each criterion ranked above another has at least its weight, and equal ranks equal weights."""
    from .evaluation_model import Weighting, consistent

    return consistent(Weighting(tender.quality_weight, tender.price_weight, tender.social_value_weight),
                      (tender.quality_rank, tender.price_rank, tender.social_value_rank))


def _tender_rules(tender: Tender) -> list[Issue]:
    issues = []
    w = tender.quality_weight + tender.price_weight + tender.social_value_weight
    if w != HUNDRED:
        issues.append(Issue(Severity.WARNING, "Tender", tender.name, "Evaluation weights",
                            f"quality, price and social value add up to {w}, not 100", tender.id))
    if tender.importance is Importance.RANKED and not weights_follow_ranks(tender):
        issues.append(Issue(Severity.WARNING, "Tender", tender.name, "Importance of the criteria",
                            "the weights used to score the bid do not follow the ranking (a criterion ranked higher "
                            "has a lower weight): the scores are worked out with weights the buyer's ranking rules out",
                            tender.id))
    if tender.price_method is PriceMethod.PQP and tender.price_weight != 0:
        issues.append(Issue(Severity.WARNING, "Tender", tender.name, "Price weight",
                            f"price per quality point gives price no weight (the price is divided by the quality "
                            f"score); the {tender.price_weight} entered is not used: set it to 0 and quality plus "
                            "social value to 100", tender.id))
    return issues
