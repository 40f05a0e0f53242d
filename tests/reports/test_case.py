"""The investment case document model: sections, figures that reconcile with ``summary --json``, narrative."""

from __future__ import annotations

import datetime as dt
import getpass
from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from consortium_planner.domain.findings import Severity, worst
from consortium_planner.domain.model import ConsortiumOption, Organisation, Setting, Tender
from consortium_planner.domain.money import format_gbp
from consortium_planner.reports import case as case_mod
from consortium_planner.reports.case import (
    NARRATIVE_SECTIONS,
    SECTIONS,
    Chart,
    ChartKind,
    InvestmentCase,
    KeyFigures,
    Kind,
    Paragraph,
    Status,
    build_case,
    check_sections,
    format_value,
    narrative_key,
    slug,
)
from consortium_planner.reports.document import status_of
from consortium_planner.services import analyses
from consortium_planner.services.pipeline import Refusal
from consortium_planner.services.summary import summary

SPV = "Special purpose vehicle"
ON = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def case(ws, spv_id, results) -> InvestmentCase:
    return build_case(ws, spv_id, results=results, on=ON)


@pytest.fixture(scope="module")
def spv_json(ws):
    data = summary(ws)
    return next(o for o in data["consortium_options"] if o["name"] == SPV)


def key_figures(case: InvestmentCase) -> dict[str, str]:
    return next(b for b in case.section("summary").blocks if isinstance(b, KeyFigures)).as_dict()


def test_sections_of_the_demo_spv_in_document_order(case):
    keys = case.keys()
    for k in ("summary", "consortium", "opportunity", "capacity", "pricing", "standing", "reserved",
              "social_impact", "risks", "assumptions"):
        assert k in keys
    order = [k for k, _ in SECTIONS]
    assert list(keys) == sorted(keys, key=order.index)
    assert all(s.blocks for s in case.sections)
    assert [s.title for s in case.sections] == [dict(SECTIONS)[k] for k in keys]


def test_metadata_names_the_workspace_author_never_the_user(case, ws):
    m = case.metadata
    assert m.author == ws.setting("author") == "Westmarch Mutuals Partnership (demo)"
    assert SPV in m.title and m.tender in m.subject and m.consortium == SPV
    assert m.date == ON and m.creator == "Consortium Planner"
    user = getpass.getuser()
    for value in (m.title, m.subject, m.author, m.keywords):
        assert "/" not in value and "\\" not in value
        if len(user) > 3:
            assert user not in value
    assert case.running_header == f"{SPV} – {m.tender}"


def _half_even(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def shown(text: str) -> tuple[Decimal, Decimal]:
    """A key figure's money as printed (``£4.11m``, ``−£308k``, ``£4,110``): (the amount, the unit of its last digit)."""
    negative = text.startswith("−")
    body = text.lstrip("−").removeprefix("£").replace(",", "")
    scale = {"m": Decimal(1_000_000), "k": Decimal(1_000)}.get(body[-1:], Decimal(1))
    digits = body.rstrip("mk")
    places = len(digits.split(".")[1]) if "." in digits else 0
    value = Decimal(digits) * scale
    return (-value if negative else value), scale.scaleb(-places)


def equals_rounded(text: str, exact: Decimal) -> bool:
    """The printed figure is ``exact`` rounded half-even at the figure's own precision."""
    value, unit = shown(text)
    return (exact / unit).quantize(Decimal(1), rounding=ROUND_HALF_EVEN) * unit == value


def test_key_figures_equal_independent_computations_and_the_json(case, spv_json, ws, spv_id):
    """Each key figure against a computation from the workspace's rows and DOMAIN's formulas (not
    another output of the same call), then against ``summary --json``."""
    figs = key_figures(case)
    a = spv_json["analyses"]
    tender = ws.get(Tender, ws.get(ConsortiumOption, spv_id).tender_id)
    lines = a["prices"]["lines"]  # year-one unit prices, volumes and staff shares per service line
    # year-one price: Σ unit price × volume, each to the penny (DOMAIN §5)
    year_one = sum((_half_even(Decimal(x["unit_price"]) * Decimal(x["volume"])) for x in lines), Decimal(0))
    assert equals_rounded(figs["Annual price (year one)"], year_one) and figs["Annual price (year one)"] == "£4.11m"
    # contract price: price in year y = price₀ × (1 + staff share × pay + (1 − staff share) × CPI)^(y − 1)
    pay, cpi = tender.pay_indexation_pct / 100, tender.cpi_indexation_pct / 100
    term = Decimal(0)
    for year in range(1, tender.term_years + 1):
        for x in lines:
            share = Decimal(x["staff_share"])
            unit = _half_even(Decimal(x["unit_price"]) * (1 + share * pay + (1 - share) * cpi) ** (year - 1))
            term += _half_even(unit * Decimal(x["volume"]))
    assert equals_rounded(figs[f"Contract price ({tender.term_years} years)"], term)
    # volume covered: Σ min(allocated, required) ÷ Σ required, from the rows themselves
    allocated: dict[int, Decimal] = {}
    for alloc in ws.allocations(spv_id):
        allocated[alloc.requirement_id] = allocated.get(alloc.requirement_id, Decimal(0)) + alloc.volume
    reqs = ws.requirements(tender.id)
    covered = sum((min(allocated.get(r.id, Decimal(0)), r.annual_volume) for r in reqs), Decimal(0))
    required = sum((r.annual_volume for r in reqs), Decimal(0))
    assert figs["Required volume covered"] == f"{_half_even(covered * 100 / required)}%"
    # standing risk: no fails low, one medium, two or more high (DOMAIN §2), over the tested metrics
    fails = sum(1 for t in spv_json["analyses"]["standing"]["tested"] for m in t["metrics"] if m["status"] == "red")
    assert figs["Financial standing risk"] == ("Low" if fails == 0 else "Medium" if fails == 1 else "High")
    # best price: expected contribution = P(win) × (price − cost), to the penny
    best = a["evaluation"]["best"]
    assert _half_even(Decimal(best["probability"]) * (Decimal(best["price"]) - Decimal(best["cost"]))) \
        == Decimal(best["expected_contribution"])
    # and every card equals the JSON
    assert equals_rounded(figs["Annual price (year one)"], Decimal(a["prices"]["years"][0]["annual_price"]))
    assert equals_rounded(figs[f"Contract price ({tender.term_years} years)"], Decimal(a["prices"]["term_price"]))
    assert figs["Required volume covered"] == f"{Decimal(a['coverage']['covered_pct']):.2f}%"
    assert figs["Financial standing risk"] == a["standing"]["risk"].capitalize()
    win = Decimal(a["evaluation"]["win"]["probability"]) * 100
    assert 0 <= win <= 100 and figs["Win probability"] == format_value(win, Kind.PERCENT)
    assert equals_rounded(figs["Best price for expected contribution"], Decimal(best["price"]))
    assert equals_rounded(figs["Funding requirement"], Decimal(a["funding"]["requirement"]))
    assert equals_rounded(figs["NPV at 3.50%"], Decimal(a["returns"]["npv"]))


def test_tables_reconcile_with_the_summary_json(case, spv_json):
    a = spv_json["analyses"]
    pricing = case.section("pricing")
    years = pricing.table("prices_by_year")
    col = years.column("Annual price")
    for i, y in enumerate(a["prices"]["years"]):
        assert years.text(i, col) == format_gbp(Decimal(y["annual_price"]), pence=False)  # tables: whole pounds
    totals = [years.text(r, col) for r in range(len(years.rows) - years.total_rows, len(years.rows))]
    assert format_gbp(Decimal(a["prices"]["term_price"]), pence=False) in totals
    assert format_gbp(Decimal(a["prices"]["total_price"]), pence=False) in totals
    buildup = pricing.table("buildup")
    assert buildup.text(len(buildup.rows) - 1, 1) == format_gbp(Decimal(a["prices"]["buildup"]["annual_price"]),
                                                                pence=False)
    # each service line's per-unit lines add to its price per unit
    per_unit = pricing.table("per_unit")
    for c in range(1, len(per_unit.columns)):
        lines = sum((per_unit.rows[r][c].value for r in range(len(per_unit.rows) - 1)), Decimal(0))
        assert lines == per_unit.rows[-1][c].value
        assert per_unit.text(len(per_unit.rows) - 1, c) == format_gbp(per_unit.rows[-1][c].value)  # unit prices: pence
    members = case.section("consortium").table("members")
    names = [members.text(r, 0) for r in range(len(members.rows) - 1)]
    assert names == [m["organisation_name"] for m in spv_json["members"]]
    capital = members.column("Capital")
    for r, m in enumerate(spv_json["members"]):
        assert members.text(r, capital) == format_gbp(Decimal(m["capital_contribution"]), pence=False)


def test_standing_table_is_red_amber_green_per_member_and_tested_entity(case, results):
    s = case.section("standing")
    standing = results["standing"]
    first = s.table("standing")
    heads = [c.title for c in first.columns]
    assert heads[2].startswith("Tested")
    every = [c.title for t in s.tables() if t.key.startswith("standing") for c in t.columns[2:]]
    assert len(every) == len(standing.tested) + len(standing.members)
    statuses = {cell.status for t in s.tables() if t.key.startswith("standing") for row in t.rows for cell in row[2:]}
    assert {Status.GREEN, Status.RED} <= statuses  # Westmarch Care Mutual's turnover ratio fails on its own
    thresholds = case.section("assumptions").table("thresholds")
    sources = {thresholds.text(r, 2) for r in range(len(thresholds.rows))}
    assert "[K]" in sources and "[U]" in sources


def test_capacity_heat_map_and_charts(case, results):
    s = case.section("capacity")
    heat = s.chart("coverage_heatmap")
    assert heat is not None and heat.kind is ChartKind.HEATMAP
    coverage = results["coverage"]
    cells = [v for series in heat.series for v in series.values if v is not None]
    assert len(cells) == len(coverage.requirements)
    assert all(st is Status.AMBER for series in heat.series for st in series.statuses if st is not None)
    util = s.chart("utilisation")
    assert util.kind is ChartKind.BAR and util.y_title.endswith("(%)") and util.value_count() > 0
    assert s.table("workforce").text(len(s.table("workforce").rows) - 1, 1) == "90.10"


def test_pricing_charts_carry_axis_titles_with_units(case):
    for chart in case.section("pricing").charts():
        assert chart.value_count() > 0, chart.key
        assert chart.y_title and chart.x_title
    win = case.section("pricing").chart("win_probability")
    assert win.kind is ChartKind.LINE and "(%)" in win.y_title and "(£)" in win.x_title
    assert len(win.x_values) == len(win.series[0].values)


def test_a_section_whose_analysis_is_missing_is_left_out(ws, spv_id, monkeypatch):
    real = analyses.analyse_option

    def without_standing(w, option_id):
        out = dict(real(w, option_id))
        out.pop("standing")
        return out

    monkeypatch.setattr(analyses, "analyse_option", without_standing)
    built = build_case(ws, spv_id, on=ON)
    assert "standing" not in built.keys() and "reserved" not in built.keys()
    assert {"summary", "pricing", "capacity"} <= set(built.keys())
    assert dict(built.left_out)["standing"] == "standing: not run"
    assert "Financial standing risk" not in key_figures(built)
    assert "Financial standing" not in "\n".join(s.text() for s in built.sections if s.key != "assumptions")


def test_a_failed_analysis_is_left_out_and_named_under_risks(ws, spv_id, results):
    broken = dict(results)
    broken["prices"] = Refusal("prices", "no cost profile for homecare")
    broken.pop("evaluation")
    built = build_case(ws, spv_id, results=broken, on=ON)
    assert "pricing" not in built.keys()
    assert "no cost profile for homecare" in dict(built.left_out)["pricing"]
    risks = built.section("risks").table("risks")
    assert any("no cost profile for homecare" in risks.text(r, 2) for r in range(len(risks.rows)))
    assert "Annual price (year one)" not in key_figures(built)


def test_projection_sections_follow_the_analyses(ws, spv_id, results):
    without = {k: v for k, v in results.items() if k not in ("projection", "funding", "returns")}
    built = build_case(ws, spv_id, results=without, on=ON)
    assert not {"projection", "funding", "returns"} & set(built.keys())
    if "funding" not in results or isinstance(results["funding"], dict):
        pytest.skip("the projection analyses are not in analyse_option yet")
    full = build_case(ws, spv_id, results=results, on=ON)
    assert {"projection", "funding", "returns"} <= set(full.keys())
    assert equals_rounded(key_figures(full)["Funding requirement"], results["funding"].requirement)
    uses = full.section("funding").table("uses")
    assert uses.text(len(uses.rows) - 1, 1) == format_gbp(results["funding"].requirement, pence=False)
    assert sum((r[1].value for r in uses.rows[:-1]), Decimal(0)) == results["funding"].requirement


def test_chosen_sections_only_and_unknown_keys_refused(ws, spv_id, results):
    built = build_case(ws, spv_id, sections=["standing", "summary"], results=results, on=ON)
    assert built.keys() == ("summary", "standing")
    with pytest.raises(ValueError, match="unknown section 'bogus'"):
        build_case(ws, spv_id, sections=["summary", "bogus"], results=results)
    with pytest.raises(ValueError, match="no sections"):
        check_sections([" "])
    with pytest.raises(ValueError, match="no consortium option"):
        build_case(ws, 9999)


def test_narrative_from_the_workspace_and_overridden(ws, spv_id, results):
    assert narrative_key(spv_id, "executive_summary") == f"narrative.{spv_id}.executive_summary"
    assert {n for n, _, _ in NARRATIVE_SECTIONS} >= {"executive_summary", "rationale", "social_impact", "governance"}
    w = ws.copy()
    w.put(Setting(id=9001, key=narrative_key(spv_id, "executive_summary"), value="Five mutuals, one vehicle.\n\nWe ask "
                  "the board to approve the bid."))
    w.put(Setting(id=9002, key=narrative_key(spv_id, "governance"), value="A board of one director per owner."))
    built = build_case(w, spv_id, results=results, on=ON)
    summary_paras = [b.text for b in built.section("summary").blocks if isinstance(b, Paragraph)]
    assert summary_paras[:2] == ["Five mutuals, one vehicle.", "We ask the board to approve the bid."]
    assert "A board of one director per owner." in built.section("governance").text()
    assert "A board of one director per owner." not in built.section("consortium").text()
    over = build_case(w, spv_id, results=results, on=ON, narrative={"executive_summary": "Replaced."})
    assert [b.text for b in over.section("summary").blocks if isinstance(b, Paragraph)][0] == "Replaced."


def test_risks_collect_the_analyses_warnings(case, results):
    risks = case.section("risks").table("risks")
    text = "\n".join(risks.text(r, 2) for r in range(len(risks.rows)))
    assert "above the budget ceiling" in text  # the SPV is priced over the ceiling
    for w in results["standing"].warnings:
        assert w in text
    levels = [risks.rows[r][1].status for r in range(len(risks.rows))]
    order = [Status.RED, Status.AMBER, Status.GREY, Status.GREEN]
    assert levels == sorted(levels, key=order.index)


def test_assumptions_list_rates_with_provenance(case, ws):
    rates = case.section("assumptions").table("rates")
    labels = [rates.text(r, 0) for r in range(len(rates.rows))]
    assert "National Living Wage (21 and over)" in labels
    row = labels.index("National Living Wage (21 and over)")
    assert rates.text(row, 1) == "£12.71 an hour" and rates.text(row, 2) == "[V]"
    assert "Low Pay Commission" in rates.text(row, 3)


def test_user_text_is_kept_as_written(ws, spv_id, results):
    w = ws.copy()
    member = w.members(spv_id)[0]
    org = w.get(Organisation, member.organisation_id)
    import dataclasses

    w.put(dataclasses.replace(org, name="A<B & C"))
    built = build_case(w, spv_id, on=ON)
    members = built.section("consortium").table("members")
    assert members.text(0, 0) == "A<B & C"


def test_formatting_and_slugs():
    assert format_value(Decimal("1234.5"), Kind.MONEY) == "£1,234"  # half-even: tables in whole pounds
    assert format_value(Decimal("1235.5"), Kind.MONEY) == "£1,236"
    assert format_value(Decimal("-3"), Kind.MONEY) == "−£3"
    assert format_value(Decimal("1234.5"), Kind.PRICE) == "£1,234.50"  # unit prices and rates: the penny
    assert format_value(Decimal("-3"), Kind.PRICE) == "−£3.00"
    assert format_value(Decimal("12.345"), Kind.PERCENT) == "12.34%"
    assert format_value(None, Kind.MONEY) == "–"
    assert slug("Special purpose vehicle") == "special-purpose-vehicle"
    assert slug("A<B & C / Ltd") == "a-b-c-ltd"
    assert isinstance(case_mod.Chart, type) and Chart is case_mod.Chart


def test_colours_of_prices_and_key_figures_agree_with_the_findings(ws):
    """A year's price and the key figures are coloured from the results; the colour is the one its
    finding's severity gives (over the ceiling red, over a ceiling fixed in cash in a later year amber, over
    the estimate only grey), in every demo option."""
    seen = set()
    for option in ws.options():
        results = analyses.analyse_option(ws, option.id)
        case = build_case(ws, option.id, results=results, on=ON)
        prices = results.findings(["prices"])

        def year_severity(n: int, prices=prices, schedule=results["prices"]):
            yearly = worst(f for f in prices if f.code in ("ceiling_affordability", "over_budget")
                           and f.message.startswith(f"Year {n}:"))
            evaluated = schedule.price_evaluated.value == "year_one" and n == 1 and any(
                f.code == "over_ceiling" for f in prices)
            return Severity.BLOCKING if evaluated else yearly

        table = case.section("pricing").table("prices_by_year")
        price, headroom = table.column("Annual price"), table.column("Headroom to budget")
        for i, year in enumerate(results["prices"].years):
            severity = year_severity(year.number)
            want = status_of(severity) if severity is not None else None
            seen.add(want)
            assert table.rows[i][price].status == want, (option.name, year.number)
            assert table.rows[i][headroom].status == (want if year.headroom is not None and year.headroom < 0
                                                      else None), (option.name, year.number)
        figures = {f.label: f for b in case.section("summary").blocks if isinstance(b, KeyFigures) for f in b.items}
        price_findings = [f for f in results.findings() if f.code in (
            "over_ceiling", "no_winning_price_covers_cost", "ceiling_affordability", "over_budget")]
        expected = status_of(worst(price_findings)) if price_findings else (
            None if results["prices"].partial else Status.GREEN)
        assert figures["Annual price (year one)"].status == expected, option.name
        funding = results.findings(["funding"])
        assert (figures["Funding requirement"].status is Status.RED) == any(f.severity.red for f in funding)
    assert {None, Status.GREY, Status.AMBER} <= seen  # within budget, over the estimate, over a fixed ceiling later


def test_risk_levels_are_the_findings_severities(case, results):
    risks = case.section("risks").table("risks")
    severities = {f.message: f.severity for f in results.findings()}
    for r in range(len(risks.rows)):
        severity = severities.get(risks.text(r, 2).split(" The same holds in")[0])
        if severity is not None:
            assert risks.text(r, 1) == severity.label
            assert risks.rows[r][1].status is status_of(severity)
