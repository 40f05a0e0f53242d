"""The investment case's own sections, each declared once, in document order.

Each line names the section's key and title, its builder (``reports/sections/<area>.py``), the
analyses it shows (any one of them enough; ``services/analyses.py`` declares them) and its position.
A new analysis's section is one more line here (its builder in its own module); ``reports/case.py``
and the renderers need no edit.
"""

from __future__ import annotations

from ...services import analyses as _analyses  # noqa: F401 - declares the analyses the sections need
from .ask import build_ask
from .assumptions import build_assumptions
from .bids import build_bid_pipeline
from .capacity import build_capacity
from .cash import build_funding, build_projection, build_returns
from .compare import build_options_considered
from .consortium import build_consortium
from .evaluation_model import build_evaluation_model
from .lots import build_lots
from .markets import build_diversification
from .narratives import build_governance, build_social_outcomes
from .opportunity import build_opportunity
from .partnership import build_partnership
from .pricing import build_pricing
from .registry import register_section
from .risks import build_risks
from .rounds import build_decision_log
from .route import build_route
from .sensitivity import PROBABILITY_BLOCKS, build_sensitivities
from .simulation import simulation_blocks
from .social import build_social_impact
from .social_value_ledger import build_social_value
from .standing import build_reserved, build_standing
from .summary import build_summary

register_section("summary", "Executive summary", build_summary, position=100)
register_section("ask", "The ask", build_ask, position=150)
register_section("consortium", "The consortium", build_consortium, position=200)
register_section("governance", "Governance, management and track record", build_governance, position=210)
register_section("options_considered", "Options considered", build_options_considered, position=250)
register_section("opportunity", "The opportunity", build_opportunity, position=300)
register_section("route", "Selection route", build_route, needs=("route",), position=320)
register_section("capacity", "Service and capacity plan", build_capacity, needs=("coverage", "workforce"),
                 position=400)
register_section("pricing", "Pricing and win analysis", build_pricing, needs=("prices",), position=500)
register_section("evaluation_model", "Evaluation model", build_evaluation_model, needs=("evaluation_model",),
                 position=520)
register_section("lots", "Lots", build_lots, needs=("lots",), position=530)
register_section("social_value", "Social value", build_social_value, needs=("social_value",), position=540)
register_section("projection", "Financial projections", build_projection, needs=("projection",), position=600)
register_section("funding", "Funding requirement and use of funds", build_funding, needs=("funding",), position=700)
register_section("returns", "Affordability and returns", build_returns, needs=("returns",), position=800)
# the Monte Carlo's probabilities, percentiles and histograms join "Sensitivities and downside" after the break-evens
PROBABILITY_BLOCKS.append(lambda ctx: simulation_blocks(r) if (r := ctx.result("risk_simulation")) is not None else ())
register_section("sensitivity", "Sensitivities and downside", build_sensitivities,
                 needs=("sensitivity", "scenarios", "risk_simulation"),
                 position=850)
register_section("diversification", "Diversification", build_diversification, needs=("markets", "concentration"),
                 position=870)
register_section("standing", "Financial standing", build_standing, needs=("standing",), position=900)
register_section("reserved", "Reserved-contract eligibility", build_reserved, needs=("standing",), position=1000)
register_section("partnership", "Partnership", build_partnership,
                 needs=("structure", "money_flows", "pensions", "readiness", "heads_of_terms"), position=1050)
register_section("social_impact", "Social impact and employee ownership", build_social_impact, position=1100)
register_section("social_outcomes", "Social outcomes", build_social_outcomes, position=1110)
register_section("risks", "Risks", build_risks, position=1200)
register_section("bid_pipeline", "Bid pipeline", build_bid_pipeline, position=1250)
register_section("assumptions", "Assumptions and sources", build_assumptions, position=1300)
register_section("decision_log", "Appendix: decision log", build_decision_log, position=1350)
