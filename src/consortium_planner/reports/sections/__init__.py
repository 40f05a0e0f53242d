"""Each analysis presented once as the neutral document model (``reports/document.py``).

A module per analysis area builds its tables and charts from the analysis results; the investment
case, the option workbook's value sheets and the GUI's analysis tables all take them from here.

* ``context.py``: ``CaseContext``, what every section builder reads, and shared text helpers;
* ``registry.py``: ``register_section`` and the live ``SECTIONS`` / ``SECTION_TITLES``;
* ``catalogue.py``: the investment case's own sections, each declared once, in document order;
* ``summary``, ``consortium``, ``opportunity``, ``capacity``, ``pricing``, ``cash`` (projection,
  funding and returns), ``standing`` (standing and reserved eligibility), ``social``, ``risks``,
  ``assumptions``: the builders.

Adding an analysis's section: a module here with its ``build(ctx) -> list[Block]``, and one
``register_section(key, title, build, needs=(analysis,), position=...)`` line in ``catalogue.py``;
``reports/case.py``, the PDF, the export dialog and ``--sections`` need no edit. (A section can also be
registered at run time, as ``tests/reports/test_registry.py`` does.)
"""
