"""The Risks tab of a consortium option: its risk register (DOMAIN §6, §9), presentation only.

* ``model``: ``RiskTableModel``, the register's rows as the record table machinery edits them (owner,
  mitigation, likelihood, impact, residuals and status in place, each edit an undo step), with the
  score, the residual score and what the analyses say now as columns of their own;
* ``rows``: the Qt-free parts: the register scored and rated (``domain.risk_register``), the risk
  matrices and the table of findings not in the register (``reports.sections.risks``, as the
  investment case shows them);
* ``view``: ``RisksView``, the tab: counts, "Refresh from the analyses" (one undoable step through
  ``WorkspaceController.seed_risks``), Add and Delete, the register, the matrices before and after
  mitigation, and the findings not in it.
"""

from .view import RisksView

__all__ = ["RisksView"]
