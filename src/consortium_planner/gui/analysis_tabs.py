"""The analysis screens shown as tabs of a consortium option, in order."""

from __future__ import annotations


def analysis_tabs() -> list[tuple[str, type]]:
    from .pricing_view import PricingView
    from .standing_view import StandingView

    return [
        ("Standing", StandingView),
        ("Pricing", PricingView),
    ]
