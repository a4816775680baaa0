"""Typed reading of device states.

Tolerant: a cloud event may carry a float where the setup had an int, or a
string where the local API has a number.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyoverkiz.models import Device


def state_value(device: Device | None, name: str | None) -> Any:
    """Return a state's value, or None when the device or state is missing."""
    if device is None or name is None or (state := device.states.get(name)) is None:
        return None
    return state.value


def as_float(value: Any) -> float | None:
    """Return a number state as a float (None for anything else).

    NaN and infinities (``"NaN"``, ``"-Infinity"`` from the gateway) mean the
    device does not know: None too.
    """
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except TypeError, ValueError:
        return None
    return number if math.isfinite(number) else None


def as_int(value: Any) -> int | None:
    """Return a number state rounded to an int (None for anything else)."""
    number = as_float(value)
    return None if number is None else round(number)


def as_str(value: Any) -> str | None:
    """Return a text state (None when absent)."""
    return None if value is None else str(value)
