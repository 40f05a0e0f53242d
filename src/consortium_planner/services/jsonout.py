"""Turn domain values and analysis results into JSON-ready data.

Stable snake_case keys (dataclass field names), Decimals as decimal strings exactly as the
domain holds them (money is quantized to the penny by the domain, so it prints as ``"1234.50"``),
enums by value, dates as ISO 8601. Never float.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .pipeline import NotApplicable, Refusal


def to_jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        # Only simulation internals are floats; they should not reach here, but never lose them.
        return repr(value)
    if isinstance(value, Refusal):
        return {"error": value.reason} if value.because is None else {"error": value.reason, "because": value.because}
    if isinstance(value, NotApplicable):
        return {"not_applicable": value.reason}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k if not isinstance(k, enum.Enum) else k.value): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    raise TypeError(f"cannot put {type(value).__name__} into JSON")
