"""Capacity of the selected consortium option (DOMAIN §1, §5): presentation only.

Every figure, status and reason comes from ``services.analyses`` (coverage, the coverage grid,
workforce, partners, optimiser); this package only lays them out:

* ``panels``: the totals line (coverage %, required, allocated, shortfall, gaps/thin/covered as
  badges), the analysis's warnings and the "Optimise allocation…" button; the workforce notes; the
  partners page (organisations outside the option ranked by how much of its gap they fill, each
  with an "Add to option" button);
* ``heat_map``: the Coverage tab, ``reports.sections.capacity.coverage_heatmap(grid)`` rendered by
  ``document_model.HeatMapModel`` (service lines × areas, every lot taken together, each cell
  coloured covered / thin / gap / not required), and below it the selected cell explained;
* ``charts``: the Members tab's chart of allocated volume against capacity now and with growth;
* ``rows``: the tables (members, workforce per member and per service line, partners, the
  optimiser's proposal) as document ``Table``s, with no Qt;
* ``proposal``: ``ProposalDialog``, the optimiser's proposal against the current allocation,
  applied as one undoable edit;
* ``view``: ``CapacityView``, the tab itself.
"""

from .charts import UtilisationChart
from .proposal import ProposalDialog
from .rows import ProposalRow, proposal_rows
from .view import CapacityResult, CapacityView

__all__ = ["CapacityResult", "CapacityView", "ProposalDialog", "ProposalRow", "UtilisationChart", "proposal_rows"]
