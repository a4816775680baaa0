"""Device behaviour: the commands a device takes, their parameters, what they do.

A device wraps its own entry of the house (the setup JSON), so ``GET setup`` always
shows the live states. Behaviour follows from the definition and the states a device
has, so a real gateway's dump behaves without per-model code: covers move, switches
switch, heaters and valves change their setpoints, any ``setX`` updates an ``XState``.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Any

from .errors import api_error
from .settings import SETTER_STATES, check_bounds

CLOSURE = "core:ClosureState"
DEPLOYMENT = "core:DeploymentState"
TARGET_CLOSURE = "core:TargetClosureState"
OPEN_CLOSED = "core:OpenClosedState"
MOVING = "core:MovingState"
MEMORIZED = "core:Memorized1PositionState"

T_INT, T_FLOAT, T_STRING, T_BOOL = 1, 2, 3, 6

# Commands that drive a positionable device to a fixed target.
_TO_OPEN = {"open", "up"}
_TO_CLOSE = {"close", "down"}
_POSITION_COMMANDS = {"setClosure", "setPosition", "setDeployment"}
_STOP = {"stop"}
_HEATING_LEVELS = {
    "comfort",
    "comfort-1",
    "comfort-2",
    "eco",
    "frostprotection",
    "off",
    "boost",
    "auto",
}


@dataclass(frozen=True, slots=True)
class Move:
    """Drive the device's position to ``target`` (0..100) over time."""

    target: int


@dataclass(frozen=True, slots=True)
class Stop:
    """Halt the device where it is."""


@dataclass(frozen=True, slots=True)
class Change:
    """Set these states at once (an empty change still takes the command delay)."""

    states: dict[str, Any]


type Effect = Move | Stop | Change


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _bad(detail: str) -> Exception:
    return api_error("BAD_PARAMETERS", detail=detail)


class SimDevice:
    """One device of the house, with its live states."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.url: str = raw["deviceURL"]
        self.protocol, _, rest = self.url.partition("://")
        self.gateway_id = rest.split("/", 1)[0]
        definition = raw.get("definition") or {}
        self.commands: dict[str, tuple[int, bool]] = {}
        for command in definition.get("commands") or []:
            name = command.get("commandName")
            if name:
                optional = "*" in str(command.get("paramsSig", ""))
                self.commands[name] = (int(command.get("nparams", 0)), optional)
        self._definition_states: dict[str, list[str]] = {
            item.get("qualifiedName") or item.get("name"): item.get("values") or []
            for item in definition.get("states") or []
            if item.get("qualifiedName") or item.get("name")
        }
        if raw.get("states") is None:
            raw["states"] = []
        self._states: dict[str, dict[str, Any]] = {
            state["name"]: state for state in raw["states"] if "name" in state
        }
        self.position_state: str | None = (
            CLOSURE
            if CLOSURE in self._states
            else DEPLOYMENT
            if DEPLOYMENT in self._states
            else None
        )

    # -- states -------------------------------------------------------------------

    def has_state(self, name: str) -> bool:
        """Whether the device reports this state."""
        return name in self._states

    def value(self, name: str) -> Any:
        """Return a state's value (KeyError if the device has no such state)."""
        return self._states[name]["value"]

    def states(self) -> list[dict[str, Any]]:
        """Return the states as ``GET .../states`` lists them."""
        states: list[dict[str, Any]] = self.raw["states"]
        return states

    def apply(self, changes: dict[str, Any]) -> list[dict[str, Any]]:
        """Set states the device has; return the ones that changed, as event entries."""
        changed: list[dict[str, Any]] = []
        for name, value in changes.items():
            state = self._states.get(name)
            if state is None:
                continue
            new = _cast(value, state.get("type"))
            if state.get("value") != new:
                state["value"] = new
                changed.append({"name": name, "type": state["type"], "value": new})
        return changed

    def report(self, changes: dict[str, Any]) -> list[dict[str, Any]]:
        """Set states the device has; return all of them as event entries.

        What a motor told to go where it already is sends at once: its position
        and that it is not moving, changed or not.
        """
        self.apply(changes)
        return [
            {"name": name, "type": state["type"], "value": state["value"]}
            for name in changes
            if (state := self._states.get(name)) is not None
        ]

    def put_state(self, name: str, kind: int, value: Any) -> list[dict[str, Any]]:
        """Set a state, adding it if the device lacks it (tests, outside changes)."""
        if name not in self._states:
            state = {"name": name, "type": kind, "value": None}
            self.raw["states"].append(state)
            self._states[name] = state
        return self.apply({name: value})

    # -- position -----------------------------------------------------------------

    @property
    def position(self) -> int:
        """Position on the device's own scale (closure or deployment)."""
        if self.position_state is None:
            return 0
        value = self.value(self.position_state)
        return int(value) if _is_number(value) else 0

    def position_changes(self, position: int, moving: bool | None) -> dict[str, Any]:
        """States to set for a position (both scales kept equal, like screens do)."""
        changes: dict[str, Any] = {CLOSURE: position, DEPLOYMENT: position}
        if self.position_state == CLOSURE:
            changes[OPEN_CLOSED] = "closed" if position >= 100 else "open"
        else:
            changes[OPEN_CLOSED] = "closed" if position <= 0 else "open"
        if moving is not None:
            changes[MOVING] = moving
        return changes

    # -- commands -----------------------------------------------------------------

    def check(self, command: str, params: list[Any]) -> None:
        """Reject, as the gateway does, a command the device lacks or bad parameters."""
        if command not in self.commands:
            raise api_error("NO_SUCH_COMMAND", command=command)
        nparams, optional = self.commands[command]
        if len(params) < nparams or (len(params) > nparams and not optional):
            raise _bad(f"{command} expects {nparams} parameter(s), got {len(params)}")
        if self.protocol == "rts" and nparams >= 1:
            duration = params[-1]
            if not (isinstance(duration, int) and not isinstance(duration, bool)):
                raise _bad(f"{command}: RTS duration must be an integer")
            if duration < 0:
                raise _bad(f"{command}: RTS duration must be >= 0")
            return
        check_bounds(self, command, params)
        if command in _POSITION_COMMANDS or command in {
            "setOrientation",
            "setMemorized1Position",
        }:
            if not (_is_number(params[0]) and 0 <= params[0] <= 100):
                raise _bad(f"{command}: position must be a number in 0..100")
        elif command == "setHeatingLevel":
            allowed = self._allowed("io:TargetHeatingLevelState") or _HEATING_LEVELS
            if params[0] not in allowed:
                raise _bad(f"setHeatingLevel: unknown level {params[0]!r}")
        elif command == "setTargetTemperature":
            if not _is_number(params[0]):
                raise _bad("setTargetTemperature: temperature must be a number")
        elif command == "setOnOff":
            if params[0] not in ("on", "off"):
                raise _bad("setOnOff: value must be 'on' or 'off'")
        elif command == "setDerogation" and not (
            _is_number(params[0]) or isinstance(params[0], str)
        ):
            raise _bad("setDerogation: value must be a temperature or a mode")

    def _allowed(self, state: str) -> set[str]:
        return set(self._definition_states.get(state, []))

    def effect(self, command: str, params: list[Any]) -> Effect:
        """Tell what a (checked) command does, given the device's current states."""
        if self.protocol == "rts":
            return Change({})
        if self.position_state is not None:
            if command in _STOP:
                return Stop()
            target = self._target(command, params)
            if target is not None:
                return Move(target)
        return Change(self._changes(command, params))

    def _target(self, command: str, params: list[Any]) -> int | None:
        closure = self.position_state == CLOSURE
        if command in _POSITION_COMMANDS:
            return round(float(params[0]))
        if command in _TO_OPEN:
            return 0 if closure else 100
        if command in _TO_CLOSE:
            return 100 if closure else 0
        if command == "deploy":
            return 100
        if command == "undeploy":
            return 0
        if command == "my":
            memorized: Any = self._states.get(MEMORIZED, {}).get("value")
            return round(memorized) if _is_number(memorized) else 50
        return None

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command in ("on", "onWithTimer"):
            return {"core:OnOffState": "on"}
        if command == "off":
            return {
                "core:OnOffState": "off",
                "io:TargetHeatingLevelState": "off",
                "core:TargetHeatingLevelState": "off",
            }
        if command == "setHeatingLevel":
            level = params[0]
            return {
                "io:TargetHeatingLevelState": level,
                "core:TargetHeatingLevelState": level,
                "core:OnOffState": "off" if level == "off" else "on",
            }
        if command == "setDerogation":
            return _derogation(params)
        if command == "exitDerogation":
            return {"io:DerogationTypeState": "next_mode"}
        if command == "setOrientation":
            return {"core:SlateOrientationState": round(params[0])}
        if (state := SETTER_STATES.get(command)) and self.has_state(state):
            return {state: params[0]}
        if command.startswith("set") and len(params) == 1:
            return self._generic_setter(command[3:], params[0])
        return {}

    def _generic_setter(self, subject: str, value: Any) -> dict[str, Any]:
        """``setFoo(v)`` sets the first of FooState / TargetFooState the device has."""
        for name in (
            f"core:{subject}State",
            f"io:{subject}State",
            f"core:Target{subject}State",
            f"io:Target{subject}State",
        ):
            if name in self._states:
                return {name: value}
        return {}


def _derogation(params: list[Any]) -> dict[str, Any]:
    value, kind = params[0], params[1]
    if _is_number(value):
        return {
            "core:TargetTemperatureState": value,
            "core:DerogatedTargetTemperatureState": value,
            "io:DerogationTypeState": kind,
        }
    return {
        "io:DerogationHeatingModeState": value,
        "io:CurrentHeatingModeState": value,
        "io:DerogationTypeState": kind,
    }


def _cast(value: Any, kind: Any) -> Any:
    """Convert a value to the state's declared type (a float closure to an int).

    NaN and infinities stay as they are: a gateway reports them for a number
    it does not know, whatever the declared type.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return value
    if kind == T_INT and _is_number(value):
        return round(value)
    if kind == T_FLOAT and _is_number(value):
        return float(value)
    if kind == T_BOOL and isinstance(value, str):
        return value.lower() == "true"
    return value
