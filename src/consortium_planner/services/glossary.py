"""The glossary that ships with the program (``resources/help/glossary.toml``): every metric, test and mark.

``terms()`` lists the entries in order; ``lookup(text)`` finds the entry a label names (its name or another
name it goes by, case and a trailing unit or colon ignored) so any screen can put the definition in a
figure's tooltip; ``markdown()`` is the whole glossary for the Help window. Offline: read from the package.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Term", "lookup", "markdown", "terms"]


@dataclass(frozen=True, slots=True)
class Term:
    name: str
    aka: tuple[str, ...]
    text: str


@lru_cache(maxsize=1)
def terms() -> tuple[Term, ...]:
    raw = resources.files("consortium_planner").joinpath("resources", "help", "glossary.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    return tuple(Term(t["name"], tuple(t.get("aka", ())), t["text"]) for t in data["term"])


def _norm(text: str) -> str:
    text = re.sub(r"\s*\((?:£|%|×|months|years|£/[a-z]+)[^)]*\)\s*$", "", text.strip())
    return text.rstrip(":").strip().casefold()


@lru_cache(maxsize=1)
def _index() -> dict[str, Term]:
    out: dict[str, Term] = {}
    for t in terms():
        for name in (t.name, *t.aka):
            out.setdefault(_norm(name), t)
    return out


@lru_cache(maxsize=4096)
def lookup(label: str) -> Term | None:
    """The glossary entry ``label`` names, or None."""
    if not label:
        return None
    return _index().get(_norm(label))


def markdown() -> str:
    """The glossary as Markdown, alphabetically, for the Help window."""
    lines = ["# Glossary", "", "Every metric, test and mark the program shows. [V], [K] and [U] say how far to "
             "trust a figure.", ""]
    for t in sorted(terms(), key=lambda t: t.name.casefold().lstrip("[")):
        also = f" *(also: {', '.join(t.aka)})*" if t.aka else ""
        lines += [f"**{t.name}**{also}  ", t.text, ""]
    return "\n".join(lines)
