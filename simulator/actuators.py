"""Lights, locks, sirens and alarm controllers: what their commands change.

Each model answers its commands with the states a real device of its kind
reports afterwards (names and values from real gateway dumps and pyoverkiz's
enums). Anything a model does not know falls back to the generic behaviour.
"""

from __future__ import annotations

from typing import Any

from .devices import SimDevice, _bad, _is_number

ON_OFF = "core:OnOffState"
INTENSITY = "core:LightIntensityState"
RGB = ("core:RedColorIntensityState", "core:GreenColorIntensityState")
RGB_STATES = (*RGB, "core:BlueColorIntensityState")


class Light(SimDevice):
    """An on/off or dimmable light; a dimmer reports 0 % while off."""

    _last_intensity = 100

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse intensities outside 0..100 and colours outside 0..255."""
        super().check(command, params)
        if command in ("setIntensity", "setIntensityWithTimer") and not (
            _is_number(params[0]) and 0 <= params[0] <= 100
        ):
            raise _bad(f"{command}: intensity must be a number in 0..100")
        if command == "setRGB" and not all(
            _is_number(p) and 0 <= p <= 255 for p in params[:3]
        ):
            raise _bad("setRGB: each colour must be a number in 0..255")

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command == "setOnOff":
            command = "on" if params[0] == "on" else "off"
        if command in ("on", "onWithTimer"):
            return self._lit(self._last_intensity)
        if command == "off":
            if self.has_state(INTENSITY) and self.value(INTENSITY):
                self._last_intensity = self.value(INTENSITY)
            return {ON_OFF: "off", INTENSITY: 0}
        if command in ("setIntensity", "setIntensityWithTimer"):
            level = round(params[0])
            if level == 0:
                return {ON_OFF: "off", INTENSITY: 0}
            self._last_intensity = level
            return self._lit(level)
        if command == "setRGB":
            colours = dict(zip(RGB_STATES, (round(p) for p in params[:3]), strict=True))
            return {**self._lit(self._last_intensity), **colours}
        return super()._changes(command, params)

    def _lit(self, level: int) -> dict[str, Any]:
        return {ON_OFF: "on", INTENSITY: level}


class DoorLock(SimDevice):
    """A motorised lock: lock / unlock / setLockedUnlocked."""

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command in ("lock", "unlock"):
            return {"core:LockedUnlockedState": f"{command}ed"}
        return super()._changes(command, params)


class Siren(SimDevice):
    """A siren: rings until told off (the sequence's own end is not modelled)."""

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command.startswith("ring") or command == "on":
            return {ON_OFF: "on"}
        if command == "off":
            return {ON_OFF: "off"}
        return super()._changes(command, params)


_TSK_MODES = {"alarmOff": "off", "disarm": "off", "off": "off", "arm": "total"}
_TSK_MODES |= {"on": "total", "alarmPartial1": "partial1", "alarmPartial2": "partial2"}


class TskAlarm(SimDevice):
    """The box's own alarm: target mode, reached at once; intrusion on demand."""

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse a mode the definition does not list."""
        super().check(command, params)
        allowed = self._allowed("internal:TargetAlarmModeState")
        if command == "setTargetAlarmMode" and allowed and params[0] not in allowed:
            raise _bad(f"setTargetAlarmMode: unknown mode {params[0]!r}")

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        mode = params[0] if command == "setTargetAlarmMode" else _TSK_MODES.get(command)
        if mode is not None:
            changes = {
                "internal:TargetAlarmModeState": mode,
                "internal:CurrentAlarmModeState": mode,
            }
            if mode == "off":
                changes["internal:IntrusionDetectedState"] = "notDetected"
            return changes
        if command == "alarmOn":
            return {"internal:IntrusionDetectedState": "detected"}
        return super()._changes(command, params)


class StatefulAlarm(SimDevice):
    """An IO alarm with zones A, B, C: ``alarmZoneOn("A,B")`` arms those zones."""

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse zones other than A, B and C."""
        super().check(command, params)
        if command == "alarmZoneOn" and not _zones(params[0]):
            raise _bad("alarmZoneOn: zones are a list of A, B and C")

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        zones = {"alarmOff": "", "disarm": "", "alarmOn": "A,B,C", "arm": "A,B,C"}
        if command == "alarmZoneOn":
            return {"core:ActiveZonesState": ",".join(_zones(params[0]))}
        if command in zones:
            return {"core:ActiveZonesState": zones[command]}
        return super()._changes(command, params)


def _zones(value: Any) -> list[str]:
    parts = [part.strip() for part in str(value).split(",")]
    if not parts or any(part not in ("A", "B", "C") for part in parts):
        return []
    return sorted(set(parts))


class MyFoxAlarm(SimDevice):
    """A Somfy Protect (MyFox) alarm: arm, partial, disarm."""

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        status = {"arm": "armed", "partial": "partial", "disarm": "disarmed"}
        if command in status:
            return {"myfox:AlarmStatusState": status[command]}
        if command == "setAlarmStatus":
            return {"myfox:AlarmStatusState": params[0]}
        if command == "trespass":
            return {"core:IntrusionState": "detected"}
        return super()._changes(command, params)


class AlarmPanel(SimDevice):
    """A Verisure alarm panel: arm, day and night partial arming, disarm."""

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        arm_type = {
            "arm": "armed",
            "armPartialDay": "armedDay",
            "armPartialNight": "armedNight",
            "disarm": "disarmed",
        }
        if command in arm_type:
            return {"verisure:AlarmPanelMainArmTypeState": arm_type[command]}
        return super()._changes(command, params)


ACTUATOR_MODELS: dict[str, type[SimDevice]] = {
    "DimmerLight": Light,
    "StatefulOnOffLight": Light,
    "DoorLock": DoorLock,
    "IOSiren": Siren,
    "TSKAlarmController": TskAlarm,
    "StatefulAlarmController": StatefulAlarm,
    "MyFoxAlarmController": MyFoxAlarm,
    "AlarmPanelController": AlarmPanel,
}
"""Models by widget."""

ACTUATOR_CLASS_MODELS: dict[str, type[SimDevice]] = {
    "Light": Light,
    "DoorLock": DoorLock,
    "Siren": Siren,
}
"""Models by UI class, for widgets not listed above."""
