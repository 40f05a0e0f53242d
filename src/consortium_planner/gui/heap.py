"""The open workspace and Python's cyclic garbage collector.

A workspace lives as long as the window shows it, and the large one is a few hundred thousand objects (rows,
indexes, kept member lines). The collector's oldest generation scans every one of them each time it runs:
about 55–65 ms on the large workspace, on whichever thread allocates at that moment, holding the interpreter,
so an edit that met one missed its 50 ms. ``settle`` moves what is alive once a workspace has opened out of
the collector's way (``gc.freeze``): the oldest generation then scans what was made since, 15–30 ms there.
Frozen objects are still freed when nothing refers to them; only cycles among them wait until the next
``settle`` (another workspace opened, or the workspace closed), which unfreezes and collects first.

While a workspace is open the youngest generation is collected every ``YOUNG`` new objects, not Python's 700.
The analyses make and drop hundreds of thousands of small objects (rows of results, tuples, frames): at 700,
six edits of the large workspace, each followed by every analysis of its largest option, met 1,579
collections of the youngest generation, 143 of the middle one and 13 of the oldest (each about 23 ms), 654 ms
in all of 8.5 s; at 50,000 they met three collections, 25 ms in all, the longest 9 ms (``bench_gc.py``). An
edit's own figures (tens of milliseconds, a few thousand objects) now seldom meet one at all. Garbage in
cycles waits a little longer to be freed: at most ``YOUNG`` objects' worth.
"""

from __future__ import annotations

import gc

#: the youngest generation's threshold while a workspace is open (Python's default is 700)
YOUNG = 50_000
#: the thresholds before any workspace opened, put back when it closes
_DEFAULT = gc.get_threshold()


def settle(workspace_open: bool) -> None:
    """After a workspace opens or closes: collect what the last one left, then freeze what is alive while one
    is open, and collect the young less often."""
    gc.unfreeze()
    gc.collect()
    if workspace_open:
        gc.freeze()
        gc.set_threshold(YOUNG, *_DEFAULT[1:])
    else:
        gc.set_threshold(*_DEFAULT)
