"""Behaviour of the control device kinds whose commands need more than the generic.

Gates that stop at a pedestrian opening, doors with a partial opening, screens with a
favourite alias and a heating interface that switches to cooling; ``models.py``
chooses them by widget. What the gateway refuses is refused with its error.
"""

from __future__ import annotations

from typing import Any

from .climate_models import SomfyHeatingInterface
from .devices import CLOSURE, SimDevice, _bad

PEDESTRIAN = "core:OpenClosedPedestrianState"
PARTIAL = "core:OpenClosedPartialState"
MEMORIZED = "core:Memorized1PositionState"
INTENSITY = "core:LightIntensityState"
ACTIVE_ZONES = "core:ActiveZonesState"
OPERATING_MODE = "core:OperatingModeState"
HEATING_INTERFACE_MODE = "ovp:HeatingTemperatureInterfaceOperatingModeState"
# Where a partial opening leaves a positionable door (closure).
PARTIAL_CLOSURE = 80


class PedestrianGate(SimDevice):
    """A gate without a position: fully open, open for a pedestrian, or closed."""

    _TARGETS = {
        "open": "open",
        "close": "closed",
        "setPedestrianPosition": "pedestrian",
    }

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command in self._TARGETS and self.has_state(PEDESTRIAN):
            return {PEDESTRIAN: self._TARGETS[command]}
        return super()._changes(command, params)


class PartialDoor(SimDevice):
    """A positionable door with a partial opening; it tells which it is at."""

    def _target(self, command: str, params: list[Any]) -> int | None:
        if command == "partialPosition":
            return PARTIAL_CLOSURE
        return super()._target(command, params)

    def position_changes(self, position: int, moving: bool | None) -> dict[str, Any]:
        """Add open, closed or partial to what the position changes."""
        changes = super().position_changes(position, moving)
        if self.has_state(PARTIAL) and self.position_state == CLOSURE:
            changes[PARTIAL] = (
                "open" if position <= 0 else "closed" if position >= 100 else "partial"
            )
        return changes


class AliasScreen(SimDevice):
    """A screen whose favourite position is its alias 1 (``goToAlias``)."""

    def _target(self, command: str, params: list[Any]) -> int | None:
        if command == "goToAlias":
            favourite = self.value(MEMORIZED) if self.has_state(MEMORIZED) else 50
            return round(favourite)
        return super()._target(command, params)


class HeatingInterface(SomfyHeatingInterface):
    """A Somfy heating interface that also switches between heating and cooling."""

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse an operating mode the definition does not list."""
        super().check(command, params)
        allowed = self._allowed(HEATING_INTERFACE_MODE)
        if command == "setOperatingMode" and allowed and params[0] not in allowed:
            raise _bad(f"setOperatingMode: unknown mode {params[0]!r}")

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command == "setOperatingMode":
            return {HEATING_INTERFACE_MODE: params[0]}
        return super()._changes(command, params)


CONTROL_MODELS: dict[str, type[SimDevice]] = {
    "DiscreteGateWithPedestrianPosition": PedestrianGate,
    "SlidingDiscreteGateWithPedestrianPosition": PedestrianGate,
    "OpenCloseGateWithPedestrianPosition": PedestrianGate,
    "OpenCloseSlidingGateWithPedestrianPosition": PedestrianGate,
    "OpenCloseSlidingGarageDoorWithPedestrianPosition": PedestrianGate,
    "PositionableGarageDoorWithPartialPosition": PartialDoor,
    "DynamicScreen": AliasScreen,
    "SomfyHeatingTemperatureInterface": HeatingInterface,
}
"""Models by widget."""
