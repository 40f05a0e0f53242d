"""The analysis screens shown as tabs of a consortium option, in order."""

from __future__ import annotations


def analysis_tabs() -> list[tuple[str, type]]:
    from .capacity import CapacityView
    from .cashflow import CashFlowView
    from .evaluation_view import EvaluationView
    from .lots_view import LotsView
    from .markets_view import MarketsView
    from .partnership import PartnershipView
    from .pricing import PricingView
    from .risks import RisksView
    from .sensitivity import SensitivityView
    from .simulation_view import SimulationView
    from .social_value_view import SocialValueView
    from .standing_view import StandingView

    return [
        ("Capacity", CapacityView),
        ("Standing", StandingView),
        ("Pricing", PricingView),
        ("Evaluation", EvaluationView),
        ("Lots", LotsView),
        ("Social value", SocialValueView),
        ("Cash flow", CashFlowView),
        ("Markets", MarketsView),
        ("Sensitivity", SensitivityView),
        ("Simulation", SimulationView),
        ("Risks", RisksView),
        ("Partnership", PartnershipView),
    ]
