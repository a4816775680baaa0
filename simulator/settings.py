"""Settings a device keeps: which state a setter changes, and the device's bounds.

Most setters follow the rule ``setX`` changes ``XState``; these do not. A gateway
refuses a value beyond the bounds the device reports in its own states (a towel
dryer's longest boost, a water heater's manual mode range).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import api_error

if TYPE_CHECKING:
    from .devices import SimDevice

SETTER_STATES: dict[str, str] = {
    "setComfortTemperature": "core:ComfortRoomTemperatureState",
    "setEcoTemperature": "core:EcoRoomTemperatureState",
    "setTowelDryerBoostModeDuration": "io:BoostDurationUserParameterState",
    "setDryingDuration": "io:DryingDurationUserParameterState",
}

# Setter: (state holding the device's minimum, state holding its maximum).
SETTER_BOUNDS: dict[str, tuple[str | None, str | None]] = {
    "setTowelDryerBoostModeDuration": (None, "io:BoostDurationMaxState"),
    "setDryingDuration": (None, "io:DryingDurationMaxState"),
    "setExpectedNumberOfShower": (
        "core:MinimalShowerManualModeState",
        "core:MaximalShowerManualModeState",
    ),
    "setTargetDHWTemperature": (
        "core:MinimalTemperatureManualModeState",
        "core:MaximalTemperatureManualModeState",
    ),
    "setWaterTargetTemperature": (
        "core:MinimalTemperatureManualModeState",
        "core:MaximalTemperatureManualModeState",
    ),
}


def _bound(device: SimDevice, state: str | None) -> Any:
    return device.value(state) if state and device.has_state(state) else None


def check_bounds(device: SimDevice, command: str, params: list[Any]) -> None:
    """Refuse, as the gateway does, a setting beyond the device's own bounds."""
    if command not in SETTER_BOUNDS:
        return
    value = params[0]
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise api_error("BAD_PARAMETERS", detail=f"{command}: value must be a number")
    low_state, high_state = SETTER_BOUNDS[command]
    low, high = _bound(device, low_state), _bound(device, high_state)
    if (low is not None and value < low) or (high is not None and value > high):
        raise api_error(
            "BAD_PARAMETERS",
            detail=f"{command}: {value} is out of the device's range {low}..{high}",
        )
