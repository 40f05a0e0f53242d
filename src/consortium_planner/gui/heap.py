"""The open workspace and Python's cyclic garbage collector.

A workspace lives as long as the window shows it, and the large one is a few hundred thousand objects (rows,
indexes, kept member lines). The collector's oldest generation scans every one of them each time it runs:
about 55–65 ms on the large workspace, on whichever thread allocates at that moment, holding the interpreter,
so an edit that met one missed its 50 ms. ``settle`` moves what is alive once a workspace has opened out of
the collector's way (``gc.freeze``): the oldest generation then scans what was made since, 15–30 ms there.
Frozen objects are still freed when nothing refers to them; only cycles among them wait until the next
``settle`` (another workspace opened, or the workspace closed), which unfreezes and collects first.
"""

from __future__ import annotations

import gc


def settle(workspace_open: bool) -> None:
    """After a workspace opens or closes: collect what the last one left, then freeze what is alive while one
    is open."""
    gc.unfreeze()
    gc.collect()
    if workspace_open:
        gc.freeze()
