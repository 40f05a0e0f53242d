"""Anonymising a workspace: names replaced consistently, free text dropped, money scaled (pure).

``anonymise(ws, scale=..., keep_text=...)`` returns a new list of entities (same ids, same links) in
which

* every **name** is replaced by an alias, the same alias wherever the name appears: organisations
  become "Organisation A", "Organisation B", … (in id order); buyers "Buyer A"; tenders "Tender 1";
  competitors "Competitor 1"; TUPE cohorts' current employers "Employer A" (unless the employer is
  already a buyer or an organisation); risk owners (people or posts) "Owner 1"; areas "Area 1";
* every other **text field** (option, lot, funding and capital item names, role names, areas served,
  a risk's seed key…) has each original name in it replaced by its alias: the whole name first, then
  the name less a legal suffix ("… CIC", "… Ltd"), then each *distinctive token* of it (below);
* **free text** (every long-text field, and notes, descriptions, evidence, positions, security) is
  dropped unless ``keep_text``; kept text gets the same replacement as any text field;
* **money** (every money field) is multiplied by ``scale`` and rounded to the penny. Everything else
  is kept: volumes, headcounts, FTE, percentages, ratios, scores, dates. Scaling money alone keeps
  every ratio (current ratio, gearing, margins, the turnover test), so the verdicts read the same;
* **settings** keep only the discount rate and its source; the author ("Prepared by"), the logo, the
  title, narratives and remembered mappings are dropped, and a title naming the tender's alias is set.

The distinctive-token rule (also what ``original_names`` returns for the scan): a word of an original
name of four or more letters that is not a generic word of organisations' names (``GENERIC_WORDS``:
community, health, care, mutual, council…) and not a word of any service line or unit in the workspace.
So "Westmarch Care Mutual" yields "Westmarch"; "Peer Pathways CIC" yields "Pathways" (its "Peer" is a
word of the service line "Mental health peer support"). A name shorter than that (e.g. "ABC Ltd") is
still matched as a whole.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal

from .fields import Kind, specs
from .model import (
    Capacity,
    Competitor,
    CostProfile,
    Entity,
    Organisation,
    Requirement,
    Risk,
    RoundScore,
    Setting,
    Tender,
    TupeCohort,
    key,
)
from .workspace import Workspace

__all__ = ["GENERIC_WORDS", "FREE_TEXT_FIELDS", "KEPT_SETTINGS", "Anonymised", "AnonymiseError",
           "anonymise", "original_names"]

#: Words too common in organisations' names to identify one on their own.
GENERIC_WORDS = frozenset("""
    association alliance and care carers centre centres charity charitable child children city community
    company companies consortium cooperative co-operative council councils county district east enterprise
    enterprises foundation group groups health healthcare home homes housing leisure limited ltd mutual
    mutuals national network north partnership partnerships people plc regional services service social
    society south support team trust trusts wellbeing west youth young vale valley borough metropolitan
    from with their this that integrated local projects project sport sports club clubs centre trading
    authority authorities combined board
    development services ventures institute agency agencies public private general family families
""".split())

#: Free text: dropped unless kept (besides every LONGTEXT field).
FREE_TEXT_FIELDS = frozenset({"notes", "note", "description", "evidence", "position", "security", "mitigation",
                              "feedback", "plan"})

#: Records of particular meetings, not of the case: left out of a copy (a round's frozen figures are text,
#: so scaling could not reach them, and its attendees are people).
NOT_COPIED = frozenset({"decision_round", "round_figure"})

#: Settings an anonymised copy keeps (everything else, e.g. author, logo_path, narratives, is dropped).
KEPT_SETTINGS = frozenset({"discount_rate", "discount_rate_source"})
TITLE_KEY = "title"
PENNY = Decimal("0.01")
LEGAL_SUFFIXES = ("cic", "ltd", "limited", "plc", "llp", "cio", "inc", "ltd.")


class AnonymiseError(ValueError):
    """The anonymisation cannot be done as asked (e.g. a scale factor that is not a positive number)."""


@dataclasses.dataclass(frozen=True)
class Anonymised:
    rows: list[Entity]
    aliases: dict[str, str]  # original name → alias (organisations, buyers, tenders, competitors, areas, owners…)
    tokens: dict[str, str]  # distinctive token (casefolded) → alias it is replaced by


def _letters(n: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", text)


def _choice_words() -> set[str]:
    """Every word of every choice's stored value and label (a choice column is never rewritten, so no word
    of one can count as a name's distinctive word: "combined" is a buyer type)."""
    from .model import ENTITIES

    words: set[str] = set()
    for cls in ENTITIES:
        for spec in specs(cls).values():
            if spec.kind is Kind.CHOICE and spec.choices is not None:
                for member in spec.choices:
                    text = f"{member.value} {getattr(member, 'label', '')}".replace("_", " ")
                    words.update(w.casefold() for w in _words(text))
    return words


def _vocabulary(ws: Workspace) -> set[str]:
    words: set[str] = set(_choice_words())
    lines = [f"{r.service_line} {r.unit}" for r in ws.iter(Requirement)]
    lines += [f"{c.service_line} {c.unit}" for c in ws.iter(Capacity)]
    lines += [f"{p.service_line} {p.unit}" for p in ws.iter(CostProfile)]
    for line in lines:
        for w in _words(line):
            words.add(w.casefold())
    return words


def _areas(ws: Workspace) -> list[str]:
    seen: dict[str, str] = {}
    for r in ws.iter(Requirement):
        seen.setdefault(key(r.area), r.area.strip())
    for c in ws.iter(Capacity):
        seen.setdefault(key(c.area), c.area.strip())
    for o in ws.iter(Organisation):
        for a in [o.home_area, *o.areas_served.split(";")]:
            if a.strip():
                seen.setdefault(key(a), a.strip())
    for t in ws.iter(TupeCohort):
        if t.area.strip():
            seen.setdefault(key(t.area), t.area.strip())
    return list(seen.values())


def _name_aliases(ws: Workspace) -> dict[str, str]:
    """Every name to replace (by ``key``) → its alias; first come, first named, so aliases are stable."""
    aliases: dict[str, str] = {}
    originals: dict[str, str] = {}

    def name(text: str, prefix: str, counter: list[int], letters: bool) -> None:
        k = key(text)
        if not k or k in aliases:
            return
        n = counter[0]
        counter[0] += 1
        aliases[k] = f"{prefix} {_letters(n) if letters else n + 1}"
        originals[k] = text

    orgs, buyers, tenders, rivals, employers, owners, areas = ([0] for _ in range(7))
    for o in sorted(ws.iter(Organisation), key=lambda o: o.id or 0):
        name(o.name, "Organisation", orgs, True)
    for t in sorted(ws.iter(Tender), key=lambda t: t.id or 0):
        name(t.buyer, "Buyer", buyers, True)
        name(t.name, "Tender", tenders, False)
    for c in sorted(ws.iter(Competitor), key=lambda c: c.id or 0):
        name(c.name, "Competitor", rivals, False)
    for s in sorted(ws.iter(RoundScore), key=lambda s: s.id or 0):  # rivals named only in a bidding round
        if not s.ours:
            name(s.bidder, "Competitor", rivals, False)
    for cohort in sorted(ws.iter(TupeCohort), key=lambda t: t.id or 0):
        name(cohort.current_employer, "Employer", employers, True)
    for r in sorted(ws.iter(Risk), key=lambda r: r.id or 0):
        name(r.owner, "Owner", owners, False)
    for a in _areas(ws):
        name(a, "Area", areas, False)
    return {originals[k]: v for k, v in aliases.items()}


def _variants(name: str) -> list[str]:
    """The name, less a trailing legal suffix, and with '&' read as 'and' (and back)."""
    out = [name]
    words = name.split()
    if len(words) > 1 and words[-1].casefold().strip(".") in LEGAL_SUFFIXES:
        out.append(" ".join(words[:-1]))
    for v in list(out):
        if "&" in v:
            out.append(v.replace("&", "and"))
        elif re.search(r"\band\b", v):
            out.append(re.sub(r"\band\b", "&", v))
    return out


def _tokens(aliases: Mapping[str, str], vocabulary: set[str]) -> dict[str, str]:
    tokens: dict[str, str] = {}
    for original, alias in aliases.items():
        if alias.startswith("Owner"):
            continue  # a post ("Chair of the board") is not searched for word by word
        for w in _words(original):
            f = w.casefold()
            if len(f) >= 4 and f not in GENERIC_WORDS and f not in vocabulary and f not in tokens:
                tokens[f] = alias
    return tokens


def original_names(ws: Workspace) -> list[str]:
    """What an anonymised copy of ``ws`` must not contain anywhere: every name and distinctive token."""
    aliases = _name_aliases(ws)
    names = {v for n in aliases for v in _variants(n)}
    return sorted(names | set(_tokens(aliases, _vocabulary(ws))), key=str.casefold)


def _replacer(aliases: Mapping[str, str], tokens: Mapping[str, str]):
    lookup: dict[str, str] = {}
    for original, alias in aliases.items():
        for v in _variants(original):
            lookup.setdefault(key(v), alias)
    for t, alias in tokens.items():
        lookup.setdefault(t, alias)
    if not lookup:
        return lambda text: text
    patterns = sorted(lookup, key=len, reverse=True)  # the whole name before a token of it
    rx = re.compile(r"(?<![\w])(" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in patterns)
                    + r")(?![\w])", re.IGNORECASE)

    def replace(text: str) -> str:
        return rx.sub(lambda m: lookup[key(m.group(1))], text)

    return replace


def _scaled(value: Decimal | None, scale: Decimal) -> Decimal | None:
    if value is None or scale == 1:
        return value
    return (value * scale).quantize(PENNY, rounding=ROUND_HALF_EVEN)


def anonymise(ws: Workspace, *, scale: Decimal | int | str = 1, keep_text: bool = False,
              entities: Iterable[type[Entity]] | None = None) -> Anonymised:
    """An anonymised copy of ``ws``'s rows (see the module's docstring); ``AnonymiseError`` on a bad scale."""
    try:
        factor = Decimal(str(scale))
    except ArithmeticError:
        raise AnonymiseError(f"scale factor {scale!r} is not a number") from None
    if not factor.is_finite() or factor <= 0:
        raise AnonymiseError(f"scale factor {scale!r} must be a number above zero")
    if factor > 1000 or factor < Decimal("0.001"):
        raise AnonymiseError(f"scale factor {scale!r} is out of range (0.001 to 1000)")
    aliases = _name_aliases(ws)
    tokens = _tokens(aliases, _vocabulary(ws))
    replace = _replacer(aliases, tokens)
    from .model import ENTITIES

    rows: list[Entity] = []
    tender_alias = ""
    for cls in (ENTITIES if entities is None else tuple(entities)):
        if cls.entity_name in NOT_COPIED:
            continue
        for row in sorted(ws.iter(cls), key=lambda r: r.id or 0):
            if cls is Setting:
                assert isinstance(row, Setting)
                if row.key in KEPT_SETTINGS:
                    rows.append(row)
                continue
            changes: dict[str, object] = {}
            for fname, spec in specs(cls).items():
                value = getattr(row, fname)
                if spec.kind in (Kind.MONEY,) and isinstance(value, Decimal):
                    changes[fname] = _scaled(value, factor)
                elif spec.kind in (Kind.TEXT, Kind.LONGTEXT) and isinstance(value, str) and value:
                    free = spec.kind is Kind.LONGTEXT or fname in FREE_TEXT_FIELDS
                    changes[fname] = "" if free and not keep_text else replace(value)
            new = dataclasses.replace(row, **changes)  # type: ignore[arg-type]
            if isinstance(new, Tender) and not tender_alias:
                tender_alias = new.name
            rows.append(new)
    next_id = max((r.id or 0 for r in rows if isinstance(r, Setting)), default=0) + 1
    rows.append(Setting(id=next_id, key=TITLE_KEY,
                        value=f"Anonymised case study: {tender_alias}" if tender_alias else "Anonymised case study"))
    return Anonymised(rows, aliases, tokens)
