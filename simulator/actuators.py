"""Lights, locks, sirens and alarm controllers: what their commands change.

Each model answers its commands with the states a real device of its kind
reports afterwards (names and values from real gateway dumps and pyoverkiz's
enums). Anything a model does not know falls back to the generic behaviour.
"""

from __future__ import annotations

from typing import Any

from .devices import Effect, Move, SimDevice, _bad, _is_number

ON_OFF = "core:OnOffState"
INTENSITY = "core:LightIntensityState"
MEMORIZED = "core:Memorized1PositionState"
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
        if command == "my" and self.has_state(MEMORIZED):  # the favourite intensity
            self._last_intensity = round(self.value(MEMORIZED))
            return self._lit(self._last_intensity)
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


# A ring sequence's parameters, by the device definition's prototype: the
# duration in ms, the sound pattern, its repetitions, the volume.
_RING_DURATION = (100, 204_600)
_RING_PATTERN = (0, 100)
_RING_REPEATS = (0, 1022)
_RING_VOLUMES = ("highest", "standard", "memorizedVolume")
_RING_FOREVER = ("noRepetition", "unlimited")


def _in(value: Any, bounds: tuple[int, int]) -> bool:
    return isinstance(value, int) and bounds[0] <= value <= bounds[1]


class Siren(SimDevice):
    """A siren: rings until told off (the sequence's own end is not modelled)."""

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse a ring sequence outside the definition's prototype."""
        super().check(command, params)
        if command != "ringWithSingleSimpleSequence":
            return
        duration, pattern, repeats, volume = params
        if not (_in(duration, _RING_DURATION) or duration == "defaultDuration"):
            raise _bad(f"{command}: duration {duration!r} is not 100..204600 ms")
        if not _in(pattern, _RING_PATTERN):
            raise _bad(f"{command}: sound pattern {pattern!r} is not 0..100")
        if not (_in(repeats, _RING_REPEATS) or repeats in _RING_FOREVER):
            raise _bad(f"{command}: repetitions {repeats!r} are not 0..1022")
        if volume not in _RING_VOLUMES:
            raise _bad(f"{command}: unknown volume {volume!r}")

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


class OrientableBlind(SimDevice):
    """A venetian blind that moves and then orients its slats in one command.

    ``setClosureAndOrientation(closure, orientation)``: the blind travels, and
    once there the slats turn; a move cut short leaves them as they were.
    """

    _orient: tuple[int, int] | None = None  # (closure, orientation) pending

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse a closure or an orientation outside 0..100."""
        super().check(command, params)
        if command == "setClosureAndOrientation" and not all(
            _is_number(p) and 0 <= p <= 100 for p in params[:2]
        ):
            raise _bad(f"{command}: closure and orientation are numbers in 0..100")

    def effect(self, command: str, params: list[Any]) -> Effect:
        """Travel to the closure; the orientation waits for the end of the move."""
        if command == "setClosureAndOrientation":
            self._orient = (round(params[0]), round(params[1]))
            return Move(self._orient[0])
        return super().effect(command, params)

    def position_changes(self, position: int, moving: bool | None) -> dict[str, Any]:
        """States at a position; at the end of a full move, the slats' too."""
        changes = super().position_changes(position, moving)
        if moving is False and self._orient is not None:
            target, orientation = self._orient
            self._orient = None
            if position == target:
                changes["core:SlateOrientationState"] = orientation
        return changes


_SASHES = {"upper": "core:Upper", "lower": "core:Lower"}


class DualShutter(SimDevice):
    """A roller shutter with two sashes, each with its own closure."""

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse a sash closure outside 0..100."""
        super().check(command, params)
        if command in ("setUpperClosure", "setLowerClosure") and not (
            _is_number(params[0]) and 0 <= params[0] <= 100
        ):
            raise _bad(f"{command}: closure must be a number in 0..100")

    def _sash(self, sash: str, closure: int) -> dict[str, Any]:
        prefix = _SASHES[sash]
        return {
            f"{prefix}ClosureState": closure,
            f"{prefix}OpenClosedState": "closed" if closure >= 100 else "open",
        }

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        for sash in _SASHES:
            if command == f"{sash}Open":
                return self._sash(sash, 0)
            if command == f"{sash}Close":
                return self._sash(sash, 100)
            if command == f"set{sash.title()}Closure":
                return self._sash(sash, round(params[0]))
        if command in ("open", "close"):
            closure = 0 if command == "open" else 100
            return {**self._sash("upper", closure), **self._sash("lower", closure)}
        return super()._changes(command, params)


_AIR_FLOWS = ("core:AirInputState", "core:AirOutputState", "core:AirTransferState")


class Ventilation(SimDevice):
    """A ventilation unit: off stops the air, on brings back the last flow."""

    _last_flow = 50

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse an air flow outside 0..100."""
        super().check(command, params)
        if command.startswith("setAir") and not (
            _is_number(params[0]) and 0 <= params[0] <= 100
        ):
            raise _bad(f"{command}: air flow must be a number in 0..100")

    def _flow(self) -> str | None:
        return next((name for name in _AIR_FLOWS if self.has_state(name)), None)

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        flow = self._flow()
        if flow is None:
            return super()._changes(command, params)
        if command == "off":
            if self.value(flow):
                self._last_flow = self.value(flow)
            return {flow: 0}
        if command == "on":
            return {flow: self._last_flow}
        if command.startswith("setAir"):
            return {flow: round(params[0])}
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
    "PositionableDualRollerShutter": DualShutter,
    "VentilationInlet": Ventilation,
    "VentilationOutlet": Ventilation,
    "VentilationTransfer": Ventilation,
}
"""Models by widget."""

ACTUATOR_CLASS_MODELS: dict[str, type[SimDevice]] = {
    "Light": Light,
    "DoorLock": DoorLock,
    "Siren": Siren,
    "VenetianBlind": OrientableBlind,
    "ExteriorVenetianBlind": OrientableBlind,
}
"""Models by UI class, for widgets not listed above."""
