"""The Partnership tab of a consortium option (``view.PartnershipView``): the structure advisor, money
between members, pensions, readiness and fit, due diligence and the heads of terms."""

from .view import PartnershipView

__all__ = ["PartnershipView"]
