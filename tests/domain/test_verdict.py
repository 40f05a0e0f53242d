"""The verdict folds findings: blocking → do not bid, serious → bid with conditions, else bid (DOMAIN §9)."""

from decimal import Decimal as D

from consortium_planner.domain.findings import Finding, Severity
from consortium_planner.domain.verdict import Decision, verdict


def test_no_serious_finding_is_a_bid_and_warnings_do_not_change_it():
    v = verdict([Finding("capacity_thin", "2 of 5 requirements are thin.", Severity.WARNING, "Capacity"),
                 Finding("over_budget", "Year 1 is above the estimate.", Severity.INFO, "Pricing")])
    assert v.decision is Decision.BID and v.label == "Bid"
    assert v.blocking == () and v.conditions == () and v.warnings == 1
    assert verdict([]).decision is Decision.BID


def test_serious_findings_with_cures_are_conditions_with_their_figures():
    shortfall = Finding("funding_shortfall", "The funding falls £40,000.00 short.", Severity.SERIOUS, "Funding",
                        (("shortfall", D("40000.00")),), cure="Arrange £40,000 more funding.",
                        cure_figures=(("more_funding", D("40000.00")),))
    gap = Finding("capacity_gap", "Carers, North: 500 hours not allocated.", Severity.SERIOUS, "Capacity",
                  (("shortfall", D("500")),), cure="Add Org B as a partner for 500 hours a year.",
                  cure_figures=(("partner_volume", D("500")),))
    v = verdict([Finding("capacity_thin", "thin", Severity.WARNING), shortfall, gap])
    assert v.decision is Decision.BID_WITH_CONDITIONS
    assert [c.text for c in v.conditions] == ["Arrange £40,000 more funding.", "Add Org B as a partner for 500 hours a year."]
    assert v.conditions[0].figures == {"more_funding": D("40000.00")} and v.conditions[0].area == "Funding"
    assert v.blocking == () and v.serious == 2
    assert "2 conditions" in v.headline


def test_a_serious_finding_without_a_cure_is_still_a_condition():
    f = Finding("abnormally_low", "Carers: £20 a unit is abnormally low.", Severity.SERIOUS, "Pricing",
                (("unit_price", D("20")),))
    v = verdict([f])
    assert v.decision is Decision.BID_WITH_CONDITIONS
    assert v.conditions[0].text == "Resolve: " + f.message and v.conditions[0].figures == {"unit_price": D("20")}


def test_any_blocking_finding_is_do_not_bid_with_what_would_change_it_first():
    ceiling = Finding("over_ceiling", "The year-one price £110,000.00 is above the ceiling £100,000.00.",
                      Severity.BLOCKING, "Pricing", (("price", D("110000")), ("ceiling", D("100000"))),
                      cure="Cut the price by £10,000 a year.", cure_figures=(("price_cut", D("10000")),))
    wage = Finding("wage_floor", "Org A pays £11.00 an hour, below £12.71.", Severity.BLOCKING, "Pricing")
    serious = Finding("funding_shortfall", "Short by £5,000.", Severity.SERIOUS, "Funding",
                      cure="Arrange £5,000 more.", cure_figures=(("more_funding", D("5000")),))
    v = verdict([serious, ceiling, wage])
    assert v.decision is Decision.DO_NOT_BID and v.label == "Do not bid as it stands"
    assert [b.code for b in v.blocking] == ["over_ceiling", "wage_floor"]
    assert v.blocking[0].figures == {"price": D("110000"), "ceiling": D("100000")}
    # the blocking findings' cures first, then the serious ones'; a blocking finding with no cure adds none
    assert [c.text for c in v.conditions] == ["Cut the price by £10,000 a year.", "Arrange £5,000 more."]
    assert "2 blocking findings" in v.headline and "1 with a stated cure" in v.headline
