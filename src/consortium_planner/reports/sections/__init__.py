"""Each analysis presented once as the neutral document model (``reports/document.py``).

A module per analysis area builds its tables and charts from the analysis results; the investment
case, the option workbook's value sheets and the GUI's analysis tables all take them from here.
"""
