"""Pricing of the selected consortium option (DOMAIN §3 and §5): presentation only.

Every figure comes from ``services.analyses`` (``prices``: the price schedule and its cost
build-up; ``evaluation``: our bid against the competitors the bid team assumes; ``score_curve``:
every bid's total score against our price), the same analyses ``consortium-planner summary --json``
runs. The package:

* ``headline``: always visible, year one's annual price against the budget and the ceiling, our
  score and rank, win probability, the highest price that still wins, the price that maximises
  expected contribution, the quality score needed, and the schedule's findings, each shown in its
  own severity (``Finding.severity`` through ``reports.document.status_of``);
* ``panels``: the cost build-up per unit of one service line (a waterfall chart and the table of
  its lines, which add up to the price), the prices by contract year with break-even volumes and
  the abnormally-low test, and the assumptions (editable, undoable) with the reference rates;
* ``charts``: the scores (each bid, and the total score against our price) and the win probability
  and expected contribution against our price;
* ``rows``: the tables as document ``Table``s, with no Qt;
* ``view``: ``PricingView``, the tab itself.
"""

from .headline import PricingHeadline, PricingResult
from .panels import ALL_LINES
from .view import PricingView

__all__ = ["ALL_LINES", "PricingHeadline", "PricingResult", "PricingView"]
