"""Financial standing: can this consortium option pass the buyer's economic and financial tests?

Pure functions over a ``Workspace`` snapshot (DOMAIN.md §2 and §4). No Qt, no database, no I/O.
Every figure is a ``Decimal``; every result is a frozen dataclass.

Entry points
------------
``standing(ws, option_id, params)``            the whole analysis for one consortium option
``organisation_metrics(ws, org_id, tender)``   one organisation's metrics and three-year trend
``reserved_eligibility(ws, option_id)``        PA23 s33 (PCR15 reg 77) reservation for mutuals
``evaluate`` / ``evaluate_all`` / ``combine`` / ``line_items`` / ``with_extra`` /
``thresholds_for`` / ``contract_shares``       the building blocks, usable alone

Modules of this package (every public name is importable from the package itself)
-----------------------------------------------------------------------------------
``thresholds``    the enums, the thresholds and their precedence, ``StandingParams``
``items``         one year's line items, combined across organisations
``metrics``       one metric against one threshold (``evaluate``), with its sentence
``organisation``  one organisation's metrics and trend
``tested``        contract shares; who is tested under each structure; the tested entity
``cures``         for each fail: a guarantee, a bond and what it would take
``reserved``      reservation for public service mutuals (PA23 s33, PCR15 reg 77)
``analysis``      ``standing()``, its result, the overall risk and the findings

Rules chosen (documented here because the GUI, PDF and tests rely on them)
----------------------------------------------------------------------------
Figures
  * A figure that is ``None`` on the ``FinancialYear`` is *not given*. A metric needing it is
    NOT_GIVEN and says which figure is missing (and, when combined, for whom). It is never read
    as zero: enter 0 where a figure really is nil (for example inventory for a care provider).
  * Combined figures are sums of line items across the organisations tested, and ratios are
    computed on the sums, never as averages of ratios. A combined line item is not given if any
    organisation in the combination did not give it.
  * EBIT is the operating surplus (the surplus before interest and tax, as charities and CICs
    report it). EBITDA is the ``ebitda`` figure; when that is not given but the operating
    surplus and depreciation are, EBITDA = operating surplus + depreciation.
  * Net debt = borrowings − cash. Net assets = total assets − total liabilities.
    Free cash flow = operating cash flow − net capex − net interest − tax − dividends.
  * Net interest is positive when payable. Zero or negative (net interest income) means there
    is nothing to cover: interest cover is UNDEFINED, not a fail.

Units and rounding
  * Ratios (turnover ratio, current, acid, gearing, interest cover, net debt ÷ EBITDA) are
    plain numbers; operating margin and contract dependency are in percentage points
    (``Decimal("25")`` is 25 %, the program's percent convention, so a tender condition for
    them is entered as 25, not 0.25); reserves cover is in months; free cash flow and net
    assets are money.
  * Money is rounded half-even to the penny. Ratios, percentages and months are shown to 0.01,
    rounded toward the failing side (down for a minimum, up for a maximum), so a shown value
    never looks like a pass when it is a fail. Pass or fail is always decided on the exact value.

Thresholds
  * Precedence: the tender's ``FinancialCondition`` row for the metric, then (turnover ratio
    only) ``Tender.turnover_multiple``, then ``StandingParams.thresholds`` (workspace
    overrides), then ``DEFAULT_THRESHOLDS`` (DOMAIN.md §2, each with its [K]/[U] mark).
  * DOMAIN's "> 0" tests (operating margin, net assets) are strict. A tender condition is read
    as inclusive (a buyer's "at least £500k" includes £500k): ">" becomes "≥".
  * GREEN meets the threshold; AMBER misses it but meets the amber threshold; RED misses both.
    Only RED counts as a fail. A zero denominator is UNDEFINED (not a fail) unless the zero
    itself means the test cannot be met:
      current/acid ratio with no current liabilities, interest cover with no interest payable,
      operating margin with no turnover, reserves cover with no expenditure, turnover ratio
      with a zero contract value → UNDEFINED;
      gearing with zero or negative net assets → RED ("meaningless"); net debt ÷ EBITDA with
      positive net debt and zero or negative EBITDA → RED; contract dependency with a share of
      the contract but no turnover → RED.
  * Reserves cover is a charities' test: it is NOT_TESTED unless an organisation tested is a
    charity (kind CHARITY or a registered charity) or the tender sets a condition for it.

Contract shares
  * A member's share of the annual contract value (ACV) is its ``participation_pct`` of the
    ACV; if every member's participation is 0, its share of the volume allocated to members;
    if there are no allocations and only one member, all of it; otherwise not known.
  * Contract dependency of a combined entity = the sum of its organisations' shares ÷ their
    combined turnover. (Under a lead-provider structure this is the lead's own share, not the
    gross contract value that passes through it to subcontractors.)

Who is tested (DOMAIN §2, §4)
  * GO_ALONE and LEAD_PROVIDER: the lead is the contracting party and is tested alone against
    the whole ACV. A member is "relied upon" when it offers a guarantee (``guarantee`` > 0) or
    its role is GUARANTOR. PCR15 reg 63 / PA23 s22 let a bidder rely on another's standing when
    the buyer can hold that other to it (joint liability or a guarantee), so relied-upon members'
    line items are added to the lead's. Subcontractors without a guarantee are shown but not tested.
  * CONSORTIUM (unincorporated, joint and several): the members who sign the contract (roles
    LEAD and PARTNER) plus any member relied upon are combined, tested against the whole ACV.
    A warning is raised when the option's liability is not joint and several.
  * ALLIANCE: every provider (all roles except SUBCONTRACTOR and GUARANTOR) contracts with the
    commissioner for its own part, so each is tested alone against its own share of the ACV.
  * SPV, LLP, SECONDARY_COOP: the vehicle is new and has no accounts, so its standing is carried
    by its members' guarantees: the guarantors are combined and tested against the whole ACV,
    with a warning that the vehicle has no track record. With no guarantor the turnover test
    fails outright.

Risk and mitigation
  * Overall risk counts the RED results of the entities tested: 0 Low, 1 Medium, ≥ 2 High [U].
  * For each fail: a guarantee sized at ``guarantee_pct`` of the ACV tested (default 100 % [U])
    from the members not already relied upon, ranked by net assets (strongest first), saying
    whether each one's accounts, added in, would cure the fail and which members together
    would; and a performance bond of the tender's ``bond_pct`` (or ``bond_pct`` here, 10 % of
    the annual value [V]) costing ``bond_premium_pct`` of the bond a year (1.5 % [U]).
  * "What it would take": the smallest extra amount, in pence, of the line item that moves the
    metric (turnover, operating surplus, operating cash flow, net assets, current assets, EBITDA
    or free reserves), others held fixed, that takes the result out of RED (and, separately, to
    GREEN); found by search on the real test, so the amount passes and one penny less fails.
    Then the organisations in the workspace outside the option whose accounts, added in, would
    pass the test, ranked green first, then by headroom over the threshold.
"""

from __future__ import annotations

from .analysis import (
    MemberStanding,
    StandingResult,
    StandingTests,
    findings,
    risk_for,
    standing,
    standing_tests,
)
from .cures import BondOption, Closer, Fail, GuaranteeOption, GuarantorCandidate, WhatItWouldTake
from .items import LINE_ITEMS, LineItems, combine, item_label, line_items, with_extra
from .metrics import MetricResult, evaluate, evaluate_all, fmt
from .organisation import MetricTrend, OrganisationStanding, TrendPoint, YearStanding, organisation_metrics
from .reserved import ReservedCheck, ReservedEligibility, is_public_service_mutual, reserved_eligibility
from .tested import ContractShares, TestedEntity, TurnoverTest, contract_shares
from .thresholds import (
    DEFAULT_PARAMS,
    DEFAULT_THRESHOLDS,
    METRIC_INPUTS,
    Direction,
    ReservedVerdict,
    Risk,
    StandingParams,
    Status,
    Threshold,
    TrendDirection,
    Unit,
    thresholds_for,
)

__all__ = [
    "DEFAULT_PARAMS",
    "DEFAULT_THRESHOLDS",
    "LINE_ITEMS",
    "METRIC_INPUTS",
    "BondOption",
    "Closer",
    "ContractShares",
    "Direction",
    "Fail",
    "GuaranteeOption",
    "GuarantorCandidate",
    "LineItems",
    "MemberStanding",
    "MetricResult",
    "MetricTrend",
    "OrganisationStanding",
    "ReservedCheck",
    "ReservedEligibility",
    "ReservedVerdict",
    "Risk",
    "StandingParams",
    "StandingResult",
    "StandingTests",
    "Status",
    "TestedEntity",
    "Threshold",
    "TrendDirection",
    "TrendPoint",
    "TurnoverTest",
    "Unit",
    "WhatItWouldTake",
    "YearStanding",
    "combine",
    "contract_shares",
    "evaluate",
    "evaluate_all",
    "findings",
    "fmt",
    "is_public_service_mutual",
    "item_label",
    "line_items",
    "organisation_metrics",
    "reserved_eligibility",
    "risk_for",
    "standing",
    "standing_tests",
    "thresholds_for",
    "with_extra",
]
