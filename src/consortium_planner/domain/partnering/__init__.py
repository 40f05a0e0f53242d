"""Partnering: choose the vehicle, test the partners, agree the terms, with pensions and VAT by
structure (DOMAIN §4, §10).

Modules (import them directly; this package's ``__init__`` imports nothing, because
``domain.model`` and ``domain.costing`` import parts of it):

``choices``     the choices the partnering entities use (re-exported by ``domain.model``)
``vat``         VAT status of each party, the cost-sharing exemption's conditions, VAT on the flows
                between partners
``pensions``    protected pensions of TUPE cohorts: who employs them, the scheme, the extra employer
                contributions, the LGPS bond and its premium, the exit payment's range, NHS Pension
                eligibility; and the analysis with its findings
``charges``     what the stated arrangements add to the cost build-up and the projection (the hooks
                ``domain.costing`` and ``domain.projection.engine`` call)
``structures``  each structure's facts (set-up time and cost [U], governance) and the option as it
                would be under another structure (on a copy, never the stored option)
``advisor``     the structure advisor: the questions, every structure ranked with reasons and its
                effects worked out from the workspace
``flows``       money between members: monthly flows buyer → lead or vehicle → members, each member's
                cash and P&L from them
``readiness``   partner readiness and fit (Nuffield principles, culture fit, divergence, weakest links),
                due diligence, and the heads of terms
"""
