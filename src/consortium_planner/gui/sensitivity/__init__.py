"""The Sensitivity tab of a consortium option: the tornado of a chosen output and the break-evens
(``services/sensitivity.py``), computed off the UI thread with progress and Cancel."""

from .view import SensitivityView, TornadoChart

__all__ = ["SensitivityView", "TornadoChart"]
