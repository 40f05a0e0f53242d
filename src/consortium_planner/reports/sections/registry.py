"""The investment case's sections, each declared once: key, title, builder, needs and position.

A declaration says everything the case needs to know about a section:

* ``key`` and ``title``: the stable name (``--sections``, the export dialog, saved choices) and the
  heading printed;
* ``build(ctx)``: the builder, a function of the ``CaseContext`` returning the section's blocks
  (or None / nothing when there is nothing to show);
* ``needs``: the analyses the section shows, any one of them enough; when none of them has a value
  the section is left out, with the reason each gave (a refusal is also listed under Risks);
* ``position``: where it goes in the document (the program's sections sit at 100, 200, … 1300;
  ``BEFORE_RISKS``, the default, puts a new one after every analysis section and before Risks).

``SECTIONS`` and ``SECTION_TITLES`` (re-exported by ``reports.case``) are live views of the
declarations, so a section registered later (a new analysis's, or a test's) appears in the export
dialog, ``--sections`` and ``build_case`` without editing them::

    register_section("verdict", "Verdict", build_verdict, needs=("verdict",), position=150)

``reports/sections/catalogue.py`` declares the program's own sections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import overload

from ...services.pipeline import REGISTRY as ANALYSES
from ..document import Block
from .context import CaseContext

__all__ = ["BEFORE_RISKS", "SECTIONS", "SECTION_REGISTRY", "SECTION_TITLES", "SectionBuilder", "SectionDeclaration",
           "SectionRegistry", "register_section"]

#: A section builder: the context in, the section's blocks out (None or nothing: leave it out).
SectionBuilder = Callable[[CaseContext], Sequence[Block] | None]

#: The default position: after every analysis section (the last, social impact, is at 1100), before Risks (1200).
BEFORE_RISKS = 1150


@dataclass(frozen=True, slots=True)
class SectionDeclaration:
    """One section of the investment case (see the module's docstring)."""

    key: str
    title: str
    build: SectionBuilder
    needs: tuple[str, ...] = ()  # analyses shown, any one enough; () builds it whatever the results
    position: int = BEFORE_RISKS


class SectionRegistry:
    """The declared sections; iterating gives them in document order (position, then registration)."""

    def __init__(self) -> None:
        self._items: dict[str, SectionDeclaration] = {}

    def register(self, declaration: SectionDeclaration, *, replace: bool = False) -> SectionDeclaration:
        key = declaration.key
        if not key or key != key.strip() or "," in key:
            raise ValueError(f"a section key must be a non-empty name without commas or outer spaces: {key!r}")
        if key in self._items and not replace:
            raise ValueError(f"a section named {key!r} is already declared")
        unknown = [n for n in declaration.needs if n not in ANALYSES]
        if unknown:
            raise ValueError(f"section {key!r} needs {', '.join(map(repr, unknown))}, which are not registered "
                             "analyses (services.pipeline.register)")
        self._items[key] = declaration  # a replaced one keeps its place among equal positions
        return declaration

    def unregister(self, key: str) -> None:
        self._items.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __getitem__(self, key: str) -> SectionDeclaration:
        try:
            return self._items[key]
        except KeyError:
            raise KeyError(f"no section named {key!r}; known: {', '.join(self.keys())}") from None

    def __iter__(self) -> Iterator[SectionDeclaration]:
        order = {k: i for i, k in enumerate(self._items)}
        return iter(sorted(self._items.values(), key=lambda d: (d.position, order[d.key])))

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> tuple[str, ...]:
        """Every section key in document order."""
        return tuple(d.key for d in self)


SECTION_REGISTRY = SectionRegistry()


def register_section(key: str, title: str, build: SectionBuilder, *, needs: Sequence[str] = (),
                     position: int = BEFORE_RISKS, replace: bool = False) -> SectionDeclaration:
    """Declare a section of the investment case (see the module's docstring); returns the declaration.

    ``needs`` must name registered analyses. Remove a section again with ``SECTION_REGISTRY.unregister(key)``.
    """
    return SECTION_REGISTRY.register(SectionDeclaration(key, title, build, tuple(needs), position), replace=replace)


class _SectionList(Sequence[tuple[str, str]]):
    """``(key, title)`` of every declared section, in document order, as the registry holds them now."""

    def _pairs(self) -> tuple[tuple[str, str], ...]:
        return tuple((d.key, d.title) for d in SECTION_REGISTRY)

    @overload
    def __getitem__(self, index: int) -> tuple[str, str]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[str, str]]: ...

    def __getitem__(self, index):
        return self._pairs()[index]

    def __len__(self) -> int:
        return len(SECTION_REGISTRY)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._pairs())

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._pairs())

    def __repr__(self) -> str:
        return f"SECTIONS{self._pairs()!r}"


class _SectionTitles(Mapping[str, str]):
    """Each declared section's title by key (a live view of the registry)."""

    def __getitem__(self, key: str) -> str:
        if key not in SECTION_REGISTRY:
            raise KeyError(key)
        return SECTION_REGISTRY[key].title

    def __iter__(self) -> Iterator[str]:
        return iter(SECTION_REGISTRY.keys())

    def __len__(self) -> int:
        return len(SECTION_REGISTRY)

    def __repr__(self) -> str:
        return f"SECTION_TITLES{dict(self)!r}"


#: ``(key, title)`` of every section in document order (live: follows ``register_section``).
SECTIONS: Sequence[tuple[str, str]] = _SectionList()
#: Each section's title by key (live).
SECTION_TITLES: Mapping[str, str] = _SectionTitles()
