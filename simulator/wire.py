"""Values as the gateway writes them: state types, Java's numbers, cloud text."""

from __future__ import annotations

import json
import math
from typing import Any


def _type_of(value: Any) -> int:
    if isinstance(value, bool):
        return 6
    if isinstance(value, int):
        return 1
    if isinstance(value, float):
        return 2
    if isinstance(value, dict):
        return 11
    if isinstance(value, list):
        return 10
    return 3


def java_numbers(value: Any) -> Any:
    """Return ``value`` with NaN and infinities as the gateway's Java writes them.

    JSON has no such numbers: Jackson quotes them (``"NaN"``, ``"Infinity"``,
    ``"-Infinity"``).
    """
    if isinstance(value, float) and not math.isfinite(value):
        return (
            "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        )
    if isinstance(value, dict):
        return {key: java_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [java_numbers(item) for item in value]
    return value


def _as_text(value: Any) -> str:
    """Render a state value as the cloud sends it in events: a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(java_numbers(value))
    if isinstance(value, float) and not math.isfinite(value):
        return str(java_numbers(value))
    return str(value)
