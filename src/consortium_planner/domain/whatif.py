"""Live what-if (issue 19): what partners argue about at a workshop, tried on a scratch copy.

A ``WhatIf`` holds the changes: for the option, its margin (the price follows), a share of
participation moved between two members, and a loan's amount; for the market, the scenario drivers
volume, pay uplift and payment terms (``domain.scenarios``). ``apply`` returns a copy of the workspace
with them made; the stored workspace and its rows are never touched (entities are frozen and the copy
shares the rows it does not change).

The option's own changes are made first and the bid is priced on them (a higher margin is a higher
price); the market drivers then move the copy as a scenario does, with the bid as priced on the
changed option (``scenarios.apply``). So "margin +1 point, volume −10%" is the bid at the new margin
when the buyer calls off 10% less.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType

from . import scenarios
from .defaults import move_share
from .model import ConsortiumOption, Entity, FundingKind, FundingSource, Member
from .money import ZERO, format_gbp
from .workspace import Workspace

MARGIN_RANGE = (Decimal(-50), Decimal(50))  # the option's margin field's bounds
MAX_LOAN = Decimal(10) ** 12


@dataclass(frozen=True, slots=True)
class ShareMove:
    """``points`` of participation share moved from one member to another of the option."""

    from_member: int
    to_member: int
    points: Decimal


@dataclass(frozen=True, slots=True)
class WhatIf:
    option_id: int
    margin_pct: Decimal | None = None  # the option's margin; None: as stored
    share_move: ShareMove | None = None
    loans: Mapping[int, Decimal] = field(default_factory=lambda: MappingProxyType({}))  # funding source id → amount
    volume_pct: Decimal = ZERO
    pay_uplift_pp: Decimal = ZERO
    payment_delay_days: int = 0

    def market(self) -> scenarios.Adjustments:
        """The drivers that move the market, not the option: a scenario's."""
        return scenarios.Adjustments(volume_pct=self.volume_pct, pay_uplift_pp=self.pay_uplift_pp,
                                     payment_delay_days=self.payment_delay_days)

    def is_empty(self, ws: Workspace) -> bool:
        option = ws.get(ConsortiumOption, self.option_id)
        same_margin = self.margin_pct is None or (option is not None and self.margin_pct == option.margin_pct)
        same_loans = all((s := ws.get(FundingSource, i)) is not None and s.amount == v for i, v in self.loans.items())
        moved = self.share_move is not None and self.share_move.points != 0
        return same_margin and same_loans and not moved and self.market().is_empty()

    def describe(self, ws: Workspace) -> str:
        """``"margin 5% (was 3%), 2.5 points of share from A to B, volume −10%"`` or ``"no change"``."""
        option = ws.get(ConsortiumOption, self.option_id)
        parts: list[str] = []
        if option is not None and self.margin_pct is not None and self.margin_pct != option.margin_pct:
            parts.append(f"margin {_plain(self.margin_pct)}% (was {_plain(option.margin_pct)}%)")
        if self.share_move is not None and self.share_move.points:
            m = self.share_move
            parts.append(f"{_plain(m.points)} points of share from {ws.display_name(Member, m.from_member)} "
                         f"to {ws.display_name(Member, m.to_member)}")
        for sid, amount in sorted(self.loans.items()):
            s = ws.get(FundingSource, sid)
            if s is not None and s.amount != amount:
                parts.append(f"{s.name} {format_gbp(amount, pence=False)} (was {format_gbp(s.amount, pence=False)})")
        market = self.market()
        if not market.is_empty():
            parts.append(market.describe())
        return ", ".join(parts) if parts else "no change"


def _plain(d: Decimal) -> str:
    """``5``, ``2.5``, ``−1``: as typed, no trailing zeros."""
    text = f"{d.normalize():f}"
    return text.replace("-", "−")


def check(ws: Workspace, w: WhatIf) -> None:
    """``ValueError`` naming the first change that cannot be made to the option as it stands."""
    option = ws.get(ConsortiumOption, w.option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {w.option_id}")
    if w.margin_pct is not None and not MARGIN_RANGE[0] <= w.margin_pct <= MARGIN_RANGE[1]:
        raise ValueError(f"the margin must be between {MARGIN_RANGE[0]}% and {MARGIN_RANGE[1]}%")
    for sid, amount in w.loans.items():
        s = ws.get(FundingSource, sid)
        if s is None or s.option_id != w.option_id or s.kind not in (FundingKind.LOAN, FundingKind.OVERDRAFT):
            raise ValueError(f"funding source {sid} is not a loan or overdraft of this option")
        if not ZERO <= amount <= MAX_LOAN:
            raise ValueError(f"{s.name}: a loan's amount is between £0 and £1,000,000,000,000")
    if w.share_move is not None and w.share_move.points:
        m = w.share_move
        for mid in (m.from_member, m.to_member):
            member = ws.get(Member, mid)
            if member is None or member.option_id != w.option_id:
                raise ValueError(f"member {mid} is not a member of this option")
        if m.points < 0:
            raise ValueError("move a positive share (swap the members to move it the other way)")
        move_share(ws, m.from_member, m.to_member, m.points)  # its own checks: enough share to give
    w.market()  # the drivers' own checks


def option_rows(ws: Workspace, w: WhatIf) -> list[Entity]:
    """The option's rows as the what-if changes them (the option, two members, loans): what to put in a copy."""
    check(ws, w)
    option = ws.get(ConsortiumOption, w.option_id)
    assert option is not None
    rows: list[Entity] = []
    if w.margin_pct is not None and w.margin_pct != option.margin_pct:
        rows.append(replace(option, margin_pct=w.margin_pct))
    if w.share_move is not None and w.share_move.points:
        rows.extend(move_share(ws, w.share_move.from_member, w.share_move.to_member, w.share_move.points))
    for sid, amount in sorted(w.loans.items()):
        s = ws.get(FundingSource, sid)
        if s is not None and s.amount != amount:
            rows.append(replace(s, amount=amount))
    return rows


def apply(ws: Workspace, w: WhatIf) -> Workspace:
    """A scratch copy of ``ws`` with the what-if made (see the module's docstring); ``ws`` is not changed."""
    if ws.scenario is not None:
        raise ValueError("this snapshot is already a scenario's: try a what-if on the workspace as stored")
    out = ws.copy()
    for row in option_rows(ws, w):
        out.put(row)
    market = w.market()
    if market.is_empty():
        return out
    return scenarios.apply(out, w.option_id, market, name="What-if")


__all__ = ["MARGIN_RANGE", "ShareMove", "WhatIf", "apply", "check", "option_rows"]
