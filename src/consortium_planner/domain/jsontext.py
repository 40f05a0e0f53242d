"""JSON text a user typed or a file carried, read within bounds: never a ``RecursionError``.

``json.loads`` recurses once per level of nesting, so ``[[[[…]]]]`` a hundred thousand deep ends in a
``RecursionError`` (not a ``ValueError``) and a traceback. ``loads`` counts the nesting first (outside
strings) and refuses beyond ``MAX_DEPTH`` levels or ``MAX_CHARS`` characters with a ``ValueError``
whose message says which limit, so every caller's ``except ValueError`` holds.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32  # our settings nest three or four levels (year → rate → value)
MAX_CHARS = 1_000_000


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` in ``text``, outside strings (stops counting past ``MAX_DEPTH``)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def loads(text: str | bytes, *, what: str = "the JSON") -> Any:
    """``json.loads`` within ``MAX_CHARS`` and ``MAX_DEPTH``; ``ValueError`` (naming ``what``) otherwise."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")
    if len(text) > MAX_CHARS:
        raise ValueError(f"{what} is {len(text):,} characters long: more than the {MAX_CHARS:,} we read")
    if nesting_depth(text) > MAX_DEPTH:
        raise ValueError(f"{what} nests more than {MAX_DEPTH} levels deep: not settings this program wrote")
    return json.loads(text)
