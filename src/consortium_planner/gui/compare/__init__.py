"""The Compare page: a tender's consortium options side by side, under any named scenario.

``page.ComparePage`` (the navigator's page), ``charts`` (the key figures and the cumulative cash),
``scenarios`` (the Scenarios tab: the scenarios edited live and every option's figures under each),
``work`` (only the latest request computed, off the UI thread).
"""

from .page import ComparePage

__all__ = ["ComparePage"]
