"""The one boundary where exact figures become chart coordinates.

QtCharts plots doubles. Ledger figures stay Decimal everywhere else (domain, storage, tables,
reports); a chart turns them into screen positions here and nowhere else, and never writes,
sums or shows the float it gets back — labels and tooltips always use the Decimal.
"""

from __future__ import annotations

from decimal import Decimal


def plot(value: Decimal | int | float | None) -> float:
    """A chart coordinate for ``value`` (None plots as 0)."""
    return 0.0 if value is None else float(value)
