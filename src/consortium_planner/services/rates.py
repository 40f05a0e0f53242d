"""Reference rates: read the packaged ``resources/rates.toml`` and apply a workspace's overrides.

The file is parsed with ``tomllib`` (decimals read exactly as ``Decimal``, never float) and
turned into a ``domain.rates.RateTable``. Overrides are a dict in the same shape as the file's
``years`` table (see ``domain.rates.apply_overrides``); where a workspace keeps them is the
session's business.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

from ..domain.rates import RatesError, RateTable, parse_rates
from ..domain.rates import apply_overrides as _apply_overrides

__all__ = ["RATES_RESOURCE", "RatesError", "apply_overrides", "load_reference_rates", "override_text", "parse_rates_text"]

RATES_RESOURCE = "resources/rates.toml"


def parse_rates_text(text: str) -> RateTable:
    """A RateTable from TOML text in the shape of ``resources/rates.toml``."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise RatesError(f"rates file: {exc}") from exc
    return parse_rates(data)


@lru_cache(maxsize=1)
def load_reference_rates() -> RateTable:
    """The reference rates shipped with the program (cached: the table is immutable)."""
    text = resources.files("consortium_planner").joinpath(RATES_RESOURCE).read_text(encoding="utf-8")
    return parse_rates_text(text)


def apply_overrides(table: RateTable, overrides: Mapping[str, Any] | None) -> RateTable:
    """``table`` with a workspace's overrides applied; ``None`` or ``{}`` returns it unchanged.

    ``overrides``: ``{"2026/27": {"national_living_wage": "12.80", "real_living_wage": {"value":
    "13.60", "source": "Board decision", "effective": "2026-05-01"}}}``; numbers may be text,
    ``int`` or ``Decimal``. Changed rates are marked overridden; new years are added.
    """
    if not overrides:
        return table
    return _apply_overrides(table, overrides)


def override_text(current: str, year: str, name: str, value: Decimal | None, *,
                  source: str = "Set in this workspace") -> str:
    """The workspace's overrides (JSON text, as the ``rates_overrides`` setting holds them) with ``name`` in
    ``year`` set to ``value`` — or back to the shipped rate when ``value`` is None. Checked by applying it to
    the reference rates (``RatesError`` naming the rate if it is refused); "" when no override is left."""
    import json

    from ..domain import jsontext

    data: dict[str, Any] = {}
    if current.strip():
        loaded = jsontext.loads(current, what="the reference-rate overrides")
        if not isinstance(loaded, dict):
            raise RatesError("the reference-rate overrides must map years to rates")
        data = {str(k): dict(v) for k, v in loaded.items() if isinstance(v, dict)}
    rates = data.setdefault(year, {})
    if value is None:
        rates.pop(name, None)
    else:
        rates[name] = {"value": format(value, "f"), "source": source}
    data = {y: r for y, r in sorted(data.items()) if r}
    apply_overrides(load_reference_rates(), data)  # refused here, naming the rate, if it is not a rate
    return json.dumps(data, indent=1, ensure_ascii=False) if data else ""
